"""Which source a SOURCE argument names, and reading it into a Workbook."""

from __future__ import annotations

import re
from pathlib import Path

from okra_dash.errors import SourceError
from okra_dash.source.workbook import Workbook, read_csv_folder, read_xlsx

_SHEET_KEY = re.compile(r"^[A-Za-z0-9_-]{25,}$")


def google_sheet_key(source: str) -> str | None:
    """The spreadsheet key of a Google Sheet URL or bare key, else None."""
    match = re.search(r"/spreadsheets/d/([A-Za-z0-9_-]+)", source)
    if match:
        return match.group(1)
    return source if _SHEET_KEY.match(source) and not Path(source).exists() else None


def read_source(source: str) -> Workbook:
    """A Workbook from `demo`, a folder of CSVs, an .xlsx file, or a Google Sheet URL or key."""
    if source == "demo":
        from okra_dash.source import demo

        return demo.workbook()
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        shown = source.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise SourceError(f"The source path {shown} is not UTF-8 text; rename that folder or file to plain text "
                          "and sync again.") from None
    path = Path(source)
    if path.is_dir():
        return read_csv_folder(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        if not path.is_file():
            raise SourceError(f"There is no file {source}.")
        return read_xlsx(path)
    key = google_sheet_key(source)
    if key:
        from okra_dash.source import google

        return google.read(key)
    raise SourceError(f"'{source}' is neither 'demo', a folder of CSV files, an .xlsx file "
                      "nor a Google Sheet URL or key.")
