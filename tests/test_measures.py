"""Every measure of the contract's §2 against figures computed by hand for tests/data/review.

As of 2026-01-31 the calendar quarter 2026-Q1 (Jan 1 - Mar 31, 89 days) is
30/89 = 0.33708 elapsed; the custom cycle 2026-S (Jan 5 - Jul 4, 180 days) is
26/180 = 0.14444 elapsed. Weeks are Mondays: Jan 5, 12, 19, 26.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from okra_dash import store
from okra_dash.figures.review import Review
from tests.conftest import review_of

AS_OF = dt.date(2026, 1, 31)
Q1 = 30 / 89
S = 26 / 180

# kr_id: (current, raw progress, expected, status, stalled reasons, weeks since last change)
EXPECTED = {
    "KR-A": (40, 0.40, Q1, "on track", [], 0),
    "KR-B": (40, 0.25, Q1, "on track", ["no movement"], 2),  # lower is better: 50 -> 10
    "KR-C": (25, 1.50, Q1, "on track", ["no check-in"], 2),  # over-achieved: raw 1.5, clamped 1
    "KR-D": (0, 0.0, Q1, "off track", ["no movement", "flat at zero"], 4),
    "KR-E": (100, 0.0, Q1, "off track", ["no check-in", "flat at zero"], 4),  # no check-in yet: current = Start
    "KR-F": (3, 0.30, Q1, "on track", [], 0),  # team Gamma is unknown: mode Unknown
    "KR-G": (10, 10 / 60, S, "on track", [], 1),  # 6-month cycle
}


@pytest.fixture
def krs(review_db):
    frame = review_of(review_db, AS_OF).frame("key_results")
    return {row["kr_id"]: row for row in frame.to_dict("records")}


@pytest.mark.parametrize("kr_id", sorted(EXPECTED))
def test_each_key_result_has_the_hand_computed_measures(krs, kr_id):
    current, progress, expected, status, stalled, weeks = EXPECTED[kr_id]
    kr = krs[kr_id]
    assert kr["current"] == pytest.approx(current)
    assert kr["progress"] == pytest.approx(progress)
    assert kr["progress_clamped"] == pytest.approx(min(1.0, max(0.0, progress)))
    assert kr["expected"] == pytest.approx(expected)
    assert kr["status"] == status
    assert list(kr["stalled"]) == stalled
    assert kr["weeks_since_change"] == weeks


def test_the_review_covers_every_cycle_that_contains_the_date(review_db):
    assert review_of(review_db, AS_OF).cycles == ["2026-Q1", "2026-S"]


def test_a_key_result_of_an_unknown_team_counts_as_mode_unknown(krs):
    assert krs["KR-F"]["mode"] == "Unknown"
    assert krs["KR-D"]["mode"] == "KPI"


def test_an_as_of_date_before_the_latest_check_in_uses_only_the_weeks_started_by_then(review_db):
    # Tuesday Jan 20: the week of Jan 19 has started, the week of Jan 26 has not.
    krs = review_of(review_db, dt.date(2026, 1, 20)).frame("key_results").set_index("kr_id")
    assert krs.loc["KR-A", "current"] == 30
    assert krs.loc["KR-A", "expected"] == pytest.approx(19 / 89)
    assert krs.loc["KR-F", "current"] == 0  # its only check-in is in the week of Jan 26
    assert krs.loc["KR-B", "stalled"].tolist() == []  # 45, 40, 40: not yet three equal values


def test_value_stream_progress_is_the_mean_clamped_progress_of_its_key_results(review_db):
    streams = review_of(review_db, AS_OF).frame("value_streams").set_index(["value_stream", "cycle"])
    cx = streams.loc[("Customer experience", "2026-Q1")]
    assert cx["progress"] == pytest.approx((0.40 + 0.25 + 0.30) / 3)
    assert cx["expected"] == pytest.approx(Q1)
    assert cx["status"] == "on track"
    assert cx["key_results"] == 3
    assert (cx["on_track"], cx["stalled"]) == (3, 1)  # KR-B: no movement
    assert (streams.loc[("Stores", "2026-Q1"), "on_track"], streams.loc[("Stores", "2026-Q1"), "stalled"]) == (1, 3)
    stores = streams.loc[("Stores", "2026-Q1")]
    assert stores["progress"] == pytest.approx((1.0 + 0 + 0) / 3)  # KR-C counts as 1, not 1.5
    assert streams.loc[("Customer experience", "2026-S"), "progress"] == pytest.approx(10 / 60)
    assert len(streams) == 3


def test_status_thresholds_are_configurable(review_db):
    from okra_dash.figures.review import Thresholds

    strict = Thresholds(on_track_margin=0.0, at_risk_margin=0.05)
    krs = review_of(review_db, AS_OF, thresholds=strict).frame("key_results").set_index("kr_id")
    assert krs.loc["KR-A", "status"] == "on track"  # 0.40 >= 0.337
    assert krs.loc["KR-B", "status"] == "off track"  # 0.25 < 0.337 - 0.05
    assert krs.loc["KR-F", "status"] == "at risk"  # 0.30 >= 0.287


def test_the_split_compares_okr_kpi_and_unknown_teams(review_db):
    split = review_of(review_db, AS_OF).frame("split").set_index("mode")
    assert list(split.index) == ["OKR", "KPI", "Unknown"]
    okr, kpi, unknown = split.loc["OKR"], split.loc["KPI"], split.loc["Unknown"]
    assert (okr["teams"], okr["key_results"]) == (2, 4)
    assert okr["progress"] == pytest.approx((0.40 + 0.25 + 1.0 + 10 / 60) / 4)
    assert okr["on_track_share"] == pytest.approx(1.0)
    # Q1 has 5 weeks by Jan 31 (from the week of Dec 29), 2026-S has 4; A, B, C, G checked 4, 4, 2, 3.
    assert okr["checkin_discipline"] == pytest.approx(13 / 19)
    assert (kpi["teams"], kpi["key_results"]) == (1, 2)
    assert kpi["progress"] == pytest.approx(0.0)
    assert kpi["on_track_share"] == pytest.approx(0.0)
    assert kpi["checkin_discipline"] == pytest.approx(4 / 10)
    assert (unknown["teams"], unknown["key_results"]) == (1, 1)
    assert unknown["checkin_discipline"] == pytest.approx(1 / 5)


def test_busy_without_results_needs_three_done_actions_and_off_track(review_db):
    busy = review_of(review_db, AS_OF).frame("busy_without_results")
    # KR-A also has 3 actions done, but it is on track.
    assert busy[["kr_id", "done_actions"]].values.tolist() == [["KR-E", 3]]


def test_changes_since_last_week_list_status_moves_and_new_stalls(review_db):
    changes = review_of(review_db, AS_OF).frame("changes").set_index("kr_id")
    assert sorted(changes.index) == ["KR-B", "KR-C", "KR-D", "KR-E", "KR-F"]
    assert list(changes.loc["KR-B", "new_stalls"]) == ["no movement"]
    assert list(changes.loc["KR-C", "new_stalls"]) == ["no check-in"]
    assert list(changes.loc["KR-D", "new_stalls"]) == ["flat at zero"]
    assert (changes.loc["KR-F", "status_before"], changes.loc["KR-F", "status_now"]) == ("off track", "on track")


def test_stalls_are_only_flagged_for_cycles_that_contain_the_date(review_db):
    # After Q1 ended, its KRs are no longer "stalled": the cycle is closed.
    review = review_of(review_db, dt.date(2026, 4, 15), cycles=["2026-Q1"])
    krs = review.frame("key_results")
    assert krs["expected"].tolist() == [1.0] * 6
    assert all(len(reasons) == 0 for reasons in krs["stalled"])


def test_no_check_in_waits_until_the_cycle_is_two_weeks_old(review_db):
    # Jan 10: Q1 started 9 days ago, so KR-E (never checked in) is not yet "no check-in".
    krs = review_of(review_db, dt.date(2026, 1, 10)).frame("key_results").set_index("kr_id")
    assert list(krs.loc["KR-E", "stalled"]) == []
    krs = review_of(review_db, dt.date(2026, 1, 15)).frame("key_results").set_index("kr_id")
    assert list(krs.loc["KR-E", "stalled"]) == ["no check-in"]


def test_a_value_stream_with_more_than_five_objectives_in_a_cycle_is_a_focus_warning(tmp_path, tabs):
    from okra_dash.sync import sync
    from tests.conftest import write_csv_folder

    # Customer experience has O1 in 2026-Q1; five more make six.
    tabs["Objectives"] += [[f"X{i}", "2026-Q1", "Customer experience", "More", "", ""] for i in range(5)]
    db = tmp_path / "okra.duckdb"
    sync(str(write_csv_folder(tmp_path / "book", tabs)), db)
    focus = review_of(db, AS_OF).frame("focus")
    assert focus[["value_stream", "cycle", "objectives"]].values.tolist() == [["Customer experience", "2026-Q1", 6]]
    from okra_dash.figures.review import Thresholds

    assert review_of(db, AS_OF, thresholds=Thresholds(focus_max_objectives=6)).frame("focus").empty


def test_the_headline_counts_now_and_a_week_earlier(review_db):
    head = review_of(review_db, AS_OF, cycles=["2026-Q1"]).frame("headline").set_index("moment")
    counts = ["on_track", "at_risk", "off_track", "stalled", "streams_behind"]
    assert head.loc["now", counts].tolist() == [4, 0, 2, 4, 0]
    assert head.loc["last week", ["on_track", "off_track", "stalled"]].tolist() == [3, 3, 3]
    # Saturday Jan 31: the last full week is Jan 19-25 (A, B, D checked in, of six); a week earlier, Jan 12-18
    # (A, B, C, D).
    assert head.loc["now", "checked_in_last_week"] == pytest.approx(3 / 6)
    assert head.loc["last week", "checked_in_last_week"] == pytest.approx(4 / 6)
    assert head["last_full_week"].dt.date.tolist() == [dt.date(2026, 1, 19), dt.date(2026, 1, 12)]


def test_a_key_results_weekly_values_come_with_the_linear_pace(review_db):
    review = review_of(review_db, AS_OF)
    weeks = review.frame("kr_checkins", kr_id="KR-C")
    assert weeks["value"].tolist() == [12.0, 25.0]
    # Pace from 10 on Jan 1 to 20 on Mar 31: Jan 5 is 4/89 of the way, Jan 12 is 11/89.
    assert weeks["pace"].tolist() == pytest.approx([10 + 10 * 4 / 89, 10 + 10 * 11 / 89])


def test_the_stalled_list_filters_by_stream_team_mode_reason_and_weeks(review_db):
    review = review_of(review_db, AS_OF)
    everything = {"value_streams": [], "teams": [], "modes": [], "reasons": [], "min_weeks": 0}

    def stalled(**change):
        return sorted(review.frame("stalled_key_results", **{**everything, **change})["kr_id"])

    assert stalled() == ["KR-B", "KR-C", "KR-D", "KR-E"]
    assert stalled(value_streams=["Customer experience"]) == ["KR-B"]
    assert stalled(teams=["Hotline", "Beta"]) == ["KR-C", "KR-D", "KR-E"]
    assert stalled(min_weeks=4) == ["KR-D", "KR-E"]  # exactly 4 weeks still counts
    assert stalled(min_weeks=2) == ["KR-B", "KR-C", "KR-D", "KR-E"]
    assert stalled(modes=["OKR"]) == ["KR-B", "KR-C"]
    assert stalled(reasons=["flat at zero"]) == ["KR-D", "KR-E"]
    assert stalled(reasons=["no movement", "no check-in"]) == ["KR-B", "KR-C", "KR-D", "KR-E"]
    assert stalled(min_weeks=3) == ["KR-D", "KR-E"]


def test_the_team_table_measures_teams_not_individuals(review_db):
    teams = review_of(review_db, AS_OF, cycles=["2026-Q1"]).frame("teams").set_index("team")
    assert teams.loc["Alpha", ["key_results", "stalled"]].tolist() == [2, 1]
    assert teams.loc["Alpha", "progress"] == pytest.approx((0.40 + 0.25) / 2)
    assert teams.loc["Hotline", "checkin_discipline"] == pytest.approx(4 / 10)
    assert "owner" not in teams.columns


def test_the_retrospective_bands_final_achievement(review_db):
    retro = review_of(review_db, dt.date(2026, 4, 15), cycles=["2026-Q1"]).frame("retrospective").set_index("kr_id")
    assert retro["band"].to_dict() == {"KR-A": "missed", "KR-B": "missed", "KR-C": "reached", "KR-D": "missed",
                                       "KR-E": "missed", "KR-F": "missed"}


def test_projected_end_is_where_the_value_lands_at_its_rate_so_far(review_db):
    krs = review_of(review_db, AS_OF).frame("key_results").set_index("kr_id")
    # KR-A: from 0 to 40 in 30 of the quarter's 89 days: 0 + 40 / (30 / 89) = 118.67 by 31 March.
    assert krs.loc["KR-A", "projected_end"] == pytest.approx(40 / (30 / 89))
    # KR-B, lower is better: from 50 to 40 so far, so 50 - 10 / (30 / 89) = 20.33.
    assert krs.loc["KR-B", "projected_end"] == pytest.approx(50 - 10 / (30 / 89))
    # Before a tenth of a cycle has passed there is no rate to speak of: KR-G's half-year is 14% through,
    # and a date in its first week gives none.
    early = review_of(review_db, dt.date(2026, 1, 10)).frame("key_results").set_index("kr_id")
    assert pd.isna(early.loc["KR-G", "projected_end"])


def test_the_reports_queries_measured_once_give_what_each_gives_alone_on_a_reader_and_a_replay(review_db, mixed_db):
    """Review.rows_many measures the review once and lets every query read it (sql/measured_once.sql); compared as
    the report writes them (12 decimals: DuckDB averages in parallel, so a mean's 16th digit can differ)."""
    from okra_dash.figures.report import REPORTED, records

    cases = [(store.connect(review_db), AS_OF, None), (store.replay(review_db, 1), AS_OF, None),
             (store.connect(mixed_db), dt.date(2026, 5, 20), ["2026-Q1", "2026-Q2"])]
    for con, as_of, cycles in cases:
        review = Review(con, as_of, cycles=cycles)
        together = review.rows_many(list(REPORTED))
        assert set(together) == set(REPORTED)
        for name in REPORTED:
            assert records(together[name]) == records(review.rows(name)), name
        assert together["key_results"] and together["headline"] and together["changes"] is not None
        con.close()
