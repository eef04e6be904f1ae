"""A workbook as the source holds it: tabs of raw cells, before any reading.

Each source (CSV folder, .xlsx, Google Sheet, demo) ends here, so one parser
reads them all. Row i of a tab's `rows` is the sheet's row i + 1.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from okra_dash.errors import SourceError
from okra_dash.source.typed import printable

TABS = ("Teams", "Objectives", "Key results", "Check-ins", "Actions", "Cycles", "Check-in notes")
REQUIRED_TABS = ("Teams", "Objectives", "Key results", "Check-ins")


def canonical(name: object) -> str:
    """Tab names and headers compare case-insensitively, ignoring surrounding spaces."""
    return " ".join(str(name or "").split()).lower()


_BY_NAME = {" ".join(tab.split()).lower(): tab for tab in TABS}


@dataclass
class RawTab:
    title: str  # the tab's name as the source spells it
    rows: list[list[object]]
    gid: int | None = None  # Google Sheets tab id, for links to cells


@dataclass
class Workbook:
    tabs: dict[str, RawTab]  # keyed by the contract's tab name
    source: str
    kind: str  # "csv", "xlsx", "google-sheet" or "demo"
    sheet_url: str | None = None  # the Google Sheet's edit URL, for links
    problems: list[tuple[str, str]] = field(default_factory=list)  # (tab, why it was left out)

    @classmethod
    def from_tabs(cls, named: dict[str, list[list[object]]], source: str, kind: str,
                  gids: dict[str, int] | None = None, sheet_url: str | None = None) -> Workbook:
        """Match tabs to the contract's names; unknown tabs are ignored, the first of a duplicate wins."""
        tabs: dict[str, RawTab] = {}
        for title, rows in named.items():
            tab = _BY_NAME.get(canonical(title))
            if tab is None or tab in tabs:
                continue
            tabs[tab] = RawTab(title, rows, (gids or {}).get(title))
        missing = [tab for tab in REQUIRED_TABS if tab not in tabs]
        if missing:
            raise SourceError(f"The workbook {printable(source)} has no '{missing[0]}' tab "
                              f"(it needs {', '.join(REQUIRED_TABS)}).")
        return cls(tabs, source, kind, sheet_url)


def is_contract_tab(title: object) -> bool:
    return canonical(title) in _BY_NAME


# A CSV export that is not UTF-8: Excel's "Unicode text" (UTF-16 with its mark), else Windows-1252.
_MARKS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_FALLBACK_ENCODINGS = ("utf-8", "cp1252")


@dataclass(frozen=True)
class CsvText:
    """A CSV file's text and how it was stored, so a tool that writes it back stores it the same way."""

    text: str
    encoding: str
    mark: bytes = b""  # the byte-order mark it began with

    def encode(self, text: str) -> bytes:
        return self.mark + text.encode(self.encoding)


def decode_csv(data: bytes) -> CsvText:
    for mark, encoding in _MARKS:
        if data.startswith(mark):
            return CsvText(data[len(mark):].decode(encoding), encoding, mark)
    for encoding in _FALLBACK_ENCODINGS:
        try:
            return CsvText(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("cp1252", data, 0, 1, "neither UTF-8, UTF-16 nor Windows-1252")


def read_csv_folder(folder: Path) -> Workbook:
    """A folder with one CSV file per tab, named after the tab (`Key results.csv`); other files are ignored."""
    csv.field_size_limit(2**31 - 1)  # the default 128 KB would reject a long cell outright
    named = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".csv" or not path.is_file() or not is_contract_tab(path.stem):
            continue
        try:
            text = decode_csv(path.read_bytes()).text
            named[path.stem] = [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
        except (UnicodeDecodeError, csv.Error) as error:
            raise SourceError(f"The file {path} cannot be read as CSV text ({error}).") from None
    return Workbook.from_tabs(named, str(folder), "csv")


def read_xlsx(path: Path) -> Workbook:
    """An .xlsx workbook; formulas are read as their last computed values, cells with their types."""
    from okra_dash.source import xlsx  # only this source needs openpyxl

    named, broken = xlsx.read_tabs(path, is_contract_tab)
    for title, problem in broken.items():
        tab = _BY_NAME[canonical(title)]
        if tab in REQUIRED_TABS:
            raise SourceError(f"The file {path} cannot be read: its '{title}' sheet is damaged ({problem}).")
        named[title] = []  # an optional tab that cannot be read counts as empty, with an issue
    book = Workbook.from_tabs(named, str(path), "xlsx")
    book.problems = [(_BY_NAME[canonical(title)], f"the sheet is damaged and was left out ({problem})")
                     for title, problem in broken.items()]
    return book
