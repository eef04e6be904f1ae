"""Links to a cell of the Google Sheet, and exports that are safe to open in a spreadsheet."""

from __future__ import annotations

import math

import pandas as pd
from gspread.utils import rowcol_to_a1

# A CSV cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_url(sheet_url: str | None, gid: object, row: object, col: object = 1) -> str | None:
    """The URL that opens the sheet at a cell (column 1 when the whole row is meant), or None."""
    if not sheet_url or gid is None or row is None or _missing(gid) or _missing(row):
        return None
    col = 1 if col is None or _missing(col) else int(col)
    return f"{sheet_url}#gid={int(gid)}&range={rowcol_to_a1(int(row), col)}"


def _missing(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def csv_export(frame: pd.DataFrame) -> str:
    """CSV text in which no sheet text can run as a formula (it gets a leading apostrophe)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_STARTS) else v)
    return safe.to_csv(index=False)
