"""One tab's header and rows, and the data issues found while reading it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from okra_dash import cells
from okra_dash.errors import SourceError
from okra_dash.workbook import RawTab, canonical


@dataclass(frozen=True)
class Issue:
    tab: str
    row: int  # the sheet's own 1-based row number
    column: str  # the column's header as typed (or "" for a whole row)
    value: str  # the raw cell as typed
    problem: str
    col: int | None = None  # 1-based column number, for links to the cell


class Issues(list):
    """The data issues of one sync, in the order they were found."""

    def add(self, tab: str, row: int, column: str, value: object, problem: str,
            col: int | None = None) -> None:
        self.append(Issue(tab, row, column, cells.text(value), problem, col))


def is_empty(row: list[object]) -> bool:
    return all(cells.text(cell) == "" for cell in row)


class Table:
    """A tab with its header located and its columns matched to the contract's names."""

    def __init__(self, tab: str, raw: RawTab, required: tuple[str, ...],
                 optional: tuple[str, ...], issues: Issues):
        self.tab, self.raw, self.issues = tab, raw, issues
        # The header is the first non-empty row (row 1 unless rows above it are blank).
        self.header_index = next((i for i, row in enumerate(raw.rows) if not is_empty(row)), None)
        if self.header_index is None:
            raise SourceError(f"The '{raw.title}' tab is empty: it needs a header row "
                              f"with {', '.join(required)}.")
        self.header = list(raw.rows[self.header_index])
        wanted = {canonical(name): name for name in required + optional}
        self.columns: dict[str, int] = {}
        for index, cell in enumerate(self.header):
            name = wanted.get(canonical(cells.text(cell)))
            if name is None:
                continue
            if name in self.columns:
                issues.add(tab, self.header_index + 1, cells.text(cell), cell,
                           f"a second '{name}' column: only the first one is read", index + 1)
                continue
            self.columns[name] = index
        for name in required:
            if name not in self.columns:
                raise SourceError(f"The '{raw.title}' tab has no '{name}' column.")

    def records(self) -> Iterator[tuple[int, dict[str, object]]]:
        """(sheet row number, {column: raw cell}) for each non-empty row below the header."""
        for index in range(self.header_index + 1, len(self.raw.rows)):
            row = self.raw.rows[index]
            if is_empty(row):
                continue
            yield index + 1, {name: row[col] if col < len(row) else None
                              for name, col in self.columns.items()}

    def issue(self, row: int, column: str, value: object, problem: str) -> None:
        col = self.columns.get(column)
        header = cells.text(self.header[col]) if col is not None else column
        self.issues.add(self.tab, row, header, value, problem, None if col is None else col + 1)
