"""Google Sheets grid data as the cells cells.py reads: what a typed value and its format mean.

A cell arrives as {"effectiveValue": {...}, "effectiveFormat": {"numberFormat": {"type": ...}}}.
A number formatted PERCENT is a Percent (0.45 shows as 45%), DATE / DATE_TIME / TIME numbers are
dates and times (Google counts days from 1899-12-30), checkboxes are booleans, and formula errors
are SheetErrors, so the same typed cell reads the same from Google, .xlsx and CSV.
"""

from __future__ import annotations

import datetime as dt

from okra_dash.source.typed import SERIAL_EPOCH, Percent, SheetError

# errorValue.type -> the code a person sees in the cell
ERROR_CODES = {"DIVIDE_BY_ZERO": "#DIV/0!", "N_A": "#N/A", "REF": "#REF!", "VALUE": "#VALUE!", "NAME": "#NAME?",
               "NUM": "#NUM!", "NULL_VALUE": "#NULL!", "ERROR": "#ERROR!", "LOADING": "#LOADING"}
_EPOCH = dt.datetime.combine(SERIAL_EPOCH, dt.time())


def _serial(days: float, kind: str) -> object:
    try:
        moment = _EPOCH + dt.timedelta(days=days)
    except OverflowError:
        return SheetError("#NUM!")
    if kind == "DATE":
        return moment.date()
    if kind == "TIME":
        return moment.time()
    return moment


def cell(data: dict) -> object:
    """One grid cell as a Python value: None, str, float, bool, Percent, date, datetime, time, SheetError."""
    value = data.get("effectiveValue")
    if not value:
        return None
    if "numberValue" in value:
        number = value["numberValue"]
        kind = data.get("effectiveFormat", {}).get("numberFormat", {}).get("type")
        if kind is None or kind in ("NUMBER", "CURRENCY", "SCIENTIFIC", "TEXT"):
            return number
        if kind == "PERCENT":
            return Percent(number)
        if kind in ("DATE", "DATE_TIME", "TIME"):
            return _serial(number, kind)
        return number
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return value["boolValue"]
    if "errorValue" in value:
        error = value["errorValue"]
        return SheetError(ERROR_CODES.get(error.get("type"), "#ERROR!"))
    return None


def grid_rows(data: list[dict]) -> list[list[object]]:
    """A sheet's grid data as rows of cells; row i is the sheet's row i + 1 (ranges start at A1)."""
    rows: list[list[object]] = []
    for block in data:
        start_row, start_col = block.get("startRow", 0), block.get("startColumn", 0)
        for offset, row in enumerate(block.get("rowData", [])):
            values = row.get("values")
            if not values:
                continue
            cells = [cell(item) for item in values]
            while cells and (cells[-1] is None or cells[-1] == ""):
                cells.pop()
            if not cells:
                continue
            index = start_row + offset
            rows.extend([] for _ in range(index + 1 - len(rows)))
            rows[index] = [None] * start_col + cells
    return rows
