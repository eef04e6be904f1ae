"""The DuckDB file: written whole by a sync and swapped in, read by everyone else.

DuckDB lets one process hold a file read-write, and then nobody else may open it.
So a sync never writes the live file: it builds a complete new file beside it
(copying the history kept across syncs), then renames it over the old one in one
atomic step. Readers attach the file read-only; one that is open keeps seeing
the file it opened until it reopens. A lock file serialises concurrent syncs so
that none loses another's history. A killed sync leaves only a stray temp file.

What sits at the database path is checked before it is used (health()): a file
that is not a readable okra-dash database is never read as one. A sync moves an
unreadable file aside (kept, and named in its output) and starts afresh; a file
of an older okra-dash has its history carried over; another program's DuckDB
file or a directory is refused. Every way of failing ends in one sentence.
"""

from __future__ import annotations

import datetime as dt
import errno
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
# Raised whenever the tables change shape; a file with a lower version is brought up to date by a sync.
SCHEMA_VERSION = 2
# Tables that only okra-dash writes: a DuckDB file holding them but no okra_meta is an older okra-dash's.
OKRA_TABLES = {"sync_log", "key_results", "checkins", "issues"}


class NoDataError(Exception):
    """There is no synced database yet."""


class StoreError(Exception):
    """The database file cannot be read or written; the message is one sentence for the user."""


@dataclass(frozen=True)
class Health:
    """What is at the database path: 'missing', 'ok', 'old' (an older schema), 'unreadable' (not a
    database, or empty), 'foreign' (another program's DuckDB file) or 'directory'."""

    state: str
    detail: str = ""
    version: int | None = None


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def health(path: Path) -> Health:
    """Classify the file at path without changing it."""
    path = Path(path)
    if path.is_dir():
        return Health("directory")
    if not path.exists():
        return Health("missing")
    if path.stat().st_size == 0:
        return Health("unreadable", "the file is empty")
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {_sql_string(str(path))} AS probe (READ_ONLY)")
        tables = {name for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'probe'").fetchall()}
        if "okra_meta" in tables:
            rows = con.execute("SELECT value FROM probe.okra_meta WHERE key = 'schema_version'").fetchall()
            version = int(rows[0][0]) if rows else 0
        elif OKRA_TABLES <= tables:
            version = 1  # before okra_meta existed
        elif not tables:
            return Health("unreadable", "the database holds no tables")
        else:
            return Health("foreign", f"it holds {', '.join(sorted(tables)[:3])}")
    except (duckdb.Error, OSError, ValueError) as error:
        return Health("unreadable", _first_line(error))
    finally:
        con.close()
    if version < SCHEMA_VERSION:
        return Health("old", version=version)
    if version > SCHEMA_VERSION:
        return Health("foreign", f"it was written by a newer okra-dash (schema {version})", version)
    return Health("ok", version=version)


def _refusal(path: Path, found: Health) -> str | None:
    """The sentence for a path that no command may use as its database, or None."""
    if found.state == "directory":
        return f"{path} is a folder, not a database file: give --db (or $OKRA_DB) a file path."
    if found.state == "foreign":
        return (f"{path} is not an okra-dash database ({found.detail}); okra-dash leaves it alone: "
                "give --db (or $OKRA_DB) another file.")
    return None


def default_path() -> Path:
    return Path(os.environ.get("OKRA_DB") or DEFAULT_DB)


@dataclass
class SyncResult:
    sync_id: int
    synced_at: dt.datetime
    rows: dict[str, int]
    issues: int
    duration_s: float
    moved_aside: Path | None = None  # where an unreadable database file was moved, kept


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


def record_failure(path: Path, source: str, error: str, now: dt.datetime | None = None) -> bool:
    """Note a failed sync beside the database; False when even that cannot be written (the
    sentence is still shown; a read-only or full disk must not hide the first failure)."""
    path = Path(path)
    entry = {"synced_at": (now or dt.datetime.now().replace(microsecond=0)).isoformat(), "source": source,
             "error": error}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _exclusive(path), failures_path(path).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")
    except OSError:
        return False
    return True


def pending_failures(path: Path | None = None) -> list[dict]:
    """Failed syncs since the last good one, oldest first; a torn line (a write cut short) is skipped."""
    try:
        lines = failures_path(Path(path or default_path())).read_text(encoding="utf-8",
                                                                       errors="replace").splitlines()
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return []
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and {"synced_at", "source", "error"} <= entry.keys():
            entries.append(entry)
    return entries


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
    text = _first_line(error)
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or "No space left" in text or "File too large" in text:
        return (f"The disk holding {path.parent} is full ({text}); the database was not changed. "
                "Free some space and sync again.")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or "Permission denied" in text or "Read-only" in text:
        return f"okra-dash cannot write in the folder {path.parent} ({text}); the database was not changed."
    return f"The new database file could not be written in {path.parent} ({text}); the database was not changed."


def write(book: Workbook, parsed: Parsed, path: Path, started: float,
          now: dt.datetime | None = None, progress=None) -> SyncResult:
    """Store a parsed workbook as the new complete database at path, atomically; raises StoreError."""
    path = Path(path)
    say = progress or (lambda step: None)
    now = now or dt.datetime.now().replace(microsecond=0)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _exclusive(path):
            return _write_locked(book, parsed, path, started, now, say)
    except OSError as error:
        raise StoreError(_write_problem(path, error)) from None


def _write_locked(book: Workbook, parsed: Parsed, path: Path, started: float, now: dt.datetime,
                  say) -> SyncResult:
    found = health(path)
    refusal = _refusal(path, found)
    if refusal:
        raise StoreError(refusal)
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
        ours = [name for (name,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND table_name = ?", [table]).fetchall()]
        theirs = {name for (name,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'previous' AND table_name = ?",
            [table]).fetchall()}
        shared = ", ".join(f'"{name}"' for name in ours if name in theirs)
        if shared:
            con.execute(f"INSERT INTO {table} ({shared}) SELECT {shared} FROM previous.{table}")


def _build(temp: Path, live: Path, carry: bool, book: Workbook, parsed: Parsed, started: float,
           now: dt.datetime) -> SyncResult:
    con = duckdb.connect(str(temp))
    try:
        con.execute(queries.load("schema"))
        con.execute("INSERT INTO okra_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        if carry:
            con.execute(f"ATTACH {_sql_string(str(live))} AS previous (READ_ONLY)")
            _carry_history(con)
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


def recorded_source(path: Path) -> str | None:
    """What the last good sync into this file read (a sheet URL or a path), from any okra-dash version's
    sync log; None when the file cannot tell."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {_sql_string(str(path))} AS probe (READ_ONLY)")
        rows = con.execute("SELECT CASE WHEN kind = 'google-sheet' THEN sheet_url ELSE source END FROM probe.sync_log "
                           "WHERE coalesce(status, 'ok') = 'ok' ORDER BY synced_at DESC LIMIT 1").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return rows[0][0] if rows else None


def problem(path: Path, found: Health) -> str | None:
    """The sentence a reader shows for what is at path, or None when it can be read."""
    if found.state == "ok":
        return None
    if found.state == "missing":
        return f"No synced data at {path}: run `python -m okra_dash sync --source demo` first."
    if found.state == "unreadable":
        return (f"The database file {path} cannot be read ({found.detail}); the next sync moves it aside, keeps it, "
                "and starts a new one.")
    if found.state == "old":
        return (f"The database file {path} was written by an older okra-dash; sync again to bring it up to date "
                "(its history is kept).")
    return _refusal(path, found)


def connect(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the synced data, with the measure macros defined; raises NoDataError
    or StoreError (one sentence) when there is nothing okra-dash can read at path.

    The good path opens the file once and reads its schema version there; only a file that fails that
    is classified by health() for its sentence.
    """
    path = Path(path or default_path())
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {_sql_string(str(path))} AS okra (READ_ONLY)")
        rows = con.execute("SELECT value FROM okra.okra_meta WHERE key = 'schema_version'").fetchall()
        current = rows == [(str(SCHEMA_VERSION),)]
    except (duckdb.Error, OSError):
        current = False
    if not current:
        con.close()
        found = health(path)
        sentence = problem(path, found) or f"The database file {path} cannot be read."
        raise (NoDataError if found.state == "missing" else StoreError)(sentence)
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
