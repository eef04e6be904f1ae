"""One test per rule of the contract's "Reading values", each asserting the issue's tab, row and column.

Each test changes the hand-computed review workbook a little, writes it as a CSV
folder, syncs it into a real DuckDB file and reads back issues and tables.
"""

from __future__ import annotations

import datetime as dt

import pytest

from okra_dash import store
from okra_dash.errors import SourceError
from okra_dash.sync import sync
from tests.conftest import write_csv_folder

AS_OF = dt.date(2026, 1, 31)


def synced(tmp_path, tabs):
    db = tmp_path / "okra.duckdb"
    sync(str(write_csv_folder(tmp_path / "book", tabs)), db)
    return store.connect(db)


# The review workbook's one issue on purpose: KR-F's team Gamma is not in the Teams tab.
GAMMA = ("Key results", 7, "Team", "Gamma")


def all_issues(con):
    rows = con.execute('SELECT tab, "row", "column", value, problem, kind FROM issues').fetchall()
    return [dict(zip(("tab", "row", "column", "value", "problem", "kind"), row)) for row in rows]


def issues_of(con):
    """The issues a test's change caused: all but GAMMA."""
    return [i for i in all_issues(con) if (i["tab"], i["row"], i["column"], i["value"]) != GAMMA]


def only_issue(con):
    found = issues_of(con)
    assert len(found) == 1, found
    return found[0]


def at(issue):
    """Where an issue points, and what was typed there: (tab, row, column, value)."""
    return issue["tab"], issue["row"], issue["column"], issue["value"]


def column(con, sql):
    return [row[0] for row in con.execute(sql).fetchall()]


def test_the_review_workbook_itself_has_only_its_one_deliberate_issue(tmp_path, tabs):
    found = all_issues(synced(tmp_path, tabs))
    assert [at(i) for i in found] == [GAMMA]
    assert found[0]["problem"] == "team 'Gamma' is not in the Teams tab; it counts as mode Unknown"


def test_tab_names_and_headers_match_ignoring_case_and_surrounding_spaces(tmp_path, tabs):
    tabs[" key RESULTS "] = tabs.pop("Key results")
    tabs["check-ins"] = tabs.pop("Check-ins")
    tabs["check-ins"][0][0] = "  kr id "
    con = synced(tmp_path, tabs)
    assert issues_of(con) == []
    assert column(con, "SELECT count(*) FROM checkins") == [18]


def test_unknown_tabs_and_columns_are_ignored(tmp_path, tabs):
    tabs["Notes"] = [["anything"], ["at all"]]
    tabs["Teams"][0].append("Budget")
    for row in tabs["Teams"][1:]:
        row.append("lots")
    con = synced(tmp_path, tabs)
    assert issues_of(con) == []
    assert column(con, "SELECT team FROM teams ORDER BY team") == ["Alpha", "Beta", "Hotline"]


def test_fully_empty_rows_are_ignored_and_row_numbers_stay_the_sheets_own(tmp_path, tabs):
    tabs["Key results"].insert(2, ["", "", "", "", "", "", "", ""])  # KR-B moves to sheet row 4
    tabs["Key results"][3][4] = "lots"
    con = synced(tmp_path, tabs)
    found = [at(i) for i in all_issues(con)]
    assert found == [("Key results", 4, "Start", "lots"), ("Key results", 8, "Team", "Gamma")]


def test_text_is_trimmed_and_ids_compare_exactly_after_trimming(tmp_path, tabs):
    tabs["Check-ins"][1][0] = "  KR-A  "
    tabs["Check-ins"][2][0] = "kr-b"  # not the same ID: case matters for IDs
    con = synced(tmp_path, tabs)
    assert at(only_issue(con)) == ("Check-ins", 3, "KR ID", "kr-b")
    assert column(con, "SELECT count(*) FROM checkins WHERE kr_id = 'KR-A'") == [4]


def test_mode_theme_type_and_status_words_match_in_any_case(tmp_path, tabs):
    con = synced(tmp_path, tabs)  # the workbook has okr, profit, output, done and DONE
    assert column(con, "SELECT mode FROM teams WHERE team = 'Beta'") == ["OKR"]
    assert column(con, "SELECT theme FROM objectives WHERE objective_id = 'O2'") == ["Profit"]
    assert column(con, "SELECT type FROM key_results WHERE kr_id = 'KR-C'") == ["Output"]
    assert column(con, "SELECT count(*) FROM actions WHERE status = 'Done'") == [6]


@pytest.mark.parametrize("typed, value", [
    ("1,200", 1200), ("45%", 45), ("€1,200", 1200), ("$3.5", 3.5), ("  7 ", 7), ("-2.5", -2.5), ("1e2", 100),
], ids=["thousands", "percent", "euro", "dollar", "spaces", "negative", "exponent"])
def test_numbers_are_read_with_separators_percent_and_currency_signs(tmp_path, tabs, typed, value):
    tabs["Check-ins"][1][5] = typed  # KR-A, week of Jan 26
    con = synced(tmp_path, tabs)
    assert issues_of(con) == []
    assert column(con, "SELECT value FROM checkins WHERE kr_id = 'KR-A' AND week = '2026-01-26'") == [value]


@pytest.mark.parametrize("typed", ["", "-", "n/a", "NA", "tbd", "  N/A "])
def test_no_value_words_are_not_check_ins_and_not_issues(tmp_path, tabs, typed):
    tabs["Check-ins"][1][5] = typed
    con = synced(tmp_path, tabs)
    assert issues_of(con) == []
    assert column(con, "SELECT count(*) FROM checkins WHERE kr_id = 'KR-A'") == [3]


@pytest.mark.parametrize("typed", ["4O", "about 40", "12.5.1", "40 40", "--4"])
def test_a_value_that_is_not_a_number_is_an_issue_and_only_that_cell_is_left_out(tmp_path, tabs, typed):
    tabs["Check-ins"][1][5] = typed
    con = synced(tmp_path, tabs)
    issue = only_issue(con)
    assert at(issue) == ("Check-ins", 2, "2026-W05", typed)
    assert "not a number" in issue["problem"]
    assert column(con, "SELECT count(*) FROM checkins WHERE kr_id = 'KR-A'") == [3]
    assert column(con, "SELECT count(*) FROM checkins") == [17]


def test_an_unknown_team_is_an_issue_and_its_key_result_loads_with_mode_unknown(tmp_path, tabs):
    tabs["Teams"].append(["Gamma", "OKR", ""])
    tabs["Key results"][6][2] = "Gama"
    con = synced(tmp_path, tabs)
    issue = all_issues(con)[0]
    assert len(all_issues(con)) == 1
    assert at(issue) == ("Key results", 7, "Team", "Gama")
    assert column(con, "SELECT count(*) FROM key_results WHERE kr_id = 'KR-F'") == [1]


def test_an_unknown_mode_is_an_issue_and_the_team_counts_as_unknown(tmp_path, tabs):
    tabs["Teams"][3][1] = "Ops"
    con = synced(tmp_path, tabs)
    assert at(only_issue(con)) == ("Teams", 4, "mode", "Ops")
    assert column(con, "SELECT mode FROM teams WHERE team = 'Hotline'") == ["Unknown"]


def test_an_unknown_objective_id_leaves_the_key_result_out_with_one_issue(tmp_path, tabs):
    tabs["Key results"][1][1] = "O9"
    con = synced(tmp_path, tabs)
    issue = only_issue(con)  # KR-A's check-ins and actions need no issue of their own
    assert at(issue) == ("Key results", 2, "Objective ID", "O9")
    assert column(con, "SELECT count(*) FROM key_results WHERE kr_id = 'KR-A'") == [0]
    assert column(con, "SELECT count(*) FROM checkins WHERE kr_id = 'KR-A'") == [0]


def test_an_unknown_kr_id_in_check_ins_is_an_issue(tmp_path, tabs):
    tabs["Check-ins"].append(["KR-Z", "ghost", "1", "2", "", ""])
    con = synced(tmp_path, tabs)
    assert at(only_issue(con)) == ("Check-ins", 9, "KR ID", "KR-Z")


def test_an_unknown_kr_id_in_actions_is_an_issue(tmp_path, tabs):
    tabs["Actions"].append(["KR-Z", "ghost", "Done", "", ""])
    con = synced(tmp_path, tabs)
    issue = only_issue(con)
    assert (issue["tab"], issue["row"], issue["column"]) == ("Actions", 9, "KR ID")


@pytest.mark.parametrize("tab, row, id_column", [
    ("Key results", 3, "KR ID"), ("Objectives", 3, "Objective ID"), ("Teams", 3, " TEAM "),
])
def test_a_duplicate_id_keeps_the_first_row_and_the_later_one_is_an_issue(tmp_path, tabs, tab, row, id_column):
    tabs[tab][row - 1][0] = tabs[tab][1][0]
    con = synced(tmp_path, tabs)
    found = [issue for issue in issues_of(con) if issue["tab"] == tab]
    assert [(i["row"], i["column"]) for i in found] == [(row, id_column.strip() if tab != "Teams" else "TEAM")]
    assert "twice" in found[0]["problem"]


def test_a_second_check_in_row_for_one_kr_is_an_issue(tmp_path, tabs):
    tabs["Check-ins"].append(["KR-A", "again", "99", "", "", ""])
    con = synced(tmp_path, tabs)
    issue = only_issue(con)
    assert (issue["tab"], issue["row"], issue["column"]) == ("Check-ins", 9, "KR ID")
    assert column(con, "SELECT value FROM checkins WHERE kr_id = 'KR-A' ORDER BY week LIMIT 1") == [10]


def test_a_target_equal_to_start_leaves_the_key_result_out(tmp_path, tabs):
    tabs["Key results"][1][5] = "0"
    con = synced(tmp_path, tabs)
    assert at(only_issue(con)) == ("Key results", 2, "Target", "0")
    assert column(con, "SELECT count(*) FROM key_results WHERE kr_id = 'KR-A'") == [0]


@pytest.mark.parametrize("column_index, typed, problem", [
    (4, "", "has no Start"), (5, "", "has no Target"), (4, "zero", "not a number"), (5, "lots", "not a number"),
])
def test_a_missing_or_bad_start_or_target_leaves_the_key_result_out(tmp_path, tabs, column_index, typed, problem):
    tabs["Key results"][2][column_index] = typed
    con = synced(tmp_path, tabs)
    issue = only_issue(con)
    assert (issue["tab"], issue["row"], issue["column"]) == ("Key results", 3, ("Start", "Target")[column_index - 4])
    assert problem in issue["problem"]
    assert column(con, "SELECT count(*) FROM key_results WHERE kr_id = 'KR-B'") == [0]


def test_a_week_outside_its_key_results_cycle_is_an_issue(tmp_path, tabs):
    tabs["Check-ins"][0].append("2026-04-06")  # Q2: outside Q1 and fine for the 6-month cycle
    for row in tabs["Check-ins"][1:]:
        row.append("")
    tabs["Check-ins"][1][-1] = "€1,200"  # KR-A, a Q1 key result; the issue shows the cell as typed
    tabs["Check-ins"][7][-1] = "20"  # KR-G, in 2026-S
    con = synced(tmp_path, tabs)
    issue = only_issue(con)
    assert at(issue) == ("Check-ins", 2, "2026-04-06", "€1,200")
    assert "outside cycle 2026-Q1" in issue["problem"]
    assert column(con, "SELECT value FROM checkins WHERE week = '2026-04-06'") == [20]


def test_a_week_that_starts_before_the_cycle_but_overlaps_it_counts(tmp_path, tabs):
    tabs["Check-ins"][0][2] = "2025-12-29"  # Monday of the ISO week holding Jan 1
    tabs["Check-ins"][7][2] = ""  # KR-G's cycle starts Jan 5: that week would be outside it
    con = synced(tmp_path, tabs)
    assert issues_of(con) == []
    assert column(con, "SELECT min(week) FROM checkins WHERE kr_id = 'KR-A'") == [dt.date(2025, 12, 29)]


@pytest.mark.parametrize("tab, row, col, typed, column_name", [
    ("Check-ins", 1, 3, "2026-13-45", "2026-13-45"),
    ("Actions", 2, 4, "next week", "Due"),
    ("Cycles", 2, 1, "05/01/2026", "Start"),
], ids=["week-header", "action-due", "cycle-start"])
def test_an_unparseable_date_is_an_issue(tmp_path, tabs, tab, row, col, typed, column_name):
    tabs[tab][row - 1][col] = typed
    con = synced(tmp_path, tabs)
    found = [issue for issue in issues_of(con) if issue["tab"] == tab]
    assert [(i["row"], i["column"], i["value"]) for i in found] == [(row, column_name, typed)]
    assert "date" in found[0]["problem"]


def test_helper_columns_without_digits_in_a_wide_check_ins_tab_are_ignored(tmp_path, tabs):
    # The review workbook has a "Key result" column next to KR ID, as teams like to.
    con = synced(tmp_path, tabs)
    assert issues_of(con) == []
    assert column(con, "SELECT count(DISTINCT week) FROM checkins") == [4]


def test_text_is_stored_as_typed_never_as_code(tmp_path, tabs):
    hostile = "<img src=x onerror=alert(1)>'); DROP TABLE key_results; --"
    tabs["Key results"][1][3] = hostile
    con = synced(tmp_path, tabs)
    assert column(con, "SELECT key_result FROM key_results WHERE kr_id = 'KR-A'") == [hostile]


@pytest.mark.parametrize("change, message", [
    (lambda tabs: tabs.pop("Objectives"), "no 'Objectives' tab"),
    (lambda tabs: tabs["Key results"][0].__setitem__(5, "Goal"), "no 'Target' column"),
    (lambda tabs: tabs.__setitem__("Teams", []), "'Teams' tab is empty"),
], ids=["missing-tab", "missing-column", "empty-tab"])
def test_a_source_missing_a_required_tab_or_column_cannot_be_used(tmp_path, tabs, change, message):
    change(tabs)
    with pytest.raises(SourceError, match=message):
        sync(str(write_csv_folder(tmp_path / "book", tabs)), tmp_path / "okra.duckdb")
    assert not (tmp_path / "okra.duckdb").exists()


@pytest.mark.parametrize("typed", ["2026-q1", " 2026-Q1 ", "2026-q1"])
def test_a_calendar_cycle_typed_in_any_case_is_the_same_cycle(tmp_path, tabs, typed):
    tabs["Objectives"][2][1] = typed  # O2, beside O1's 2026-Q1
    con = synced(tmp_path, tabs)
    assert con.execute("SELECT DISTINCT cycle FROM objectives ORDER BY 1").fetchall() == [("2026-Q1",), ("2026-S",)]
    assert issues_of(con) == []


def test_a_defined_cycle_matches_in_any_case_and_keeps_the_cycles_tabs_spelling(tmp_path, tabs):
    tabs["Objectives"][3][1] = "2026-s"  # O3's cycle, defined as 2026-S in the Cycles tab
    con = synced(tmp_path, tabs)
    assert con.execute("SELECT cycle FROM objectives WHERE objective_id = 'O3'").fetchone() == ("2026-S",)
    assert con.execute("SELECT count(*) FROM cycles").fetchone() == (2,)
    assert issues_of(con) == []


@pytest.mark.parametrize("typed,shown", [("Customers\nlove us", "Customers\nlove us"),
                                         ("Customers\r\nlove us", "Customers\nlove us"),
                                         ("Tab\there\r\nand \x1b[31mred", "Tab\there\nand ␛[31mred")])
def test_text_is_stored_as_typed_and_shown_with_its_line_breaks_and_tabs(tmp_path, tabs, typed, shown):
    from okra_dash.source.typed import printable

    tabs["Objectives"][1][3] = typed
    con = synced(tmp_path, tabs)
    (stored,) = con.execute("SELECT objective FROM objectives WHERE objective_id = 'O1'").fetchone()
    assert stored == typed and printable(stored) == shown
