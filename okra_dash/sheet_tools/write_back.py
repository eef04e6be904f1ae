"""Everything okra-dash writes to a Google Sheet; only this module asks for the write scope.

- init-sheet: a new sheet from the template (tabs, headers, example rows, frozen
  headers, validation, header rows protected with a warning), shared with people.
- add-week's Google Sheets request (tools/add_week.py decides what to add).
- write-back (opt-in): a "Sync report" tab listing each data issue with a link to
  its cell and how to fix it, and a "Review log" tab listing every next step the
  reviews agreed. It writes to those tabs and nowhere else.
"""

from __future__ import annotations

import datetime as dt

import gspread
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name

from okra_dash.errors import SourceError
from okra_dash.figures import links
from okra_dash.sheet_tools import template
from okra_dash.source import google
from okra_dash.source.typed import printable
from okra_dash.validate import cells

WRITE_SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive.file"]
SHEETS_API = "https://sheets.googleapis.com/v4/spreadsheets"
REPORT_TAB = "Sync report"
REPORT_HEADER = ["Tab", "Row", "Column", "Typed", "Problem", "How to fix it", "Go to the cell"]
MISSING_HEADER = ["Team", "Champion", "KR ID", "Key result", "", "", "Go to the cell"]
LOG_TAB = "Review log"
LOG_HEADER = ["ID", "KR ID", "Team", "Asked", "Answered", "Next step", "Due", "Recorded at", "Closed at"]
LOG_FIELDS = ("kr_id", "team", "asked", "answer", "next_step", "due", "recorded_at", "closed_at")


def client() -> gspread.Client:
    """A client with the write scope (the sync itself never asks for it)."""
    info = google.credentials_info()
    try:
        credentials = Credentials.from_service_account_info(info, scopes=WRITE_SCOPES)
    except (ValueError, KeyError, TypeError):
        raise SourceError("The Google service-account credentials cannot be used.") from None
    gc = gspread.Client(auth=credentials, http_client=google.SheetsHTTPClient)
    gc.service_account_email = info.get("client_email")
    return gc


def call(action, what: str, email: str | None = None):
    try:
        return action()
    except APIError as error:
        if error.code == 403:
            raise SourceError(f"Google refused to {what}: the service account {email or ''} needs edit access "
                              "(share the sheet with it as an Editor).") from None
        raise SourceError(f"Google refused to {what} (error {error.code}).") from None


def _grid(sheet_id: int, row: int, col: int, rows: int = 1, cols: int = 1) -> dict:
    """A GridRange from a 1-based cell and a size."""
    return {"sheetId": sheet_id, "startRowIndex": row - 1, "endRowIndex": row - 1 + rows,
            "startColumnIndex": col - 1, "endColumnIndex": col - 1 + cols}


def _rule_request(rule: template.Rule, sheet_id: int) -> dict:
    grid = _grid(sheet_id, 2, rule.column, template.ROWS, (rule.last_column or rule.column) - rule.column + 1)
    if rule.kind == "list":
        condition = {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": value} for value in rule.values]}
    elif rule.kind == "range":
        tab, column = rule.source.split("!")
        condition = {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": f"='{tab}'!{column}2:{column}"}]}
    elif rule.kind == "number":
        condition = {"type": "NUMBER_BETWEEN", "values": [{"userEnteredValue": bound} for bound in rule.bounds]}
    else:
        condition = {"type": "DATE_IS_VALID"}
    return {"setDataValidation": {"range": grid, "rule": {"condition": condition, "inputMessage": rule.message,
                                                          "strict": True, "showCustomUi": True}}}


def init_sheet(title: str, share_with: list[str] = (), gc: gspread.Client | None = None,
               today: dt.date | None = None) -> str:
    """Create the template as a new Google Sheet; returns its URL."""
    gc = gc or client()
    email = getattr(gc, "service_account_email", None)
    tabs = template.tabs(today)
    body = {"properties": {"title": title}, "sheets": [
        {"properties": {"sheetId": index, "title": name, "gridProperties": {
            "frozenRowCount": 0 if name == template.HOW_TO else 1,
            "frozenColumnCount": template.frozen_columns(name),
            "columnCount": max(26, len(rows[0]) + 20), "rowCount": template.ROWS + 1}}}
        for index, (name, rows) in enumerate(tabs.items())]}
    created = call(lambda: gc.http_client.request("post", SHEETS_API, json=body).json(), "create the sheet", email)
    key = created["spreadsheetId"]
    ids = {sheet["properties"]["title"]: sheet["properties"]["sheetId"] for sheet in created["sheets"]}
    data = [{"range": absolute_range_name(name, "A1"), "values": rows} for name, rows in tabs.items()]
    call(lambda: gc.http_client.values_batch_update(key, {"valueInputOption": "RAW", "data": data}),
          "fill in the sheet", email)
    requests = [_rule_request(rule, ids[rule.tab]) for rule in template.RULES]
    requests += [{"addProtectedRange": {"protectedRange": {
        "range": _grid(ids[name], 1, 1, 1, max(26, len(rows[0]) + 20)), "warningOnly": True,
        "description": "okra-dash reads these column names: change them and the sync stops."}}}
        for name, rows in tabs.items() if name != template.HOW_TO]
    requests += [{"repeatCell": {"range": _grid(ids[name], 1, 1, 1, len(rows[0])),
                                 "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                                 "fields": "userEnteredFormat.textFormat.bold"}}
                 for name, rows in tabs.items() if name != template.HOW_TO]
    call(lambda: gc.http_client.batch_update(key, {"requests": requests}), "set up the sheet", email)
    for address in share_with:
        call(lambda address=address: gc.insert_permission(key, address, perm_type="user", role="writer"),
              f"share the sheet with {address}", email)
    return created.get("spreadsheetUrl") or google.sheet_url(key)


def write_back(key: str, issues: list[dict], gids: dict[str, int], gc: gspread.Client | None = None,
               missing: list[dict] = (), steps: list[dict] | None = None) -> int:
    """Replace the Sync report tab's contents with the issues, then each team's key results missing last full
    week's check-in (sql/missing_cells.sql) with a link to the cell to type it in; with steps, the Review log
    tab's with every next step recorded (store/next_steps.py), so teams see in their own sheet what the
    review asked of them. Returns the issues written.

    It writes only to those two tabs (each created when missing); the teams' tabs are never touched.
    """
    gc = gc or client()
    email = getattr(gc, "service_account_email", None)
    meta = call(lambda: gc.http_client.fetch_sheet_metadata(key, params={"fields": "sheets.properties"}),
                 "read the sheet", email)
    sheets = {sheet["properties"]["title"]: sheet["properties"]["sheetId"] for sheet in meta.get("sheets", [])}
    rows = [[_text(name) for name in REPORT_HEADER]] + [_report_row(issue, gids) for issue in issues]
    if missing:
        week = f"{missing[0]['last_full_week']}"[:10]
        rows += [[_text("")], [_text(f"Missing check-ins for the week of {week}")],
                 [_text(name) for name in MISSING_HEADER]] + [_missing_row(kr, gids) for kr in missing]
    requests = _replace_tab(sheets, REPORT_TAB, rows)
    if steps is not None:
        log = [[_text(name) for name in LOG_HEADER]] + [
            [{"userEnteredValue": {"numberValue": int(step["id"])}}, *(_text(step[name] or "") for name in LOG_FIELDS)]
            for step in steps]
        requests += _replace_tab(sheets, LOG_TAB, log)
    call(lambda: gc.http_client.batch_update(key, {"requests": requests}), f"write the {REPORT_TAB} tab", email)
    return len(issues)


def _replace_tab(sheets: dict[str, int], title: str, rows: list[list[dict]]) -> list[dict]:
    """The requests that make the tab `title` (added when missing, with a frozen header) hold exactly `rows`."""
    requests = []
    sheet_id = sheets.get(title)
    if sheet_id is None:
        sheet_id = sheets[title] = max(sheets.values(), default=0) + 1_000_001
        requests.append({"addSheet": {"properties": {"sheetId": sheet_id, "title": title,
                                                     "gridProperties": {"frozenRowCount": 1}}}})
    requests.append({"updateCells": {"range": {"sheetId": sheet_id}, "fields": "userEnteredValue"}})
    requests.append({"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                                     "rows": [{"values": row} for row in rows], "fields": "userEnteredValue"}})
    return requests


def _missing_row(kr: dict, gids: dict[str, int]) -> list[dict]:
    row = [_text(kr["team"]), _text(kr["champion"] or ""), _text(kr["kr_id"]), _text(kr["key_result"]), _text(""),
           _text(""), _text("")]
    row[-1] = _link_to_cell(gids, "Check-ins", kr.get("row"), kr.get("col"))
    return row


def _text(value: object) -> dict:
    # stringValue is never parsed as a formula, so whatever was typed stays text.
    return {"userEnteredValue": {"stringValue": printable(cells.text(value))}}


def _report_row(issue: dict, gids: dict[str, int]) -> list[dict]:
    row = [_text(issue["tab"]), {"userEnteredValue": {"numberValue": int(issue["row"])}}, _text(issue["column"]),
           _text(issue["value"]), _text(issue["problem"]), _text(issue["fix"])]
    return row + [_link_to_cell(gids, issue["tab"], issue["row"], issue["col"])]


def _link_to_cell(gids: dict[str, int], tab: str, row: object, col: object) -> dict:
    """A HYPERLINK to the cell within the sheet (links.cell_anchor, as the dashboard links it), or an empty cell."""
    anchor = links.cell_anchor(gids.get(tab), row, col)
    if anchor is None:
        return _text("")
    cell = anchor.split("range=")[1]
    label = f"{tab}!{cell}".replace('"', '""')
    return {"userEnteredValue": {"formulaValue": f'=HYPERLINK("{anchor}", "{label}")'}}
