"""The sheet teams start from: tabs, example rows, instructions and validation rules.

One description serves both the .xlsx template (`python -m okra_dash template`) and
a new Google Sheet (`python -m okra_dash init-sheet`). The example rows use the
current quarter, so a freshly made template syncs with no data issues.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from okra_dash.source.typed import week_start
from okra_dash.validate.parse import calendar_cycle
from okra_dash.words import ACTION_STATUSES, KR_TYPES, TEAM_MODES, THEMES

HOW_TO = "How to fill this in"
ROWS = 2000  # rows below the header that carry validation
WEEK_COLUMNS_FROM = 3  # Check-ins: A = KR ID, B = Key result (a helper), weeks from C


@dataclass(frozen=True)
class Rule:
    """A validation on one column of a tab, from row 2 down."""

    tab: str
    column: int  # 1-based; for "number" on Check-ins, the first of the week columns
    kind: str  # "list", "range" (values of another tab's column), "number", "date"
    values: tuple[str, ...] = ()
    source: str = ""  # for "range": "Tab!A" (that column from row 2 down)
    message: str = ""
    last_column: int | None = None  # for a block of columns (the week columns)
    bounds: tuple[str, str] = ("-1000000000000000", "1000000000000000")  # for "number": any number, or a scale


RULES = (
    Rule("Teams", 2, "list", TEAM_MODES, message="OKR for teams steered by objectives, KPI for operational teams."),
    Rule("Objectives", 5, "list", THEMES, message="Pick the theme the objective serves."),
    Rule("Key results", 2, "range", source="Objectives!A", message="Pick an Objective ID from the Objectives tab."),
    Rule("Key results", 3, "range", source="Teams!A", message="Pick a team from the Teams tab."),
    Rule("Key results", 5, "number", message="Type a number: where the key result starts."),
    Rule("Key results", 6, "number", message="Type a number: where the key result should end."),
    Rule("Key results", 8, "list", KR_TYPES,
         message="Outcome (a result) or Output (a deliverable), measured against the pace of the cycle; "
                 "Keep above / Keep below for a health KPI held on the right side of its Target line."),
    Rule("Check-ins", 1, "range", source="Key results!A", message="Pick a KR ID from the Key results tab."),
    Rule("Check-ins", WEEK_COLUMNS_FROM, "number", last_column=WEEK_COLUMNS_FROM + 60,
         message="Type this week's number; leave the cell empty when there is no value."),
    Rule("Actions", 1, "range", source="Key results!A", message="Pick a KR ID from the Key results tab."),
    Rule("Actions", 3, "list", ACTION_STATUSES, message="Planned, In progress, Done or Dropped."),
    Rule("Actions", 5, "date", message="A date, such as 2026-01-05."),
    Rule("Check-in notes", 1, "date", message="The week's Monday, such as 2026-01-05."),
    Rule("Check-in notes", 2, "range", source="Key results!A", message="Pick a KR ID from the Key results tab."),
    Rule("Check-in notes", 3, "number", bounds=("0", "10"),
         message="How sure the team is of reaching the target: 0 (not at all) to 10 (certain)."),
)

INSTRUCTIONS = [
    ["How to fill in this OKR sheet"],
    [""],
    ["Every week: open Check-ins, find your key result's row, type this week's number in this week's column."],
    ["Type just the number: 1200, 1,200, 45% and €3.5 all work. Leave the cell empty, or type n/a, when there is "
     "no value this week."],
    ["Targets are agreed at the start of a cycle and do not move during it."],
    [""],
    ["Tabs"],
    ["Teams: one row per team. Mode is OKR (agile, project or innovation work) or KPI (operational work). "
     "Champion names its OKR champion; Champion e-mail, optional, is where their weekly nudge goes."],
    ["Objectives: at most 5 per value stream per cycle. Cycle is a quarter (2026-Q1), a half (2026-H1), or a "
     "name from the Cycles tab. The value stream groups objectives by the customer value they create."],
    ["Key results: each belongs to one objective and one team. Start and Target are numbers; Target can be "
     "below Start when lower is better. Type is Outcome or Output (measured against the pace of the cycle), or "
     "Keep above / Keep below for a health KPI: its Target is the line to stay on the right side of."],
    ["Check-ins: one row per key result, one column per week (the column header is the week's Monday)."],
    ["Actions: the work below a key result, with its status."],
    ["Cycles: only for cycles that are not calendar quarters or halves: name, start and end dates."],
    ["Check-in notes (optional): a row for a week and a key result with how sure the team is (Confidence, 0 to "
     "10) and why (Note). The latest note shows beside the key result on the dashboard and in the digest."],
    [""],
    ["After each sync, okra-dash lists every cell it could not read on its Data quality page (and, when turned "
     "on, in the Sync report tab of this sheet) with the row, the column and how to fix it."],
]


def _quarter(today: dt.date) -> tuple[str, dt.date, dt.date]:
    name = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    start, end = calendar_cycle(name)
    return name, start, end


def week_columns(start: dt.date, end: dt.date) -> list[dt.date]:
    """The Mondays of the weeks touching a cycle window."""
    first = week_start(start)
    return [first + dt.timedelta(weeks=i) for i in range((end - first).days // 7 + 1)]


def tabs(today: dt.date | None = None) -> dict[str, list[list[object]]]:
    """Every tab of the contract with its header and a few example rows for the current quarter."""
    today = today or dt.date.today()
    cycle, start, end = _quarter(today)
    weeks = week_columns(start, end)
    filled = [week for week in weeks if week <= week_start(today)][:3]
    kr1 = [45, 38, 31][: len(filled)]
    kr2 = [64, 65.5, 66][: len(filled)]
    blanks = [""] * (len(weeks) - len(filled))
    return {
        "Teams": [["Team", "Mode", "Champion", "Champion e-mail"], ["Checkout squad", "OKR", "Ana", "ana@example.com"],
                  ["Support hotline", "KPI", "Femi", "femi@example.com"]],
        "Objectives": [["Objective ID", "Cycle", "Value stream", "Objective", "Theme", "Owner"],
                       ["CX1", cycle, "Customer experience", "Customers get help in minutes, not hours",
                        "Customer experience", "Femi"]],
        "Key results": [["KR ID", "Objective ID", "Team", "Key result", "Start", "Target", "Unit", "Type"],
                        ["KR1", "CX1", "Support hotline", "Median first response time (lower is better)", 45, 10,
                         "min", "Outcome"],
                        ["KR2", "CX1", "Checkout squad", "Checkout conversion", 64, 72, "%", "Outcome"]],
        "Check-ins": [["KR ID", "Key result"] + [week.isoformat() for week in weeks],
                      ["KR1", "Median first response time (lower is better)"] + kr1 + blanks,
                      ["KR2", "Checkout conversion"] + kr2 + blanks],
        "Actions": [["KR ID", "Action", "Status", "Owner", "Due"],
                    ["KR1", "Chat widget answers order-status questions", "In progress", "Femi",
                     (start + dt.timedelta(days=45)).isoformat()]],
        "Cycles": [["Cycle", "Start", "End"]],
        "Check-in notes": [["Week", "KR ID", "Confidence", "Note"],
                           [filled[-1].isoformat() if filled else weeks[0].isoformat(), "KR1", 7,
                            "Chat widget live; the Saturday shift starts next week"]],
        HOW_TO: INSTRUCTIONS,
    }


def frozen_columns(tab: str) -> int:
    """Check-ins keeps KR ID and its title in view while scrolling through the weeks."""
    return WEEK_COLUMNS_FROM - 1 if tab == "Check-ins" else 0


def write_xlsx(out: Path, today: dt.date | None = None) -> Path:
    """The template as an .xlsx workbook with frozen headers, dropdowns and number-only cells."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in tabs(today).items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title == HOW_TO:
            sheet["A1"].font = Font(bold=True, size=14)
            sheet.column_dimensions["A"].width = 120
            continue
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.freeze_panes = f"{get_column_letter(frozen_columns(title) + 1)}2"
        for index in range(1, len(rows[0]) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 12 if title == "Check-ins" and index > 2 else 24
    for rule in RULES:
        sheet = book[rule.tab]
        first = get_column_letter(rule.column)
        last = get_column_letter(rule.last_column or rule.column)
        cells_range = f"{first}2:{last}{ROWS + 1}"
        if rule.kind == "list":
            validation = DataValidation(type="list", formula1='"' + ",".join(rule.values) + '"', allow_blank=True)
        elif rule.kind == "range":
            tab, column = rule.source.split("!")
            validation = DataValidation(type="list", formula1=f"'{tab}'!${column}$2:${column}${ROWS + 1}",
                                        allow_blank=True)
        elif rule.kind == "number":
            validation = DataValidation(type="decimal", operator="between", formula1=rule.bounds[0],
                                        formula2=rule.bounds[1], allow_blank=True)
        else:
            validation = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
        validation.error, validation.errorTitle = rule.message, "okra-dash"
        validation.prompt, validation.showInputMessage, validation.showErrorMessage = rule.message, True, True
        validation.add(cells_range)
        sheet.add_data_validation(validation)
    book.move_sheet(HOW_TO, offset=-len(book.sheetnames) + 1)
    out = Path(out)
    book.save(out)
    return out
