"""Check-in habits, teams by weeks, worked out by hand.

tests/data/review as of Saturday 2026-01-31 in 2026-Q1: the complete weeks are those of Dec 29, Jan 5, 12
and 19 (the week of Jan 26 ends on Feb 1). Alpha (KR-A 10, 20, 30, 40; KR-B 45, 40, 40, 40), Beta (KR-C 12,
25), Hotline (KR-D 0, 0, 0, 0; KR-E never), Gamma (KR-F only in the week of Jan 26).
"""

from __future__ import annotations

import datetime as dt

from okra_dash.sync import sync
from tests.conftest import review_of, write_xlsx

AS_OF = dt.date(2026, 1, 31)
M, C, N = "missing", "checked in", "no movement"


def _grid(db, as_of, cycles):
    habits = review_of(db, as_of, cycles=cycles).frame("habits")
    return {team: list(rows["habit"]) for team, rows in habits.groupby("team")}


def test_each_teams_weeks(review_db):
    assert _grid(review_db, AS_OF, ["2026-Q1"]) == {
        "Alpha": [M, C, C, C],  # the week of Jan 19: KR-A moved, KR-B did not: still checked in
        "Beta": [M, C, C, M],
        "Gamma": [M, M, M, M],
        "Hotline": [M, M, M, M],  # KR-D checks in, KR-E never does
    }


def test_every_kr_checked_in_and_none_moved_is_no_movement(tmp_path):
    week = [dt.date(2026, 1, 5), dt.date(2026, 1, 12)]
    book = {"Teams": [["Team", "Mode"], ["Desk", "KPI"]],
            "Objectives": [["Objective ID", "Cycle", "Value stream", "Objective"], ["O1", "2026-Q1", "S", "o"]],
            "Key results": [["KR ID", "Objective ID", "Team", "Key result", "Start", "Target"],
                            ["K1", "O1", "Desk", "k1", 0, 10], ["K2", "O1", "Desk", "k2", 0, 10]],
            "Check-ins": [["KR ID", *week], ["K1", 4, 4], ["K2", 2, 2]]}
    db = tmp_path / "okra.duckdb"
    sync(str(write_xlsx(tmp_path / "desk.xlsx", book)), db)
    assert _grid(db, dt.date(2026, 1, 18), ["2026-Q1"]) == {"Desk": [M, C, N]}
