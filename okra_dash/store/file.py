"""The database file itself: what is at the path, opening it for reading, and the lock writers share."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from okra_dash import queries, settings

DEFAULT_DB = settings.DEFAULT_DB
# Raised whenever the tables change shape; a file with a lower version is brought up to date by a sync.
SCHEMA_VERSION = 5
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


def first_line(error: BaseException) -> str:
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
        con.execute(f"ATTACH {sql_string(str(path))} AS probe (READ_ONLY)")
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
        return Health("unreadable", first_line(error))
    finally:
        con.close()
    if version < SCHEMA_VERSION:
        return Health("old", version=version)
    if version > SCHEMA_VERSION:
        return Health("foreign", f"it was written by a newer okra-dash (schema {version})", version)
    return Health("ok", version=version)


def refusal(path: Path, found: Health) -> str | None:
    """The sentence for a path that no command may use as its database, or None."""
    if found.state == "directory":
        return f"{path} is a folder, not a database file: give --db (or $OKRA_DB) a file path."
    if found.state == "foreign":
        return (f"{path} is not an okra-dash database ({found.detail}); okra-dash leaves it alone: "
                "give --db (or $OKRA_DB) another file.")
    return None


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
    return refusal(path, found)


def default_path() -> Path:
    return settings.database()


def shown(path: object) -> str:
    """A path as a person can read it, even one whose bytes are not UTF-8 (shown as \\xff)."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
          (stat.S_ISSOCK, "a socket"))
# A sync writes `.NAME.<32 hex>.tmp` beside the file, and keeps failures in `NAME.failures.jsonl`.
_BESIDE = 39


def usable(path: Path) -> Path:
    """The file the database path names, symlinks followed (a sync replaces the link's target, never the
    link); raises StoreError, in one sentence and without opening it, for a path no command may use."""
    path = Path(path)
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError(f"The database path {shown(path)} is not UTF-8 text; give --db (or $OKRA_DB) a path "
                         "whose folder and file names are plain text.") from None
    real = Path(os.path.realpath(path))
    try:
        limit = os.pathconf(real.parent if real.parent.exists() else "/", "PC_NAME_MAX")
    except OSError:
        limit = 255
    if any(len(os.fsencode(part)) > limit for part in real.parts) or len(os.fsencode(real.name)) + _BESIDE > limit:
        raise StoreError(f"The database path {shown(path)} has a name longer than the file system allows "
                         f"({limit} bytes, and a sync needs {_BESIDE} more beside it); give --db (or $OKRA_DB) "
                         "a shorter file name.")
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        return real
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:
            raise StoreError(f"The database path {shown(path)} is longer than the file system allows; give --db "
                             "(or $OKRA_DB) a shorter path.") from None
        raise StoreError(f"okra-dash cannot look at {shown(path)} ({error.strerror}).") from None
    for test, kind in _KINDS:
        if test(mode):
            raise StoreError(f"{shown(path)} is {kind}, not a database file; okra-dash leaves it alone: give --db "
                             "(or $OKRA_DB) a file path.")
    return real


@contextmanager
def exclusive(path: Path):
    with open(f"{path}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sql_string(text: str) -> str:
    """A file path as a SQL literal (ATTACH takes no bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def recorded_source(path: Path) -> str | None:
    """What the last good sync into this file read (a sheet URL or a path), from any okra-dash version's
    sync log; None when the file cannot tell."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {sql_string(str(path))} AS probe (READ_ONLY)")
        rows = con.execute("SELECT CASE WHEN kind = 'google-sheet' THEN sheet_url ELSE source END FROM probe.sync_log "
                           "WHERE coalesce(status, 'ok') = 'ok' ORDER BY synced_at DESC LIMIT 1").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return rows[0][0] if rows else None


def connect(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the synced data, with the measure macros defined; raises NoDataError
    or StoreError (one sentence) when there is nothing okra-dash can read at path.

    The good path opens the file once and reads its schema version there; only a file that fails that
    is classified by health() for its sentence.
    """
    path = usable(path or default_path())
    con = duckdb.connect(config=queries.READER_CONFIG)
    try:
        con.execute(f"ATTACH {sql_string(str(path))} AS okra (READ_ONLY)")
        rows = con.execute("SELECT value FROM okra.okra_meta WHERE key = 'schema_version'").fetchall()
        current = rows == [(str(SCHEMA_VERSION),)]
    except (duckdb.Error, OSError):
        current = False
    if not current:
        con.close()
        found = health(path)
        sentence = problem(path, found) or f"The database file {path} cannot be read."
        raise (NoDataError if found.state == "missing" else StoreError)(sentence)
    con.execute(queries.SET_READER_PATH)
    con.execute(queries.load("measures"))
    return con


def version(path: Path | None = None) -> tuple[int, int] | None:
    """What identifies the file now at path: (inode, mtime in ns); readers reopen when it changes."""
    try:
        stat = os.stat(path or default_path())
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns

