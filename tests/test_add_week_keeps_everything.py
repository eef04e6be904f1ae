"""add-week writes into the user's own workbook: it adds the week headers and changes nothing else.

The workbooks are saved by LibreOffice (formulas with their computed values, a cross-sheet dropdown), one
carries the x14 dropdown extension Excel writes, and the CSV folders are stored as Windows-1252 and UTF-16.
Each test reads every cell back with openpyxl (formulas and computed values) and syncs the file again.
"""

from __future__ import annotations

import codecs
import datetime as dt
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.datavalidation import DataValidation

from okra_dash import store
from okra_dash.errors import SourceError
from okra_dash.sheet_tools.add_week import add_week
from okra_dash.sheet_tools.xlsx_part import sheet_part
from okra_dash.sync import sync
from tests.conftest import REVIEW, read_tabs, write_csv_folder

MONDAY = dt.date(2026, 2, 2)  # past the review workbook's last week (2026-W05)
NEW = ["2026-02-02", "2026-02-09"]
soffice = shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(soffice is None and "CI" not in __import__("os").environ,
                                       reason="LibreOffice (libreoffice-calc-nogui) is installed by .ci/run")


def _book(title_rows: int = 2, band: bool = False) -> openpyxl.Workbook:
    """The review workbook with formulas (a Target, check-in values), a cross-sheet dropdown, and title rows
    (or a merged month band) above the Check-ins header."""
    tabs = read_tabs(REVIEW)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tabs.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([_typed(cell) for cell in row])
    key_results = book["Key results"]
    key_results["F2"] = "=50*2"  # KR-A's Target, 100
    checkins = book["Check-ins"]
    if title_rows:
        checkins.insert_rows(1, title_rows)
        checkins["A1"] = "Freshbasket check-ins: type this week's number in your row"
    if band:  # a band row over the header row, KR ID and Key result merged down both
        checkins.insert_rows(1, 1)
        checkins["A1"], checkins["B1"], checkins["C1"] = "KR ID", "Key result", "January 2026"
        for cells in ("A1:A2", "B1:B2", "C1:F1"):
            checkins.merge_cells(cells)
    first = 2 + title_rows + band  # KR-A's row
    checkins[f"C{first}"] = "=5+5"  # KR-A's first week, 10
    checkins[f"D{first}"] = f"=C{first}+10"  # 20
    dropdown = DataValidation(type="list", formula1="'Key results'!$A$2:$A$20")
    dropdown.add("A5:A40")
    checkins.add_data_validation(dropdown)
    return book


def _typed(cell: str) -> object:
    try:
        return float(cell)
    except ValueError:
        return cell


def _saved_by_libreoffice(book: openpyxl.Workbook, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    draft = folder / "draft" / f"{name}.xlsx"
    draft.parent.mkdir(exist_ok=True)
    book.save(draft)
    profile = folder / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(folder), str(draft)],
                   check=True, capture_output=True, timeout=120)
    return folder / f"{name}.xlsx"


def _everything(path: Path) -> dict:
    """Every cell of every tab: its formula or value, its computed value, and its number format."""
    formulas = openpyxl.load_workbook(path)
    computed = openpyxl.load_workbook(path, data_only=True)
    found = {}
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    found[(sheet.title, cell.coordinate)] = (cell.value, computed[sheet.title][cell.coordinate].value,
                                                             cell.number_format)
    found["merged"] = {sheet.title: sorted(map(str, sheet.merged_cells.ranges)) for sheet in formulas.worksheets}
    return found


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _figures(source: Path, db: Path):
    result = sync(str(source), db)
    with store.connect(db) as con:
        checkins = con.execute("SELECT kr_id, week, value FROM checkins ORDER BY ALL").fetchall()
        targets = con.execute("SELECT kr_id, target FROM key_results ORDER BY ALL").fetchall()
    return result.issues, checkins, targets


@pytest.fixture(scope="module")
def libreoffice_books(tmp_path_factory):
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path_factory.mktemp("libreoffice")
    return {"title rows": _saved_by_libreoffice(_book(), folder, "title"),
            "month band": _saved_by_libreoffice(_book(title_rows=0, band=True), folder, "band")}


@needs_libreoffice
@pytest.mark.parametrize("shape,header_row", [("title rows", 3), ("month band", 2)])
def test_add_week_on_a_libreoffice_workbook_keeps_every_cell_formula_and_computed_value(
        libreoffice_books, tmp_path, shape, header_row):
    path = shutil.copy(libreoffice_books[shape], tmp_path / "book.xlsx")
    before, parts_before = _everything(path), _members(path)
    issues, checkins, targets = _figures(path, tmp_path / "before.duckdb")
    assert ("KR-A", 100.0) in targets and len(checkins) == 18  # the formulas' computed values are read

    assert add_week(str(path), MONDAY) == [dt.date(2026, 2, 2), dt.date(2026, 2, 9)]

    after = _everything(path)
    added = {key: after.pop(key) for key in set(after) - set(before)}
    assert after == before  # every cell, formula, computed value, format and merge as it was
    assert sorted(added) == [("Check-ins", f"G{header_row}"), ("Check-ins", f"H{header_row}")]
    assert [value for value, _, _ in (added[k] for k in sorted(added))] == NEW
    parts_after = _members(path)
    changed = [name for name in parts_before if parts_before[name] != parts_after.get(name)]
    assert len(changed) == 1 and changed[0].startswith("xl/worksheets/")  # only the Check-ins sheet's part
    assert list(parts_after) == list(parts_before)
    assert _figures(path, tmp_path / "after.duckdb") == (issues, checkins, targets)
    assert add_week(str(path), MONDAY) == []  # once only


_X14 = ('<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="1" '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation type="list" '
        'allowBlank="1"><x14:formula1><xm:f>\'Key results\'!$A$2:$A$20</xm:f></x14:formula1><xm:sqref>A4:A40'
        '</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>')


def _with_excel_dropdown(path: Path) -> Path:
    """The file as Excel stores a cross-sheet dropdown: an x14 extension openpyxl cannot keep."""
    parts = _members(path)
    name = sheet_part(path, "Check-ins")
    xml = parts[name].decode()
    parts[name] = xml.replace("</worksheet>", _X14 + "</worksheet>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in parts.items():
            archive.writestr(member, data)
    return path


@needs_libreoffice
def test_add_week_keeps_an_excel_cross_sheet_dropdown_that_openpyxl_would_drop(libreoffice_books, tmp_path):
    path = _with_excel_dropdown(shutil.copy(libreoffice_books["title rows"], tmp_path / "book.xlsx"))
    assert add_week(str(path), MONDAY)
    checkins = _members(path)[sheet_part(path, "Check-ins")]
    assert b"2026-02-09" in checkins
    assert _X14.encode() in checkins


def test_add_week_on_a_workbook_written_by_openpyxl_keeps_its_uncomputed_formulas_as_formulas(tmp_path):
    path = tmp_path / "book.xlsx"
    _book().save(path)
    before = _everything(path)
    assert add_week(str(path), MONDAY)
    after = _everything(path)
    assert {k: v for k, v in after.items() if k in before} == before
    assert after[("Check-ins", "D4")][0] == "=C4+10"


def test_add_week_refuses_before_writing_when_a_value_sits_where_a_week_header_would_go(tmp_path):
    path = tmp_path / "book.xlsx"
    book = _book()
    book["Check-ins"]["G6"] = 44  # one column right of the last week, KR-B's row
    book.save(path)
    before = path.read_bytes()
    with pytest.raises(SourceError, match=r"values under no week header \(G6\).*G3:H3 by hand"):
        add_week(str(path), MONDAY)
    assert path.read_bytes() == before


def test_a_value_under_no_week_header_is_a_data_issue_not_silently_dropped(tmp_path, tabs):
    tabs["Check-ins"][2] += ["", "44"]  # KR-B, two columns right of the last week
    db = tmp_path / "okra.duckdb"
    sync(str(write_csv_folder(tmp_path / "book", tabs)), db)
    with store.connect(db) as con:
        (issue,) = con.execute('SELECT row, col, "column", value, kind FROM issues '
                               "WHERE kind = 'no_week_header'").fetchall()
    assert issue == (3, 8, "H", "44", "no_week_header")  # the column by its letter: it has no header


def test_a_month_band_over_the_week_headers_is_read_with_the_dates_row_as_header(tmp_path):
    path = tmp_path / "band.xlsx"
    _book(title_rows=0, band=True).save(path)
    db = tmp_path / "okra.duckdb"
    result = sync(str(path), db)
    with store.connect(db) as con:
        weeks = con.execute("SELECT count(*), count(DISTINCT week) FROM checkins").fetchone()
        issues = con.execute("SELECT kind FROM issues").fetchall()
    assert weeks == (14, 4)  # every week read; KR-A is left out: openpyxl never computed its Target's formula
    assert sorted(kind for (kind,) in issues) == ["uncomputed", "unknown_team"] and result.issues == 2


@pytest.mark.parametrize("encoding,mark", [("cp1252", b""), ("utf-16-le", codecs.BOM_UTF16_LE),
                                           ("utf-8", codecs.BOM_UTF8)])
def test_add_week_on_a_csv_folder_keeps_its_encoding_and_every_other_line_byte_for_byte(tmp_path, encoding, mark):
    folder = write_csv_folder(tmp_path / "book", read_tabs(REVIEW))
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8-sig").replace("Alpha", "Alpha Café").replace("\n", "\r\n")
        if path.stem == "Check-ins":
            text = "Check-ins of the Café team,,\r\n" + text  # a title row above the header
        path.write_bytes(mark + text.encode(encoding))
    checkins = folder / "Check-ins.csv"
    before = checkins.read_bytes()
    issues, values, targets = _figures(folder, tmp_path / "before.duckdb")
    assert add_week(str(folder), MONDAY) == [dt.date(2026, 2, 2), dt.date(2026, 2, 9)]
    after = checkins.read_bytes()
    assert after.startswith(mark)
    old_lines = before[len(mark):].decode(encoding).splitlines(keepends=True)
    new_lines = after[len(mark):].decode(encoding).splitlines(keepends=True)
    assert new_lines[0] == old_lines[0] and new_lines[2:] == old_lines[2:]
    assert new_lines[1] == old_lines[1].rstrip("\r\n") + ",2026-02-02,2026-02-09\r\n"
    assert _figures(folder, tmp_path / "after.duckdb") == (issues, values, targets)


def test_sync_with_add_week_on_a_windows_1252_folder_runs_every_week(tmp_path):
    folder = write_csv_folder(tmp_path / "book", read_tabs(REVIEW))
    for path in folder.glob("*.csv"):
        path.write_bytes(path.read_text(encoding="utf-8-sig").replace("Ana", "Anaïs").encode("cp1252"))
    run = subprocess.run([sys.executable, "-m", "okra_dash", "sync", "--source", str(folder), "--add-week",
                          "--db", str(tmp_path / "okra.duckdb")], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr


def test_add_week_on_a_google_sheet_with_a_title_row_writes_under_it(sheet_api):
    from tests.fake_sheets import KEY

    sheet_api.books[KEY]["Check-ins"].insert(0, ["Type this week's number in your row"])
    assert add_week(KEY, MONDAY) == [dt.date(2026, 2, 2), dt.date(2026, 2, 9)]
    rows = sheet_api.books[KEY]["Check-ins"]
    assert rows[0] == ["Type this week's number in your row"]
    assert rows[1][-2:] == NEW


@needs_libreoffice
def test_syncing_a_workbook_with_an_excel_dropdown_prints_no_library_warning(libreoffice_books, tmp_path):
    path = _with_excel_dropdown(shutil.copy(libreoffice_books["title rows"], tmp_path / "book.xlsx"))
    for command in (["sync", "--source", str(path)], ["add-week", "--source", str(path)]):
        run = subprocess.run([sys.executable, "-W", "default", "-m", "okra_dash", *command, "--db",
                              str(tmp_path / "okra.duckdb")][: None if command[0] == "sync" else -2],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert "Warning" not in run.stderr and "warn(" not in run.stderr


@pytest.mark.filterwarnings("ignore:File may not be readable")  # openpyxl, on the table's empty header cells
def test_add_week_refuses_to_write_inside_an_excel_table_and_says_how_to_add_the_weeks(tmp_path):
    from openpyxl.worksheet.table import Table

    path = tmp_path / "book.xlsx"
    book = _book(title_rows=0)
    book["Check-ins"].add_table(Table(displayName="CheckIns", ref="A1:H8"))  # room for two more weeks
    book.save(path)
    before = path.read_bytes()
    with pytest.raises(SourceError, match=r"inside the Excel table CheckIns \(A1:H8\)"):
        add_week(str(path), MONDAY)
    assert path.read_bytes() == before
