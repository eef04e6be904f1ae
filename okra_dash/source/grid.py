"""Google Sheets grid data as the cells cells.py reads: what a typed value and its format mean.

A cell arrives as {"effectiveValue": {...}, "effectiveFormat": {"numberFormat": {"type": ...}}}.
A number formatted PERCENT is a Percent (0.45 shows as 45%), DATE / DATE_TIME / TIME numbers are
dates and times (Google counts days from 1899-12-30), checkboxes are booleans, and formula errors
are SheetErrors, so the same typed cell reads the same from Google, .xlsx and CSV.

The answer is decoded compactly (`decode`): each cell becomes its value while the JSON is read, so the
tree of a dict per cell (about 500 bytes a cell, 280 MB for a 10,000-KR sheet) never exists at once.
"""

from __future__ import annotations

import datetime as dt
import json

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
        kind = ((data.get("effectiveFormat") or {}).get("numberFormat") or {}).get("type")
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


class Row(list):
    """A grid row's cells, already read (a list, told apart from the JSON arrays around it)."""


def _compact(obj: dict) -> object:
    """json object_hook: a cell becomes its value and a row its Row of values as soon as they are read.

    Under the request's field mask, only cells have effectiveValue / effectiveFormat and only rows have
    values; an empty object is an empty cell or an empty row (None either way). Any other object stays.
    """
    if not obj:
        return None
    if "effectiveValue" in obj or "effectiveFormat" in obj:
        return cell(obj)
    if "values" in obj and len(obj) == 1 and isinstance(obj["values"], list):
        return Row(obj["values"])
    return obj


def decode(body: bytes | str) -> dict:
    """A grid-data answer's JSON, with its cells decoded compactly."""
    return json.loads(body, object_hook=_compact)


def grid_rows(data: list[dict]) -> list[list[object]]:
    """A sheet's decoded grid data as rows of cells; row i is the sheet's row i + 1 (ranges start at A1)."""
    rows: list[list[object]] = []
    for block in data or []:
        start_row, start_col = block.get("startRow", 0), block.get("startColumn", 0)
        for offset, cells in enumerate(block.get("rowData") or []):
            if cells is None:  # an empty row
                continue
            if not isinstance(cells, Row):
                raise ValueError(f"row {start_row + offset + 1} of the grid data is not a row of cells")
            cells = list(cells)
            while cells and (cells[-1] is None or cells[-1] == ""):
                cells.pop()
            if not cells:
                continue
            index = start_row + offset
            rows.extend([] for _ in range(index + 1 - len(rows)))
            rows[index] = [None] * start_col + cells
    return rows
