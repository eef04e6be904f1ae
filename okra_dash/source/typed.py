"""What a reader hands over: cells as the spreadsheet stores them, with the few types a bare value cannot say.

Readers build these; validate/cells.py reads them by the contract's rules. Text is shown printable everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from okra_dash.words import format_number

# Sheets and Excel count dates as days since 1899-12-30.
SERIAL_EPOCH = dt.date(1899, 12, 30)

# Text is stored and given in JSON as typed; control characters never reach a terminal, digest or page:
# there each is shown as its visible symbol (ESC as ␛, BEL as ␇), so the cell still reads as typed.
# Tabs and line breaks stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# NUL is dropped: it is never meant, and DuckDB cannot store it.
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)} \
    | {0: None, 0x7F: "\u2421"} | {code: "\ufffd" for code in range(0x80, 0xA0)}


def printable(raw: str) -> str:
    """Text with control characters replaced by visible symbols (line breaks and tabs kept, NUL dropped);
    a Windows (CR LF) or old Mac (CR) line break is a line break."""
    if not _CONTROL.search(raw):
        return raw
    return raw.replace("\r\n", "\n").replace("\r", "\n").translate(_PICTURES)



@dataclass(frozen=True, slots=True)
class Percent:
    """A number cell formatted as a percentage: a typed 45% is stored as 0.45 and shown as 45%."""

    stored: float

    def shown(self) -> float:
        # Shift the decimal point exactly: 0.61 * 100 in floating point is 61.00000000000001.
        return float(Decimal(repr(float(self.stored))).scaleb(2))

    def __str__(self) -> str:
        return f"{format_number(self.shown())}%"


@dataclass(frozen=True, slots=True)
class SheetError:
    """A formula that ended in an error: #DIV/0!, #N/A, #REF! ..."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True, slots=True)
class Uncomputed:
    """A formula with no computed value (a file written by a script and never opened)."""

    formula: str

    def __str__(self) -> str:
        return self.formula


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week that contains the day."""
    return day - dt.timedelta(days=day.weekday())
