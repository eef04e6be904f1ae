"""Add this week's (and next week's) column to a wide Check-ins tab, so teams find their cell."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from okra_dash.errors import SourceError
from okra_dash.source.read import google_sheet_key
from okra_dash.source.workbook import canonical
from okra_dash.tools.write_back import weeks_to_add


def add_week(source: str, today: dt.date | None = None) -> list[dt.date]:
    """The weeks added (none when present) to a Google Sheet, an .xlsx file or a CSV folder."""
    today = today or dt.date.today()
    path = Path(source)
    if path.is_dir():
        return _csv(path, today)
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return _xlsx(path, today)
    key = google_sheet_key(source)
    if key:
        from okra_dash.tools import write_back

        return write_back.add_week(key, today)
    raise SourceError(f"'{source}' is neither an .xlsx file, a folder of CSV files nor a Google Sheet.")


def _check_long(header: list[object]) -> None:
    if any(canonical(cell) == "week" for cell in header):
        raise SourceError("The Check-ins tab has the long layout (one row per check-in): there is no week "
                          "column to add.")


def _csv(folder: Path, today: dt.date) -> list[dt.date]:
    path = next((p for p in folder.glob("*.csv") if canonical(p.stem) == "check-ins"), None)
    if path is None:
        raise SourceError(f"The folder {folder} has no 'Check-ins.csv'.")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = [list(row) for row in csv.reader(handle)]
    if not rows:
        raise SourceError(f"{path} is empty.")
    _check_long(rows[0])
    new = weeks_to_add(rows[0], today)
    if new:
        width = len(rows[0])
        rows[0] += [week.isoformat() for week in new]
        rows[1:] = [row + [""] * (width - len(row)) + [""] * len(new) for row in rows[1:]]
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    return new


def _xlsx(path: Path, today: dt.date) -> list[dt.date]:
    import openpyxl

    book = openpyxl.load_workbook(path)  # not read-only: it is saved again, validations and all
    sheet = next((ws for ws in book.worksheets if canonical(ws.title) == "check-ins"), None)
    if sheet is None:
        raise SourceError(f"The workbook {path} has no 'Check-ins' tab.")
    header = [cell.value for cell in sheet[1]]
    while header and header[-1] in (None, ""):
        header.pop()
    _check_long(header)
    new = weeks_to_add(header, today)
    for offset, week in enumerate(new):
        sheet.cell(row=1, column=len(header) + 1 + offset, value=week.isoformat())
    if new:
        book.save(path)
    return new
