"""The DuckDB file: written whole by a sync and swapped in, read by everyone else.

DuckDB lets one process hold a file read-write, and then nobody else may open it.
So a sync never writes the live file: it builds a complete new file beside it
(copying the history kept across syncs), then renames it over the old one in one
atomic step. Readers attach the file read-only; one that is open keeps seeing
the file it opened until it reopens. A lock file serialises concurrent syncs so
that none loses another's history. A killed sync leaves only a stray temp file.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from okra_dash import queries
from okra_dash.parse import Parsed
from okra_dash.workbook import Workbook

DEFAULT_DB = "okra.duckdb"
TABLES = ("teams", "cycles", "objectives", "key_results", "checkins", "actions", "issues")
KEPT_ACROSS_SYNCS = ("sync_log", "kr_history")


class NoDataError(Exception):
    """There is no synced database yet."""


def default_path() -> Path:
    return Path(os.environ.get("OKRA_DB") or DEFAULT_DB)


@dataclass
class SyncResult:
    sync_id: int
    synced_at: dt.datetime
    rows: dict[str, int]
    issues: int
    duration_s: float


@contextmanager
def _exclusive(path: Path):
    with open(f"{path}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sql_string(text: str) -> str:
    """A file path as a SQL literal (ATTACH takes no bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def failures_path(path: Path) -> Path:
    """Failed syncs wait here (the database stays exactly as it was) until the next good sync."""
    return Path(f"{path}.failures.jsonl")


def record_failure(path: Path, source: str, error: str, now: dt.datetime | None = None) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"synced_at": (now or dt.datetime.now().replace(microsecond=0)).isoformat(), "source": source,
             "error": error}
    with _exclusive(path), failures_path(path).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def pending_failures(path: Path | None = None) -> list[dict]:
    """Failed syncs since the last good one, oldest first."""
    try:
        lines = failures_path(Path(path or default_path())).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines if line.strip()]


def write(book: Workbook, parsed: Parsed, path: Path, started: float,
          now: dt.datetime | None = None) -> SyncResult:
    """Store a parsed workbook as the new complete database at path, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now().replace(microsecond=0)
    with _exclusive(path):
        for stray in path.parent.glob(f".{path.name}.*.tmp*"):  # left by a sync that was killed
            stray.unlink(missing_ok=True)
        temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            result = _build(temp, path, book, parsed, started, now)
            with open(temp, "rb") as handle:
                os.fsync(handle.fileno())
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
    return result


def _build(temp: Path, live: Path, book: Workbook, parsed: Parsed, started: float,
           now: dt.datetime) -> SyncResult:
    con = duckdb.connect(str(temp))
    try:
        con.execute(queries.load("schema"))
        if live.exists():
            con.execute(f"ATTACH {_sql_string(str(live))} AS previous (READ_ONLY)")
            for table in KEPT_ACROSS_SYNCS:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM previous.{table}")
            con.execute("DETACH previous")
        for failure in pending_failures(live):
            con.execute("INSERT INTO sync_log (synced_at, source, status, error) VALUES (?, ?, 'failed', ?)",
                        [failure["synced_at"], failure["source"], failure["error"]])
        for table in TABLES:
            data = getattr(parsed, table)  # noqa: F841 - scanned by name below
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM data")
        tabs = [(tab, raw.title, raw.gid) for tab, raw in book.tabs.items()]
        con.executemany("INSERT INTO source_tabs VALUES (?, ?, ?)", tabs)
        sync_id = con.execute("SELECT coalesce(max(sync_id), 0) + 1 FROM sync_log").fetchall()[0][0]
        queries.execute(con, "record_kr_history", sync_id=sync_id, synced_at=now)
        duration = time.perf_counter() - started
        con.execute("INSERT INTO sync_log (sync_id, synced_at, source, kind, sheet_url, rows_per_tab, issues, "
                    "duration_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [sync_id, now, book.source, book.kind, book.sheet_url, json.dumps(parsed.rows),
                     len(parsed.issues), round(duration, 3)])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return SyncResult(sync_id, now, parsed.rows, len(parsed.issues), duration)


def connect(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the synced data, with the measure macros defined."""
    path = Path(path or default_path())
    if not path.exists():
        raise NoDataError(f"No synced data at {path}: run `python -m okra_dash sync --source demo` first.")
    con = duckdb.connect()
    con.execute(f"ATTACH {_sql_string(str(path))} AS okra (READ_ONLY)")
    con.execute("USE okra")
    con.execute(queries.load("measures"))
    return con


def version(path: Path | None = None) -> tuple[int, int] | None:
    """What identifies the file now at path: (inode, mtime in ns); readers reopen when it changes."""
    try:
        stat = os.stat(path or default_path())
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns
