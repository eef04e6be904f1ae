"""How one cell typed into the sheet is read: text, numbers, dates, weeks, words.

Every rule of the contract's "Reading values" for a single cell lives here, once.
A cell that cannot be read raises CellError with a plain-language problem; the
parser turns that into a data issue. "No value" is None, never an error.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd


class CellError(ValueError):
    """A cell that should hold something readable and does not; str() is the problem."""


NO_VALUE_WORDS = frozenset({"", "-", "n/a", "na", "tbd"})

# Sheets and Excel count dates as days since 1899-12-30. Only serials between
# 1990 and 2100 are taken as dates, so a stray small number is not a date.
SERIAL_EPOCH = dt.date(1899, 12, 30)
SERIAL_RANGE = (32874, 73051)

_NUMBER = re.compile(r"^([+-]?)[€$£¥]?\s*([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?\s*%?$")
# Commas only as thousands separators: 1,200 and 12,345.6, never 12,5 or 1.200,50.
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?\s*%?$")
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T][0-9:.]+Z?)?$")
_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})(?:-?([1-7]))?$", re.IGNORECASE)


def text(cell: object) -> str:
    """A cell as trimmed text; whole numbers lose their '.0' so IDs typed as numbers match."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        if math.isnan(cell):
            return ""
        if cell.is_integer():
            return str(int(cell))
    if isinstance(cell, (dt.datetime, pd.Timestamp)):
        if cell.hour == cell.minute == cell.second == 0:
            return cell.date().isoformat()
        return cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    # NUL cannot be stored by DuckDB and is never meant: drop it, keep the rest as typed.
    return str(cell).replace("\x00", "").strip()


def is_blank(cell: object) -> bool:
    """True for a cell that says "no value": empty, '-', 'n/a', 'na', 'tbd' in any case."""
    return text(cell).lower() in NO_VALUE_WORDS


def number(cell: object) -> float | None:
    """A number from a cell: plain, '1,200', '45%', '€1,200', ' 3.5 '; None when blank."""
    if isinstance(cell, bool):
        raise CellError("is TRUE/FALSE, not a number")
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        value = float(cell)
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise CellError("is not a finite number")
        return value
    raw = text(cell)
    if raw.lower() in NO_VALUE_WORDS:
        return None
    raw = raw.replace("\u00a0", " ")
    if "," in raw and not _THOUSANDS.search(raw):
        raise CellError("is not a number (commas only separate thousands, as in 1,200)")
    match = _NUMBER.match(raw.replace(",", ""))
    if not match or (match.group(1) and match.group(2)):
        raise CellError("is not a number")
    sign = "-" if "-" in (match.group(1) + match.group(2)) else ""
    exponent = f"e{match.group(4)}" if match.group(4) else ""
    value = float(sign + match.group(3) + exponent)
    if math.isinf(value):
        raise CellError("is not a finite number")
    return value


def numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """number() over a column: (values with NaN where blank or bad, problems where bad).

    Most cells are plain numbers, so a vectorised cast reads them and number()
    only sees the rest; the rule itself stays in number().
    """
    values = pd.to_numeric(cells, errors="coerce").astype("float64")
    problems = pd.Series(None, index=cells.index, dtype="object")
    values[values.isin([math.inf, -math.inf])] = math.nan
    rest = values.isna() & cells.notna()
    for index, cell in cells[rest].items():
        try:
            value = number(cell)
        except CellError as error:
            problems[index] = str(error)
            continue
        values[index] = math.nan if value is None else value
    return values, problems


def date(cell: object) -> dt.date | None:
    """A date from a date cell, a sheet serial, '2026-01-05' or an ISO week '2026-W02'."""
    if isinstance(cell, (dt.datetime, pd.Timestamp)):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if math.isnan(cell):
            return None
        if SERIAL_RANGE[0] <= cell <= SERIAL_RANGE[1]:
            return SERIAL_EPOCH + dt.timedelta(days=int(cell))
        raise CellError("is not a date (write it as 2026-01-05)")
    raw = text(cell)
    if raw.lower() in NO_VALUE_WORDS:
        return None
    if match := _ISO_DATE.match(raw):
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise CellError("is not a real date") from None
    if match := _ISO_WEEK.match(raw):
        year, week, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
        try:
            return dt.date.fromisocalendar(year, week, day)
        except ValueError:
            raise CellError("is not a real ISO week") from None
    if raw.isdigit() and SERIAL_RANGE[0] <= int(raw) <= SERIAL_RANGE[1]:
        return SERIAL_EPOCH + dt.timedelta(days=int(raw))
    raise CellError("is not a date (write it as 2026-01-05 or 2026-W02)")


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week that contains the day."""
    return day - dt.timedelta(days=day.weekday())


def word(cell: object, choices: tuple[str, ...], what: str) -> str | None:
    """One of the choices, matched case-insensitively; None when blank."""
    raw = text(cell)
    if not raw:
        return None
    for choice in choices:
        if raw.lower() == choice.lower():
            return choice
    raise CellError(f"is not a known {what} (use one of: {', '.join(choices)})")
