"""Every refusal is one sentence on stderr, and only that: no traceback, no library warning, no secret."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import REVIEW, read_tabs, write_xlsx

SECRET = "T0000/B0000/XXXXsecretXXXX"


def okra(*args: str, cwd, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "okra_dash", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120, env={**os.environ, **(env or {})})


def one_sentence(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("okra-dash: ") and run.stderr.count("\n") == 1, run.stderr
    assert "Traceback" not in run.stderr and "Warning" not in run.stderr
    return run.stderr


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    folder = tmp_path_factory.mktemp("db")
    assert okra("sync", "--source", str(REVIEW), "--db", "okra.duckdb", cwd=folder).returncode == 0
    return folder


@pytest.mark.parametrize("url,says", [
    (f"hooks.slack.com/services/{SECRET}", "is not an http(s) URL"),
    (f"ftp://hooks.example/{SECRET}", "is not an http(s) URL"),
    (f"https://hooks example/{SECRET}", "is not an http(s) URL"),
    ("", "is empty (an unset variable?)"),
    ("   ", "is empty (an unset variable?)"),
])
def test_a_malformed_or_empty_webhook_is_refused_before_anything_is_sent_and_its_secret_never_shown(
        synced, url, says):
    err = one_sentence(okra("digest", "--db", "okra.duckdb", "--webhook", url, cwd=synced))
    assert says in err and "secret" not in err


@pytest.mark.parametrize("env,says", [
    ({"OKRA_SMTP_HOST": "smtp example.com"}, "is not a host name"),
    ({"OKRA_SMTP_HOST": "smtp.example.com/x"}, "is not a host name"),
    ({"OKRA_DIGEST_TO": "leaders.example.com"}, "is not an e-mail address"),
    ({"OKRA_SMTP_FROM": "okra-dash"}, "is not an e-mail address"),
    ({"OKRA_SMTP_PORT": "70000"}, "is not a port number"),
    ({"OKRA_SMTP_PORT": "twenty-five"}, "is not a number"),
])
def test_a_malformed_mail_setting_is_refused_in_one_sentence_without_the_password(synced, env, says):
    settings = {"OKRA_SMTP_HOST": "127.0.0.1", "OKRA_SMTP_PORT": "1", "OKRA_DIGEST_TO": "leaders@example.com",
                "OKRA_SMTP_PASSWORD": "hunter2-secret", **env}
    err = one_sentence(okra("digest", "--db", "okra.duckdb", "--send", cwd=synced, env=settings))
    assert says in err and "hunter2" not in err


STRICT = {b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": b"http://purl.oclc.org/ooxml/spreadsheetml/main",
          b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
              b"http://purl.oclc.org/ooxml/officeDocument/relationships"}


def test_a_strict_open_xml_workbook_is_read_like_its_transitional_twin(tmp_path):
    transitional = write_xlsx(tmp_path / "transitional.xlsx", read_tabs(REVIEW))
    with zipfile.ZipFile(transitional) as source, zipfile.ZipFile(tmp_path / "strict.xlsx", "w") as out:
        for info in source.infolist():
            data = source.read(info)
            for old, new in STRICT.items():
                data = data.replace(old, new)
            out.writestr(info, data)
    reports = []
    for name in ("transitional", "strict"):
        assert okra("sync", "--source", f"{name}.xlsx", "--db", f"{name}.duckdb", cwd=tmp_path).returncode == 0
        run = okra("report", "--db", f"{name}.duckdb", "--as-of", "2026-01-30", cwd=tmp_path)
        reports.append({key: value for key, value in json.loads(run.stdout).items() if key != "last_sync"})
    assert reports[0] == reports[1] and len(reports[0]["key_results"]) == 7


def test_a_zip_bomb_workbook_is_refused_in_one_sentence_with_bounded_memory(tmp_path):
    book = write_xlsx(tmp_path / "book.xlsx", read_tabs(REVIEW))
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet4.xml":  # Check-ins: 200 MB of empty rows
                data = data.replace(b"</sheetData>", b"<row/>" * 35_000_000 + b"</sheetData>")
            out.writestr(info.filename, data)
    assert bomb.stat().st_size < 5_000_000
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:]); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    run = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "okra_dash", "sync", "--source",
                          str(bomb), "--db", str(tmp_path / "okra.duckdb")], capture_output=True, text=True,
                         timeout=120)
    assert "far more than a workbook's values need" in run.stderr and run.stderr.count("\n") == 1
    assert int(run.stdout) < 500 * 1024  # kilobytes
    assert not (tmp_path / "okra.duckdb").exists()
