"""Cells as spreadsheets store them: the same typed cell gives the same figure from CSV, .xlsx and
Google Sheets, and a cell whose type cannot be a number is a data issue, never a silent figure.

Each case changes cells of the hand-computed review workbook, writes it as a CSV folder (the cell's
text), as an .xlsx written with openpyxl (the cell's stored value and number format) and serves it
from the fake Sheets API (effectiveValue and numberFormat.type), then syncs each into a real DuckDB.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from okra_dash import store
from okra_dash.source.typed import Percent, SheetError
from okra_dash.sync import sync
from okra_dash.validate import cells
from tests.conftest import review_of, write_csv_folder
from tests.fake_sheets import KEY, as_api_values
from tests.test_reading_rules import GAMMA

AS_OF = dt.date(2026, 1, 31)
KR_A_ROW = 2  # KR-A's row in Key results and Check-ins
WEEKS = {"2026-01-05": 3, "2026-W03": 4, "2026-01-19": 5, "2026-W05": 6}  # Check-ins header -> column


class Typed:
    """A cell as each source holds it: the CSV's text, the .xlsx value and format, Google's typed cell."""

    def __init__(self, text: str, xlsx: object, number_format: str | None, google: object):
        self.text, self.xlsx, self.number_format, self.google = text, xlsx, number_format, google


def percent(shown: str) -> Typed:
    stored = float(shown) / 100
    return Typed(f"{shown}%", stored, "0%", Percent(stored))


def write_typed_xlsx(path: Path, tabs: dict, typed: dict) -> Path:
    """An .xlsx as Excel or LibreOffice saves it: numbers as numbers, typed cells with their format."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in tabs.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(r, c)
                spec = typed.get((title, r, c))
                if spec is not None:
                    cell.value = spec.xlsx
                    if spec.number_format:
                        cell.number_format = spec.number_format
                elif value != "":
                    try:
                        cell.value = float(value) if "." in value else int(value)
                    except ValueError:
                        cell.value = value
    book.save(path)
    return path


def synced_three_ways(tmp_path, tabs, typed, sheet_api) -> dict[str, Path]:
    """The same workbook synced from CSV text, from an .xlsx and from the fake Google Sheet."""
    as_text = copy.deepcopy(tabs)
    for (title, r, c), spec in typed.items():
        as_text[title][r - 1][c - 1] = spec.text
    dbs = {source: tmp_path / f"{source}.duckdb" for source in ("csv", "xlsx", "google")}
    sync(str(write_csv_folder(tmp_path / "book", as_text)), dbs["csv"])
    sync(str(write_typed_xlsx(tmp_path / "book.xlsx", tabs, typed)), dbs["xlsx"])
    google = as_api_values(tabs)
    for (title, r, c), spec in typed.items():
        google[title][r - 1][c - 1] = spec.google
    sheet_api.books[KEY] = google
    sync(KEY, dbs["google"])
    return dbs


def kr_a(db: Path) -> dict:
    krs = review_of(db, AS_OF).frame("key_results").set_index("kr_id")
    return krs.loc["KR-A"].to_dict()


def issues(db: Path) -> list[dict]:
    con = store.connect(db)
    rows = con.execute('SELECT tab, "row", "column", value, problem, kind FROM issues').fetchall()
    found = [dict(zip(("tab", "row", "column", "value", "problem", "kind"), row)) for row in rows]
    return [i for i in found if (i["tab"], i["row"], i["column"], i["value"]) != GAMMA]


def test_percent_formatted_cells_read_as_the_percentage_shown_from_every_source(tmp_path, tabs, sheet_api):
    # The issue's new user: a KR from 60% to 75%, the team typing 61%, 62%, 63%, 64%.
    typed = {("Key results", KR_A_ROW, 5): percent("60"), ("Key results", KR_A_ROW, 6): percent("75")}
    for shown, column in zip(("61", "62", "63", "64"), WEEKS.values()):
        typed[("Check-ins", KR_A_ROW, column)] = percent(shown)
    for source, db in synced_three_ways(tmp_path, tabs, typed, sheet_api).items():
        kr = kr_a(db)
        assert (kr["start_value"], kr["target"], kr["current"]) == (60, 75, 64), source
        assert kr["progress"] == pytest.approx(4 / 15), source  # (64 - 60) / (75 - 60)
        # 30 of 89 days of the quarter: expected 0.337, and 0.267 is within 0.10 of it (0.61 would be −396 %).
        assert kr["status"] == "on track", source
        assert issues(db) == [], source


def test_a_percent_that_is_not_whole_keeps_its_decimals_exactly(tmp_path, tabs, sheet_api):
    typed = {("Check-ins", KR_A_ROW, 6): Typed("12.5%", 0.125, "0.0%", Percent(0.125))}
    for source, db in synced_three_ways(tmp_path, tabs, typed, sheet_api).items():
        assert kr_a(db)["current"] == 12.5, source


@pytest.mark.parametrize("case, spec, kind", [
    ("checkbox", Typed("TRUE", True, None, True), "boolean"),
    ("date-typed-as-value", Typed("2026-01-26", dt.datetime(2026, 1, 26), "yyyy-mm-dd", dt.date(2026, 1, 26)),
     "date_not_number"),
    ("division-by-zero", Typed("#DIV/0!", "#DIV/0!", None, SheetError("#DIV/0!")), "sheet_error"),
    ("not-available", Typed("#N/A", "#N/A", None, SheetError("#N/A")), "sheet_error"),
], ids=lambda value: value if isinstance(value, str) else "")
def test_a_cell_whose_type_is_not_a_number_is_an_issue_from_every_source(case, spec, kind, tmp_path, tabs,
                                                                           sheet_api):
    typed = {("Check-ins", KR_A_ROW, 6): spec}  # KR-A, week 2026-W05: its 40 is replaced
    for source, db in synced_three_ways(tmp_path, tabs, typed, sheet_api).items():
        found = issues(db)
        assert [(i["tab"], i["row"], i["column"], i["kind"]) for i in found] == [
            ("Check-ins", 2, "2026-W05", kind)], (source, found)
        assert kr_a(db)["current"] == 30, source  # the week before: the bad cell is left out, not read as 1 or 46048


def test_a_formula_never_computed_is_an_issue_not_an_empty_cell(tmp_path, tabs):
    # openpyxl writes formulas without their values, as any script does; data_only reading sees None.
    book = write_typed_xlsx(tmp_path / "book.xlsx", tabs, {
        ("Check-ins", KR_A_ROW, 6): Typed("", "=SUM(C2:E2)", None, None)})
    db = tmp_path / "okra.duckdb"
    sync(str(book), db)
    [issue] = issues(db)
    assert (issue["row"], issue["column"], issue["value"], issue["kind"]) == (2, "2026-W05", "=SUM(C2:E2)",
                                                                              "uncomputed")
    assert "formula with no computed value" in issue["problem"]


def test_a_formula_with_its_computed_value_reads_that_value(tmp_path, tabs):
    book = write_typed_xlsx(tmp_path / "book.xlsx", tabs, {})
    # Put a cached value in the sheet XML, as Excel saves it: <f>SUM(C2:E2)</f><v>60</v>.
    import zipfile

    with zipfile.ZipFile(book) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = f"xl/worksheets/sheet{list(tabs).index('Check-ins') + 1}.xml"
    parts[sheet] = parts[sheet].replace(b'<c r="F2" t="n"><v>40</v></c>',
                                        b'<c r="F2"><f>SUM(C2:E2)</f><v>60</v></c>')
    assert b"<f>SUM(C2:E2)</f>" in parts[sheet]
    with zipfile.ZipFile(book, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    db = tmp_path / "okra.duckdb"
    sync(str(book), db)
    assert issues(db) == []
    assert kr_a(db)["current"] == 60


@pytest.mark.parametrize("typed, reads", [
    ("1,200", 1200), ("12,345.5", 12345.5), ("-1,200", -1200), ("€1,200", 1200), ("1,234,567", 1234567),
    ("45%", 45), ("€ 3.5", 3.5),
])
def test_commas_that_separate_thousands_read_as_numbers(typed, reads):
    assert cells.number(typed) == reads


@pytest.mark.parametrize("typed", ["0,125", "1234,567", "1.234,567", "12,5,000", "12,5", "1.200,50", ",500",
                                   "1,20", "1,2000", "01,200"])
def test_any_other_comma_is_an_issue_never_another_number(typed):
    with pytest.raises(cells.CellError) as error:
        cells.number(typed)
    assert error.value.kind == "comma"


@pytest.mark.parametrize("shown, stored", [("61", 0.61), ("7", 0.07), ("0.1", 0.001), ("112", 1.12),
                                           ("-5", -0.05), ("33.3", 0.333)])
def test_a_percent_cell_reads_as_exactly_the_number_it_shows(shown, stored):
    assert cells.number(Percent(stored)) == float(shown)
    assert cells.number(f"{shown}%") == float(shown)
    assert cells.text(Percent(stored)) == f"{shown}%"


def test_the_percent_format_is_told_from_a_literal_percent_sign():
    from okra_dash.source.xlsx import is_percent_format

    assert [is_percent_format(f) for f in ("0%", "0.00%", "#,##0.0%;[Red]-#,##0.0%", '0"%"', "0\\%", "0.00",
                                           "General", None)] == [True, True, True, False, False, False, False,
                                                                 False]


def test_the_grid_answer_decodes_cell_by_cell_as_the_cells_read_alone():
    """grid.decode turns cells into values while the JSON is read; the rows equal reading every cell
    of the fully decoded answer alone, offsets, empty rows, empty formats and every kind of cell included."""
    import json

    from okra_dash.source import grid
    from tests.fake_sheets import grid_cell

    typed = ["KR-1", 12.0, Percent(0.45), SheetError("#DIV/0!"), dt.date(2026, 1, 5), True, None, "x", None]
    cells_sent = [grid_cell(value) for value in typed]
    cells_sent.append({"effectiveValue": {"numberValue": 3.0}, "effectiveFormat": {}})  # a format with no type
    cells_sent.append({"effectiveValue": {}})
    answer = {"sheets": [{"properties": {"title": "Check-ins"}, "data": [
        {"startRow": 2, "startColumn": 1, "rowData": [{"values": cells_sent}, {}, {"values": [{}, {}]},
                                                       {"values": [grid_cell("last")]}]}]}]}
    decoded = grid.decode(json.dumps(answer))
    rows = grid.grid_rows(decoded["sheets"][0]["data"])
    alone = [grid.cell(item) for item in cells_sent]
    while alone[-1] is None:
        alone.pop()
    assert rows == [[], [], [None, *alone], [], [], [None, "last"]]
    assert rows[2][1:5] == ["KR-1", 12.0, Percent(0.45), SheetError("#DIV/0!")]
    assert rows[2][5] == dt.date(2026, 1, 5) and rows[2][10] == 3.0 and len(rows[2]) == 11


@pytest.mark.parametrize("row", [{"values": "12"}, {"values": [], "other": 1}, 5, "text"])
def test_a_grid_answer_whose_row_is_not_a_row_of_cells_is_refused(row):
    import json

    from okra_dash.source import grid

    answer = grid.decode(json.dumps({"sheets": [{"properties": {"title": "Teams"}, "data": [{"rowData": [row]}]}]}))
    with pytest.raises(ValueError):
        grid.grid_rows(answer["sheets"][0]["data"])
