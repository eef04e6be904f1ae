"""Next steps agreed in the review (contract section 6), kept in their own SQLite file beside the DuckDB file.

A sync rewrites the DuckDB file whole and swaps it in, and DuckDB lets one process write a file at a time (the
dashboard and a cron job would fight over it). What people decide in a meeting is never rebuilt from the sheet,
so it lives apart: the standard library's SQLite, in WAL mode, which takes writers from any number of processes
one after the other (each waits up to BUSY_S for its turn) while readers go on reading. No sync, failed sync,
recovery of the DuckDB file or restart touches this file.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

from okra_dash.store.file import StoreError

SUFFIX = ".next-steps.sqlite"
BUSY_S = 30  # how long a recording waits for another one to finish before it gives up with a sentence
FIELDS = ("id", "kr_id", "team", "asked", "answer", "next_step", "due", "recorded_at", "closed_at")
SCHEMA = """
CREATE TABLE IF NOT EXISTS next_steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- stable: never reused, even after the last step is deleted by hand
    kr_id TEXT NOT NULL, team TEXT NOT NULL, asked TEXT NOT NULL, answer TEXT NOT NULL DEFAULT '',
    next_step TEXT NOT NULL, due TEXT NOT NULL,  -- YYYY-MM-DD
    recorded_at TEXT NOT NULL, closed_at TEXT  -- local time, YYYY-MM-DDTHH:MM:SS
)"""


def path(db: Path) -> Path:
    """The next steps of the database `db`: okra.duckdb keeps them in okra.next-steps.sqlite beside it."""
    return db.with_name(db.stem + SUFFIX)


def _open(db: Path) -> sqlite3.Connection:
    where = path(db)
    try:
        con = sqlite3.connect(where, timeout=BUSY_S, isolation_level=None)
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = FULL")  # a recorded step survives a power cut, not only a crash
        con.execute(SCHEMA)
    except sqlite3.Error as error:
        raise StoreError(f"The next steps file {where} cannot be opened ({error}): check that its folder is "
                         "writable.") from None
    con.row_factory = sqlite3.Row
    return con


def now() -> str:
    """This moment as recorded_at and closed_at hold it: local time, to the second."""
    return dt.datetime.now().isoformat(timespec="seconds")


def add(db: Path, kr_id: str, team: str, asked: str, next_step: str, due: dt.date, answer: str = "",
        recorded_at: str | None = None) -> int:
    """Record one step; its id. Each is one transaction of its own: two people recording at once both keep
    theirs."""
    with closing(_open(db)) as con:
        try:
            cursor = con.execute("INSERT INTO next_steps (kr_id, team, asked, answer, next_step, due, recorded_at) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 (kr_id, team, asked, answer, next_step, due.isoformat(), recorded_at or now()))
        except sqlite3.OperationalError as error:  # busy for BUSY_S, or the disk is full
            raise StoreError(f"The next step could not be recorded ({error}); nothing was recorded.") from None
        return int(cursor.lastrowid)


def close(db: Path, step_id: int, closed_at: str | None = None) -> dict:
    """Close a step at this moment (or closed_at); the step as it now stands. A step that does not exist, or is
    closed already, is refused in one sentence."""
    with closing(_open(db)) as con:
        try:
            con.execute("BEGIN IMMEDIATE")
            row = con.execute("SELECT * FROM next_steps WHERE id = ?", (step_id,)).fetchone()
            if row is None:
                raise StoreError(f"There is no next step {step_id}.")
            if row["closed_at"] is not None:
                raise StoreError(f"Next step {step_id} was closed already, at {row['closed_at']}.")
            con.execute("UPDATE next_steps SET closed_at = ? WHERE id = ?", (closed_at or now(), step_id))
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        return dict(con.execute("SELECT * FROM next_steps WHERE id = ?", (step_id,)).fetchone())


def every(db: Path) -> list[dict]:
    """Every step ever recorded, oldest first, as stored (dates and moments as ISO text); none before the
    first is recorded (reading never creates the file)."""
    if not path(db).exists():
        return []
    with closing(_open(db)) as con:
        return [dict(row) for row in con.execute("SELECT * FROM next_steps ORDER BY recorded_at, id")]
