"""How one cell typed into the sheet is read: text, numbers, dates, weeks, words.

Every rule of the contract's "Reading values" for a single cell lives here, once.
A cell that cannot be read raises CellError with a plain-language problem and a
kind (the code its advice is keyed on); the parser turns that into a data issue.
"No value" is None, never an error.

Sources hand over cells as the spreadsheet stores them: text, numbers, booleans,
dates, and the typed cells below, which say what a bare number cannot.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np

from okra_dash.source.typed import SERIAL_EPOCH, Percent, SheetError, Uncomputed
from okra_dash.words import format_number


class CellError(ValueError):
    """A cell that should hold something readable and does not; str() is the problem."""

    def __init__(self, problem: str, kind: str):
        super().__init__(problem)
        self.kind = kind


NO_VALUE_WORDS = frozenset({"", "-", "n/a", "na", "tbd"})
SHEET_ERRORS = frozenset({"#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#ERROR!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#UNKNOWN!"})

# Only serials between 1990 and 2100 are taken as dates, so a stray small number is not a date.
SERIAL_RANGE = (32874, 73051)
# A date outside these years is a typo (0206, 20266), not a plan.
PLAUSIBLE_YEARS = (1900, 2999)

_NUMBER = re.compile(r"^([+-]?)[€$£¥]?\s*([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?\s*%?$")
# Commas only as thousands separators, anchored from the first digit: 1,200 and 12,345.6, never
# 0,125, 12,5, 1234,567, 1.234,567 or 12,5,000.
_THOUSANDS = re.compile(r"^[+-]?[€$£¥]?\s*[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?\s*%?$")
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T][0-9:.]+Z?)?$")
_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})(?:-?([1-7]))?$", re.IGNORECASE)

def text(cell: object) -> str:
    """A cell as trimmed text; whole numbers lose their '.0' so IDs typed as numbers match."""
    if cell is None:
        return ""
    if isinstance(cell, str):  # kept as typed; printable() shows it wherever a person reads it
        return cell.replace("\x00", "").strip()
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, (float, np.floating)):
        if math.isnan(cell):
            return ""
        return format_number(float(cell)) if math.isfinite(cell) else str(cell)
    if isinstance(cell, dt.datetime):
        if cell.hour == cell.minute == cell.second == 0:
            return cell.date().isoformat()
        return cell.isoformat(sep=" ")
    if isinstance(cell, (dt.date, dt.time)):
        return cell.isoformat()
    return str(cell).replace("\x00", "").strip()


def is_blank(cell: object) -> bool:
    """True for a cell that says "no value": empty, '-', 'n/a', 'na', 'tbd' in any case."""
    return text(cell).lower() in NO_VALUE_WORDS


def _not_a_number(cell: object) -> CellError | None:
    """Why a typed cell cannot be a number, or None when its type does not settle it."""
    if isinstance(cell, bool):
        return CellError("is TRUE/FALSE (a checkbox?), not a number", "boolean")
    if isinstance(cell, SheetError):
        return CellError(f"is the spreadsheet error {cell.code}, not a number", "sheet_error")
    if isinstance(cell, Uncomputed):
        return CellError("is a formula with no computed value (open the file in a spreadsheet program and "
                         "save it)", "uncomputed")
    if isinstance(cell, (dt.date, dt.time, dt.timedelta)):
        return CellError("is a date or time, not a number (format the cell as a number)", "date_not_number")
    return None


def number(cell: object) -> float | None:
    """A number from a cell: plain, '1,200', '45%', '€1,200', ' 3.5 ', a 45% cell; None when blank."""
    value = _plain(cell)  # most cells: a typed number or plain-number text, read as float() reads it
    if value == value and not math.isinf(value):
        return float(value)
    if isinstance(cell, Percent):
        return cell.shown()
    if isinstance(cell, (int, float, np.integer, np.floating)) and not isinstance(cell, bool):
        value = float(cell)
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise CellError("is not a finite number", "not_finite")
        return value
    problem = _not_a_number(cell)
    if problem:
        raise problem
    raw = text(cell)
    if raw.lower() in NO_VALUE_WORDS:
        return None
    if raw.upper() in SHEET_ERRORS:
        raise CellError(f"is the spreadsheet error {raw}, not a number", "sheet_error")
    if raw.upper() in ("TRUE", "FALSE"):
        return number(raw.upper() == "TRUE")  # the text a CSV export gives a checkbox
    if _ISO_DATE.match(raw):
        return number(dt.date.today())  # a date typed where a number belongs
    raw = raw.replace("\u00a0", " ")
    if "," in raw and not _THOUSANDS.match(raw):
        raise CellError("is not a number (commas only separate thousands, as in 1,200)", "comma")
    match = _NUMBER.match(raw.replace(",", ""))
    if not match or (match.group(1) and match.group(2)):
        raise CellError("is not a number", "not_a_number")
    sign = "-" if "-" in (match.group(1) + match.group(2)) else ""
    exponent = f"e{match.group(4)}" if match.group(4) else ""
    value = float(sign + match.group(3) + exponent)
    if math.isinf(value):
        raise CellError("is not a finite number", "not_finite")
    return value


# Text that number() reads exactly as float() does: most of a CSV's or a pasted sheet's cells.
_PLAIN_TEXT = re.compile(r"-?\d+(?:\.\d+)?")


def _plain(cell: object, plain=_PLAIN_TEXT.fullmatch) -> float:
    """A typed number or plain-number text as a float; NaN for anything number() must read."""
    kind = type(cell)
    if kind is float or (kind is int and abs(cell) < 2 ** 1023):
        return cell
    if kind is str and plain(cell):
        return float(cell)
    return math.nan


def _present(cell: object) -> bool:
    return cell is not None and not (type(cell) is float and math.isnan(cell))


def numbers(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """number() over an object array of cells: (values, NaN where blank or bad; problems and kinds where bad).

    Most cells are plain numbers (typed, or as text like "12.5"), so those are read in one pass and
    number() only sees the rest; the rule itself stays in number(). Booleans are not numbers here.
    """
    count = len(cells)
    values = np.fromiter(map(_plain, cells), dtype=np.float64, count=count)
    values[np.isinf(values)] = math.nan  # number() says why
    problems = np.full(count, None, dtype=object)
    kinds = np.full(count, None, dtype=object)
    rest = np.flatnonzero(np.isnan(values) & np.fromiter(map(_present, cells), dtype=bool, count=count))
    for position in rest:
        try:
            value = number(cells[position])
        except CellError as error:
            problems[position], kinds[position] = str(error), error.kind
            continue
        values[position] = math.nan if value is None else value
    return values, problems, kinds


def _plausible(day: dt.date) -> dt.date:
    if not PLAUSIBLE_YEARS[0] <= day.year <= PLAUSIBLE_YEARS[1]:
        raise CellError(f"has the year {day.year}, which cannot be meant (write it as 2026-01-05)",
                        "implausible_date")
    return day


def date(cell: object) -> dt.date | None:
    """A date from a date cell, a sheet serial, '2026-01-05' or an ISO week '2026-W02'."""
    if isinstance(cell, dt.datetime):
        return _plausible(cell.date())
    if isinstance(cell, dt.date):
        return _plausible(cell)
    if isinstance(cell, (bool, Percent, SheetError, Uncomputed, dt.time, dt.timedelta)):
        raise CellError("is not a date (write it as 2026-01-05)", "not_a_date")
    if isinstance(cell, (int, float, np.integer, np.floating)):
        if math.isnan(cell):
            return None
        if SERIAL_RANGE[0] <= cell <= SERIAL_RANGE[1]:
            return SERIAL_EPOCH + dt.timedelta(days=int(cell))
        raise CellError("is not a date (write it as 2026-01-05)", "not_a_date")
    raw = text(cell)
    if raw.lower() in NO_VALUE_WORDS:
        return None
    if match := _ISO_DATE.match(raw):
        try:
            return _plausible(dt.date(*(int(part) for part in match.groups())))
        except ValueError as error:
            if isinstance(error, CellError):
                raise
            raise CellError("is not a real date", "not_a_real_date") from None
    if match := _ISO_WEEK.match(raw):
        year, week, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
        try:
            return _plausible(dt.date.fromisocalendar(year, week, day))
        except ValueError as error:
            if isinstance(error, CellError):
                raise
            raise CellError("is not a real ISO week", "not_a_real_date") from None
    if raw.isdigit() and SERIAL_RANGE[0] <= int(raw) <= SERIAL_RANGE[1]:
        return SERIAL_EPOCH + dt.timedelta(days=int(raw))
    raise CellError("is not a date (write it as 2026-01-05 or 2026-W02)", "not_a_date")


def word(cell: object, choices: tuple[str, ...], what: str) -> str | None:
    """One of the choices, matched case-insensitively; None when blank."""
    raw = text(cell)
    if not raw:
        return None
    for choice in choices:
        if raw.lower() == choice.lower():
            return choice
    raise CellError(f"is not a known {what} (use one of: {', '.join(choices)})", "unknown_word")
