"""The dashboard's state and its correctness under interaction, in AppTest: the cycle follows the date,
thresholds that contradict each other are refused, filters survive going away and back, links with
unknown values are noted and ignored, the stalled CSV is plain, and a team typo names its likely team."""

from __future__ import annotations

import csv
import datetime as dt
import io

from okra_dash.figures.links import stalled_csv
from okra_dash.figures.review import Review
from okra_dash.store import connect
from okra_dash.sync import sync
from tests.conftest import as_read, write_csv_folder
from tests.test_app import PAGES, app, metrics, unfold


def main_captions(at) -> list[str]:
    return [c.value for c in at.main.caption]


def test_the_cycle_follows_the_as_of_date_unless_one_is_picked(review_db, monkeypatch):
    at = app(review_db, monkeypatch, as_of=dt.date(2026, 1, 31), cycle=None)
    assert main_captions(at)[0] == "As of 2026-01-31 · 2026-Q1 34% elapsed; 2026-S 14% elapsed: that share is the " \
                                   "expected pace."
    at.date_input(key="as_of").set_value(dt.date(2026, 5, 1)).run()  # Q1 is over: only the half-year holds it
    assert not at.exception
    assert main_captions(at)[0].startswith("As of 2026-05-01 · 2026-S 64% elapsed")  # 116 of 180 days
    assert metrics(at)["On track"] == "0"  # KR-G: 10 of 60 at 64% of the half-year
    at.multiselect(key="cycles").set_value(["2026-Q1"]).run()  # picked: it stays when the date moves
    at.date_input(key="as_of").set_value(dt.date(2026, 6, 1)).run()
    assert main_captions(at)[0].startswith("As of 2026-06-01 · 2026-Q1 100% elapsed")
    assert at.query_params["cycle"] == "2026-Q1" and at.query_params["as_of"] == "2026-06-01"
    at.date_input(key="as_of").set_value(dt.date(2025, 6, 1)).run()  # before every cycle: nothing breaks
    assert not at.exception


def test_every_page_survives_dates_before_inside_between_and_after_the_cycles(review_db, monkeypatch):
    at = app(review_db, monkeypatch, cycle=None)
    for page in ("weekly_review", "meeting", "value_streams", "stalled", "champions", "okr_vs_kpi", "retrospective",
                 "data_quality"):
        at.switch_page(f"{PAGES}/{page}.py").run()
        for day in (dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 1),
                    dt.date(2026, 7, 4), dt.date(2026, 7, 5), dt.date(2030, 1, 1), dt.date(2026, 1, 31)):
            at.date_input(key="as_of").set_value(day).run()
            assert not at.exception, (page, day, [e.value for e in at.exception])


def test_thresholds_that_contradict_each_other_are_refused_with_a_reset(review_db, monkeypatch):
    at = app(review_db, monkeypatch)
    before = metrics(at)
    unfold(at, "thresholds_open")
    at.number_input(key="threshold_at_risk_margin").set_value(5.0).run()  # tighter than on track (10 points)
    assert at.sidebar.error[0].value == ("At risk margin (5 points) cannot be tighter than on track margin "
                                         "(10 points): at risk starts where on track ends. The defaults are used.")
    assert metrics(at) == before
    at.button(key="reset_thresholds").click().run()
    assert at.number_input(key="threshold_at_risk_margin").value == 25.0 and not at.sidebar.error


def test_filters_survive_going_to_another_page_and_back(review_db, monkeypatch):
    at = app(review_db, monkeypatch, page="stalled")
    unfold(at, "filters_open")
    at.multiselect(key="f_teams").set_value(["Hotline"]).run()
    at.number_input(key="f_min_weeks").set_value(3).run()
    at.switch_page(f"{PAGES}/weekly_review.py").run()
    assert "team" not in at.query_params  # the weekly review's link holds only its own state
    at.switch_page(f"{PAGES}/stalled.py").run()
    assert at.multiselect(key="f_teams").value == ["Hotline"]
    assert at.number_input(key="f_min_weeks").value == 3
    assert sorted(at.dataframe[0].value["kr_id"]) == ["KR-D", "KR-E"]
    assert at.query_params["team"] == "Hotline" and at.query_params["min_weeks"] == "3"


def test_folded_filters_are_not_drawn_and_still_filter(review_db, monkeypatch):
    at = app(review_db, monkeypatch, page="stalled")
    assert "f_reasons" not in [m.key for m in at.multiselect]  # folded while none is set: not drawn
    unfold(at, "filters_open")
    at.multiselect(key="f_reasons").set_value(["no check-in"]).run()
    assert sorted(at.dataframe[0].value["kr_id"]) == ["KR-C", "KR-E"]
    at.session_state["filters_open"] = False  # folded: the filters go, the one set stays in force and in the link
    at.run()
    at.run()
    assert "f_reasons" not in [m.key for m in at.multiselect]
    assert sorted(at.dataframe[0].value["kr_id"]) == ["KR-C", "KR-E"] and at.query_params["reason"] == "no check-in"
    assert [e.label for e in at.expander if e.label.startswith("Filters")] == ["Filters (1 set)"]
    unfold(at, "filters_open")  # unfolded: it shows the filter in force; cleared, the list is whole and stays open
    assert at.multiselect(key="f_reasons").value == ["no check-in"]
    at.multiselect(key="f_reasons").set_value([]).run()
    at.run()
    assert sorted(at.dataframe[0].value["kr_id"]) == ["KR-B", "KR-C", "KR-D", "KR-E"]
    assert "f_reasons" in [m.key for m in at.multiselect]


def test_a_link_with_unknown_values_shows_the_rest_and_notes_what_it_ignored(review_db, monkeypatch):
    at = app(review_db, monkeypatch, page="stalled",
             query={"team": ["Hotline", "Nobody"], "reason": "sleeping", "min_weeks": "x"})
    assert not at.exception
    assert at.multiselect(key="f_teams").value == ["Hotline"]
    assert at.multiselect(key="f_reasons").value == []
    note = [c for c in main_captions(at) if c.startswith("Ignored from the link")]
    assert note == ["Ignored from the link, as this view has no such thing: team “Nobody”, reason “sleeping”, "
                    "weeks since last change “x”."]
    at = app(review_db, monkeypatch, as_of=dt.date(2026, 1, 31), cycle="2031-Q9")
    assert metrics(at)["On track"] == "5"  # the cycles of the date, as without a cycle
    assert any("cycle “2031-Q9”" in c for c in main_captions(at))


def test_what_a_link_asked_for_is_noted_as_text_never_as_a_link_or_markup(review_db, monkeypatch):
    """Anyone can send a link: a value it holds that the view lacks is echoed in the note as typed, so a
    crafted link cannot put a clickable [text](url), bold or Streamlit's :red[] into the dashboard."""
    typed = "[Sign in again](https://evil.example/login) **now** :red[urgent] $x$"
    at = app(review_db, monkeypatch, page="value_streams", query={"stream": typed})
    assert not at.exception
    (note,) = [c for c in main_captions(at) if c.startswith("Ignored from the link")]
    assert ("\\[Sign in again\\](https&#58;//evil.example/login) \\*\\*now\\*\\* &#58;red\\[urgent\\] "
            "&#36;x&#36;") in note
    assert as_read(note) == f"Ignored from the link, as this view has no such thing: value stream “{typed}”."


def test_the_stalled_csv_has_plain_reasons_rounded_numbers_and_start(review_db):
    review = Review(connect(review_db), dt.date(2026, 1, 31), cycles=["2026-Q1"])
    frame = review.frame("stalled_key_results", value_streams=[], teams=[], modes=[], reasons=[], min_weeks=0)
    frame.loc[frame["kr_id"] == "KR-B", "current"] = 40.00000000000001  # float noise must not reach the file
    frame.loc[frame["kr_id"] == "KR-D", "key_result"] = "=HYPERLINK(\"http://x\")"
    frame["confidence"] = frame["confidence"].astype(float)
    frame.loc[frame["kr_id"] == "KR-B", "confidence"] = 3.0
    rows = list(csv.DictReader(io.StringIO(stalled_csv(frame))))
    by_kr = {row["KR"]: row for row in rows}
    assert by_kr["KR-D"]["Stalled because"] == "no movement; flat at zero"
    # Numbers as typed: 50, not 50.0; a confidence of 3, not 3.0.
    assert [by_kr["KR-B"][label] for label in ("Start", "Current", "Target", "Confidence")] == ["50", "40", "10", "3"]
    assert by_kr["KR-B"]["Progress %"] == "25" and by_kr["KR-B"]["Expected %"] == "34"
    assert by_kr["KR-D"]["Key result"] == "'=HYPERLINK(\"http://x\")"  # defused: shown, never run


def test_a_key_result_whose_team_is_misspelled_shows_the_issue_and_the_team_it_probably_meant(tmp_path, tabs,
                                                                                            monkeypatch):
    tabs["Teams"][3][0] = "Support hotline"
    for row in tabs["Key results"][1:]:
        row[2] = {"Hotline": "Support hotline", "Gamma": "Alpha"}.get(row[2], row[2])
    tabs["Key results"][5][2] = "Suport hotline"  # KR-E
    db = tmp_path / "okra.duckdb"
    sync(str(write_csv_folder(tmp_path / "book", tabs)), db)
    at = app(db, monkeypatch, page="value_streams", query={"stream": "Stores"})
    warnings = [w.value for w in at.warning]
    assert warnings == ["KR-E: team 'Suport hotline' is not in the Teams tab (did you mean 'Support hotline'?); it "
                        "counts as mode Unknown (Key results tab, column Team; see Data quality)"]
    at.switch_page(f"{PAGES}/okr_vs_kpi.py").run()
    assert "did you mean 'Support hotline'?" in at.warning[0].value


def test_control_characters_from_cells_never_reach_a_page(tmp_path, tabs, monkeypatch):
    escape = "\x1b[2J\x1b]0;pwned\x07\x9b31m"
    tabs["Key results"][4][3] = f"Calls{escape} answered"  # KR-D: stalled, so on every list
    tabs["Objectives"][2][3] = f"Stores{escape}"
    tabs["Check-ins"][2][5] = f"4{escape}0"  # a data issue that shows what was typed
    db = tmp_path / "okra.duckdb"
    sync(str(write_csv_folder(tmp_path / "book", tabs)), db)
    for page in ("weekly_review", "meeting", "value_streams", "stalled", "champions", "okr_vs_kpi",
                 "data_quality"):
        at = app(db, monkeypatch, page=None if page == "weekly_review" else page,
                 query={"stream": "Stores"} if page == "value_streams" else None)
        texts = [str(element.value) for kind in ("markdown", "caption", "metric", "warning", "subheader", "title")
                 for element in getattr(at, kind)]
        texts += [frame.value.to_csv() for frame in at.dataframe]
        joined = "\n".join(texts)
        assert not [c for c in joined if (ord(c) < 32 and c not in "\n\t\r") or 0x7F <= ord(c) <= 0x9F], page
        if page in ("stalled", "data_quality", "value_streams"):
            assert "␛[2J" in joined, page  # shown as typed, as visible symbols


def test_a_page_that_changes_the_rows_it_read_does_not_change_the_next_read(review_db):
    """Pages change their frames (a list column joined into text, a column mapped to labels): every read is the
    reader's own copy, so the next page or rerun gets the rows as the query gave them, both after the read
    that computed them and after one that found them cached."""
    from okra_dash.store import version
    from okra_dash.ui.data import View

    view = View(str(review_db), version(review_db), dt.date(2026, 1, 31), ("2026-Q1",))
    for _ in range(2):  # the first read computes the rows, the second finds them cached
        teams = view.frame("teams")
        assert not isinstance(teams["value_streams"].iloc[0], str)  # a list of streams, as the query gives it
        teams["value_streams"] = teams["value_streams"].map(", ".join)
        teams["team"] = "changed"
    again = view.frame("teams")
    assert "changed" not in set(again["team"])
    assert not isinstance(again["value_streams"].iloc[0], str)
