"""One sync: read the source, parse and validate it, store it atomically."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from okra_dash import store
from okra_dash.errors import SourceError
from okra_dash.source.read import read_source
from okra_dash.source.workbook import Workbook
from okra_dash.validate.parse import parse
from okra_dash.words import counted


def sync(source: str | Workbook, db: Path | None = None, now: dt.datetime | None = None,
         progress: Callable[[str], None] | None = None) -> store.SyncResult:
    """Sync a source into the database; raises SourceError or StoreError, leaving the database as it was.

    progress, when given, is told each step in a few words (the dashboard shows them).
    """
    say = progress or (lambda step: None)
    started = time.perf_counter()
    db = store.usable(db or store.default_path())  # a path no sync may write is refused before reading
    name = source if isinstance(source, str) else source.source
    say(f"Reading {name}")
    try:
        book = source if isinstance(source, Workbook) else read_source(source)
        say(f"Checking {counted(sum(len(tab.rows) for tab in book.tabs.values()), 'row')}")
        parsed = parse(book)
    except SourceError as error:
        store.record_failure(db, name, str(error), now)
        raise
    say(f"Saving {counted(parsed.rows['Key results'], 'key result')} and "
        f"{counted(parsed.rows['Check-ins'], 'check-in')}")
    try:
        return store.write(book, parsed, db, started, now, progress=say)
    except store.StoreError as error:
        store.record_failure(db, name, str(error), now)
        raise
