"""Read the Check-ins tab, wide (one column per week) or long (one row per check-in).

The wide tab can hold hundreds of thousands of cells, so its values are read
column-wise; the per-cell rules themselves stay in cells.py.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from okra_dash.source.typed import week_start
from okra_dash.source.workbook import RawTab, canonical
from okra_dash.validate import cells
from okra_dash.validate.cells import CellError
from okra_dash.validate.columns import Columns, floats, objects
from okra_dash.validate.notes import confidence
from okra_dash.validate.table import Issues, Table, header_index, is_empty

TAB = "Check-ins"
COLUMNS = ["kr_id", "week", "value", "confidence", "note", "row", "col", "column"]
KINDS = {"value": "float", "confidence": "float", "row": "int", "col": "int"}
# A key result's cycle: {kr_id: (cycle, start, end)}
Windows = dict[str, tuple[str, dt.date, dt.date]]


def _none() -> Columns:
    return Columns.of([], COLUMNS, KINDS)


def read_checkins(raw: RawTab, windows: Windows, left_out: set[str], issues: Issues) -> Columns:
    """Check-ins of known key results inside their cycles."""
    found_at = header_index(raw.rows, ("Week", "KR ID", "Value"))
    header = raw.rows[found_at] if found_at is not None else []
    names = {canonical(cells.text(cell)) for cell in header}
    if {"week", "value"} <= names:
        found = _long(Table(TAB, raw, ("Week", "KR ID", "Value"), ("Confidence", "Note"), issues),
                      windows, left_out)
    else:
        found = _wide(Table(TAB, raw, ("KR ID",), (), issues), windows, left_out)
    return _inside_cycles(found, windows, issues)


def _known(table: Table, row: int, kr_id: str, known: Windows, left_out: set[str]) -> bool:
    if kr_id in known:
        return True
    if kr_id in left_out:  # the key result's own row already has an issue
        return False
    if kr_id:
        table.issue(row, "KR ID", kr_id, f"KR ID '{kr_id}' is not in the Key results tab; its check-ins were left out",
                    "unknown_kr")
    else:
        table.issue(row, "KR ID", kr_id, "the row has values but no KR ID; its check-ins were left out",
                    "values_without_id")
    return False


def _week_columns(table: Table) -> list[tuple[int, dt.date, str]]:
    """(column index, Monday, header text) of each column whose header names a week."""
    weeks, seen = [], {}
    for index, head in enumerate(table.header):
        label = cells.text(head)
        if index == table.columns["KR ID"] or not label:
            continue
        try:
            day = cells.date(head)
        except CellError as error:
            # Helper columns with words only ("Key result", "Team") are ignored;
            # a header with digits in it was meant as a week.
            if any(char.isdigit() for char in label):
                table.issues.add(TAB, table.header_index + 1, label, head,
                                 f"the column header {error}; its column was left out", "bad_week_header",
                                 index + 1)
            continue
        monday = week_start(day)
        if monday in seen:
            table.issues.add(TAB, table.header_index + 1, label, head,
                             f"names the same week as column '{seen[monday]}'; its column was left out",
                             "duplicate_week", index + 1)
            continue
        seen[monday] = label
        weeks.append((index, monday, label))
    return weeks


def _is_date(cell: object) -> bool:
    try:
        return cells.date(cell) is not None
    except CellError:
        return False


def dates_below(rows: list[list[object]], index: int, kr_col: int) -> list[object] | None:
    """The week headers when a band of month names sits over them, else None.

    A month band merged over the week header row leaves the KR ID header in the band's row (merged down
    both rows) and the dates one row below, with nothing in the KR ID column. That row below is then the
    header of the week columns; the band's labels are not weeks. Word-only headers of the upper row
    ("Key result", "Team") still name their columns.
    """
    upper = rows[index]
    if index + 1 >= len(rows) or any(_is_date(cell) for col, cell in enumerate(upper) if col != kr_col):
        return None
    lower = rows[index + 1]
    if (kr_col < len(lower) and cells.text(lower[kr_col])) or not any(_is_date(cell) for cell in lower):
        return None
    width = max(len(upper), len(lower))
    merged: list[object] = []
    for col in range(width):
        below = lower[col] if col < len(lower) else None
        above = upper[col] if col < len(upper) else None
        if col == kr_col:
            merged.append(above)
        elif cells.text(below):
            merged.append(below)
        else:  # a band's label ("November 2026") names no column; a helper column's word does
            label = cells.text(above)
            merged.append(above if label and not any(char.isdigit() for char in label) else None)
    return merged


def wide_header(rows: list[list[object]]) -> tuple[int, list[object], int] | None:
    """(index of the row naming the weeks, its header cells, the KR ID column) of a wide Check-ins tab,
    found as the sync finds it; None when no row names a KR ID column."""
    found = header_index(rows, ("KR ID",))
    if found is None:
        return None
    kr_col = next((col for col, cell in enumerate(rows[found]) if canonical(cells.text(cell)) == "kr id"), None)
    if kr_col is None:
        return None
    band = dates_below(rows, found, kr_col)
    return (found + 1, band, kr_col) if band is not None else (found, list(rows[found]), kr_col)


def _wide(table: Table, windows: Windows, left_out: set[str]) -> Columns:
    band = dates_below(table.raw.rows, table.header_index, table.columns["KR ID"])
    if band is not None:
        table.header_index, table.header = table.header_index + 1, band
    weeks = _week_columns(table)
    body = table.raw.rows[table.header_index + 1:]
    if not body or not weeks:
        return _none()
    # The API leaves trailing empty cells out, so rows differ in length: pad them.
    width = max(max(index for index, _, _ in weeks), table.columns["KR ID"]) + 1
    grid = np.empty((len(body), width), dtype=object)  # None where a row is short
    for position, row in enumerate(body):
        cut = row[:width]
        grid[position, :len(cut)] = cut
    kept, rows = set(), []
    for position, cell in enumerate(grid[:, table.columns["KR ID"]]):
        row = table.header_index + 2 + position
        if is_empty(body[position]):
            continue
        kr_id = cells.text(cell)
        if not _known(table, row, kr_id, windows, left_out):
            continue
        if kr_id in kept:
            table.issue(row, "KR ID", kr_id, f"KR ID '{kr_id}' has a second row; the first one is used",
                        "duplicate_id")
            continue
        kept.add(kr_id)
        rows.append((position, row, kr_id))
    _unheaded_values(table, body, rows)
    if not rows:
        return _none()
    positions, row_numbers, kr_ids = (np.array(part, dtype=object) for part in zip(*rows))
    flat = grid[np.ix_(positions.astype(int), [index for index, _, _ in weeks])].ravel()
    filled = np.not_equal(flat, None) & np.not_equal(flat, "")  # element by element, in numpy's loop
    count = len(weeks)
    return _values(
        table, flat[filled],
        kr_id=np.repeat(kr_ids, count)[filled],
        week=np.tile(objects((monday for _, monday, _ in weeks), count), len(rows))[filled],
        row=np.repeat(row_numbers.astype(np.int64), count)[filled],
        col=np.tile(np.array([index + 1 for index, _, _ in weeks], dtype=np.int64), len(rows))[filled],
        column=np.tile(objects((label for _, _, label in weeks), count), len(rows))[filled],
    )


def _letter(column: int) -> str:
    """A 1-based column number as the sheet names it (8 is H, 28 is AB): a column without a header has no
    other name a person can find it by."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _unheaded_values(table: Table, body: list[list[object]], rows: list[tuple[int, int, str]]) -> None:
    """A value typed in a column with no header (often one column right of the last week) is an issue,
    not silently dropped."""
    header = table.header
    blank = [col for col, head in enumerate(header) if col != table.columns["KR ID"] and not cells.text(head)]
    for position, row, _ in rows:
        cells_of_row = body[position]
        for col in blank + list(range(len(header), len(cells_of_row))):
            if col < len(cells_of_row) and not cells.is_blank(cells_of_row[col]):
                table.issues.add(TAB, row, _letter(col + 1), cells_of_row[col],
                                 "the value is under no week header; the cell was left out", "no_week_header",
                                 col + 1)


def _values(table: Table, raw_values: np.ndarray, **where: np.ndarray) -> Columns:
    """Numbers read from raw cells (an object array); bad ones become issues, blank ones are not check-ins."""
    values, problems, kinds = cells.numbers(raw_values)
    count = len(raw_values)
    found = Columns({"kr_id": where["kr_id"], "week": where["week"], "value": values, "raw": raw_values,
                     "confidence": where.get("confidence", np.full(count, np.nan)),
                     "note": where.get("note", np.full(count, None, dtype=object)),
                     "row": where["row"], "col": where["col"], "column": where["column"]})
    bad = np.not_equal(problems, None)
    for position in np.flatnonzero(bad):
        table.issues.add(TAB, int(found["row"][position]), found["column"][position], raw_values[position],
                         f"the value {problems[position]}; the cell was left out", kinds[position],
                         int(found["col"][position]))
    return found.where(~bad & ~np.isnan(values))


def _long(table: Table, windows: Windows, left_out: set[str]) -> Columns:
    kept, found = set(), []
    value_col = table.columns["Value"]
    dates: dict[str, dt.date | None] = {}
    for row, cell in table.records():
        kr_id = cells.text(cell["KR ID"])
        if not _known(table, row, kr_id, windows, left_out):
            continue
        key = cells.text(cell["Week"])
        if key not in dates:
            try:
                dates[key] = cells.date(cell["Week"])
            except CellError as error:
                table.issue(row, "Week", cell["Week"], f"Week {error}; the check-in was left out", error.kind)
                continue
        if dates[key] is None:
            if not cells.is_blank(cell["Value"]):
                table.issue(row, "Week", cell["Week"], "the check-in has no Week; it was left out", "missing_value")
            continue
        week = week_start(dates[key])
        if (kr_id, week) in kept:
            table.issue(row, "Week", cell["Week"],
                        f"a second check-in for KR '{kr_id}' in the week of {week}; the first one is used",
                        "duplicate_checkin")
            continue
        said = confidence(table, row, cell.get("Confidence"))
        kept.add((kr_id, week))
        found.append((kr_id, week, cell["Value"], said, cells.text(cell.get("Note")) or None, row))
    if not found:
        return _none()
    count = len(found)
    kr_ids, weeks, raw, confidences, notes, rows = (list(part) for part in zip(*found))
    return _values(table, objects(raw, count), kr_id=objects(kr_ids, count), week=objects(weeks, count),
                   row=np.array(rows, dtype=np.int64), col=np.full(count, value_col + 1, dtype=np.int64),
                   column=np.full(count, cells.text(table.header[value_col]), dtype=object),
                   confidence=floats(confidences, count), note=objects(notes, count))


def _inside_cycles(found: Columns, windows: Windows, issues: Issues) -> Columns:
    """A week counts for a cycle when any of its seven days falls inside the cycle."""
    if found.empty:
        return _none()
    six_days = dt.timedelta(days=6)
    outside = np.zeros(len(found), dtype=bool)
    for position, (kr_id, week) in enumerate(zip(found["kr_id"], found["week"])):
        cycle, start, end = windows[kr_id]
        if week > end or week + six_days < start:
            outside[position] = True
            # "raw" is the cell as typed (an issue shows it as typed); only COLUMNS are kept.
            issues.add(TAB, int(found["row"][position]), found["column"][position], found["raw"][position],
                       f"the week of {week} is outside cycle {cycle} ({start} to {end}) "
                       f"of KR '{kr_id}'; the cell was left out", "outside_cycle", int(found["col"][position]))
    return found.where(~outside).select(COLUMNS)
