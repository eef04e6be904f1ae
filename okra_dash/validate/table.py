"""One tab's header and rows, and the data issues found while reading it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from okra_dash.errors import SourceError
from okra_dash.source.typed import printable
from okra_dash.source.workbook import RawTab, canonical
from okra_dash.validate import cells

# How far down a tab its header may sit, below title rows or merged month bands.
HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class Issue:
    tab: str
    row: int  # the sheet's own 1-based row number
    column: str  # the column's header as typed (or "" for a whole row)
    value: str  # the raw cell as typed
    problem: str
    kind: str  # what kind of problem: the code its advice is keyed on (advice.FIXES)
    col: int | None = None  # 1-based column number, for links to the cell


class Issues(list):
    """The data issues of one sync, in the order they were found."""

    def add(self, tab: str, row: int, column: str, value: object, problem: str, kind: str,
            col: int | None = None) -> None:
        self.append(Issue(tab, row, cells.text(column), cells.text(value), problem, kind, col))


class EmptyTab(SourceError):
    """A tab with no header row at all."""


class MissingColumn(SourceError):
    """A tab whose header lacks a required column."""


def is_empty(row: list[object]) -> bool:
    return not any(cells.text(cell) for cell in row)


def header_index(rows: list[list[object]], required: tuple[str, ...]) -> int | None:
    """The row holding the header: the first with every required column (title rows and month bands
    above it are skipped), else the first non-empty row; None for an empty tab."""
    wanted = {canonical(name) for name in required}
    first = None
    seen = 0
    for index, row in enumerate(rows):
        if is_empty(row):
            continue
        first = index if first is None else first
        if wanted <= {canonical(cells.text(cell)) for cell in row}:
            return index
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    return first


class Table:
    """A tab with its header located and its columns matched to the contract's names."""

    def __init__(self, tab: str, raw: RawTab, required: tuple[str, ...],
                 optional: tuple[str, ...], issues: Issues):
        self.tab, self.raw, self.issues = tab, raw, issues
        self.header_index = header_index(raw.rows, required)
        title = printable(raw.title)
        if self.header_index is None:
            raise EmptyTab(f"The '{title}' tab is empty: it needs a header row with {', '.join(required)}.")
        self.header = list(raw.rows[self.header_index])
        wanted = {canonical(name): name for name in required + optional}
        self.columns: dict[str, int] = {}
        for index, cell in enumerate(self.header):
            name = wanted.get(canonical(cells.text(cell)))
            if name is None:
                continue
            if name in self.columns:
                issues.add(tab, self.header_index + 1, cell, cell,
                           f"a second '{name}' column: only the first one is read", "duplicate_column", index + 1)
                continue
            self.columns[name] = index
        for name in required:
            if name not in self.columns:
                raise MissingColumn(f"The '{title}' tab has no '{name}' column.")

    @classmethod
    def optional_tab(cls, tab: str, raw: RawTab | None, required: tuple[str, ...], optional: tuple[str, ...],
                     issues: Issues) -> Table | None:
        """An optional tab, or None when it is absent or empty (a 0-byte CSV export); one that lacks a
        required column is left out with an issue instead of failing the sync."""
        if raw is None:
            return None
        try:
            return cls(tab, raw, required, optional, issues)
        except EmptyTab:
            return None
        except MissingColumn as error:
            row = header_index(raw.rows, required)
            issues.add(tab, row + 1, "", "", f"{str(error)[:-1]}, so the whole tab was left out",
                       "missing_column")
            return None

    def records(self) -> Iterator[tuple[int, dict[str, object]]]:
        """(sheet row number, {column: raw cell}) for each non-empty row below the header."""
        for index in range(self.header_index + 1, len(self.raw.rows)):
            row = self.raw.rows[index]
            if is_empty(row):
                continue
            yield index + 1, {name: row[col] if col < len(row) else None
                              for name, col in self.columns.items()}

    def issue(self, row: int, column: str, value: object, problem: str, kind: str) -> None:
        col = self.columns.get(column)
        header = cells.text(self.header[col]) if col is not None else column
        self.issues.add(self.tab, row, header, value, problem, kind, None if col is None else col + 1)
