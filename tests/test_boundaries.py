"""Every rule at its edge: a workbook (typed .xlsx cells) whose key results sit exactly on each threshold.

As of Monday 2026-04-13, with the contract's default thresholds (on track from expected - 0.10, at risk
from expected - 0.25, no movement after 3 equal check-ins, no check-in in 14 days, flat at zero from a
third of the cycle). Every figure below is worked out by hand; the doubles involved are exact
(0.5 - 0.1 == 0.4 == 4 / 10, 0.5 - 0.25 == 0.25, 33 / 99 == 1 / 3).
"""

from __future__ import annotations

import datetime as dt

import pytest

from okra_dash.figures.links import csv_export, stalled_csv
from okra_dash.sync import sync
from tests.conftest import review_of, write_xlsx

AS_OF = dt.date(2026, 4, 13)  # a Monday, so a check-in week can start exactly 14 days earlier
WEEK = dt.timedelta(weeks=1)
MONDAY_BEFORE = AS_OF - 2 * WEEK  # 2026-03-30 = AS_OF - 14 days

CYCLES = [
    ["Cycle", "Start", "End"],
    ["Pace", AS_OF - dt.timedelta(days=50), AS_OF + dt.timedelta(days=50)],  # expected exactly 0.5
    ["Fresh", MONDAY_BEFORE, dt.date(2026, 6, 30)],  # began exactly 14 days before the date
    ["Third", AS_OF - dt.timedelta(days=33), AS_OF + dt.timedelta(days=66)],  # expected exactly 1/3
    ["Longest", dt.date(2026, 1, 1), dt.date(2026, 1, 1) + dt.timedelta(days=184)],  # the maximum length
    ["Too long", dt.date(2026, 1, 1), dt.date(2026, 1, 1) + dt.timedelta(days=185)],  # one day over
    ["One day", AS_OF, AS_OF],  # Start = End: all of it is gone once the day has begun
    ["Tenth", AS_OF - dt.timedelta(days=10), AS_OF + dt.timedelta(days=90)],  # expected exactly 0.1
]
# KR id: (cycle, value stream, latest value, start, target); one objective per KR, one team.
KRS = {
    "ON-EDGE": ("Pace", "On the edge", 4, 0, 10),  # 0.4 = 0.5 - 0.10: on track
    "JUST-UNDER": ("Pace", "Just under", 3.99, 0, 10),  # at risk
    "RISK-EDGE": ("Pace", "Risk edge", 2.5, 0, 10),  # 0.25 = 0.5 - 0.25: at risk
    "RISK-UNDER": ("Pace", "Risk under", 2.49, 0, 10),  # off track
    "SILENT": ("Fresh", "Fresh", None, 0, 10),  # no check-in since the cycle began 14 days ago
    "EDGE-WEEK": ("Fresh", "Fresh", 1, 0, 10),  # checked in the week starting exactly 14 days ago
    "FLAT": ("Third", "Third", 0, 0, 10),  # at zero with exactly a third of the cycle gone
    "BACKWARDS": ("Third", "Third", -1, 0, 10),  # below its start: progress -0.1, clamped to zero
    "MISSED": ("2026-Q1", "Retro", 4.9, 0, 10),  # closed cycle: final achievement 0.49
    "LESSON": ("2026-Q1", "Retro", 5, 0, 10),  # 0.5: estimation lesson
    "LESSON-TOP": ("2026-Q1", "Retro", 6.9, 0, 10),  # 0.69
    "ACHIEVED": ("2026-Q1", "Retro", 7, 0, 10),  # 0.7: achieved
    "ALMOST": ("2026-Q1", "Retro", 9.9, 0, 10),  # 0.99: achieved
    "REACHED": ("2026-Q1", "Retro", 10, 0, 10),  # 1.0: reached
    "LONGEST": ("Longest", "Long", 1, 0, 10),
    "DAY": ("One day", "Day", 10, 0, 10),
    "TENTH": ("Tenth", "Tenth", 2, 0, 10),
}
WEEKS = [MONDAY_BEFORE - WEEK, MONDAY_BEFORE, MONDAY_BEFORE + WEEK, AS_OF]


def _checkins(kr_id: str, value: float | None) -> list[object]:
    if value is None:
        return [kr_id, "", "", "", ""]
    if kr_id == "EDGE-WEEK":
        return [kr_id, "", value, "", ""]  # only in the week of AS_OF - 14 days
    if kr_id == "DAY":
        return [kr_id, "", "", "", value]  # its cycle is the as-of day only
    if kr_id == "FLAT":
        return [kr_id, 0, 0, 0, 0]
    if KRS[kr_id][0] == "2026-Q1":  # the quarter ended 2026-03-31: its last check-in is the final one
        return [kr_id, value, "", "", ""]
    return [kr_id, "", "", value - 1, value]  # moving: never "no movement"


def _workbook() -> dict[str, list[list[object]]]:
    return {
        "Cycles": CYCLES,
        "Teams": [["Team", "Mode"], ["Edge team", "OKR"]],
        "Objectives": [["Objective ID", "Cycle", "Value stream", "Objective"]]
        + [[f"O-{kr}", cycle, stream, f"Objective of {kr}"] for kr, (cycle, stream, *_) in KRS.items()]
        + [["O-TOO-LONG", "Too long", "Long", "Never loaded"]],
        "Key results": [["KR ID", "Objective ID", "Team", "Key result", "Start", "Target"]]
        + [[kr, f"O-{kr}", "Edge team", f"Result {kr}", start, target]
           for kr, (_, _, _, start, target) in KRS.items()],
        "Check-ins": [["KR ID", *WEEKS]] + [_checkins(kr, value) for kr, (_, _, value, *_) in KRS.items()],
    }


@pytest.fixture(scope="module")
def edge_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("edges")
    db = folder / "okra.duckdb"
    sync(str(write_xlsx(folder / "edges.xlsx", _workbook())), db)
    return db


@pytest.fixture(scope="module")
def krs(edge_db):
    cycles = ["Pace", "Fresh", "Third", "Longest"]
    return review_of(edge_db, AS_OF, cycles=cycles).frame("key_results").set_index("kr_id")


def test_the_pace_cycle_is_exactly_half_way(krs):
    assert krs.loc["ON-EDGE", "expected"] == 0.5
    assert krs.loc["FLAT", "expected"] == 1 / 3


@pytest.mark.parametrize(("kr_id", "status"), [("ON-EDGE", "on track"), ("JUST-UNDER", "at risk"),
                                               ("RISK-EDGE", "at risk"), ("RISK-UNDER", "off track")])
def test_a_key_result_exactly_at_a_margin_takes_the_better_status(krs, kr_id, status):
    assert krs.loc[kr_id, "status"] == status


def test_a_stream_exactly_at_the_margin_is_on_pace_and_one_just_under_is_behind(edge_db):
    review = review_of(edge_db, AS_OF, cycles=["Pace"])
    streams = review.frame("value_streams").set_index("value_stream")["status"].to_dict()
    assert streams == {"On the edge": "on track", "Just under": "at risk", "Risk edge": "at risk",
                       "Risk under": "off track"}
    now = review.frame("headline").set_index("moment").loc["now"]
    assert (now["streams_behind"], now["streams"]) == (3, 4)
    assert (now["on_track"], now["at_risk"], now["off_track"]) == (1, 2, 1)


def test_no_check_in_exactly_fourteen_days_into_the_cycle_and_a_check_in_exactly_fourteen_days_ago(krs):
    assert list(krs.loc["SILENT", "stalled"]) == ["no check-in"]
    assert list(krs.loc["EDGE-WEEK", "stalled"]) == []


def test_flat_at_zero_from_exactly_a_third_of_the_cycle(krs):
    assert "flat at zero" in list(krs.loc["FLAT", "stalled"])
    assert "no movement" in list(krs.loc["FLAT", "stalled"])  # four equal check-ins
    assert list(krs.loc["BACKWARDS", "stalled"]) == ["flat at zero"]  # moving, but still no progress
    assert krs.loc["BACKWARDS", "progress"] == -0.1


def test_one_key_result_in_each_retrospective_band_at_its_lower_edge(edge_db):
    retro = review_of(edge_db, AS_OF, cycles=["2026-Q1"]).frame("retrospective").set_index("kr_id")
    assert retro["band"].to_dict() == {"MISSED": "missed", "LESSON": "estimation lesson",
                                       "LESSON-TOP": "estimation lesson", "ACHIEVED": "achieved",
                                       "ALMOST": "achieved", "REACHED": "reached"}


def test_a_one_day_cycle_is_all_gone_on_its_day_and_not_begun_the_day_before(edge_db):
    on_the_day = review_of(edge_db, AS_OF, cycles=["One day"]).frame("key_results").set_index("kr_id")
    before = review_of(edge_db, AS_OF - dt.timedelta(days=1), cycles=["One day"]).frame("key_results")
    assert on_the_day.loc["DAY", "expected"] == 1.0
    assert list(before["expected"]) == [0.0]


def test_a_cycle_of_the_maximum_length_loads_and_one_day_longer_is_an_issue(edge_db, krs):
    assert "LONGEST" in krs.index
    issues = review_of(edge_db, AS_OF, cycles=["Pace"]).frame("issues")
    too_long = issues[issues["kind"] == "cycle_too_long"]
    assert list(too_long["row"]) == [6]
    assert issues["kind"].value_counts().to_dict() == {"cycle_too_long": 1, "cycle_left_out": 1}
    (objective,) = issues[issues["kind"] == "cycle_left_out"]["problem"]
    assert objective == "cycle 'Too long' was left out (Cycles row 6 says why); the objective was left out"


@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://evil\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_the_csv_export_defuses_every_formula_start(typed):
    import pandas as pd

    text = csv_export(pd.DataFrame({"Key result": [typed, "plain"], "Current": [1.5, -2]}))
    lines = text.splitlines()
    assert lines[0] == "Key result,Current"
    assert text.startswith("Key result,Current\n")
    cell = text.split("\n", 1)[1].split(",")[0].strip('"')
    assert cell.startswith("'") and cell[1:].startswith(typed[:1])
    assert "\nplain,-2.0\n" in text  # numbers stay numbers, plain text as typed


def test_the_stalled_export_defuses_sheet_text(edge_db):
    review = review_of(edge_db, AS_OF, cycles=["Fresh"])
    stalled = review.frame("stalled_key_results", value_streams=[], teams=[], modes=[], reasons=[],
                                min_weeks=0)
    stalled.loc[:, "key_result"] = "=1+1"
    text = stalled_csv(stalled)
    assert ",'=1+1," in text and ",=1+1," not in text


def test_the_projection_starts_at_exactly_a_tenth_of_the_cycle(edge_db):
    krs = review_of(edge_db, AS_OF, cycles=["Tenth"]).frame("key_results").set_index("kr_id")
    assert krs.loc["TENTH", "expected"] == 0.1
    assert krs.loc["TENTH", "projected_end"] == pytest.approx(20)  # 2 after a tenth: 20 by the end
    earlier = review_of(edge_db, AS_OF - dt.timedelta(days=1), cycles=["Tenth"]).frame("key_results")
    assert earlier["projected_end"].isna().all()


def test_a_cycles_first_week_counts_as_begun_on_its_monday(edge_db):
    # "Fresh" starts on Monday MONDAY_BEFORE: that day, one week of it has begun (check-in discipline's base).
    on_monday = review_of(edge_db, MONDAY_BEFORE, cycles=["Fresh"]).frame("key_results").set_index("kr_id")
    day_before = review_of(edge_db, MONDAY_BEFORE - dt.timedelta(days=1), cycles=["Fresh"]).frame("key_results")
    assert on_monday.loc["SILENT", "elapsed_weeks"] == 1
    assert list(day_before["elapsed_weeks"]) == [0, 0]


def test_a_cycle_has_a_trajectory_from_its_first_day(edge_db):
    weeks = review_of(edge_db, AS_OF, cycles=["One day"]).frame("trajectory")
    assert [(stream, str(week.date())) for stream, week in zip(weeks["value_stream"].fillna("(all)"),
                                                                weeks["week"])] == [
        ("(all)", "2026-04-13"), ("Day", "2026-04-13")]
    assert review_of(edge_db, AS_OF - dt.timedelta(days=1), cycles=["One day"]).frame("trajectory").empty
