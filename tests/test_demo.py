"""The demo workbook tells its story whatever day it is loaded."""

from __future__ import annotations

import datetime as dt

import pytest

from okra_dash import store
from okra_dash.figures.review import Review
from okra_dash.source import demo
from okra_dash.sync import sync


@pytest.fixture(params=[dt.date(2026, 11, 22), dt.date(2027, 1, 1), dt.date(2028, 2, 29)], ids=str)
def demo_review(request, tmp_path):
    db = tmp_path / "okra.duckdb"
    sync(demo.workbook(request.param), db)
    return Review(store.connect(db), request.param)


def test_the_current_cycle_is_in_progress_on_the_day_the_demo_is_loaded(demo_review):
    cycles = demo_review.current_cycles()
    assert len(cycles) == 1
    start, end = cycles[0]["start_date"], cycles[0]["end_date"]
    assert start < demo_review.as_of < end


def test_the_demo_has_both_modes_every_stall_reason_and_a_closed_previous_cycle(demo_review):
    krs = demo_review.frame("key_results")
    assert set(krs["mode"]) >= {"OKR", "KPI"}
    reasons = {reason for stalled in krs["stalled"] for reason in stalled}
    assert reasons == {"no movement", "no check-in", "flat at zero"}
    assert set(krs["status"]) == {"on track", "at risk", "off track"}
    assert krs["value_stream"].nunique() == 4
    cycles = demo_review.con.execute("SELECT count(*) FROM cycles WHERE end_date < ?", [demo_review.as_of]).fetchall()
    assert cycles == [(1,)]


def test_the_demo_shows_busy_without_results_focus_and_a_few_typing_mistakes(demo_review):
    assert demo_review.frame("busy_without_results")["kr_id"].tolist() == ["KR13"]
    assert demo_review.frame("focus")[["value_stream", "objectives"]].values.tolist() == [["Customer experience", 6]]
    issues = demo_review.frame("issues")
    assert 5 <= len(issues) <= 10
    assert {"Key results", "Check-ins", "Actions"} <= set(issues["tab"])
