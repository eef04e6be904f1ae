"""The dashboard keeps serving complete figures while syncs run beside it.

Two workbooks with different figures are synced alternately by another process (the cron
case) while the weekly review reruns; and two sessions press "Sync now" at the same time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from okra_dash.sync import sync
from tests.conftest import REVIEW, read_tabs, write_csv_folder
from tests.test_app import APP

ROOT = Path(__file__).resolve().parent.parent
ALTERNATE = """
import sys, time
from okra_dash.sync import sync
a, b, db, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
end, n = time.monotonic() + seconds, 0
while time.monotonic() < end:
    sync((a, b)[n % 2], db)
    n += 1
print(n)
"""


def headline(at) -> tuple:
    return tuple((m.label, m.value) for m in at.metric)


def review_app(db, monkeypatch):
    monkeypatch.setenv("OKRA_DB", str(db))
    monkeypatch.delenv("OKRA_SOURCE", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["as_of"] = "2026-01-31"
    at.query_params["cycle"] = "2026-Q1"
    return at


def test_the_weekly_review_shows_one_complete_sync_or_the_other_while_cron_syncs(tmp_path, monkeypatch):
    tabs = read_tabs(REVIEW)
    tabs["Check-ins"][4][5] = "5"  # KR-D moves: 5 of 10, on track and no longer stalled
    a, b = str(REVIEW), str(write_csv_folder(tmp_path / "b", tabs))
    db = tmp_path / "okra.duckdb"
    expected = set()
    for source in (b, a):
        sync(source, db)
        expected.add(headline(review_app(db, monkeypatch).run()))
    assert len(expected) == 2
    cron = subprocess.Popen([sys.executable, "-c", ALTERNATE, a, b, str(db), "10"], cwd=ROOT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE)
    at = review_app(db, monkeypatch)
    seen, runs = set(), 0
    while cron.poll() is None:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        seen.add(headline(at))
        runs += 1
    syncs = int(cron.communicate()[0])
    assert seen <= expected
    assert runs > 5 and syncs > 5  # enough reruns overlapped with syncs for the check to mean something


def test_two_sessions_pressing_sync_now_at_once_both_complete(review_db, monkeypatch):
    """One session presses Sync now while another session's button runs the same sync (data.run_sync) in a thread
    of the same process. Two AppTests cannot run side by side: each run sets Streamlit's one Runtime and clears it
    when it ends, under the other's feet."""
    from okra_dash.ui import data

    at = review_app(review_db, monkeypatch).run()
    errors = []

    def other_session():
        try:
            data.run_sync(str(REVIEW))  # what the other session's button runs
        except Exception as error:  # collected and asserted below
            errors.append(error)

    other = threading.Thread(target=other_session)
    started = time.monotonic()
    other.start()
    at.button(key="sync_now").click().run()
    other.join(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    assert errors == [], errors
    assert time.monotonic() - started < 120
    assert at.success[0].value.startswith("Synced ")  # this session's sync, said after its rerun
    at = review_app(review_db, monkeypatch).run()
    at.switch_page("okra_dash/ui/pages/data_quality.py").run()
    assert at.dataframe[-1].value["sync_id"].tolist() == [3, 2, 1]  # the sync history
