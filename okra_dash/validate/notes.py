"""What teams say with their numbers: Confidence (0-10) and a Note, for a key result and a week.

From the optional "Check-in notes" tab beside the wide Check-ins grid (Week, KR ID, Confidence, Note),
and from the long Check-ins layout's own Confidence and Note columns. The same reading rules as
check-ins: an unknown KR ID and a Confidence that is not a number from 0 to 10 are data issues.
"""

from __future__ import annotations

import numpy as np

from okra_dash.source.typed import week_start
from okra_dash.source.workbook import Workbook
from okra_dash.validate import cells
from okra_dash.validate.cells import CellError
from okra_dash.validate.columns import Columns
from okra_dash.validate.table import Issues, Table

TAB = "Check-in notes"
COLUMNS = ["kr_id", "week", "confidence", "note", "row"]
KINDS = {"confidence": "float", "row": "int"}


def confidence(table: Table, row: int, cell: object) -> float | None:
    """A Confidence cell: a number from 0 to 10, else an issue and blank."""
    try:
        value = cells.number(cell)
    except CellError as error:
        table.issue(row, "Confidence", cell, f"Confidence {error}; it was left blank", error.kind)
        return None
    if value is not None and not 0 <= value <= 10:
        table.issue(row, "Confidence", cell, "Confidence is not between 0 and 10; it was left blank",
                    "confidence_range")
        return None
    return value


def read_notes(book: Workbook, checkins: Columns, known: set[str], left_out: set[str],
               issues: Issues) -> Columns:
    """Every confidence or note given: the long layout's (on its check-ins) and the notes tab's rows."""
    said = checkins.where(~np.isnan(checkins["confidence"]) | np.not_equal(checkins["note"], None)).select(COLUMNS)
    table = Table.optional_tab(TAB, book.tabs.get(TAB), ("Week", "KR ID"), ("Confidence", "Note"), issues)
    if table is None:
        return said
    found, seen = [], set()
    for row, cell in table.records():
        kr_id = cells.text(cell["KR ID"])
        if kr_id not in known:
            if kr_id not in left_out:
                problem = (f"KR ID '{kr_id}' is not in the Key results tab" if kr_id
                           else "the row has no KR ID") + "; the note was left out"
                table.issue(row, "KR ID", kr_id, problem, "unknown_kr" if kr_id else "missing_id")
            continue
        try:
            day = cells.date(cell["Week"])
        except CellError as error:
            table.issue(row, "Week", cell["Week"], f"Week {error}; the note was left out", error.kind)
            continue
        if day is None:
            table.issue(row, "Week", "", "the note has no Week; it was left out", "missing_value")
            continue
        week = week_start(day)
        if (kr_id, week) in seen:
            table.issue(row, "Week", cell["Week"], f"a second note for KR '{kr_id}' in the week of {week}; "
                        "the first one is used", "duplicate_checkin")
            continue
        seen.add((kr_id, week))
        note = cells.text(cell.get("Note")) or None
        found.append((kr_id, week, confidence(table, row, cell.get("Confidence")), note, row))
    return Columns.concat([said, Columns.of(found, COLUMNS, KINDS)], COLUMNS)
