"""`python -m okra_dash sync` and `report`, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from okra_dash.cli.main import main
from tests.conftest import REVIEW, write_csv_folder

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", "okra_dash", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=120)


def test_sync_exits_0_and_counts_rows_and_issues(tmp_path):
    result = run("sync", "--source", str(REVIEW), "--db", str(tmp_path / "okra.duckdb"))
    assert result.returncode == 0, result.stderr
    assert "7 key results" in result.stdout
    assert "\n1 data issue (see" in result.stdout  # one issue, one "issue"


def test_the_database_defaults_to_okra_db_then_okra_duckdb_in_the_working_directory(tmp_path):
    assert run("sync", "--source", str(REVIEW), cwd=tmp_path).returncode == 0
    assert (tmp_path / "okra.duckdb").is_file()
    env_db = tmp_path / "elsewhere.duckdb"
    assert run("sync", "--source", str(REVIEW), cwd=tmp_path, env={"OKRA_DB": str(env_db)}).returncode == 0
    assert env_db.is_file()


@pytest.mark.parametrize("make_source, message", [
    (lambda tmp: str(tmp / "missing.xlsx"), "There is no file"),
    (lambda tmp: str(write_csv_folder(tmp / "no-krs", {"Teams": [["Team", "Mode"]]})), "no 'Objectives' tab"),
    (lambda tmp: "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "No Google credentials"),
], ids=["missing-file", "missing-tab", "sheet-without-credentials"])
def test_an_unusable_source_exits_2_with_one_sentence_and_the_database_unchanged(tmp_path, make_source, message):
    db = tmp_path / "okra.duckdb"
    assert run("sync", "--source", str(REVIEW), "--db", str(db)).returncode == 0
    before = db.read_bytes()
    env = {"GOOGLE_APPLICATION_CREDENTIALS": "", "HOME": str(tmp_path)}
    result = run("sync", "--source", make_source(tmp_path), "--db", str(db), cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_report_json_has_every_field_of_the_contract(review_db, capsys):
    assert main(["report", "--db", str(review_db), "--as-of", "2026-01-31"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2026-01-31"
    kr = next(kr for kr in data["key_results"] if kr["kr_id"] == "KR-B")
    assert {"kr_id", "objective_id", "value_stream", "team", "mode", "current", "progress", "expected",
            "status", "stalled"} <= kr.keys()
    assert (kr["current"], kr["progress"], kr["status"], kr["stalled"]) == (40.0, 0.25, "on track", ["no movement"])
    stream = data["value_streams"][0]
    assert {"value_stream", "cycle", "progress", "expected", "status", "key_results"} <= stream.keys()
    assert set(data["split"]) == {"OKR", "KPI", "Unknown"}
    now, before = data["headline"]["now"], data["headline"]["last week"]
    assert (now["on_track"], now["off_track"], now["stalled"], before["on_track"]) == (5, 2, 4, 4)
    assert data["split"]["KPI"]["checkin_discipline"] == pytest.approx(0.4)
    assert {"teams", "key_results", "progress", "on_track_share", "checkin_discipline"} <= data["split"]["OKR"].keys()
    assert data["issues"] == [{"tab": "Key results", "row": 7, "column": "Team", "value": "Gamma",
                               "problem": "team 'Gamma' is not in the Teams tab; it counts as mode Unknown",
                               "kind": "unknown_team"}]


def test_report_thresholds_and_cycle_can_be_set_on_the_command_line(review_db, capsys):
    main(["report", "--db", str(review_db), "--as-of", "2026-01-31", "--cycle", "2026-S",
          "--on-track-margin", "0", "--at-risk-margin", "0"])
    data = json.loads(capsys.readouterr().out)
    assert data["cycles"] == ["2026-S"]
    assert [kr["kr_id"] for kr in data["key_results"]] == ["KR-G"]
    assert data["key_results"][0]["status"] == "on track"  # 0.167 >= 0.144


def test_the_markdown_digest_gives_headline_streams_stalls_changes_and_issues(review_db, capsys):
    main(["report", "--db", str(review_db), "--as-of", "2026-01-31", "--format", "markdown"])
    digest = capsys.readouterr().out
    assert ("Cycle 2026-Q1 (2026-01-01 to 2026-03-31), 34% of the way through; "
            "2026-S (2026-01-05 to 2026-07-04), 14% of the way through.") in digest
    # Both cycles: A, B, C, F, G on track now; a week ago A, B, C, G. Stalled now B, C, D, E; then D, E, F.
    assert "- 5 of 7 key results on track (+1 since last week), 0 at risk, 2 off track." in digest
    assert "- 0 of 3 value streams behind pace (as last week)." in digest
    assert "- 4 key results stalled (+1 since last week)." in digest
    assert "- Stores: 33% against 34% expected, on track (3 key results)" in digest
    assert "- KR-D Calls answered in 1 minute (Hotline, Stores): no movement, flat at zero; 4 weeks" in digest
    assert "\nWhat changed since last week\n----------------------------\n" in digest
    assert "off track → on track" in digest
    assert "\nBusy without results\n" in digest and "- KR-E " in digest
    assert "\nData issues to fix (1)\n" in digest
    assert "- KPI teams: 1 team, 2 key results, progress 0%, 0% on track, check-in discipline 40%" in digest
    # Pasted into an e-mail as plain text it reads as written: no tables, no bold markers, no # headings.
    assert "|" not in digest and "**" not in digest and "\n#" not in digest


def test_report_without_a_database_exits_2_and_says_how_to_sync(tmp_path):
    result = run("report", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 2
    assert "sync --source demo" in result.stderr


def test_a_bad_as_of_date_is_refused_by_the_parser(review_db, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--db", str(review_db), "--as-of", "31/01/2026"])
    assert exit_info.value.code == 2
    assert "not a date like" in capsys.readouterr().err


@pytest.mark.parametrize("args, says", [
    (("--on-track-margin", "nan"), "On track margin must be a share between 0 and 1, not nan."),
    (("--at-risk-margin", "inf"), "At risk margin must be a share between 0 and 1, not inf."),
    (("--at-risk-margin", "0.05"), "At risk margin (0.05) cannot be tighter than on track margin (0.1)"),
    (("--movement-checkins", "0"), "Movement checkins must be a whole number of at least 1, not 0."),
    (("--cycle", "2031-Q7"), "There is no cycle '2031-Q7' in the synced workbook (its cycles: 2026-Q1, 2026-S)."),
    (("--as-of", "2026-02-30"), "'2026-02-30' is not a date like 2026-11-22"),
    (("--no-checkin-days", "two"), "invalid int value: 'two'"),
], ids=["nan", "inf", "at-risk-tighter", "zero-count", "unknown-cycle", "bad-date", "not-a-number"])
def test_a_report_asked_for_the_impossible_is_refused_in_one_sentence(args, says, review_db):
    result = run("report", "--db", str(review_db), *args)
    assert result.returncode == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("okra-dash: ") and says in lines[0], result.stderr
    assert result.stdout == ""


CONTROL = "\x1b[2J\x1b]0;pwned\x07\x9b31m"  # clear screen, set window title, bell, a C1 CSI


def test_control_characters_from_cells_never_reach_the_terminal_or_the_digest(tmp_path, tabs):
    tabs["Key results"][1][3] = f"Weekly{CONTROL} active"
    tabs["Teams"][1][0] = f"Alpha{CONTROL}"
    for row in tabs["Key results"][1:3]:
        row[2] = f"Alpha{CONTROL}"
    tabs["Check-ins"][2][5] = f"4{CONTROL}0"  # a bad value: its issue shows what was typed
    folder = write_csv_folder(tmp_path / "book", tabs)
    db = str(tmp_path / "okra.duckdb")
    outputs = [run("sync", "--source", str(folder), "--db", db)]
    outputs += [run("report", "--db", db, "--as-of", "2026-01-31", "--format", fmt) for fmt in ("json", "markdown")]
    for result in outputs:
        assert result.returncode == 0, result.stderr
        text = result.stdout + result.stderr
        assert not [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F], repr(text)
    data = json.loads(outputs[1].stdout)
    kr = next(kr for kr in data["key_results"] if kr["kr_id"] == "KR-A")
    assert kr["key_result"] == f"Weekly{CONTROL} active"  # JSON holds it as typed, escaped by JSON itself
    assert kr["mode"] == "OKR"  # the team still matches its row in Teams
    assert any(issue["value"] == f"4{CONTROL}0" for issue in data["issues"])
    assert "“4␛\\[2J␛\\]0;pwned␇\ufffd31m0”: the value is not a number" in outputs[2].stdout
