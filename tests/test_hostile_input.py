"""A corpus of bad workbooks and property-based tests: the parser never crashes, every non-empty
cell it reads either loads or becomes a data issue, and text stays text."""

from __future__ import annotations

import copy
import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okra_dash import store
from okra_dash.errors import SourceError
from okra_dash.source.typed import Percent
from okra_dash.source.workbook import Workbook
from okra_dash.sync import sync
from okra_dash.validate import cells
from okra_dash.validate.advice import FIXES
from okra_dash.validate.parse import parse
from tests.conftest import REVIEW, read_tabs, write_csv_folder, write_xlsx

BASE = read_tabs(REVIEW)
SQL = "Robert'); DROP TABLE teams; --"
HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def set_cell(tab, row, col, value):
    def change(tabs):
        tabs[tab][row - 1][col] = value
    return change


def value_cell(value):
    return set_cell("Check-ins", 2, 5, value)  # KR-A, week 2026-W05 (sheet row 2, column F)


def rename_everywhere(old, new):
    def change(tabs):
        for rows in tabs.values():
            for row in rows:
                for i, cell in enumerate(row):
                    if cell == old:
                        row[i] = new
    return change


def drop_tab(name):
    return lambda tabs: tabs.pop(name)


def header(tab, col, value):
    return set_cell(tab, 1, col, value)


def insert_rows(tab, at, rows):
    def change(tabs):
        tabs[tab][at:at] = rows
    return change


def duplicate_column(tab, col):
    def change(tabs):
        for row in tabs[tab]:
            row.append(row[col] if col < len(row) else "")
    return change


# (id, change, expectation) with expectation one of:
#   ("unusable", words in the sentence)
#   ("issue", tab, row, column header)    the hostile cell shows up as this issue
#   ("loads", sql, expected rows)         it loads, and this query shows how
CORPUS = [
    ("no-teams-tab", drop_tab("Teams"), ("unusable", "no 'Teams' tab")),
    ("no-objectives-tab", drop_tab("Objectives"), ("unusable", "no 'Objectives' tab")),
    ("no-key-results-tab", drop_tab("Key results"), ("unusable", "no 'Key results' tab")),
    ("no-check-ins-tab", drop_tab("Check-ins"), ("unusable", "no 'Check-ins' tab")),
    ("no-actions-tab", drop_tab("Actions"), ("loads", "SELECT count(*) FROM actions", [(0,)])),
    ("no-cycles-tab", drop_tab("Cycles"), ("issue", "Objectives", 4, "Cycle")),
    ("renamed-kr-id-header", header("Key results", 0, "KR-ID"), ("unusable", "no 'KR ID' column")),
    ("renamed-target-header", header("Key results", 5, "Targets"), ("unusable", "no 'Target' column")),
    ("renamed-mode-header", header("Teams", 1, "Kind"), ("unusable", "no 'Mode' column")),
    ("duplicated-target-column", duplicate_column("Key results", 5), ("issue", "Key results", 1, "Target")),
    ("duplicated-kr-id-column-in-check-ins", duplicate_column("Check-ins", 0), ("issue", "Check-ins", 1, "KR ID")),
    ("blank-looking-rows", insert_rows("Key results", 3, [["  ", "", " ", "", "", "", "", ""], ["", "", ""]]),
     ("loads", "SELECT \"row\" FROM key_results WHERE kr_id = 'KR-C'", [(6,)])),
    ("blank-rows-above-the-header", insert_rows("Teams", 0, [[], ["", ""]]),
     ("loads", "SELECT \"row\" FROM teams WHERE team = 'Alpha'", [(4,)])),
    ("formula-as-text-value", value_cell("=SUM(B2:B5)"), ("issue", "Check-ins", 2, "2026-W05")),
    ("formula-as-text-title", set_cell("Key results", 2, 3, "=HYPERLINK(\"http://x\")"),
     ("loads", "SELECT key_result FROM key_results WHERE kr_id = 'KR-A'", [("=HYPERLINK(\"http://x\")",)])),
    ("huge-title", set_cell("Key results", 2, 3, "x" * 1_000_000),
     ("loads", "SELECT length(key_result) FROM key_results WHERE kr_id = 'KR-A'", [(1_000_000,)])),
    ("huge-value", value_cell("9" * 50 + "x" * 100_000), ("issue", "Check-ins", 2, "2026-W05")),
    ("emoji-team-in-every-tab", rename_everywhere("Alpha", "Équipe 🚀 α"),
     ("loads", "SELECT mode FROM teams JOIN key_results USING (team) WHERE kr_id = 'KR-A'", [("OKR",)])),
    ("right-to-left-objective", set_cell("Objectives", 2, 3, "الزبائن يحبوننا"),
     ("loads", "SELECT objective FROM objectives WHERE objective_id = 'O1'", [("الزبائن يحبوننا",)])),
    ("zero-width-space-in-id", set_cell("Check-ins", 2, 0, "KR-A\u200b"), ("issue", "Check-ins", 2, "KR ID")),
    ("null-byte-in-title", set_cell("Key results", 2, 3, "Weekly\x00 active"),
     ("loads", "SELECT key_result FROM key_results WHERE kr_id = 'KR-A'", [("Weekly active",)])),
    ("null-byte-alone", value_cell("\x00"), ("loads", "SELECT count(*) FROM checkins WHERE kr_id = 'KR-A'", [(3,)])),
    ("european-decimal", value_cell("1.200,50"), ("issue", "Check-ins", 2, "2026-W05")),
    ("decimal-comma", value_cell("12,5"), ("issue", "Check-ins", 2, "2026-W05")),
    ("thousands-and-decimals", value_cell("12,345.5"),
     ("loads", "SELECT value FROM checkins WHERE kr_id = 'KR-A' AND week = '2026-01-26'", [(12345.5,)])),
    ("accounting-negative", value_cell("(5)"), ("issue", "Check-ins", 2, "2026-W05")),
    ("trailing-minus", value_cell("5-"), ("issue", "Check-ins", 2, "2026-W05")),
    ("vulgar-fraction", value_cell("½"), ("issue", "Check-ins", 2, "2026-W05")),
    ("overflowing-exponent", value_cell("1e400"), ("issue", "Check-ins", 2, "2026-W05")),
    ("nan-word", value_cell("NaN"), ("issue", "Check-ins", 2, "2026-W05")),
    ("infinity-word", value_cell("-inf"), ("issue", "Check-ins", 2, "2026-W05")),
    ("hexadecimal", value_cell("0x10"), ("issue", "Check-ins", 2, "2026-W05")),
    ("percent-after-space", value_cell("41 %"),
     ("loads", "SELECT value FROM checkins WHERE kr_id = 'KR-A' AND week = '2026-01-26'", [(41.0,)])),
    ("currency-then-minus", value_cell("$-5"),
     ("loads", "SELECT value FROM checkins WHERE kr_id = 'KR-A' AND week = '2026-01-26'", [(-5.0,)])),
    ("full-width-digits", value_cell("４２"),
     ("loads", "SELECT value FROM checkins WHERE kr_id = 'KR-A' AND week = '2026-01-26'", [(42.0,)])),
    ("day-first-date-header", header("Check-ins", 2, "31/12/2025"), ("issue", "Check-ins", 1, "31/12/2025")),
    ("month-name-header", header("Check-ins", 2, "Jan 5"), ("issue", "Check-ins", 1, "Jan 5")),
    ("impossible-date-header", header("Check-ins", 2, "2026-02-30"), ("issue", "Check-ins", 1, "2026-02-30")),
    ("impossible-iso-week", header("Check-ins", 2, "2027-W53"), ("issue", "Check-ins", 1, "2027-W53")),
    ("timestamp-header", header("Check-ins", 2, "2026-01-05T10:30:00Z"),
     ("loads", "SELECT count(*) FROM checkins WHERE week = '2026-01-05'", [(5,)])),
    ("cycle-end-before-start", set_cell("Cycles", 2, 2, "2025-12-01"), ("issue", "Cycles", 2, "End")),
    ("cycle-longer-than-six-months", set_cell("Cycles", 2, 2, "2026-12-31"), ("issue", "Cycles", 2, "End")),
    ("unknown-cycle-name", set_cell("Objectives", 2, 1, "2026-Q5"), ("issue", "Objectives", 2, "Cycle")),
    ("sql-in-team-everywhere", rename_everywhere("Alpha", SQL),
     ("loads", "SELECT count(*) FROM key_results WHERE team = 'Robert''); DROP TABLE teams; --'", [(2,)])),
    ("sql-in-ids", rename_everywhere("KR-A", "KR'; DELETE FROM checkins; --"),
     ("loads", "SELECT count(*) FROM checkins", [(18,)])),
    ("html-in-every-text-field", lambda tabs: [row.__setitem__(col, HTML) for tab, col in
                                               (("Key results", 3), ("Objectives", 3), ("Objectives", 2))
                                               for row in tabs[tab][1:] if row],
     ("loads", "SELECT DISTINCT key_result, value_stream FROM key_results JOIN objectives USING (objective_id)",
      [(HTML, HTML)])),
    ("html-in-a-value", value_cell(HTML), ("issue", "Check-ins", 2, "2026-W05")),
    ("checkbox-as-value", value_cell("TRUE"), ("issue", "Check-ins", 2, "2026-W05")),
    # Version 2 reading rules: anchored thousands commas, spreadsheet errors, typed dates, absurd years.
    ("comma-after-zero", value_cell("0,125"), ("issue", "Check-ins", 2, "2026-W05")),
    ("comma-after-four-digits", value_cell("1234,567"), ("issue", "Check-ins", 2, "2026-W05")),
    ("german-thousands-and-comma", value_cell("1.234,567"), ("issue", "Check-ins", 2, "2026-W05")),
    ("comma-groups-of-one", value_cell("12,5,000"), ("issue", "Check-ins", 2, "2026-W05")),
    ("millions-with-commas", value_cell("1,234,567"),
     ("loads", "SELECT value FROM checkins WHERE kr_id = 'KR-A' AND week = '2026-01-26'", [(1234567.0,)])),
    ("percent-with-decimals", value_cell("12.5%"),
     ("loads", "SELECT value FROM checkins WHERE kr_id = 'KR-A' AND week = '2026-01-26'", [(12.5,)])),
    ("spreadsheet-error-text", value_cell("#DIV/0!"), ("issue", "Check-ins", 2, "2026-W05")),
    ("na-error-is-not-na-word", value_cell("#N/A"), ("issue", "Check-ins", 2, "2026-W05")),
    ("date-typed-as-value", value_cell("2026-01-26"), ("issue", "Check-ins", 2, "2026-W05")),
    ("checkbox-lowercase", value_cell("false"), ("issue", "Check-ins", 2, "2026-W05")),
    ("absurd-cycle-year", set_cell("Objectives", 2, 1, "9999-Q4"), ("issue", "Objectives", 2, "Cycle")),
    ("year-zero-cycle", set_cell("Objectives", 2, 1, "0000-Q1"), ("issue", "Objectives", 2, "Cycle")),
    ("five-digit-year-in-cycles-tab", set_cell("Cycles", 2, 2, "20266-07-04"), ("issue", "Cycles", 2, "End")),
    ("terminal-escape-in-title", set_cell("Key results", 2, 3, "Weekly\x1b[2J\x07 active"),
     ("loads", "SELECT key_result FROM key_results WHERE kr_id = 'KR-A'", [("Weekly\x1b[2J\x07 active",)])),  # as typed
    ("title-rows-above-teams-header", insert_rows("Teams", 0, [["Our teams"], [""]]),
     ("loads", "SELECT count(*) FROM teams", [(3,)])),
    ("actions-tab-without-status", lambda tabs: [row.pop(2) for row in tabs["Actions"]],
     ("issue", "Actions", 1, "")),
]


def test_the_corpus_has_at_least_forty_workbooks():
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("change, expectation", [case[1:] for case in CORPUS], ids=[case[0] for case in CORPUS])
def test_a_bad_workbook_loads_what_it_can_or_fails_with_one_sentence(tmp_path, change, expectation):
    tabs = copy.deepcopy(BASE)
    change(tabs)
    db = tmp_path / "okra.duckdb"
    folder = write_csv_folder(tmp_path / "book", tabs)
    if expectation[0] == "unusable":
        with pytest.raises(SourceError, match=expectation[1]) as error:
            sync(str(folder), db)
        assert "\n" not in str(error.value)
        assert not db.exists()
        return
    sync(str(folder), db)
    con = store.connect(db)
    if expectation[0] == "issue":
        _, tab, row, column = expectation
        found = con.execute('SELECT tab, "row", "column" FROM issues').fetchall()
        assert (tab, row, column) in found, found
    else:
        _, sql, rows = expectation
        assert con.execute(sql).fetchall() == rows


def test_the_same_hostile_workbook_reads_the_same_from_xlsx(tmp_path):
    tabs = copy.deepcopy(BASE)
    rename_everywhere("Alpha", SQL)(tabs)
    value_cell(HTML)(tabs)
    db = tmp_path / "okra.duckdb"
    sync(str(write_xlsx(tmp_path / "book.xlsx", tabs)), db)
    con = store.connect(db)
    assert con.execute("SELECT count(*) FROM teams WHERE team = ?", [SQL]).fetchall() == [(1,)]
    assert ("Check-ins", 2, "2026-W05", HTML) in con.execute(
        'SELECT tab, "row", "column", value FROM issues').fetchall()


# Property-based: random cells in the wide Check-ins tab of the review workbook.
ANY_CELL = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.text(alphabet="0123456789,.%€$ -+eE", max_size=10),
    st.sampled_from(["", "-", "n/a", "NA", "tbd", "TBD", " ", "1,200", "45%", "€3.5", "4O"]),
    st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=st.lists(st.lists(ANY_CELL, min_size=4, max_size=4), min_size=7, max_size=7),
       ids=st.lists(st.sampled_from(["KR-A", "KR-B", "KR-C", "KR-D", "KR-E", "KR-F", "KR-G", "KR-Z", "", " "]),
                    min_size=7, max_size=7))
def test_every_non_empty_check_in_cell_loads_or_is_an_issue(grid, ids):
    tabs = copy.deepcopy(BASE)
    tabs["Check-ins"] = [tabs["Check-ins"][0]] + [[kr_id, "title", *row] for kr_id, row in zip(ids, grid)]
    parsed = parse(Workbook.from_tabs(tabs, "hypothesis", "csv"))
    loaded = set(zip(parsed.checkins["row"], parsed.checkins["col"]))
    issues = parsed.issues.where(parsed.issues["tab"] == "Check-ins")
    flagged = set(zip(issues["row"], issues["col"]))
    kept_rows = set()
    for offset, (kr_id, row) in enumerate(zip(ids, grid)):
        sheet_row = offset + 2
        if (sheet_row, 1) in flagged:  # the whole row was left out: unknown, blank or repeated KR ID
            continue
        kept_rows.add(sheet_row)
        for index, cell in enumerate(row):
            if cells.is_blank(cell):
                continue
            assert (sheet_row, index + 3) in loaded | flagged, (kr_id, cell)
    # A row is only left out when its KR ID is unknown, blank or repeated.
    for offset, kr_id in enumerate(ids):
        if kr_id.strip() in {"KR-A", "KR-B", "KR-C", "KR-D", "KR-E", "KR-F", "KR-G"} and kr_id.strip() not in [
                k.strip() for k in ids[:offset]]:
            assert offset + 2 in kept_rows


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=16), st.text(alphabet="0123456789,.%€$ -+eE#/!", max_size=12),
                 st.floats(), st.integers(), st.booleans(), st.none()))
def test_a_cell_read_as_a_number_is_a_finite_number_none_or_an_issue_with_a_kind(cell):
    try:
        value = cells.number(cell)
    except cells.CellError as error:
        assert error.kind in FIXES and str(error)
        return
    assert value is None or math.isfinite(value)


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False, allow_infinity=False))
def test_a_percent_cell_and_its_text_read_as_the_same_number(shown):
    # A spreadsheet stores a typed 12.345% as 0.12345: reading it gives back 12.345, as the text does.
    stored = float(shown / 100)
    assert cells.number(Percent(stored)) == cells.number(f"{shown}%") == float(shown)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_cell_text_is_kept_as_typed_and_shown_with_no_control_character_but_line_breaks_and_tabs(raw):
    from okra_dash.source.typed import printable

    assert cells.text(raw) == raw.replace("\x00", "").strip()
    shown = printable(cells.text(raw))
    assert not [c for c in shown if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]


WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)


@settings(max_examples=150, deadline=None)
@given(tabs=st.dictionaries(
    st.sampled_from(["Teams", "teams ", "Objectives", "Key results", "Check-ins", "Actions", "Cycles", "Other"]),
    st.lists(st.lists(st.one_of(WORDS, st.sampled_from(["Team", "Mode", "KR ID", "Objective ID", "Cycle", "Start",
                                                       "Target", "Week", "Value", "Value stream", "Objective",
                                                       "Key result", "End", "Action", "Status"]),
                                ANY_CELL), max_size=8), max_size=8),
    max_size=8))
def test_the_parser_never_crashes_on_any_workbook(tabs):
    try:
        parse(Workbook.from_tabs(tabs, "hypothesis", "csv"))
    except SourceError as error:
        assert str(error) and "\n" not in str(error)
