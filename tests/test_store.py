"""The DuckDB file: atomic swaps, history across syncs, moved targets, readers during a sync."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from okra_dash import store
from okra_dash.figures.review import Review
from okra_dash.store import history
from okra_dash.sync import sync
from tests.conftest import REVIEW, write_csv_folder

Q1_START = dt.datetime(2025, 12, 20, 9, 0)  # before 2026-Q1 starts


def sync_with_target(tmp_path, tabs, target, now, name="book"):
    tabs["Key results"][1][5] = target  # KR-A's Target
    folder = write_csv_folder(tmp_path / name, tabs)
    return sync(str(folder), tmp_path / "okra.duckdb", now=now)


def test_each_sync_is_logged_with_source_rows_issues_and_duration(review_db):
    sync(str(REVIEW), review_db)
    log = Review(store.connect(review_db), dt.date(2026, 1, 31)).frame("sync_log")
    assert log["sync_id"].tolist() == [2, 1]
    latest = log.iloc[0]
    assert latest["source"] == str(REVIEW)
    assert latest["kind"] == "csv"
    assert '"Key results": 7' in latest["rows_per_tab"]
    assert latest["issues"] == 1
    assert latest["duration_s"] > 0


def test_a_target_changed_after_the_cycle_started_is_a_moved_target(tmp_path, tabs):
    sync_with_target(tmp_path, tabs, "100", Q1_START)
    sync_with_target(tmp_path, tabs, "100", dt.datetime(2026, 1, 10, 9))  # unchanged: nothing recorded
    sync_with_target(tmp_path, tabs, "80", dt.datetime(2026, 1, 20, 9))
    review = Review(store.connect(tmp_path / "okra.duckdb"), dt.date(2026, 1, 31))
    moved = review.frame("moved_targets")
    assert moved[["kr_id", "previous_target", "new_target"]].values.tolist() == [["KR-A", 100.0, 80.0]]
    assert moved["seen_at"].iloc[0] == dt.datetime(2026, 1, 20, 9)
    history = review.con.execute("SELECT target, seen_from, gone_at FROM key_results_history WHERE kr_id = 'KR-A' "
                                 "ORDER BY seen_from").fetchall()
    assert history == [(100.0, 1, 3), (80.0, 3, None)]  # the unchanged second sync added nothing


def test_a_large_moved_target_reads_with_every_digit_in_the_digest(tmp_path, tabs):
    """Python's :g wrote 1200000 as 1.2e+06 and cut 1234567 to 1.23457e+06, so a move of one unit read as none."""
    from okra_dash import digest

    sync_with_target(tmp_path, tabs, "1,234,567", Q1_START)
    sync_with_target(tmp_path, tabs, "1234568", dt.datetime(2026, 1, 20, 9))
    review = Review(store.connect(tmp_path / "okra.duckdb"), dt.date(2026, 1, 31))
    section = digest.as_markdown(review).split("Targets moved mid-cycle\n")[1].split("\n\n")[1]
    assert section.splitlines()[0].endswith(": 1234567 → 1234568 (seen 2026-01-20)")
    assert [digest.number(value) for value in (0.1 + 0.2, 2500000.0, 12.5, None)] == ["0.3", "2500000", "12.5",
                                                                                      "(empty)"]


def test_a_target_changed_on_the_cycles_first_day_is_still_agreed_and_the_next_day_moved(tmp_path, tabs):
    sync_with_target(tmp_path, tabs, "100", Q1_START)
    sync_with_target(tmp_path, tabs, "90", dt.datetime(2026, 1, 1, 17))  # Q1's first day
    sync_with_target(tmp_path, tabs, "80", dt.datetime(2026, 1, 2, 8))
    review = Review(store.connect(tmp_path / "okra.duckdb"), dt.date(2026, 1, 31))
    moved = review.frame("moved_targets")
    assert moved[["previous_target", "new_target"]].values.tolist() == [[90.0, 80.0]]


def test_a_target_agreed_before_the_cycle_started_is_not_a_moved_target(tmp_path, tabs):
    sync_with_target(tmp_path, tabs, "100", dt.datetime(2025, 12, 1))
    sync_with_target(tmp_path, tabs, "80", Q1_START)  # still planning: Q1 starts on Jan 1
    review = Review(store.connect(tmp_path / "okra.duckdb"), dt.date(2026, 1, 31))
    assert review.frame("moved_targets").empty


def test_a_reader_keeps_its_complete_snapshot_while_a_sync_swaps_the_file(tmp_path, tabs):
    db = tmp_path / "okra.duckdb"
    sync(str(REVIEW), db)
    reader = store.connect(db)
    before = store.version(db)
    tabs["Key results"].append(["KR-H", "O1", "Alpha", "New", "0", "5", "", ""])
    sync(str(write_csv_folder(tmp_path / "book", tabs)), db)
    assert store.version(db) != before
    assert reader.execute("SELECT count(*) FROM key_results").fetchall() == [(7,)]
    assert store.connect(db).execute("SELECT count(*) FROM key_results").fetchall() == [(8,)]


def test_two_syncs_at_once_both_complete_and_both_are_logged(tmp_path):
    db = tmp_path / "okra.duckdb"
    errors = []

    def run():
        try:
            sync(str(REVIEW), db)
        except Exception as error:  # any failure fails the test below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.connect(db).execute("SELECT list(sync_id ORDER BY sync_id) FROM sync_log").fetchall() == [([1, 2],)]
    assert not list(tmp_path.glob(".okra.duckdb.*.tmp"))


def test_a_sync_that_fails_while_storing_leaves_the_previous_file_and_no_temp_file(tmp_path, monkeypatch):
    db = tmp_path / "okra.duckdb"
    sync(str(REVIEW), db)
    before = db.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(history, "record", broken)  # halfway through building the new file
    with pytest.raises(store.StoreError, match="could not be written .* \\(disk full\\); the database was not changed"):
        sync(str(REVIEW), db)
    assert db.read_bytes() == before
    assert not list(tmp_path.glob(".okra.duckdb.*"))


def test_reading_before_any_sync_says_how_to_sync(tmp_path):
    with pytest.raises(store.NoDataError, match="sync --source demo"):
        store.connect(tmp_path / "none.duckdb")


READER = """
import sys, time
from okra_dash import queries, store
path, seconds = sys.argv[1], float(sys.argv[2])
reads, errors, mixed = 0, 0, 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    try:
        con = store.connect(path)
        # A complete sync has as many history rows per sync as KRs in its first sync.
        krs, log, checkins = con.execute(
            "SELECT (SELECT count(*) FROM key_results), (SELECT max(sync_id) FROM sync_log),"
            " (SELECT count(*) FROM checkins)").fetchall()[0]
        if (krs, checkins) != (7, 18) or log is None:
            mixed += 1
        con.close()
        reads += 1
    except Exception as error:
        errors += 1
        print(repr(error), file=sys.stderr)
print(reads, errors, mixed)
"""


def test_a_dashboard_process_reads_without_errors_while_another_process_syncs(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "okra.duckdb"
    sync(str(REVIEW), db)
    root = Path(__file__).resolve().parent.parent
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), "4"], cwd=root, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={"PYTHONPATH": str(root)})
    syncs = 0
    while reader.poll() is None:
        sync(str(REVIEW), db)
        syncs += 1
    out, err = reader.communicate()
    reads, errors, mixed = map(int, out.split())
    assert (errors, mixed) == (0, 0), err
    assert reads > 20 and syncs > 5


def test_two_processes_syncing_at_once_both_complete_one_after_the_other(tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    db = tmp_path / "okra.duckdb"
    command = [sys.executable, "-m", "okra_dash", "sync", "--source", str(REVIEW), "--db", str(db)]
    processes = [subprocess.Popen(command, cwd=root, env={"PYTHONPATH": str(root)}, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [process.communicate(timeout=120) + (process.returncode,) for process in processes]
    assert [code for _, _, code in results] == [0, 0], results
    log = store.connect(db).execute("SELECT list(sync_id ORDER BY sync_id) FROM sync_log").fetchall()
    assert log == [([1, 2],)]
