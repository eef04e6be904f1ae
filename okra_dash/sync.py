"""One sync: read the source, parse and validate it, store it atomically."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from okra_dash import store
from okra_dash.parse import parse
from okra_dash.sources import read_source
from okra_dash.workbook import Workbook


def sync(source: str | Workbook, db: Path | None = None,
         now: dt.datetime | None = None) -> store.SyncResult:
    """Sync a source into the database; raises SourceError, leaving the database as it was."""
    started = time.perf_counter()
    book = source if isinstance(source, Workbook) else read_source(source)
    parsed = parse(book)
    return store.write(book, parsed, Path(db or store.default_path()), started, now)
