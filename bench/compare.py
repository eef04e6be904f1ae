"""Two checkouts of okra-dash timed turn about on the same database: did a change make users wait longer?

`python -m bench compare OTHER` times the dashboard in Chromium (first page after start, a fresh session, page
switches) and the report process, this checkout against OTHER (say a `git worktree` of the commit before),
one then the other for each measure, as medians. Keep a piece of machinery only where this shows it saves at
least 10 % of what a user waits for.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import browser
from bench.run import CHECKOUT

NAV = [("Weekly review", "Weekly review"), ("Value streams", "Value streams"), ("Stalled KRs", "Stalled key results"),
       ("Champions", "A champion's list"), ("OKR vs KPI", "OKR-driven and KPI-driven teams"),
       ("Retrospective", "Cycle retrospective"), ("Data quality", "Data quality")]


def _env(checkout: Path, db: Path) -> dict[str, str]:
    return {"OKRA_DB": str(db), "OKRA_SOURCE": "", "PYTHONPATH": str(checkout)}


def report_seconds(checkouts: list[Path], db: Path, as_of: str, repeat: int) -> list[float]:
    """The JSON report as a whole process from each checkout, alternating; medians."""
    times: list[list[float]] = [[] for _ in checkouts]
    for _ in range(repeat):
        for checkout, seconds in zip(checkouts, times):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "okra_dash", "report", "--db", str(db), "--as-of", as_of],
                           cwd=checkout, check=True, capture_output=True, env={**os.environ, **_env(checkout, db)})
            seconds.append(time.perf_counter() - started)
    return [statistics.median(seconds) for seconds in times]


def compare(other: Path, db: Path, workdir: Path, as_of: str, sessions: int = 5, rounds: int = 4,
            starts: int = 3, repeat: int = 10) -> str:
    checkouts = [CHECKOUT, other.resolve()]
    apps = [browser._App(checkout / "app.py", _env(checkout, db), NAV) for checkout in checkouts]
    timed = browser.interleaved(apps, sessions, rounds, starts)
    reports = report_seconds(checkouts, db, as_of, repeat)
    names = {"first_page_s": "first page after `streamlit run`", "fresh_session_s": "fresh browser session",
             "switch_s": "page switch (median)", "first_visit_s": "a page's first visit (slowest)"}
    lines = [f"| | this checkout | {other} | change |", "|---|---:|---:|---:|"]
    for key, label in names.items():
        this, that = timed[0][key], timed[1][key]
        lines.append(f"| {label} | {this:.3f} s | {that:.3f} s | {this / that - 1:+.0%} |")
    lines.append(f"| report process | {reports[0]:.3f} s | {reports[1]:.3f} s | {reports[0] / reports[1] - 1:+.0%} |")
    return "\n".join(lines)
