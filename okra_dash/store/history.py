"""The history of every sync: each table's rows, each stored once with the range of syncs that saw it.

`<table>_history` holds a table's columns plus `seen_from` (the sync that first saw the row) and `gone_at`
(the first sync that no longer saw it; NULL while the sheet still has it). A sync of an unchanged sheet
adds no rows; a changed cell closes one row and opens one. The review as a past sync saw it is those
tables at that sync (replay()), so every past review can be shown again exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb

from okra_dash import queries
from okra_dash.store.file import NoDataError, StoreError, connect, sql_string

# Every table a review reads from one sync's workbook (source_tabs: the links to cells).
KEPT = ("teams", "cycles", "objectives", "key_results", "checkins", "actions", "notes", "issues", "source_tabs")
# okra_meta key: the first sync whose whole workbook is in the history (later than 1 in a file that an
# okra-dash without history wrote first).
HISTORY_FROM = "history_from"


def columns(con: duckdb.DuckDBPyConnection, table: str, database: str | None = None) -> list[str]:
    """A table's columns in order (read from an empty result: duckdb_columns() takes ~25 ms a call)."""
    table = f"{database}.{table}" if database else table
    return [column[0] for column in con.execute(f"SELECT * FROM {table} LIMIT 0").description]


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def record(con: duckdb.DuckDBPyConnection, sync_id: int, carry: bool) -> None:
    """Fill the new file's history tables: the previous file's history (attached as `previous` when carry)
    with sync_id's tables laid over it. A previous file without history (an older okra-dash's) counts as
    its own last sync, so that sync can be replayed too."""
    kept = _tables(con, "previous") if carry else set()
    old_history = "checkins_history" in kept
    last = con.execute("SELECT coalesce(max(sync_id), 0) FROM previous.sync_log").fetchall()[0][0] if carry else 0
    since = _history_from(con, kept) if old_history else (last or sync_id)
    con.execute("INSERT INTO okra_meta VALUES (?, ?)", [HISTORY_FROM, str(since)])
    for table in KEPT:
        cols = columns(con, table)
        if (f"{table}_history" if old_history else table) not in kept:  # new, or a table an older file lacks
            con.execute(f"INSERT INTO {table}_history SELECT *, $sync, NULL FROM {table}", {"sync": sync_id})
            continue
        if old_history:
            carried = set(columns(con, f"{table}_history", "previous"))
            closed = f"SELECT * FROM previous.{table}_history WHERE gone_at IS NOT NULL"
            opened = f"SELECT * FROM previous.{table}_history WHERE gone_at IS NULL"
        elif table == "key_results" and "kr_history" in kept:
            carried = set(columns(con, table, "previous")) | {"seen_from", "gone_at"}
            closed, opened = _KR_HISTORY_CLOSED, _KR_HISTORY_OPENED
        else:  # an older file's own tables are what its last sync saw
            carried = set(columns(con, table, "previous")) | {"seen_from", "gone_at"}
            closed = f"SELECT *, NULL AS seen_from, NULL AS gone_at FROM previous.{table} WHERE false"
            opened = f"SELECT *, $last AS seen_from, NULL AS gone_at FROM previous.{table}"
        # a column an older version lacked is NULL
        select = ", ".join(f'"{name}"' if name in carried else f'NULL AS "{name}"' for name in cols)
        con.execute(f"INSERT INTO {table}_history ({_quoted(cols)}, seen_from, gone_at) "
                    f"SELECT {select}, seen_from, gone_at FROM ({closed})")
        _lay_over(con, table, cols, f"SELECT {select}, seen_from FROM ({opened})", sync_id, last)


def _history_from(con: duckdb.DuckDBPyConnection, kept: set[str]) -> int:
    """The first sync a previous file's history holds whole: as it recorded, else its first sync."""
    if "okra_meta" in kept:
        rows = con.execute("SELECT value FROM previous.okra_meta WHERE key = ?", [HISTORY_FROM]).fetchall()
        if rows:
            return int(rows[0][0])
    return con.execute("SELECT coalesce(min(sync_id), 1) FROM previous.sync_log").fetchall()[0][0]


# An okra-dash before history kept each KR's Start and Target per change (kr_history): its earlier values
# become closed rows of the key_results history, so targets moved before the upgrade still show.
_KR_RANGES = ("SELECT kr_id, start_value, target, sync_id AS seen_from, "
              "lead(sync_id) OVER (PARTITION BY kr_id ORDER BY sync_id) AS gone_at FROM previous.kr_history")
_KR_HISTORY_CLOSED = (
    "SELECT k.* REPLACE (h.start_value AS start_value, h.target AS target), h.seen_from, h.gone_at "
    f"FROM previous.key_results AS k JOIN ({_KR_RANGES}) AS h USING (kr_id) WHERE h.gone_at IS NOT NULL")
_KR_HISTORY_OPENED = (
    "SELECT k.*, coalesce(h.seen_from, $last) AS seen_from, NULL AS gone_at FROM previous.key_results AS k "
    f"LEFT JOIN ({_KR_RANGES}) AS h ON h.kr_id = k.kr_id AND h.gone_at IS NULL")


def _lay_over(con: duckdb.DuckDBPyConnection, table: str, cols: list[str], opened: str, sync_id: int,
              last: int) -> None:
    """Rows still open and still in the table stay open; open rows the table lost close at sync_id; new
    rows open at sync_id. Identical rows are told apart by their number among equals."""
    same = " AND ".join(f'o."{name}" IS NOT DISTINCT FROM c."{name}"' for name in cols)
    pick = ", ".join(f'CASE WHEN o.copy IS NULL THEN c."{name}" ELSE o."{name}" END' for name in cols)
    values = {"sync": sync_id, "last": last} if "$last" in opened else {"sync": sync_id}
    con.execute(f"INSERT INTO {table}_history ({_quoted(cols)}, seen_from, gone_at) "
                f"""WITH o AS (SELECT *, row_number() OVER (PARTITION BY {_quoted(cols)} ORDER BY seen_from) AS copy
                   FROM ({opened})),
             c AS (SELECT *, row_number() OVER (PARTITION BY {_quoted(cols)}) AS copy FROM {table})
        SELECT {pick},
               CASE WHEN o.copy IS NULL THEN $sync ELSE o.seen_from END,
               CASE WHEN c.copy IS NULL THEN $sync END
        FROM o FULL JOIN c ON {same} AND o.copy = c.copy""", values)


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> set[str]:
    return {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [database]).fetchall()}


_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?")


def moment(text: str) -> dt.datetime:
    """`YYYY-MM-DD` (the end of that day), `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS`, local time;
    raises ValueError with the sentence to show."""
    if not _MOMENT.fullmatch(text.strip()):
        raise ValueError(f"{text!r} is not a moment: give YYYY-MM-DD, YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS.")
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a real date and time.") from None
    if len(text.strip()) == 10:
        value = value.replace(hour=23, minute=59, second=59, microsecond=999999)
    return value


def sync_seen_at(path: Path, when: dt.datetime) -> tuple[int, dt.datetime]:
    """(sync id, synced at) of the last successful sync at or before `when`; raises NoDataError or
    StoreError with the sentence to show when there is none, or when it is older than the history."""
    con = connect(path)
    try:
        rows = con.execute("SELECT sync_id, synced_at FROM sync_log WHERE status = 'ok' AND synced_at <= ? "
                           "ORDER BY sync_id DESC LIMIT 1", [when]).fetchall()
        first = con.execute("SELECT min(synced_at) FROM sync_log WHERE status = 'ok'").fetchall()[0][0]
        since = int(con.execute("SELECT value FROM okra_meta WHERE key = ?", [HISTORY_FROM]).fetchall()[0][0])
        since_at = con.execute("SELECT synced_at FROM sync_log WHERE sync_id = ?", [since]).fetchall()[0][0]
    finally:
        con.close()
    if not rows:
        raise NoDataError(f"No sync had happened by {when:%Y-%m-%d %H:%M:%S}: the first was at "
                          f"{first:%Y-%m-%d %H:%M:%S}.")
    sync_id, synced_at = rows[0]
    if sync_id < since:
        raise StoreError(f"The sync at {synced_at:%Y-%m-%d %H:%M:%S} cannot be replayed: this database keeps "
                         f"every sync's workbook from {since_at:%Y-%m-%d %H:%M:%S} on (an older okra-dash wrote "
                         "it before).")
    return sync_id, synced_at


def replay(path: Path, sync_id: int) -> duckdb.DuckDBPyConnection:
    """A connection holding the workbook exactly as sync_id saw it, with the history up to that sync:
    every named query reads it the way it reads the live file."""
    con = duckdb.connect(config=queries.READER_CONFIG)
    try:
        con.execute(f"ATTACH {sql_string(str(path))} AS stored (READ_ONLY)")
        con.execute(queries.load("schema"))
        con.execute("INSERT INTO okra_meta SELECT * FROM stored.okra_meta")
        synced_at = con.execute("SELECT synced_at FROM stored.sync_log WHERE sync_id = ?", [sync_id]).fetchall()[0][0]
        con.execute("INSERT INTO sync_log SELECT * FROM stored.sync_log WHERE sync_id <= $s "
                    "OR (sync_id IS NULL AND synced_at <= $at) ORDER BY rowid", {"s": sync_id, "at": synced_at})
        for table in KEPT:
            cols = _quoted(columns(con, table))
            con.execute(f"INSERT INTO {table} SELECT {cols} FROM stored.{table}_history "
                        "WHERE seen_from <= $s AND (gone_at IS NULL OR gone_at > $s) ORDER BY rowid", {"s": sync_id})
            con.execute(f"INSERT INTO {table}_history SELECT {cols}, seen_from, "
                        f"CASE WHEN gone_at <= $s THEN gone_at END FROM stored.{table}_history "
                        "WHERE seen_from <= $s", {"s": sync_id})
        con.execute("DETACH stored")
        con.execute(queries.load("measures"))
    except BaseException:
        con.close()
        raise
    return con
