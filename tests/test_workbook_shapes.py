"""Workbooks in the shapes people make them: title rows and month bands above the header, empty or
half-made optional tabs, stray files, other encodings, absurd years, a used range of a million rows,
a damaged sheet. Each loads what it can, with the rest as data issues, or fails with one sentence."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from okra_dash.errors import SourceError
from okra_dash.source import xlsx
from okra_dash.source.workbook import is_contract_tab
from okra_dash.sync import sync
from tests.conftest import write_csv_folder, write_xlsx
from tests.test_reading_rules import issues_of, synced
from tests.test_typed_cells import issues, kr_a, write_typed_xlsx

ROOT = Path(__file__).resolve().parent.parent


def where(issue):
    return issue["tab"], issue["row"], issue["column"]


def test_a_title_row_above_the_header_is_skipped_and_rows_keep_their_sheet_numbers(tmp_path, tabs):
    tabs["Key results"].insert(0, ["Freshbasket key results, 2026"])
    tabs["Teams"][0:0] = [["Our teams"], []]
    con = synced(tmp_path, tabs)
    # KR-F's unknown team is now on sheet row 8, one below where it was.
    rows = con.execute("SELECT tab, \"row\", \"column\", value FROM issues").fetchall()
    assert rows == [("Key results", 8, "Team", "Gamma")]
    assert con.execute("SELECT count(*) FROM key_results").fetchall() == [(7,)]
    assert con.execute("SELECT \"row\" FROM teams WHERE team = 'Alpha'").fetchall() == [(4,)]


def test_check_ins_under_merged_month_bands_read_from_the_header_below_them(tmp_path, tabs):
    tabs["Check-ins"].insert(0, ["", "", "January", "", "", ""])
    path = write_xlsx(tmp_path / "book.xlsx", tabs)
    book = openpyxl.load_workbook(path)
    book["Check-ins"].merge_cells("C1:F1")
    book.save(path)
    db = tmp_path / "okra.duckdb"
    sync(str(path), db)
    assert kr_a(db)["current"] == 40
    assert issues(db) == []


def test_an_empty_optional_tab_counts_as_absent_like_a_zero_byte_export(tmp_path, tabs):
    folder = write_csv_folder(tmp_path / "book", tabs)
    (folder / "Actions.csv").write_bytes(b"")
    db = tmp_path / "okra.duckdb"
    result = sync(str(folder), db)
    assert result.rows["Actions"] == 0 and result.rows["Key results"] == 7


def test_an_empty_required_tab_fails_with_one_sentence(tmp_path, tabs):
    folder = write_csv_folder(tmp_path / "book", tabs)
    (folder / "Teams.csv").write_bytes(b"")
    with pytest.raises(SourceError, match=r"^The 'Teams' tab is empty: it needs a header row with Team, Mode\.$"):
        sync(str(folder), tmp_path / "okra.duckdb")


def test_an_optional_tab_without_a_required_column_is_left_out_with_an_issue(tmp_path, tabs):
    tabs["Actions"] = [row[:2] + row[3:] for row in tabs["Actions"]]  # no Status column
    con = synced(tmp_path, tabs)
    found = issues_of(con)
    assert [(i["tab"], i["row"]) for i in found] == [("Actions", 1)]
    assert found[0]["problem"] == "The 'Actions' tab has no 'Status' column, so the whole tab was left out"
    assert con.execute("SELECT count(*) FROM key_results").fetchall() == [(7,)]


def test_unknown_files_in_another_encoding_are_ignored_and_a_windows_export_is_read(tmp_path, tabs):
    tabs["Teams"][1][0] = "Équipe α".replace("α", "")  # Windows-1252 has É but no α
    for row in tabs["Key results"]:
        row[2] = "Équipe " if row[2] == "Alpha" else row[2]
    folder = write_csv_folder(tmp_path / "book", {k: v for k, v in tabs.items() if k != "Teams"})
    text = "\r\n".join(",".join(row) for row in tabs["Teams"]) + "\r\n"
    (folder / "Teams.csv").write_bytes(text.encode("cp1252"))
    (folder / "Notizen.csv").write_bytes("Grüße, Ärger\n".encode("latin-1"))
    (folder / "export.xlsx.csv~").write_bytes(b"\xff\xfe\x00garbage")
    con = synced_folder(tmp_path, folder)
    assert con.execute("SELECT mode FROM teams WHERE team = 'Équipe'").fetchall() == [("OKR",)]
    assert con.execute("SELECT team FROM key_results WHERE kr_id = 'KR-A'").fetchall() == [("Équipe",)]


def synced_folder(tmp_path, folder):
    from okra_dash import store

    db = tmp_path / "okra.duckdb"
    sync(str(folder), db)
    return store.connect(db)


@pytest.mark.parametrize("cycle", ["9999-Q4", "0000-Q1", "1066-H2"])
def test_a_cycle_name_with_an_absurd_year_is_an_issue_and_its_key_results_say_why(cycle, tmp_path, tabs):
    tabs["Objectives"][1][1] = cycle  # O1: KR-A, KR-B and KR-F belong to it
    con = synced(tmp_path, tabs)
    found = {where(i): i for i in issues_of(con)}
    assert found[("Objectives", 2, "Cycle")]["kind"] == "implausible_date"
    kr = found[("Key results", 2, "Objective ID")]
    assert kr["problem"].startswith("objective 'O1' was itself left out (Objectives row 2: cycle")
    assert kr["kind"] == "objective_left_out"
    assert con.execute("SELECT count(*) FROM key_results").fetchall() == [(4,)]


def test_a_cycles_tab_date_with_an_absurd_year_is_an_issue(tmp_path, tabs):
    tabs["Cycles"][1][2] = "20266-07-04"
    tabs["Cycles"].append(["Ancient", "0001-01-01", "0001-03-01"])
    con = synced(tmp_path, tabs)
    found = {where(i): i["kind"] for i in issues_of(con)}
    assert found[("Cycles", 2, "End")] == "not_a_date"
    assert found[("Cycles", 3, "Start")] == "implausible_date"


def test_a_sheet_whose_used_range_claims_a_million_rows_is_read_only_where_it_holds_values(tmp_path, tabs):
    path = write_typed_xlsx(tmp_path / "book.xlsx", tabs, {})
    book = openpyxl.load_workbook(path)
    far = book["Check-ins"]["XFD1048576"]
    far.number_format = "0.00%"  # formatted, never typed into: Excel then claims A1:XFD1048576
    book.save(path)
    named, broken = xlsx.read_tabs(path, is_contract_tab)
    assert broken == {}
    assert len(named["Check-ins"]) == 8 and max(len(row) for row in named["Check-ins"]) == 6
    # Memory stays bounded in a fresh process: reading it costs no more than the imports (about 140 MB);
    # openpyxl's own row iterator would build 1,048,576 rows of 16,384 cells.
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent (the test worker).
    code = ("import re, sys; from okra_dash.source import xlsx; from okra_dash.source.workbook import is_contract_tab; "
            "xlsx.read_tabs(sys.argv[1], is_contract_tab); "
            "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert int(out) < 250_000, f"{int(out) // 1024} MB"


def damage(path: Path, tab_index: int) -> Path:
    """The same .xlsx with one sheet's XML cut in the middle: the zip is valid, the XML is not."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    name = f"xl/worksheets/sheet{tab_index + 1}.xml"
    parts[name] = parts[name][: len(parts[name]) // 2]
    with zipfile.ZipFile(path, "w") as target:
        for part, data in parts.items():
            target.writestr(part, data)
    return path


def test_a_damaged_optional_sheet_is_left_out_with_an_issue_and_everything_else_loads(tmp_path, tabs):
    path = damage(write_xlsx(tmp_path / "book.xlsx", tabs), list(tabs).index("Actions"))
    db = tmp_path / "okra.duckdb"
    result = sync(str(path), db)
    assert result.rows["Actions"] == 0 and result.rows["Key results"] == 7
    [issue] = issues(db)
    assert (issue["tab"], issue["kind"]) == ("Actions", "unreadable_tab")
    assert issue["problem"].startswith("the sheet is damaged and was left out (")


def test_a_damaged_required_sheet_fails_the_sync_with_one_sentence(tmp_path, tabs):
    path = damage(write_xlsx(tmp_path / "book.xlsx", tabs), list(tabs).index("Check-ins"))
    with pytest.raises(SourceError) as error:
        sync(str(path), tmp_path / "okra.duckdb")
    message = str(error.value)
    assert message.startswith(f"The file {path} cannot be read: its 'Check-ins' sheet is damaged (")
    assert "\n" not in message


def test_a_damaged_sheet_that_okra_dash_does_not_read_changes_nothing(tmp_path, tabs):
    path = write_xlsx(tmp_path / "book.xlsx", {**tabs, "Scratch": [["x"] * 5] * 50})
    path = damage(path, len(tabs))
    db = tmp_path / "okra.duckdb"
    sync(str(path), db)
    assert kr_a(db)["current"] == 40
