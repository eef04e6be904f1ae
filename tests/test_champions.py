"""Champions' lists at a week boundary, from a typed .xlsx, worked out by hand.

Monday 2026-02-16: the last full week is the week of Monday 2026-02-09. Sunday 2026-02-15: the week of
Monday 2026-02-02.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from okra_dash.figures import report
from okra_dash.sync import sync
from tests.conftest import review_of, write_xlsx

MONDAY, SUNDAY = dt.date(2026, 2, 16), dt.date(2026, 2, 15)
WEEKS = [dt.date(2026, 1, 19), dt.date(2026, 2, 2), dt.date(2026, 2, 9)]
BOOK = {
    "Teams": [["Team", "Mode", "Champion"], ["Squad", "OKR", "Ana"], ["Hotline", "KPI", "Ana"], ["Lab", "OKR", ""]],
    "Cycles": [["Cycle", "Start", "End"], ["Late", MONDAY, dt.date(2026, 5, 15)],
               ["Sunday", dt.date(2026, 2, 15), dt.date(2026, 5, 15)]],  # begins on last full week's Sunday
    "Objectives": [["Objective ID", "Cycle", "Value stream", "Objective"], ["O1", "2026-Q1", "Growth", "Grow"],
                   ["O2", "Late", "Growth", "Starts today"], ["O3", "Sunday", "Growth", "Started Sunday"]],
    "Key results": [["KR ID", "Objective ID", "Team", "Key result", "Start", "Target"],
                    ["A1", "O1", "Squad", "Signups", 0, 100], ["A2", "O1", "Hotline", "Answered", 0, 100],
                    ["L1", "O1", "Lab", "Prototypes", 0, 5], ["F1", "O2", "Squad", "Late starter", 0, 10],
                    ["X1", "O1", "Nobody's team", "Orphan", 0, 10], ["S1", "O3", "Squad", "Sunday starter", 0, 10]],
    "Check-ins": [["KR ID", *WEEKS], ["A1", "", 10, 20], ["A2", "", "", 30], ["L1", 1, "", ""], ["X1", "", "", 1]],
    "Check-in notes": [["Week", "KR ID", "Confidence", "Note"], [WEEKS[0], "L1", 4, "Waiting for parts"]],
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("champions")
    db = folder / "okra.duckdb"
    sync(str(write_xlsx(folder / "champions.xlsx", BOOK)), db)
    return db


def _champions(db, day):
    return {row["champion"]: row for row in json.loads(report.as_json(review_of(db, day)))["champions"]}


def test_on_monday_the_last_full_week_is_the_week_before(db):
    found = _champions(db, MONDAY)
    # S1's cycle began on Sunday Feb 15, the last day of last full week: that week counts for it.
    assert found["Ana"] == {"champion": "Ana", "teams": ["Hotline", "Squad"], "missing": ["S1"], "stalled": []}
    # Lab has no champion; X1's team is not in the Teams tab: both are listed under null.
    assert found[None] == {"champion": None, "teams": ["Lab", "Nobody's team"], "missing": ["L1"],
                           "stalled": ["L1"]}  # L1: last check-in Jan 19, so no check-in in 14 days


def test_on_sunday_it_is_the_week_before_that(db):
    found = _champions(db, SUNDAY)
    assert found["Ana"]["missing"] == ["A2"]  # no value for the week of Feb 2; F1's cycle has not begun
    assert found[None]["missing"] == ["L1", "X1"]


def test_a_key_result_whose_cycle_begins_after_last_week_is_not_missing(db):
    krs = review_of(db, MONDAY).frame("champion_list", champion="Ana")
    assert "F1" not in set(krs["kr_id"])


def test_the_champions_page_keeps_the_champion_in_the_link_and_shows_the_note(db, monkeypatch):
    from tests.test_app import app, card_text, metrics

    nobody = "(teams with no champion)"
    at = app(db, monkeypatch, as_of=MONDAY, cycle=None, page="champions", query={"champion": nobody})
    assert metrics(at) == {"Missing last full week": "1", "Stalled": "1"}
    text = card_text(at)
    assert "No check-in for the week of 09 Feb. Stalled: no check-in, 4 weeks unchanged." in text
    assert "The team said (week of 19 Jan): “Waiting for parts” Latest confidence 4/10." in text
    assert at.query_params["champion"] == nobody
    titles = [json.loads(chart.proto.spec).get("title") for chart in at.get("vega_lite_chart")]
    assert titles == [{"text": "Check-in habits", "subtitle": "team by team and week by week"}]
    at.selectbox(key="champion").set_value("Ana").run()
    assert at.query_params["champion"] == "Ana"
    assert metrics(at) == {"Missing last full week": "1", "Stalled": "0"}


def test_the_missing_cells_point_into_the_wide_grid(db):
    cells = review_of(db, SUNDAY).frame("missing_cells")
    # Check-ins rows: A1 row 2, A2 row 3, L1 row 4, X1 row 5; the week of Feb 2 is column C (3).
    assert cells[["team", "kr_id", "row", "col"]].values.tolist() == [
        ["Hotline", "A2", 3, 3], ["Lab", "L1", 4, 3], ["Nobody's team", "X1", 5, 3]]
    assert {str(day.date()) for day in cells["last_full_week"]} == {"2026-02-02"}


def test_a_stalled_key_result_that_checked_in_last_week_says_so(review_db, monkeypatch):
    """KR-B (Alpha, Ana's team) sits at 40 for three check-ins, the last in the week of Jan 19: stalled, and
    checked in last full week, which the list says rather than leaving the cell blank."""
    from tests.test_app import app, card_text

    at = app(review_db, monkeypatch, page="champions", query={"champion": "Ana"})
    card = card_text(at).split("**KR-B · ")[1].split("**KR-")[0]
    assert "No check" not in card  # it checked in last full week
    assert "Stalled: no movement" in card
