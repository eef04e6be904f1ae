"""Confidence and notes from both layouts (typed .xlsx), as of Monday 2026-02-16, worked out by hand."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from okra_dash.figures import report
from okra_dash.sync import sync
from tests.conftest import review_of, write_xlsx

AS_OF = dt.date(2026, 2, 16)
W1, W2, W3, LATER = dt.date(2026, 2, 2), dt.date(2026, 2, 9), dt.date(2026, 2, 16), dt.date(2026, 2, 23)

BASE = {
    "Teams": [["Team", "Mode"], ["Squad", "OKR"]],
    "Objectives": [["Objective ID", "Cycle", "Value stream", "Objective"], ["O1", "2026-Q1", "Growth", "Grow"]],
    "Key results": [["KR ID", "Objective ID", "Team", "Key result", "Start", "Target"],
                    ["P1", "O1", "Squad", "New customers", 0, 100], ["P2", "O1", "Squad", "Repeat orders", 0, 10],
                    ["P3", "O1", "Squad", "Reviews", 0, 50]],
}
WIDE = {**BASE,
        "Check-ins": [["KR ID", W1, W2, W3], ["P1", 10, 20, 30], ["P2", 1, 2, 3], ["P3", 5, 5, 5]],
        "Check-in notes": [["Week", "KR ID", "Confidence", "Note"],
                           [W1, "P1", 6, "Campaign slipped a week"],
                           [W2, "P1", 7, ""],  # a confidence without a note
                           [LATER, "P1", 9, "Written after the as-of date"],  # must not show
                           [W2, "P2", 11, "Very sure"],  # confidence out of range: an issue, the note stays
                           ["2026-W08", "P2", "", "Second note, same KR, later week"],
                           [W2, "NOPE", 5, "Unknown KR"]]}
LONG = {**BASE,
        "Check-ins": [["Week", "KR ID", "Value", "Confidence", "Note"],
                      [W1, "P1", 10, 6, "Campaign slipped a week"], [W2, "P1", 20, 7, ""],
                      [LATER, "P1", 40, 9, "Written after the as-of date"],
                      [W2, "P2", 2, 11, "Very sure"], [W3, "P2", 3, "", "Second note, same KR, later week"],
                      [W1, "P3", 5, "", ""], [W2, "P3", 5, "", ""], [W3, "P3", 5, "", ""]]}


def _synced(tmp_path, book) -> dict:
    db = tmp_path / "okra.duckdb"
    sync(str(write_xlsx(tmp_path / "book.xlsx", book)), db)
    return db


@pytest.fixture(params=["wide with the notes tab", "long"])
def db(request, tmp_path):
    return _synced(tmp_path, WIDE if request.param.startswith("wide") else LONG)


def test_the_latest_confidence_and_the_latest_note_up_to_the_date(db):
    krs = review_of(db, AS_OF).frame("key_results").set_index("kr_id")
    p1, p2, p3 = krs.loc["P1"], krs.loc["P2"], krs.loc["P3"]
    assert (p1["confidence"], p1["note"], p1["note_week"].date()) == (7, "Campaign slipped a week", W1)
    assert p2["confidence"] != p2["confidence"]  # 11 was left blank: no confidence given
    assert (p2["note"], p2["note_week"].date()) == ("Second note, same KR, later week", W3)
    assert pd.isna(p3["confidence"]) and pd.isna(p3["note"])


def test_a_mode_without_teams_still_shows_with_none(db):
    split = review_of(db, AS_OF).frame("split").set_index("mode")
    assert list(split.index) == ["OKR", "KPI"] and split.loc["KPI", "teams"] == 0


def test_a_later_week_shows_the_later_note(db):
    p1 = review_of(db, LATER).frame("key_results").set_index("kr_id").loc["P1"]
    assert (p1["confidence"], p1["note"]) == (9, "Written after the as-of date")


def test_a_confidence_of_eleven_and_an_unknown_kr_are_data_issues(db):
    issues = review_of(db, AS_OF).frame("issues")
    assert "confidence_range" in set(issues["kind"])
    (eleven,) = issues[issues["kind"] == "confidence_range"]["value"]
    assert eleven == "11"


def test_the_notes_tab_reports_an_unknown_kr(tmp_path):
    issues = review_of(_synced(tmp_path, WIDE), AS_OF).frame("issues")
    unknown = issues[issues["kind"] == "unknown_kr"]
    assert list(zip(unknown["tab"], unknown["row"])) == [("Check-in notes", 7)]


def test_the_json_report_carries_confidence_note_and_note_week(db):
    data = json.loads(report.as_json(review_of(db, AS_OF)))
    p1 = next(kr for kr in data["key_results"] if kr["kr_id"] == "P1")
    assert (p1["confidence"], p1["note"], p1["note_week"]) == (7.0, "Campaign slipped a week", "2026-02-02")
    p3 = next(kr for kr in data["key_results"] if kr["kr_id"] == "P3")
    assert (p3["confidence"], p3["note"], p3["note_week"]) == (None, None, None)


def test_the_stalled_list_shows_the_latest_note(db):
    stalled = review_of(db, AS_OF).frame("stalled_key_results", value_streams=[], teams=[], modes=[], reasons=[],
                                         min_weeks=0).set_index("kr_id")
    assert list(stalled.index) == ["P3"]  # 5, 5, 5: no movement
    assert pd.isna(stalled.loc["P3", "note"])


def test_the_dashboard_shows_the_note_beside_the_kr_and_what_was_said_week_by_week(tmp_path, monkeypatch):
    from tests.test_app import app, frame_with

    db = _synced(tmp_path, WIDE)
    at = app(db, monkeypatch, as_of=AS_OF, page="value_streams", query={"stream": "Growth", "kr": "P1"})
    table = frame_with(at, "kr_id").set_index("kr_id")
    assert table.loc["P1", "note"] == "Campaign slipped a week (week of 02 Feb)"
    assert table.loc["P1", "confidence"] == "7/10" and table.loc["P2", "note"].startswith("Second note")
    # Week by week, newest first, as sentences read whole (the note of 23 Feb is after the date)
    text = [m.value for m in at.markdown]
    start = text.index("**P1 · New customers** (Squad)") + 1
    assert text[start:start + 2] == ["No note (week of 09 Feb, confidence 7/10).",
                                     "The team said (week of 02 Feb, confidence 6/10): “Campaign slipped a week”"]
    # The card: the latest note with its own week, and the latest confidence (a later week's) said apart
    assert "\n\nThe team said (week of 02 Feb): “Campaign slipped a week” Latest confidence 7/10." in "\n".join(text)
    at = app(db, monkeypatch, as_of=AS_OF, page="stalled")
    assert at.dataframe[0].value.set_index("kr_id").loc["P3", "status"].endswith("off track")


def test_missing_cells_of_a_long_layout_point_nowhere(tmp_path):
    # A long Check-ins tab has no cell waiting for a week's value: the write-back lists the KR without a link.
    cells = review_of(_synced(tmp_path, LONG), dt.date(2026, 3, 2)).frame("missing_cells")
    assert list(cells["kr_id"]) == ["P2", "P3"]  # P1 checked in for the week of Feb 23
    assert cells["row"].isna().all() and cells["col"].isna().all()


def test_a_week_said_in_both_places_counts_once_everywhere(tmp_path):
    # The long layout and the notes tab both speak for the week of Feb 9: the higher confidence and both notes,
    # the same beside the KR as in its week-by-week list.
    book = {**LONG, "Check-in notes": [["Week", "KR ID", "Confidence", "Note"], [W2, "P1", 8, "Tab note"]]}
    review = review_of(_synced(tmp_path, book), AS_OF)
    p1 = review.frame("key_results").set_index("kr_id").loc["P1"]
    said = review.frame("kr_notes", kr_id="P1").set_index("week")
    assert p1["confidence"] == 8 == said.loc[pd.Timestamp(W2), "confidence"]
    assert p1["note"] == "Tab note" == said.loc[pd.Timestamp(W2), "note"]  # the long row's note for W2 is empty
