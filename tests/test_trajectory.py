"""The trajectory week by week, against figures worked out by hand for tests/data/review as of 2026-01-31.

2026-Q1 starts on Thursday Jan 1, so its first week is the week of Monday Dec 29; each week is measured as
of its Sunday (Jan 4, 11, 18, 25) and the week holding the as-of date as of Saturday Jan 31.
Customer experience holds KR-A (0 -> 100: 10, 20, 30, 40 in the weeks of Jan 5..26), KR-B (50 -> 10: 45,
40, 40, 40) and KR-F (0 -> 10: 3 in the week of Jan 26).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from okra_dash.figures import report
from okra_dash.figures.review import Review
from tests.conftest import review_of

AS_OF = dt.date(2026, 1, 31)
WEEKS = [dt.date(2025, 12, 29), dt.date(2026, 1, 5), dt.date(2026, 1, 12), dt.date(2026, 1, 19),
         dt.date(2026, 1, 26)]
CX_PROGRESS = [0, (0.1 + 0.125 + 0) / 3, (0.2 + 0.25 + 0) / 3, (0.3 + 0.25 + 0) / 3, (0.4 + 0.25 + 0.3) / 3]
EXPECTED = [3 / 89, 10 / 89, 17 / 89, 24 / 89, 30 / 89]


def test_a_value_streams_trajectory_week_by_week(review_db):
    weeks = review_of(review_db, AS_OF, cycles=["2026-Q1"]).frame("trajectory")
    cx = weeks[weeks["value_stream"] == "Customer experience"]
    assert [day.date() for day in cx["week"]] == WEEKS
    assert list(cx["progress"]) == pytest.approx(CX_PROGRESS)
    assert list(cx["expected"]) == pytest.approx(EXPECTED)


def test_the_whole_cycle_is_the_row_without_a_value_stream(review_db):
    weeks = review_of(review_db, AS_OF, cycles=["2026-Q1"]).frame("trajectory")
    whole = weeks[weeks["value_stream"].isna()]
    # All six pace KRs of the quarter: the last week equals the review's own mean clamped progress.
    krs = review_of(review_db, AS_OF, cycles=["2026-Q1"]).frame("key_results")
    assert whole["progress"].iloc[-1] == pytest.approx(krs["progress_clamped"].mean())
    assert len(whole) == 5


def test_the_json_trajectory_has_the_contracts_fields(review_db):
    data = json.loads(report.as_json(review_of(review_db, AS_OF)))
    rows = [row for row in data["trajectory"] if row["cycle"] == "2026-Q1" and row["value_stream"] == "Stores"]
    assert set(rows[0]) == {"value_stream", "cycle", "week", "progress", "expected"}
    assert [row["week"] for row in rows] == [day.isoformat() for day in WEEKS]
    s_rows = [row for row in data["trajectory"] if row["cycle"] == "2026-S"]
    assert s_rows[0]["week"] == "2026-01-05"  # a cycle's first week is the week holding its start


def test_the_pages_draw_the_trajectory(review_db, monkeypatch):
    from tests.test_app import app

    at = app(review_db, monkeypatch)
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    titles = [spec.get("title") for spec in specs]
    whole_cycle = {"text": "The cycle week by week", "subtitle": "progress of all pace key results against the pace"}
    assert whole_cycle in titles
    # One label per week, its Monday as "12 Jan"; the legend draws the solid and the dashed line.
    lines, running = specs[titles.index(whole_cycle)]["layer"]
    encoding = lines["encoding"]
    assert (encoding["x"]["timeUnit"], encoding["x"]["type"], encoding["x"]["axis"]["format"]) == (
        "yearmonthdate", "ordinal", "%d %b")
    assert encoding["strokeDash"]["legend"]["symbolType"] == "stroke"
    # Saturday Jan 31: the week of Jan 26 is still running, measured so far; its points are drawn hollow.
    assert running["mark"]["fill"] == "white"
    weeks = review_of(review_db, AS_OF).frame("trajectory")
    assert {week.date() for week in weeks.loc[weeks["running"], "week"]} == {dt.date(2026, 1, 26)}
    at = app(review_db, monkeypatch, page="value_streams", query={"stream": "Stores"})
    titles = [json.loads(chart.proto.spec).get("title") for chart in at.get("vega_lite_chart")]
    assert {"text": "Stores week by week", "subtitle": "progress of its pace key results against the pace"} in titles


def test_every_week_is_the_reviews_own_measure_at_that_moment(mixed_db):
    """The trajectory measures all weeks in one pass; each week must equal kr_measures at its moment (the
    week's Sunday, or the as-of date in its own week), per value stream and for the whole cycle."""
    from okra_dash import store

    as_of = dt.date(2026, 5, 18)  # a Monday in the second quarter: its week is measured on the day it starts
    con = store.connect(mixed_db)
    review = Review(con, as_of, cycles=["2026-Q1", "2026-Q2"])
    weeks = review.rows("trajectory")
    assert {row["cycle"] for row in weeks} == {"2026-Q1", "2026-Q2"}
    hotline = [row for row in weeks if row["value_stream"] == "Run the hotline"]
    assert len(hotline) == 8 and all(row["progress"] is None and row["expected"] is None for row in hotline)
    # Q1 (Jan 1 to Mar 31): the weeks of Dec 29 to Mar 30; Q2 (from Apr 1): the weeks of Mar 30 to May 18
    assert sum(row["value_stream"] is None for row in weeks) == 14 + 8
    for row in weeks:
        moment = min(row["week"] + dt.timedelta(days=6), as_of)
        measured = {stream: (progress, expected) for stream, progress, expected in con.execute(
            "SELECT value_stream, avg(progress_clamped), avg(expected) FROM kr_measures(?, [?], ?) "
            "GROUP BY GROUPING SETS ((value_stream), ())",
            [moment, row["cycle"], review.params["review"]]).fetchall()}
        assert (row["progress"], row["expected"]) == pytest.approx(measured[row["value_stream"]]), row
