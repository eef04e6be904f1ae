"""A sync's write: the new complete database built beside the live one, then swapped in atomically."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from okra_dash import queries
from okra_dash.source.workbook import Workbook
from okra_dash.store import history
from okra_dash.store.failures import failures_path, pending_failures
from okra_dash.store.file import SCHEMA_VERSION, StoreError, exclusive, first_line, health, refusal, sql_string, usable

if TYPE_CHECKING:  # a reader (report, dashboard) imports store without the parser and pandas
    from okra_dash.validate.parse import Parsed

TABLES = ("teams", "cycles", "objectives", "key_results", "checkins", "actions", "notes", "issues")
KEPT_ACROSS_SYNCS = ("sync_log",)  # and the history of every table (history.py)


@dataclass
class SyncResult:
    sync_id: int
    rows: dict[str, int]
    issues: int
    duration_s: float
    moved_aside: Path | None = None  # where an unreadable database file was moved, kept


def _aside(path: Path, now: dt.datetime) -> Path:
    """A free name beside path for keeping an unreadable file."""
    stem = f"{path}.unreadable-{now:%Y%m%d-%H%M%S}"
    target, n = Path(stem), 1
    while target.exists():
        n += 1
        target = Path(f"{stem}-{n}")
    return target


def _write_problem(path: Path, error: BaseException) -> str:
    """One sentence for a sync that could not write its new database file."""
    code = getattr(error, "errno", None)
    text = first_line(error)
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or "No space left" in text or "File too large" in text:
        return (f"The disk holding {path.parent} is full ({text}); the database was not changed. "
                "Free some space and sync again.")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or "Permission denied" in text or "Read-only" in text:
        return f"okra-dash cannot write in the folder {path.parent} ({text}); the database was not changed."
    return f"The new database file could not be written in {path.parent} ({text}); the database was not changed."


def write(book: Workbook, parsed: Parsed, path: Path, started: float,
          now: dt.datetime | None = None, progress=None) -> SyncResult:
    """Store a parsed workbook as the new complete database at path, atomically; raises StoreError."""
    path = usable(path)
    say = progress or (lambda step: None)
    now = now or dt.datetime.now().replace(microsecond=0)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with exclusive(path):
            return _write_locked(book, parsed, path, started, now, say)
    except OSError as error:
        raise StoreError(_write_problem(path, error)) from None


def _write_locked(book: Workbook, parsed: Parsed, path: Path, started: float, now: dt.datetime,
                  say) -> SyncResult:
    found = health(path)
    refused = refusal(path, found)
    if refused:
        raise StoreError(refused)
    for stray in path.parent.glob(f".{path.name}.*.tmp*"):  # left by a sync that was killed
        stray.unlink(missing_ok=True)
    moved = None
    if found.state == "unreadable":
        moved = _aside(path, now)
        os.replace(path, moved)  # kept, never deleted: the user may want it back
        Path(f"{path}.wal").unlink(missing_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        try:
            result = _build(temp, path, found.state in ("ok", "old"), book, parsed, started, now)
        except duckdb.Error as error:
            raise StoreError(_write_problem(path, error)) from None
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        say("Swapping the new database in")
        os.replace(temp, path)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        failures_path(path).unlink(missing_ok=True)  # now in the new file's sync_log
    finally:
        temp.unlink(missing_ok=True)
        Path(f"{temp}.wal").unlink(missing_ok=True)
    result.moved_aside = moved
    say("Saved")
    return result


def _carry_history(con: duckdb.DuckDBPyConnection) -> None:
    """Copy the tables kept across syncs from the attached previous file, column by column as far as
    both versions have them (an older okra-dash's file has fewer columns)."""
    for table in KEPT_ACROSS_SYNCS:
        theirs = set(history.columns(con, table, "previous"))
        shared = ", ".join(f'"{name}"' for name in history.columns(con, table) if name in theirs)
        if shared:
            con.execute(f"INSERT INTO {table} ({shared}) SELECT {shared} FROM previous.{table}")


def _build(temp: Path, live: Path, carry: bool, book: Workbook, parsed: Parsed, started: float,
           now: dt.datetime) -> SyncResult:
    con = duckdb.connect(str(temp))
    try:
        con.execute(queries.load("schema"))
        con.execute("INSERT INTO okra_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        if carry:
            con.execute(f"ATTACH {sql_string(str(live))} AS previous (READ_ONLY)")
            _carry_history(con)
        for failure in pending_failures(live):
            con.execute("INSERT INTO sync_log (synced_at, source, status, error) VALUES (?, ?, 'failed', ?)",
                        [failure["synced_at"], failure["source"], failure["error"]])
        for table in TABLES:
            data = getattr(parsed, table).data  # noqa: F841 - numpy columns, scanned by name below
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM data")
        tabs = [(tab, raw.title, raw.gid) for tab, raw in book.tabs.items()]
        con.executemany("INSERT INTO source_tabs VALUES (?, ?, ?)", tabs)
        sync_id = con.execute("SELECT coalesce(max(sync_id), 0) + 1 FROM sync_log").fetchall()[0][0]
        history.record(con, sync_id, carry)
        if carry:
            con.execute("DETACH previous")
        duration = time.perf_counter() - started
        con.execute("INSERT INTO sync_log (sync_id, synced_at, source, kind, sheet_url, rows_per_tab, issues, "
                    "duration_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [sync_id, now, book.source, book.kind, book.sheet_url, json.dumps(parsed.rows),
                     len(parsed.issues), round(duration, 3)])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return SyncResult(sync_id, parsed.rows, len(parsed.issues), duration)

