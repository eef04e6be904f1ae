"""A sync killed with SIGKILL at random moments never leaves a broken or mixed database.

Each trial starts `python -m okra_dash sync` on a workbook large enough to take about a
second, kills it at a random moment, and opens the database: it must hold either the
previous complete sync or the new complete one.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from okra_dash import generate, store
from okra_dash.sync import sync

ROOT = Path(__file__).resolve().parent.parent
TRIALS = 20


def snapshot(db: Path) -> tuple[int, int, int]:
    """(last sync id, key results, check-ins) of the database, read the way the dashboard reads it."""
    con = store.connect(db)
    try:
        return con.execute("SELECT (SELECT max(sync_id) FROM sync_log), (SELECT count(*) FROM key_results), "
                           "(SELECT count(*) FROM checkins)").fetchall()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crash")
    small = generate.write(generate.generate(300, 52, seed=1), tmp / "small")
    big = generate.write(generate.generate(6000, 52, seed=2), tmp / "big")
    return small, big


def test_a_sync_killed_at_any_moment_leaves_the_previous_or_the_new_complete_sync(books, tmp_path):
    small, big = books
    db = tmp_path / "okra.duckdb"
    sync(str(small), db)
    previous = snapshot(db)
    sync(str(big), tmp_path / "reference.duckdb")
    _, big_krs, big_checkins = snapshot(tmp_path / "reference.duckdb")
    rng = random.Random(20261122)
    outcomes = []
    for _ in range(TRIALS):
        process = subprocess.Popen([sys.executable, "-m", "okra_dash", "sync", "--source", str(big), "--db", str(db)],
                                   cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        sync_id, krs, checkins = snapshot(db)
        if sync_id == previous[0]:
            assert (sync_id, krs, checkins) == previous
            outcomes.append("previous")
        else:
            assert sync_id == previous[0] + 1
            assert (krs, checkins) == (big_krs, big_checkins)
            outcomes.append("new")
            previous = (sync_id, krs, checkins)
    # The random moments must have caught syncs both before and after their swap.
    assert "previous" in outcomes and "new" in outcomes, outcomes
    sync(str(small), db)  # the next sync cleans what killed syncs left behind
    assert list(tmp_path.glob(".okra.duckdb.*")) == []
