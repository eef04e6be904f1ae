"""A sync killed with SIGKILL at any moment never leaves a broken or mixed database.

Each trial starts `python -m okra_dash sync --verbose` on a workbook large enough to take about a
second, waits until the sync says it has reached a chosen step (reading, checking, saving, swapping
in), kills it a random moment later, and opens the database: it must hold either the previous
complete sync or the new complete one. Waiting for the step, not for a fixed time, keeps every
phase covered however slow the machine is (a loaded 2-core CI machine included).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bench import generate
from okra_dash import store
from okra_dash.sync import sync

ROOT = Path(__file__).resolve().parent.parent
# (step the sync announces, the longest random wait after it before the kill, in seconds)
STEPS = [("Reading", 0.3), ("Checking", 0.3), ("Saving", 0.6), ("Saving", 1.5), ("Swapping", 0.02), ("Saved", 0)]
TRIALS = 20


def snapshot(db: Path) -> tuple[int, int, int, int]:
    """(last sync id, key results, check-ins, rows of check-in history) of the database, read the way the
    dashboard reads it."""
    con = store.connect(db)
    try:
        return con.execute("SELECT (SELECT max(sync_id) FROM sync_log), (SELECT count(*) FROM key_results), "
                           "(SELECT count(*) FROM checkins), (SELECT count(*) FROM checkins_history)").fetchall()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crash")
    small = generate.write(generate.generate(300, 52, seed=1), tmp / "small")
    big = generate.write(generate.generate(6000, 52, seed=2), tmp / "big")
    return small, big


def kill_after(step: str, wait: float, big: Path, db: Path) -> str:
    """Run a sync, kill it `wait` seconds after it announces `step`; the last step it announced."""
    process = subprocess.Popen([sys.executable, "-m", "okra_dash", "sync", "--verbose", "--source", str(big),
                                "--db", str(db)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = ""
    for line in process.stderr:
        seen = line.strip()
        if seen.startswith(step):
            break
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    return seen


def test_a_sync_killed_at_any_moment_leaves_the_previous_or_the_new_complete_sync(books, tmp_path):
    small, big = books
    db = tmp_path / "okra.duckdb"
    sync(str(small), db)
    previous = snapshot(db)
    previous_krs = previous[1]
    reference = tmp_path / "reference.duckdb"
    sync(str(small), reference)
    sync(str(big), reference)  # the history the new sync writes: the small workbook's, then the big one's
    _, big_krs, big_checkins, big_history = snapshot(reference)
    rng = random.Random(20261122)
    outcomes = {}
    for trial in range(TRIALS):
        step, longest = STEPS[trial % len(STEPS)]
        reached = kill_after(step, rng.uniform(0, longest), big, db)
        assert reached.startswith(step), f"the sync never said {step!r} (last: {reached!r})"
        sync_id, krs, checkins, kept = snapshot(db)
        if sync_id == previous[0]:
            assert (sync_id, krs, checkins, kept) == previous
            outcome = "previous"
        else:
            assert sync_id == previous[0] + 1
            # the history lost nothing, and a sync of the same big workbook again added nothing to it
            assert (krs, checkins, kept) == (big_krs, big_checkins, big_history)
            outcome = "new"
            previous = (sync_id, krs, checkins, kept)
        outcomes.setdefault(step, set()).add(outcome)
    # Killed before saving, the previous sync stays; killed once saved, the new one is there.
    assert outcomes["Reading"] == outcomes["Checking"] == {"previous"}
    assert outcomes["Saved"] == {"new"}
    sync(str(small), db)  # the next sync cleans what killed syncs left behind
    assert list(tmp_path.glob(".okra.duckdb.*")) == []
    first = store.replay(db, 1)  # and the first sync can still be replayed exactly
    try:
        assert first.execute("SELECT count(*) FROM key_results").fetchall() == [(previous_krs,)]
    finally:
        first.close()
