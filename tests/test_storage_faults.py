"""Storage faults through the command line: whatever sits at the database path or goes wrong writing
it, each command ends in exit 2 with one sentence (never a traceback), loses nothing, and the next
good sync recovers on its own.

The full disk and the read-only folder are real: a small tmpfs mounted by the test (the suite runs
as root on CI machines; elsewhere those two tests are skipped).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

from okra_dash import store
from tests.conftest import REVIEW

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    """python -m okra_dash as cron runs it, in its own process."""
    return subprocess.run([sys.executable, "-m", "okra_dash", *args, "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def one_sentence(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def report_ok(db: Path) -> dict:
    result = cli("report", "--as-of", "2026-01-31", db=db)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("content", [b"", b"\x00" * 4096, b"SQLite format 3\x00" + os.urandom(8000)],
                         ids=["empty", "zeros", "another-format"])
def test_an_unreadable_database_file_is_refused_then_moved_aside_and_kept_by_the_next_sync(content, tmp_path):
    db = tmp_path / "okra.duckdb"
    db.write_bytes(content)
    sentence = one_sentence(cli("report", db=db))
    assert sentence.startswith(f"okra-dash: The database file {db} cannot be read (")
    assert sentence.endswith("the next sync moves it aside, keeps it, and starts a new one.")
    assert db.read_bytes() == content

    result = cli("sync", "--source", str(REVIEW), db=db)
    assert result.returncode == 0, result.stderr
    [kept] = tmp_path.glob("okra.duckdb.unreadable-*")
    assert kept.read_bytes() == content
    assert f"moved to {kept} (kept)" in result.stdout
    assert len(report_ok(db)["key_results"]) == 7


def test_a_database_file_cut_short_is_recovered_the_same_way(tmp_path):
    db = tmp_path / "okra.duckdb"
    assert cli("sync", "--source", str(REVIEW), db=db).returncode == 0
    whole = db.read_bytes()
    db.write_bytes(whole[: len(whole) // 3])
    assert "cannot be read" in one_sentence(cli("report", db=db))
    assert cli("sync", "--source", str(REVIEW), db=db).returncode == 0
    assert len(list(tmp_path.glob("okra.duckdb.unreadable-*"))) == 1
    assert report_ok(db)["last_sync"]["sync_id"] == 1  # the cut file's history could not be read: a new start


def test_another_programs_duckdb_file_is_never_touched(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE orders AS SELECT range AS id FROM range(10)")
    con.close()
    before = db.read_bytes()
    for args in (("report",), ("sync", "--source", str(REVIEW))):
        sentence = one_sentence(cli(*args, db=db))
        assert sentence == (f"okra-dash: {db} is not an okra-dash database (it holds orders); okra-dash leaves it "
                            "alone: give --db (or $OKRA_DB) another file.")
    assert db.read_bytes() == before
    assert list(tmp_path.iterdir()) == [db] or {p.name for p in tmp_path.iterdir()} <= {db.name, f"{db.name}.lock",
                                                                                        f"{db.name}.failures.jsonl"}


def test_a_folder_at_the_database_path_is_refused_in_one_sentence(tmp_path):
    db = tmp_path / "okra.duckdb"
    db.mkdir()
    (db / "precious.txt").write_text("keep me")
    for args in (("report",), ("sync", "--source", str(REVIEW))):
        assert one_sentence(cli(*args, db=db)) == (f"okra-dash: {db} is a folder, not a database file: give --db "
                                                   "(or $OKRA_DB) a file path.")
    assert (db / "precious.txt").read_text() == "keep me"


def test_a_torn_last_line_in_the_failure_log_is_skipped_and_the_rest_is_kept(tmp_path):
    db = tmp_path / "okra.duckdb"
    assert cli("sync", "--source", str(REVIEW), db=db).returncode == 0
    good = {"synced_at": "2026-01-30T09:00:00", "source": "x", "error": "There is no file x.xlsx."}
    store.failures_path(db).write_text(json.dumps(good) + "\n" + '{"synced_at": "2026-01-30T09:05', encoding="utf-8")
    assert store.pending_failures(db) == [good]
    assert report_ok(db)["as_of"] == "2026-01-31"
    assert cli("sync", "--source", str(REVIEW), db=db).returncode == 0
    log = report_ok(db)
    con = store.connect(db)
    failed = con.execute("SELECT source, error FROM sync_log WHERE status = 'failed'").fetchall()
    assert failed == [("x", "There is no file x.xlsx.")] and log["last_sync"]["sync_id"] == 2
    assert not store.failures_path(db).exists()


def older_okra_dash_file(db: Path) -> None:
    """Turn a current database into what okra-dash wrote before schema versions: no okra_meta, no issue kinds."""
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE okra_meta")
    con.execute("ALTER TABLE issues DROP COLUMN kind")
    con.execute("ALTER TABLE sync_log DROP COLUMN error")  # history tables may differ too
    con.close()


def test_a_file_from_an_older_okra_dash_is_refused_by_reports_and_brought_up_to_date_by_a_sync(tmp_path):
    db = tmp_path / "okra.duckdb"
    assert cli("sync", "--source", str(REVIEW), db=db).returncode == 0
    assert cli("sync", "--source", str(REVIEW), db=db).returncode == 0
    older_okra_dash_file(db)
    assert store.health(db).state == "old"
    assert one_sentence(cli("report", db=db)) == (f"okra-dash: The database file {db} was written by an older "
                                                  "okra-dash; sync again to bring it up to date (its history is kept).")
    assert cli("sync", "--source", str(REVIEW), db=db).returncode == 0
    assert store.health(db).state == "ok"
    assert report_ok(db)["last_sync"]["sync_id"] == 3  # the two earlier syncs are still in the log
    assert list(tmp_path.glob("*.unreadable-*")) == []


@contextlib.contextmanager
def tmpfs(size: str):
    """A real, small file system of its own, mounted for the test."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    folder = Path(tempfile.mkdtemp())
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


def test_a_full_disk_fails_the_sync_in_one_sentence_and_keeps_the_previous_database(tmp_path):
    with tmpfs("24m") as disk:
        db = disk / "okra.duckdb"
        assert cli("sync", "--source", str(REVIEW), db=db).returncode == 0
        before = db.read_bytes()
        filler = disk / "someone-elses-logs"
        with contextlib.suppress(OSError), filler.open("wb") as handle:  # the disk fills up with other things
            while True:
                handle.write(b"x" * 65536)
        sentence = one_sentence(cli("sync", "--source", str(REVIEW), db=db))
        assert sentence.startswith(f"okra-dash: The disk holding {disk} is full (")
        assert sentence.endswith("the database was not changed. Free some space and sync again.")
        assert db.read_bytes() == before
        assert not list(disk.glob(".okra.duckdb.*"))  # no half-written temp file left behind
        assert report_ok(db)["last_sync"]["sync_id"] == 1
        filler.unlink()  # space freed: the next sync goes through and logs the failure it could not log
        assert cli("sync", "--source", str(REVIEW), db=db).returncode == 0
        assert report_ok(db)["last_sync"]["sync_id"] == 2


def test_a_read_only_folder_fails_the_sync_in_one_sentence_and_reports_still_read(tmp_path):
    with tmpfs("32m") as disk:
        db = disk / "okra.duckdb"
        assert cli("sync", "--source", str(REVIEW), db=db).returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        before = db.read_bytes()
        sentence = one_sentence(cli("sync", "--source", str(REVIEW), db=db))
        assert sentence.startswith(f"okra-dash: okra-dash cannot write in the folder {disk} (")
        assert sentence.endswith("the database was not changed.")
        assert db.read_bytes() == before
        assert report_ok(db)["last_sync"]["sync_id"] == 1
