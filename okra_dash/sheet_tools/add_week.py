"""Add this week's (and next week's) column to a wide Check-ins tab, so teams find their cell.

It writes into a file that belongs to the user, so it changes only the new header cells: it finds the
header row as the sync does (below title rows and month bands), reads every encoding the sync reads
and writes the file back in it, keeps every other cell, formula and computed value as it was, and
refuses in one sentence, before writing anything, what it cannot add safely.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils.cell import get_column_letter

from okra_dash.errors import SourceError
from okra_dash.source.read import google_sheet_key
from okra_dash.source.typed import week_start
from okra_dash.source.workbook import canonical, decode_csv
from okra_dash.validate import cells
from okra_dash.validate.checkins import wide_header
from okra_dash.validate.table import header_index


@dataclass(frozen=True)
class Plan:
    """Where the new week headers go: a 0-based row and first column, and the weeks."""

    row: int
    column: int
    weeks: list[dt.date]


def weeks_to_add(header: list[object], today: dt.date, ahead: int = 1) -> list[dt.date]:
    """The Mondays from this week to `ahead` weeks on that a wide Check-ins header lacks (never before the
    last week it has)."""
    present = set()
    for cell in header:
        try:
            day = cells.date(cell)
        except cells.CellError:
            continue
        if day:
            present.add(week_start(day))
    this_week = week_start(today)
    wanted = [this_week + dt.timedelta(weeks=i) for i in range(ahead + 1)]
    return [week for week in wanted if week not in present and week > max(present, default=dt.date.min)]


def plan(rows: list[list[object]], today: dt.date) -> Plan:
    """Where this week's and next week's headers go in a Check-ins tab's rows, or a refusal."""
    long_at = header_index(rows, ("Week", "KR ID", "Value"))
    if long_at is not None and {"week", "value"} <= {canonical(cells.text(cell)) for cell in rows[long_at]}:
        raise SourceError("The Check-ins tab has the long layout (one row per check-in): there is no week column "
                          "to add.")
    found = wide_header(rows)
    if found is None:
        raise SourceError("The Check-ins tab has no 'KR ID' column, so okra-dash cannot tell where the weeks go.")
    at, header, _ = found
    while header and not cells.text(header[-1]):
        header = header[:-1]
    weeks = weeks_to_add(header, today)
    first = len(header)
    if weeks:
        span = range(first, first + len(weeks))
        taken = [f"{get_column_letter(col + 1)}{index + 1}" for index in range(at + 1, len(rows))
                 for col in span if col < len(rows[index]) and cells.text(rows[index][col])]
        if taken:
            shown = ", ".join(taken[:5]) + (" and more" if len(taken) > 5 else "")
            cells_range = f"{get_column_letter(first + 1)}{at + 1}:{get_column_letter(first + len(weeks))}{at + 1}"
            raise SourceError(f"The Check-ins tab already has values under no week header ({shown}); move them "
                              f"into their week's column, or type {', '.join(w.isoformat() for w in weeks)} "
                              f"into {cells_range} by hand.")
    return Plan(at, first, weeks)


def add_week(source: str, today: dt.date | None = None) -> list[dt.date]:
    """The weeks added (none when present) to a Google Sheet, an .xlsx file or a CSV folder."""
    today = today or dt.date.today()
    path = Path(source)
    if path.is_dir():
        return _csv(path, today)
    if path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file():
        return _xlsx(path, today)
    key = google_sheet_key(source)
    if key:
        return _google(key, today)
    raise SourceError(f"'{source}' is neither an .xlsx file, a folder of CSV files nor a Google Sheet.")


def _csv(folder: Path, today: dt.date) -> list[dt.date]:
    path = next((p for p in sorted(folder.glob("*.csv")) if canonical(p.stem) == "check-ins"), None)
    if path is None:
        raise SourceError(f"The folder {folder} has no 'Check-ins.csv'.")
    try:
        stored = decode_csv(path.read_bytes())
    except UnicodeDecodeError:
        raise SourceError(f"The file {path} cannot be read as CSV text.") from None
    lines = stored.text.splitlines(keepends=True)
    records, ends = _records(lines)
    if not records:
        raise SourceError(f"{path} is empty.")
    where = plan(records, today)
    if not where.weeks:
        return []
    # Only the header record is written again; every other line keeps its bytes.
    header = list(records[where.row])[:where.column]
    header += [""] * (where.column - len(header)) + [week.isoformat() for week in where.weeks]
    start = ends[where.row - 1] if where.row else 0
    old = "".join(lines[start:ends[where.row]])
    ending = old[len(old.rstrip("\r\n")):] or "\r\n"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending).writerow(header)
    text = "".join(lines[:start]) + buffer.getvalue() + "".join(lines[ends[where.row]:])
    _write_atomically(path, stored.encode(text))
    return where.weeks


def _records(lines: list[str]) -> tuple[list[list[str]], list[int]]:
    """The CSV records and, for each, the index of the line after it (a quoted cell may hold line breaks)."""
    consumed = 0

    def counted():
        nonlocal consumed
        for line in lines:
            consumed += 1
            yield line

    records, ends = [], []
    try:
        for record in csv.reader(counted()):
            records.append(record)
            ends.append(consumed)
    except csv.Error as error:
        raise SourceError(f"The Check-ins file cannot be read as CSV ({error}).") from None
    return records, ends


def _write_atomically(path: Path, data: bytes) -> None:
    target = path.resolve()
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, target.stat().st_mode & 0o7777)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _xlsx(path: Path, today: dt.date) -> list[dt.date]:
    from okra_dash.sheet_tools import xlsx_part
    from okra_dash.source import xlsx

    named, broken = xlsx.read_tabs(path, lambda title: canonical(title) == "check-ins")
    if broken:
        title, problem = next(iter(broken.items()))
        raise SourceError(f"The '{title}' tab of {path} cannot be read ({problem}); nothing was written.")
    if not named:
        raise SourceError(f"The workbook {path} has no 'Check-ins' tab.")
    title, rows = next(iter(named.items()))
    where = plan(rows, today)
    if where.weeks:
        new = [xlsx_part.Cell(where.column + 1 + offset, week.isoformat()) for offset, week in enumerate(where.weeks)]
        xlsx_part.add_cells(path, title, where.row + 1, new)
    return where.weeks


def _google(key: str, today: dt.date) -> list[dt.date]:
    """One read of the Check-ins tab (dates as serial numbers, as sync reads them), one batchUpdate."""
    from gspread.utils import absolute_range_name

    from okra_dash.sheet_tools import write_back

    gc = write_back.client()
    email = getattr(gc, "service_account_email", None)
    meta = write_back.call(lambda: gc.http_client.fetch_sheet_metadata(key, params={
        "fields": "sheets.properties(sheetId,title,gridProperties)"}), "read the sheet", email)
    tab = next((sheet["properties"] for sheet in meta.get("sheets", [])
                if canonical(sheet["properties"]["title"]) == "check-ins"), None)
    if tab is None:
        raise SourceError("The sheet has no 'Check-ins' tab.")
    rows = write_back.call(lambda: gc.http_client.values_get(key, absolute_range_name(tab["title"]), params={
        "valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}),
        "read the Check-ins tab", email).get("values", [])
    where = plan(rows, today)
    if not where.weeks:
        return []
    needed = where.column + len(where.weeks)
    requests = []
    if needed > tab["gridProperties"]["columnCount"]:
        requests.append({"appendDimension": {"sheetId": tab["sheetId"], "dimension": "COLUMNS",
                                             "length": needed - tab["gridProperties"]["columnCount"]}})
    requests.append({"updateCells": {
        "start": {"sheetId": tab["sheetId"], "rowIndex": where.row, "columnIndex": where.column},
        "rows": [{"values": [{"userEnteredValue": {"stringValue": week.isoformat()}} for week in where.weeks]}],
        "fields": "userEnteredValue"}})
    write_back.call(lambda: gc.http_client.batch_update(key, {"requests": requests}), "add the week columns", email)
    return where.weeks
