"""Read the Check-ins tab, wide (one column per week) or long (one row per check-in).

The wide tab can hold hundreds of thousands of cells, so its values are read
column-wise; the per-cell rules themselves stay in cells.py.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from okra_dash.source.typed import week_start
from okra_dash.source.workbook import RawTab, canonical
from okra_dash.validate import cells
from okra_dash.validate.cells import CellError
from okra_dash.validate.notes import confidence
from okra_dash.validate.table import Issues, Table, header_index, is_empty

TAB = "Check-ins"
COLUMNS = ["kr_id", "week", "value", "confidence", "note", "row", "col", "column"]


def read_checkins(raw: RawTab, windows: pd.DataFrame, left_out: set[str], issues: Issues) -> pd.DataFrame:
    """Check-ins of known key results inside their cycles; windows has kr_id, start, end."""
    found_at = header_index(raw.rows, ("Week", "KR ID", "Value"))
    header = raw.rows[found_at] if found_at is not None else []
    names = {canonical(cells.text(cell)) for cell in header}
    if {"week", "value"} <= names:
        found = _long(Table(TAB, raw, ("Week", "KR ID", "Value"), ("Confidence", "Note"), issues),
                      windows, left_out)
    else:
        found = _wide(Table(TAB, raw, ("KR ID",), (), issues), windows, left_out)
    return _inside_cycles(found, windows, issues)


def _known(table: Table, row: int, kr_id: str, known: set[str], left_out: set[str]) -> bool:
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


def _wide(table: Table, windows: pd.DataFrame, left_out: set[str]) -> pd.DataFrame:
    weeks = _week_columns(table)
    body = table.raw.rows[table.header_index + 1:]
    if not body or not weeks:
        return pd.DataFrame(columns=COLUMNS)
    # The API leaves trailing empty cells out, so rows differ in length: pad them.
    width = max(max(index for index, _, _ in weeks), table.columns["KR ID"]) + 1
    grid = np.empty((len(body), width), dtype=object)  # None where a row is short
    for position, row in enumerate(body):
        cut = row[:width]
        grid[position, :len(cut)] = cut
    known, kept, rows = set(windows["kr_id"]), set(), []
    for position, cell in enumerate(grid[:, table.columns["KR ID"]]):
        row = table.header_index + 2 + position
        if is_empty(body[position]):
            continue
        kr_id = cells.text(cell)
        if not _known(table, row, kr_id, known, left_out):
            continue
        if kr_id in kept:
            table.issue(row, "KR ID", kr_id, f"KR ID '{kr_id}' has a second row; the first one is used",
                        "duplicate_id")
            continue
        kept.add(kr_id)
        rows.append((position, row, kr_id))
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    positions, row_numbers, kr_ids = (np.array(part, dtype=object) for part in zip(*rows))
    flat = grid[np.ix_(positions.astype(int), [index for index, _, _ in weeks])].ravel()
    filled = np.fromiter((cell is not None and cell != "" for cell in flat), dtype=bool, count=len(flat))
    count = len(weeks)
    return _values(
        table, pd.Series(flat[filled], dtype=object),
        kr_id=np.repeat(kr_ids, count)[filled],
        week=np.tile(np.array([monday for _, monday, _ in weeks], dtype=object), len(rows))[filled],
        row=np.repeat(row_numbers, count)[filled],
        col=np.tile(np.array([index + 1 for index, _, _ in weeks]), len(rows))[filled],
        column=np.tile(np.array([label for _, _, label in weeks], dtype=object), len(rows))[filled],
    )


def _values(table: Table, raw_values: pd.Series, **where) -> pd.DataFrame:
    """Numbers read from raw cells; bad ones become issues, blank ones are not check-ins."""
    values, problems, kinds = cells.numbers(raw_values)
    found = pd.DataFrame({"kr_id": where["kr_id"], "week": where["week"], "value": values, "raw": raw_values,
                          "confidence": where.get("confidence", np.nan), "note": where.get("note"),
                          "row": where["row"], "col": where["col"], "column": where["column"]})
    bad = problems.notna().to_numpy()
    for item, raw, problem, kind in zip(found[bad].itertuples(), raw_values[bad], problems[bad], kinds[bad]):
        table.issues.add(TAB, int(item.row), item.column, raw, f"the value {problem}; the cell was left out", kind,
                         int(item.col))
    return found[~bad & found["value"].notna().to_numpy()].reset_index(drop=True)


def _long(table: Table, windows: pd.DataFrame, left_out: set[str]) -> pd.DataFrame:
    known, kept, found = set(windows["kr_id"]), set(), []
    value_col = table.columns["Value"]
    dates: dict[str, dt.date | None] = {}
    for row, cell in table.records():
        kr_id = cells.text(cell["KR ID"])
        if not _known(table, row, kr_id, known, left_out):
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
        return pd.DataFrame(columns=COLUMNS)
    kr_ids, weeks, raw, confidences, notes, rows = (list(part) for part in zip(*found))
    return _values(table, pd.Series(raw, dtype=object), kr_id=kr_ids, week=weeks, row=rows,
                   col=value_col + 1, column=cells.text(table.header[value_col]),
                   confidence=confidences, note=notes)


def _inside_cycles(found: pd.DataFrame, windows: pd.DataFrame, issues: Issues) -> pd.DataFrame:
    """A week counts for a cycle when any of its seven days falls inside the cycle."""
    if found.empty:
        return pd.DataFrame(columns=COLUMNS)
    merged = found.merge(windows[["kr_id", "cycle", "start", "end"]], on="kr_id", how="left")
    # "raw" is the cell as typed (an issue shows it as typed); only COLUMNS are kept.
    week = pd.to_datetime(merged["week"])
    outside = ((week > pd.to_datetime(merged["end"]))
               | (week + pd.Timedelta(days=6) < pd.to_datetime(merged["start"]))).to_numpy()
    for item in merged[outside].itertuples():
        issues.add(TAB, int(item.row), item.column, item.raw,
                   f"the week of {item.week} is outside cycle {item.cycle} ({item.start} to {item.end}) "
                   f"of KR '{item.kr_id}'; the cell was left out", "outside_cycle", int(item.col))
    kept = merged[~outside][COLUMNS].reset_index(drop=True)
    kept["row"] = kept["row"].astype("int64")
    kept["col"] = kept["col"].astype("int64")
    kept["value"] = kept["value"].astype("float64")
    kept["confidence"] = kept["confidence"].astype("float64")
    return kept
