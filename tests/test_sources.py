"""The CSV folder, .xlsx and long check-ins layout all read to the same figures."""

from __future__ import annotations

import datetime as dt

import pytest

from okra_dash.errors import SourceError
from okra_dash.source.read import google_sheet_key, read_source
from okra_dash.sync import sync
from tests.conftest import review_of, write_csv_folder, write_xlsx
from tests.test_measures import AS_OF, EXPECTED


def measures(db):
    frame = review_of(db, AS_OF).frame("key_results").set_index("kr_id")
    return {kr_id: (row["current"], round(row["progress"], 6), row["status"], list(row["stalled"]))
            for kr_id, row in frame.iterrows()}


def expected_measures():
    return {kr_id: (float(current), round(progress, 6), status, stalled)
            for kr_id, (current, progress, _, status, stalled, _) in EXPECTED.items()}


def as_long(tabs):
    """The wide Check-ins tab rewritten as one row per check-in, as a form would feed it."""
    header, *rows = tabs["Check-ins"]
    long = [["Week", "KR ID", "Value", "Confidence", "Note"]]
    for row in rows:
        for label, cell in zip(header[2:], row[2:]):
            long.append([label, row[0], cell, "7", "typed by hand"])
    return {**tabs, "Check-ins": long}


def test_the_csv_folder_gives_the_hand_computed_figures(review_db):
    assert measures(review_db) == expected_measures()


def test_an_xlsx_workbook_with_date_cells_and_numbers_gives_the_same_figures(tmp_path, tabs):
    header = tabs["Check-ins"][0]
    # Real date cells for two weeks, ISO week labels for the others, numbers as numbers.
    header[2] = dt.datetime(2026, 1, 5)
    header[4] = dt.date(2026, 1, 21)  # a Wednesday names the week of Jan 19
    for row in tabs["Check-ins"][1:] + tabs["Key results"][1:]:
        for i, cell in enumerate(row):
            if isinstance(cell, str) and cell.replace(".", "", 1).isdigit():
                row[i] = float(cell)
    tabs["Cycles"][1][1:] = [dt.datetime(2026, 1, 5), dt.datetime(2026, 7, 4)]
    path = write_xlsx(tmp_path / "okr.xlsx", tabs)
    sync(str(path), tmp_path / "okra.duckdb")
    assert measures(tmp_path / "okra.duckdb") == expected_measures()


def test_the_long_check_ins_layout_gives_the_same_figures_and_keeps_confidence_and_notes(tmp_path, tabs):
    folder = write_csv_folder(tmp_path / "long", as_long(tabs))
    db = tmp_path / "okra.duckdb"
    sync(str(folder), db)
    assert measures(db) == expected_measures()
    con = review_of(db, AS_OF).con
    assert con.execute("SELECT DISTINCT confidence, note FROM checkins").fetchall() == [(7.0, "typed by hand")]


def test_sheet_serial_numbers_in_headers_and_cycle_dates_are_read_as_dates(tmp_path, tabs):
    # Google Sheets' raw values give date cells as days since 1899-12-30.
    tabs["Check-ins"][0][2] = 46027  # 2026-01-05
    tabs["Cycles"][1][1] = 46027
    path = write_xlsx(tmp_path / "serial.xlsx", tabs)
    sync(str(path), tmp_path / "okra.duckdb")
    assert measures(tmp_path / "okra.duckdb") == expected_measures()


def test_a_second_check_in_for_the_same_week_in_the_long_layout_is_an_issue(tmp_path, tabs):
    long = as_long(tabs)
    long["Check-ins"].append(["2026-01-06", "KR-A", "99", "", ""])  # same week as 2026-01-05
    db = tmp_path / "okra.duckdb"
    sync(str(write_csv_folder(tmp_path / "long", long)), db)
    con = review_of(db, AS_OF).con
    issues = con.execute('SELECT tab, "row", "column" FROM issues WHERE tab = \'Check-ins\'').fetchall()
    assert issues == [("Check-ins", len(long["Check-ins"]), "Week")]


def test_a_confidence_outside_0_to_10_is_an_issue_and_the_value_still_loads(tmp_path, tabs):
    long = as_long(tabs)
    long["Check-ins"][1][3] = "11"
    db = tmp_path / "okra.duckdb"
    sync(str(write_csv_folder(tmp_path / "long", long)), db)
    con = review_of(db, AS_OF).con
    assert con.execute('SELECT "row", "column" FROM issues WHERE tab = \'Check-ins\'').fetchall() == [(2, "Confidence")]
    assert con.execute("SELECT value FROM checkins WHERE \"row\" = 2").fetchall() == [(10.0,)]


@pytest.mark.parametrize("source, key", [
    ("https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit#gid=0",
     "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"),
    ("1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"),
    ("okr.xlsx", None), ("demo", None),
])
def test_a_google_sheet_is_named_by_url_or_key(source, key):
    assert google_sheet_key(source) == key


@pytest.mark.parametrize("source, message", [
    ("no-such-file.xlsx", "There is no file"),
    ("nothing here", "neither 'demo'"),
])
def test_a_source_that_is_nothing_known_fails_with_one_sentence(source, message):
    with pytest.raises(SourceError, match=message):
        read_source(source)


def test_a_broken_xlsx_file_fails_with_one_sentence(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(SourceError, match="cannot be opened as an .xlsx workbook"):
        read_source(str(path))

