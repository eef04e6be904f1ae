"""Estimation across cycles: every closed cycle side by side, worked out by hand for tests/data/review.

As of 2026-07-05 both cycles have closed: 2026-Q1 (final values KR-A 40 -> 0.4, KR-B 40 -> 0.25, KR-C 25 of
10 -> 20 -> 1.5, shown as it is, KR-D 0, KR-E none -> 0, KR-F 3 -> 0.3) and 2026-S (KR-G 10 of 60 -> 1/6; TBD is
no value).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import review_of

AS_OF = dt.date(2026, 7, 5)


def _side_by_side(db, grouping):
    rows = review_of(db, AS_OF).frame("estimation")
    rows = rows[rows["grouping"] == grouping]
    return {(row.name, row.cycle): row.achievement for row in rows.itertuples()}


def test_each_teams_final_achievement_per_closed_cycle(review_db):
    assert _side_by_side(review_db, "team") == pytest.approx({
        ("Alpha", "2026-Q1"): (0.4 + 0.25) / 2, ("Beta", "2026-Q1"): 1.5, ("Beta", "2026-S"): 1 / 6,
        ("Gamma", "2026-Q1"): 0.3, ("Hotline", "2026-Q1"): 0.0})


def test_each_value_streams_final_achievement_per_closed_cycle(review_db):
    assert _side_by_side(review_db, "value stream") == pytest.approx({
        ("Customer experience", "2026-Q1"): (0.4 + 0.25 + 0.3) / 3, ("Stores", "2026-Q1"): (1.5 + 0 + 0) / 3,
        ("Customer experience", "2026-S"): 1 / 6})


def test_no_closed_cycle_no_rows(review_db):
    assert review_of(review_db, dt.date(2026, 2, 1)).frame("estimation").empty


def test_the_retrospective_shows_the_closed_cycles_side_by_side(review_db, monkeypatch):
    from tests.test_app import app

    at = app(review_db, monkeypatch, as_of=AS_OF, cycle=None, page="retrospective")
    teams, streams = at.dataframe[-2].value.set_index("Team"), at.dataframe[-1].value.set_index("Value stream")
    assert list(teams.columns) == ["2026-Q1", "2026-S"]  # in the order the cycles started
    assert teams.loc["Alpha", "2026-Q1"] == 32 and teams.loc["Beta", "2026-S"] == 17
    assert streams.loc["Stores", "2026-Q1"] == 50
    assert teams.loc["Beta", "2026-Q1"] == 150  # above the target, shown as it is


def test_each_achievement_is_the_reviews_own_measure_at_the_date(mixed_db):
    """Estimation reads each KR's progress in one pass; it must equal kr_measures at the as-of date, per team
    and per value stream of every closed cycle, health KRs left out (a stream of them only has no row)."""
    from okra_dash import store

    as_of = dt.date(2026, 7, 6)  # Q1 and Q2 closed, Q3 running
    con = store.connect(mixed_db)
    rows = review_of(mixed_db, as_of).rows("estimation")
    measured = {}
    for grouping, column in (("team", "team"), ("value stream", "value_stream")):
        for name, cycle, start, achievement, count in con.execute(
                f"SELECT {column}, cycle, min(start_date), avg(progress), count(*) "
                "FROM kr_measures(?, ['2026-Q1', '2026-Q2'], ?) WHERE NOT health GROUP BY ALL",
                [as_of, review_of(mixed_db, as_of).params["review"]]).fetchall():
            measured[(grouping, name, cycle)] = (start, achievement, count)
    assert {(row["grouping"], row["name"], row["cycle"]) for row in rows} == set(measured)
    assert ("value stream", "Run the hotline", "2026-Q2") not in measured
    for row in rows:
        start, achievement, count = measured[(row["grouping"], row["name"], row["cycle"])]
        assert (row["start_date"], row["key_results"]) == (start, count)
        assert row["achievement"] == pytest.approx(achievement), row


def test_a_cycle_counts_from_the_day_after_its_end(mixed_db):
    cycles = {day: {row["cycle"] for row in review_of(mixed_db, day).rows("estimation")}
              for day in (dt.date(2026, 6, 30), dt.date(2026, 7, 1))}  # 2026-Q2 ends on June 30
    assert cycles == {dt.date(2026, 6, 30): {"2026-Q1"}, dt.date(2026, 7, 1): {"2026-Q1", "2026-Q2"}}
