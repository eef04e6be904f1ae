"""Links to a cell of the Google Sheet, and exports that are safe to open in a spreadsheet."""

from __future__ import annotations

import math

import pandas as pd
from gspread.utils import rowcol_to_a1

from okra_dash.words import format_number

# A CSV cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_anchor(gid: object, row: object, col: object = 1) -> str | None:
    """The part of a sheet's URL that opens it at a cell (column 1 when the whole row is meant), or None."""
    if gid is None or row is None or _missing(gid) or _missing(row):
        return None
    col = 1 if col is None or _missing(col) else int(col)
    return f"#gid={int(gid)}&range={rowcol_to_a1(int(row), col)}"


def cell_url(sheet_url: str | None, gid: object, row: object, col: object = 1) -> str | None:
    """The URL that opens the sheet at a cell, or None (no Google Sheet, or no such cell)."""
    anchor = cell_anchor(gid, row, col)
    return f"{sheet_url}{anchor}" if sheet_url and anchor else None


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


# The stalled list as people open it in a spreadsheet: plain words, rounded numbers, Start included.
STALLED_EXPORT = {"kr_id": "KR", "key_result": "Key result", "team": "Team", "mode": "Mode",
                  "value_stream": "Value stream", "status": "Status", "stalled": "Stalled because",
                  "weeks_since_change": "Weeks since last change", "start_value": "Start", "current": "Current",
                  "target": "Target", "progress": "Progress %", "expected": "Expected %",
                  "last_checkin": "Last check-in", "confidence": "Confidence", "note": "Latest note",
                  "note_week": "Note of the week of", "link": "In the sheet"}


def stalled_csv(stalled: pd.DataFrame) -> str:
    """The stalled list as CSV: reasons as 'no movement; flat at zero', shares as whole percents."""
    out = pd.DataFrame({label: stalled[column] for column, label in STALLED_EXPORT.items() if column in stalled})
    out["Stalled because"] = out["Stalled because"].map(lambda reasons: "; ".join(reasons))
    for label in ("Progress %", "Expected %"):
        out[label] = (out[label] * 100).round().astype("Int64")
    for label in ("Start", "Current", "Target", "Confidence"):  # as typed: 0, 400, 3 (not 0.0, 400.0, 3.0)
        if label in out:
            out[label] = out[label].map(lambda value: format_number(value) if isinstance(value, (int, float))
                                        and value == value else None)
    return csv_export(out)
