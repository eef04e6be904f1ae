"""The sheet teams type into: the .xlsx template, a new Google Sheet, week columns, and the Sync report tab.

Google Sheets writes go through real gspread to the fake Sheets API on 127.0.0.1; the tests assert
the batchUpdate requests' content and that write-back never touches the teams' tabs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import duckdb
import gspread
import openpyxl
import pytest

from okra_dash import queries
from okra_dash.cli.main import main
from okra_dash.figures.review import Review
from okra_dash.sheet_tools import template, write_back
from okra_dash.sheet_tools.add_week import add_week
from okra_dash.sync import sync
from okra_dash.validate.advice import FIXES
from tests.conftest import REVIEW, read_tabs, write_csv_folder
from tests.fake_sheets import KEY
from tests.test_gsheet import ROOT

TODAY = dt.date(2026, 11, 18)  # a Wednesday in 2026-Q4


@pytest.fixture
def workbook_path(tmp_path):
    return template.write_xlsx(tmp_path / "okra-template.xlsx", TODAY)


def test_the_template_has_every_tab_frozen_headers_and_instructions(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    assert book.sheetnames == ["How to fill this in", "Teams", "Objectives", "Key results", "Check-ins",
                               "Actions", "Cycles", "Check-in notes"]
    assert {ws.title: ws.freeze_panes for ws in book.worksheets if ws.title != "How to fill this in"} == {
        "Teams": "A2", "Objectives": "A2", "Key results": "A2", "Check-ins": "C2", "Actions": "A2", "Cycles": "A2",
        "Check-in notes": "A2"}
    notes = validations(book, "Check-in notes")
    assert ("C2:C2001", "decimal", "0") in notes  # Confidence: 0 to 10 only
    assert ("B2:B2001", "list", "'Key results'!$A$2:$A$2001") in notes
    assert "type this week's number" in book["How to fill this in"]["A3"].value
    assert book["Check-ins"]["C1"].value == "2026-09-28"  # the Monday of the week holding Oct 1


def validations(book, tab):
    return {(str(dv.sqref), dv.type, dv.formula1) for dv in book[tab].data_validations.dataValidation}


def test_the_template_has_dropdowns_kr_lists_and_number_only_cells(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    assert ("B2:B2001", "list", '"OKR,KPI"') in validations(book, "Teams")
    assert ("E2:E2001", "list", '"Profit,Productivity,Customer experience,Employee experience,Other"') in \
        validations(book, "Objectives")
    key_results = validations(book, "Key results")
    assert ("H2:H2001", "list", '"Outcome,Output,Keep above,Keep below"') in key_results
    assert ("E2:E2001", "decimal", "-1000000000000000") in key_results
    checkins = validations(book, "Check-ins")
    assert ("A2:A2001", "list", "'Key results'!$A$2:$A$2001") in checkins  # only existing KR IDs
    assert ("C2:BK2001", "decimal", "-1000000000000000") in checkins  # numbers only in value cells
    assert ("C2:C2001", "list", '"Planned,In progress,Done,Dropped"') in validations(book, "Actions")


def test_the_template_with_its_example_rows_syncs_and_reports_with_no_data_issues(workbook_path, tmp_path, capsys):
    db = tmp_path / "okra.duckdb"
    result = sync(str(workbook_path), db)
    assert result.issues == 0
    assert result.rows["Key results"] == 2
    assert main(["report", "--db", str(db), "--as-of", TODAY.isoformat()]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["issues"] == []
    assert data["cycles"] == ["2026-Q4"]


def test_the_template_command_writes_the_file(tmp_path, capsys):
    assert main(["template", "--out", str(tmp_path / "t.xlsx")]) == 0
    assert (tmp_path / "t.xlsx").is_file()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_add_week_adds_this_and_next_weeks_columns_once(tmp_path, workbook_path, kind):
    source = workbook_path if kind == "xlsx" else write_csv_folder(tmp_path / "book", read_tabs(REVIEW))
    later = dt.date(2027, 1, 6) if kind == "xlsx" else dt.date(2026, 2, 4)  # past the last week column
    added = add_week(str(source), later)
    assert added == [dt.date(2027, 1, 4), dt.date(2027, 1, 11)] if kind == "xlsx" else added == [
        dt.date(2026, 2, 2), dt.date(2026, 2, 9)]
    assert add_week(str(source), later) == []
    result = sync(str(source), tmp_path / "okra.duckdb")
    assert result.issues == (0 if kind == "xlsx" else 1)  # the review workbook's own deliberate issue


@pytest.fixture
def fake(sheet_api):
    return sheet_api


def requests_of(fake, kind):
    """Bodies sent to one endpoint: ":batchUpdate" (structure) or "values:batchUpdate" (cell values)."""
    return [body for path, body in fake.bodies
            if path.endswith(kind) and (kind != ":batchUpdate" or not path.endswith("values:batchUpdate"))]


def test_init_sheet_creates_the_template_with_validation_protection_and_sharing(fake):
    url = write_back.init_sheet("Freshbasket OKRs", ["ana@freshbasket.example"], today=TODAY)
    assert url == "https://docs.google.com/spreadsheets/d/created-1/edit"
    assert fake.scopes[0] == write_back.WRITE_SCOPES
    create = fake.bodies[0][1]
    assert create["properties"]["title"] == "Freshbasket OKRs"
    grids = {s["properties"]["title"]: s["properties"]["gridProperties"] for s in create["sheets"]}
    assert grids["Check-ins"]["frozenRowCount"] == 1 and grids["Check-ins"]["frozenColumnCount"] == 2
    assert fake.books["created-1"]["Key results"][0] == ["KR ID", "Objective ID", "Team", "Key result", "Start",
                                                          "Target", "Unit", "Type"]
    (setup,) = requests_of(fake, ":batchUpdate")
    rules = [r["setDataValidation"] for r in setup["requests"] if "setDataValidation" in r]
    ids = fake.ids["created-1"]
    modes = next(r for r in rules if r["range"]["sheetId"] == ids["Teams"])
    assert [v["userEnteredValue"] for v in modes["rule"]["condition"]["values"]] == ["OKR", "KPI"]
    kr_ids = next(r for r in rules if r["range"]["sheetId"] == ids["Check-ins"]
                  and r["rule"]["condition"]["type"] == "ONE_OF_RANGE")
    assert kr_ids["rule"]["condition"]["values"] == [{"userEnteredValue": "='Key results'!A2:A"}]
    numbers = next(r for r in rules if r["range"]["sheetId"] == ids["Check-ins"]
                   and r["rule"]["condition"]["type"] == "NUMBER_BETWEEN")
    assert numbers["range"]["startColumnIndex"] == 2 and numbers["rule"]["strict"] is True
    protected = [r["addProtectedRange"]["protectedRange"] for r in setup["requests"] if "addProtectedRange" in r]
    assert len(protected) == 7 and all(p["range"]["endRowIndex"] == 1 and p["warningOnly"] for p in protected)
    assert ("POST", "/drive/v3/files/created-1/permissions") in fake.requests


def test_add_week_on_a_google_sheet_sends_one_batch_update_with_the_new_headers(fake):
    added = add_week(KEY, dt.date(2026, 2, 4))
    assert added == [dt.date(2026, 2, 2), dt.date(2026, 2, 9)]
    (update,) = requests_of(fake, ":batchUpdate")
    cells = update["requests"][-1]["updateCells"]
    assert cells["start"] == {"sheetId": fake.sheet_ids(KEY)["Check-ins"], "rowIndex": 0, "columnIndex": 6}
    assert [v["userEnteredValue"]["stringValue"] for v in cells["rows"][0]["values"]] == ["2026-02-02", "2026-02-09"]
    assert fake.books[KEY]["Check-ins"][0][-2:] == ["2026-02-02", "2026-02-09"]
    assert add_week(KEY, dt.date(2026, 2, 4)) == []


def test_write_back_lists_each_issue_with_a_link_and_a_fix_and_never_touches_team_tabs(fake, tmp_path):
    fake.books[KEY]["Check-ins"][2][3] = "4O"  # KR-B, week 2026-W03 (cell D3)
    before = {title: json.dumps(rows) for title, rows in fake.books[KEY].items()}
    from okra_dash.store import next_steps

    next_steps.add(tmp_path / "okra.duckdb", "KR-B", "Alpha", '=IMPORTXML("x")', "Call the top 5",
                   dt.date(2026, 2, 6), recorded_at="2026-01-30T10:00:00")  # agreed in the last review
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "okra_dash", "sync", "--source", KEY, "--db",
                             str(tmp_path / "okra.duckdb"), "--write-back"], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "asked Google for write access" in result.stdout
    assert fake.scopes[:2] == [gspread.auth.READONLY_SCOPES] * 2  # the sync itself reads only
    assert fake.scopes[2:] and all(scopes == write_back.WRITE_SCOPES for scopes in fake.scopes[2:])
    assert "Wrote 2 data issues to the 'Sync report' tab, and 1 next step to the 'Review log' tab." in result.stdout
    team_ids = set(fake.sheet_ids(KEY).values()) - {fake.sheet_ids(KEY)[tab] for tab in ("Sync report", "Review log")}
    for path, body in fake.bodies:
        assert path.endswith(":batchUpdate") and not path.endswith("values:batchUpdate")
        for request in body["requests"]:
            target = next(iter(request.values()))
            sheet_id = target.get("range", target.get("start", target.get("properties", {}))).get("sheetId")
            assert sheet_id not in team_ids, request
    assert {title: json.dumps(rows) for title, rows in fake.books[KEY].items()
            if title not in ("Sync report", "Review log")} == before
    assert fake.books[KEY]["Review log"] == [write_back.LOG_HEADER, [
        1, "KR-B", "Alpha", '=IMPORTXML("x")', "", "Call the top 5", "2026-02-06", "2026-01-30T10:00:00", ""]]
    report = fake.books[KEY]["Sync report"]
    assert report[0] == write_back.REPORT_HEADER
    row = next(r for r in report[1:] if r[0] == "Check-ins")
    assert row[1:5] == [3, "2026-W03", "4O", "the value is not a number; the cell was left out"]
    assert row[5] == FIXES["not_a_number"]
    assert row[6] == f'=HYPERLINK("#gid={fake.sheet_ids(KEY)["Check-ins"]}&range=D3", "Check-ins!D3")'


def test_write_back_rewrites_the_tab_and_keeps_typed_text_as_text(fake):
    issues = [{"tab": "Key results", "row": 2, "column": "Key result", "col": 4, "value": '=IMPORTXML("x")',
               "problem": "team 'x' is not in the Teams tab", "fix": "Add the team."}]
    write_back.write_back(KEY, issues, {"Key results": 103})
    write_back.write_back(KEY, [], {"Key results": 103})  # a later sync with no issues empties it
    assert fake.books[KEY]["Sync report"] == [write_back.REPORT_HEADER]
    first = requests_of(fake, ":batchUpdate")[0]["requests"]
    typed = first[-1]["updateCells"]["rows"][1]["values"][3]
    assert typed == {"userEnteredValue": {"stringValue": '=IMPORTXML("x")'}}  # never a formula


def test_write_back_needs_a_google_sheet(tmp_path, capsys):
    assert main(["sync", "--source", str(REVIEW), "--db", str(tmp_path / "x.duckdb"), "--write-back"]) == 2
    assert "--write-back writes a tab into a Google Sheet" in capsys.readouterr().err


@pytest.mark.parametrize("kind, words", [
    ("not_a_number", "Type just the number"),
    ("comma", "point for decimals"),
    ("unknown_team", "Add the team"),
    ("outside_cycle", "inside the key result's cycle"),
    ("duplicate_column", "Keep one column"),
    ("something new", "Correct the cell and sync again"),
])
def test_each_kind_of_issue_comes_with_a_plain_language_fix(kind, words):
    # Through the issues query, as every page, report and write-back reads it; an unknown kind gets the default.
    con = duckdb.connect()
    con.execute(queries.load("schema"))
    con.execute("INSERT INTO issues VALUES ('Check-ins', 3, '2026-W03', 'x', 'problem', ?, 4)", [kind])
    (fix,) = Review(con, dt.date(2026, 1, 31), cycles=["2026-Q1"]).frame("issues")["fix"]
    assert words in fix
    assert fix == FIXES.get(kind, fix)


def test_write_back_lists_each_teams_missing_cells_of_last_week_with_a_link(fake):
    missing = [{"team": "Hotline", "champion": "Ana", "kr_id": "A2", "key_result": "Answered",
                "last_full_week": "2026-02-02", "row": 3, "col": 3},
               {"team": "Lab", "champion": None, "kr_id": "L9", "key_result": "New", "last_full_week": "2026-02-02",
                "row": None, "col": None}]
    write_back.write_back(KEY, [], {"Check-ins": 102}, missing=missing)
    report = fake.books[KEY]["Sync report"]
    assert report[0] == write_back.REPORT_HEADER
    assert report[2][0] == "Missing check-ins for the week of 2026-02-02"
    assert report[3] == write_back.MISSING_HEADER
    assert report[4] == ["Hotline", "Ana", "A2", "Answered", "", "",
                         '=HYPERLINK("#gid=102&range=C3", "Check-ins!C3")']
    assert report[5][:4] == ["Lab", "", "L9", "New"] and report[5][6] == ""  # no row known: no link
