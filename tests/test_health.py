"""Health key results (Keep above / Keep below) against figures worked out by hand, from a typed .xlsx.

As of Monday 2026-02-16 in 2026-Q1 (Jan 1 - Mar 31: 46 of 89 days gone, expected 46/89 = 0.5169).
Stream Support holds health KRs only; stream Growth mixes one pace KR with one health KR.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from okra_dash.figures import report
from okra_dash.sync import sync
from tests.conftest import review_of, write_xlsx

AS_OF = dt.date(2026, 2, 16)
WEEKS = [dt.date(2026, 1, 26), dt.date(2026, 2, 2), dt.date(2026, 2, 9), dt.date(2026, 2, 16)]
EXPECTED = 46 / 89

WORKBOOK = {
    "Teams": [["Team", "Mode", "Champion"], ["Hotline", "KPI", "Femi"], ["Squad", "OKR", "Ana"]],
    "Objectives": [["Objective ID", "Cycle", "Value stream", "Objective"],
                   ["O1", "2026-Q1", "Support", "Customers reach us"], ["O2", "2026-Q1", "Growth", "More customers"]],
    "Key results": [["KR ID", "Objective ID", "Team", "Key result", "Start", "Target", "Unit", "Type"],
                    ["H-ABOVE", "O1", "Hotline", "Answer rate", 88, 90, "%", "Keep above"],
                    ["H-BELOW", "O1", "Hotline", "Minutes on hold", 30, 30, "min", "keep below"],  # Target = Start
                    ["H-SILENT", "O1", "Hotline", "Agents on shift", 5, 4, "agents", "Keep above"],
                    ["P1", "O2", "Squad", "New customers", 0, 100, "", "Outcome"],
                    ["H2", "O2", "Squad", "Repeat-order rate", 50, 60, "%", "Keep above"],
                    ["FLAT", "O2", "Squad", "Outcome with Target = Start", 5, 5, "", "Outcome"]],
    "Check-ins": [["KR ID", *WEEKS],
                  ["H-ABOVE", "", 91, 91, 91],  # steady above the line: good news, never "no movement"
                  ["H-BELOW", "", "", 28, 31],  # above its line now: breached
                  ["P1", "", 10, 20, 30],
                  ["H2", "", "", "", 55]],
    "Actions": [["KR ID", "Action", "Status"], ["H2", "Win-back mail", "Done"], ["H2", "Loyalty card", "Done"],
                ["H2", "Survey", "Done"]],
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("health")
    db = folder / "okra.duckdb"
    sync(str(write_xlsx(folder / "health.xlsx", WORKBOOK)), db)
    return db


@pytest.fixture(scope="module")
def krs(db):
    return review_of(db, AS_OF).frame("key_results").set_index("kr_id")


@pytest.mark.parametrize(("kr_id", "current", "status", "stalled"), [
    ("H-ABOVE", 91, "on track", []),  # 91 >= 90
    ("H-BELOW", 31, "off track", []),  # 31 > 30
    ("H-SILENT", 5, "on track", ["no check-in"]),  # no check-in: current = Start = 5 >= 4; only no check-in applies
    ("H2", 55, "off track", []),  # 55 < 60
])
def test_a_health_kr_is_on_track_while_on_the_right_side_of_its_line(krs, kr_id, current, status, stalled):
    kr = krs.loc[kr_id]
    assert (kr["current"], kr["status"], list(kr["stalled"])) == (current, status, stalled)
    assert kr["health"]
    assert kr["progress"] != kr["progress"] and kr["expected"] != kr["expected"]  # no pace: null
    assert kr["projected_end"] != kr["projected_end"]


def test_a_pace_kr_beside_them_is_measured_as_before(krs):
    assert krs.loc["P1", "progress"] == pytest.approx(0.30)
    assert krs.loc["P1", "expected"] == pytest.approx(EXPECTED)
    assert krs.loc["P1", "status"] == "at risk"  # 0.30 < 0.5169 - 0.10, >= 0.5169 - 0.25


def test_target_equal_to_start_is_allowed_for_health_krs_only(db, krs):
    assert "H-BELOW" in krs.index and "FLAT" not in krs.index
    issues = review_of(db, AS_OF).frame("issues")
    assert list(issues["kind"]) == ["target_equals_start"]
    assert list(issues["row"]) == [7]


def test_value_streams_average_pace_krs_and_count_health_krs_kept_and_breached(db):
    streams = review_of(db, AS_OF).frame("value_streams").set_index("value_stream")
    support, growth = streams.loc["Support"], streams.loc["Growth"]
    assert support["progress"] != support["progress"] and support["expected"] != support["expected"]
    assert (support["status"], support["kept"], support["breached"], support["key_results"]) == ("off track", 2, 1, 3)
    assert growth["progress"] == pytest.approx(0.30) and growth["expected"] == pytest.approx(EXPECTED)
    assert (growth["status"], growth["kept"], growth["breached"]) == ("at risk", 0, 1)
    assert bool(support["behind"]) and bool(growth["behind"])  # off track and at risk are both behind


def test_a_stream_of_health_krs_with_none_breached_is_on_track(tmp_path):
    book = {**WORKBOOK, "Check-ins": [["KR ID", *WEEKS], ["H-ABOVE", "", 91, 91, 91], ["H-BELOW", "", "", 28, 29],
                                      ["H-SILENT", "", "", "", 6]]}
    db = tmp_path / "okra.duckdb"
    sync(str(write_xlsx(tmp_path / "kept.xlsx", book)), db)
    support = review_of(db, AS_OF).frame("value_streams").set_index("value_stream").loc["Support"]
    assert (support["status"], support["kept"], support["breached"]) == ("on track", 3, 0)
    assert not support["behind"]


def test_the_split_averages_pace_krs_and_counts_every_kr_by_status(db):
    split = review_of(db, AS_OF).frame("split").set_index("mode")
    assert list(split.index) == ["OKR", "KPI"]  # every team is in the Teams tab: no Unknown row
    kpi, okr = split.loc["KPI"], split.loc["OKR"]
    assert kpi["key_results"] == 3 and kpi["progress"] != kpi["progress"]  # health KRs only: no pace
    assert kpi["on_track_share"] == pytest.approx(2 / 3)
    assert okr["progress"] == pytest.approx(0.30) and okr["on_track_share"] == 0.0


def test_the_headline_and_busy_without_results_count_health_krs(db):
    review = review_of(db, AS_OF)
    now = review.frame("headline").set_index("moment").loc["now"]
    assert (now["on_track"], now["at_risk"], now["off_track"]) == (2, 1, 2)
    assert (now["streams_behind"], now["streams"]) == (2, 2)
    assert list(review.frame("busy_without_results")["kr_id"]) == ["H2"]


def test_the_json_report_has_null_pace_for_health_krs_and_kept_breached_per_stream(db):
    data = json.loads(report.as_json(review_of(db, AS_OF)))
    above = next(kr for kr in data["key_results"] if kr["kr_id"] == "H-ABOVE")
    assert (above["progress"], above["expected"], above["status"], above["type"]) == (None, None, "on track",
                                                                                        "Keep above")
    support = next(s for s in data["value_streams"] if s["value_stream"] == "Support")
    assert (support["progress"], support["expected"], support["kept"], support["breached"]) == (None, None, 2, 1)


def test_the_retrospective_bands_pace_krs_only(db):
    retro = review_of(db, AS_OF).frame("retrospective")
    assert list(retro["kr_id"]) == ["P1"]


def test_the_dashboard_shows_health_krs_with_their_line_not_a_pace(db, monkeypatch):
    from tests.test_app import app, burn_up, frame_with, metrics

    at = app(db, monkeypatch, as_of=AS_OF, page="value_streams", query={"stream": "Support", "kr": "H-BELOW"})
    assert metrics(at) == {"Progress": "–", "Expected pace": "–", "Status": "🔴 off track", "Key results": "3",
                           "Health KRs kept": "2 of 3"}
    table = frame_with(at, "kr_id").set_index("kr_id")
    assert table.loc["H-ABOVE", "expected"] == "≥ 90" and table.loc["H-BELOW", "expected"] == "≤ 30"
    spec = burn_up(at)
    assert spec["title"] == {"text": "H-BELOW: weekly values", "subtitle": "dashed: the line to hold (Keep below 30)"}
    assert spec["layer"][0]["encoding"]["tooltip"][0]["title"] == "Line to hold (min)"


def test_a_health_kr_exactly_on_its_line_keeps_it(tmp_path):
    book = {**WORKBOOK, "Check-ins": [["KR ID", *WEEKS], ["H-ABOVE", "", "", "", 90], ["H-BELOW", "", "", "", 30]]}
    db = tmp_path / "okra.duckdb"
    sync(str(write_xlsx(tmp_path / "edge.xlsx", book)), db)
    krs = review_of(db, AS_OF).frame("key_results").set_index("kr_id")
    assert (krs.loc["H-ABOVE", "status"], krs.loc["H-BELOW", "status"]) == ("on track", "on track")
