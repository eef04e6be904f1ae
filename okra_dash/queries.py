"""Named SQL: each `sql/<name>.sql` file is one query, loaded by name, its values always bound."""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # pandas is imported by the dashboard only: the command line never pays for it
    import pandas as pd

# The project's top-level sql/: inside the package as a link in a checkout, as files in an installed wheel.
SQL_DIR = resources.files("okra_dash") / "sql"
_PARAMETER = re.compile(r"\$([a-z_]+)")
_COMMENT = re.compile(r"--[^\n]*")


@functools.cache
def load(name: str) -> str:
    return SQL_DIR.joinpath(f"{name}.sql").read_text(encoding="utf-8")


def names() -> list[str]:
    """Every named query (schema and measures are run whole, not as queries)."""
    return sorted(entry.name[:-4] for entry in SQL_DIR.iterdir()
                  if entry.name.endswith(".sql") and entry.name not in ("schema.sql", "measures.sql"))


# A query that reads `review_measures` reads kr_measures($as_of, $cycles, $review) (sql/measures.sql) as a table
# computed once per connection for those values, and `last_week_measures` the same seven days earlier (the
# headline and the changes both compare with last week): the report's 16 queries share one computation of each
# (a report process at 10,000 KRs: see docs/performance.md). The tables are TEMP ones, so every cursor has its own.
MEASURED = {"review_measures": "kr_measures($as_of, $cycles, $review)",
            "last_week_measures": "kr_measures(week_before($as_of), $cycles, $review)"}
MEASURED_BY = ("as_of", "cycles", "review")
_MEASURED_NAME = re.compile(r"\b(" + "|".join(MEASURED) + r")\b")


@functools.cache
def _bound(name: str) -> frozenset[str]:
    """The $names a query's statements bind (its comments only document them)."""
    return frozenset(_PARAMETER.findall(_COMMENT.sub("", load(name))))


@functools.cache
def measured_tables(name: str) -> tuple[str, ...]:
    """The tables of MEASURED a query reads, in MEASURED's order."""
    read = set(_MEASURED_NAME.findall(_COMMENT.sub("", load(name))))
    return tuple(table for table in MEASURED if table in read)


def reads_measures(name: str) -> bool:
    return bool(measured_tables(name))


def parameters(name: str) -> set[str]:
    """The values a query takes: the $names it binds, and what the measured tables are computed from."""
    return set(_bound(name)) | (set(MEASURED_BY) if reads_measures(name) else set())


def _measure(con: duckdb.DuckDBPyConnection, table: str, values: dict[str, object]) -> None:
    """Make the temp table `table` on this connection hold its measures for these values, unless it already does."""
    key = json.dumps([values[name] for name in MEASURED_BY], sort_keys=True, default=str)
    con.execute("CREATE TEMP TABLE IF NOT EXISTS measured_for (measured VARCHAR, measured_for VARCHAR)")
    if con.execute("SELECT measured_for FROM measured_for WHERE measured = ?", [table]).fetchall() == [(key,)]:
        return
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {MEASURED[table]}",
                {name: values[name] for name in MEASURED_BY})
    con.execute("DELETE FROM measured_for WHERE measured = ?", [table])
    con.execute("INSERT INTO measured_for VALUES (?, ?)", [table, key])


# Every connection the named queries run on. DuckDB runs an ASOF join whose left side it expects to be small
# (under 64 rows) as a nested loop; pace_at's left side (sql/measures.sql) comes from a table macro it cannot
# estimate, and the loop took 6 s at 10,000 key results where the ASOF join takes 50 ms. Cursors inherit it.
READER_CONFIG = {"asof_loop_join_threshold": 0}


# A reader (store.connect) attaches the synced file as `okra` and looks in its own catalog first (the measure
# macros), then in the file. A replayed workbook (store.replay) holds everything in its own catalog.
SET_READER_PATH = "SET search_path = 'memory.main,okra.main'"


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of a reader or a replay, for one thread: it shares their tables and macros (a new connection
    would open and define them again: 35 ms a query at 10,000 KRs); its search path and temp tables
    (the measured tables) are its own, and a cursor does not inherit the reader's path."""
    cur = con.cursor()
    if cur.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = 'okra'").fetchall()[0][0]:
        cur.execute(SET_READER_PATH)
    return cur


def execute(con: duckdb.DuckDBPyConnection, name: str, **values: object) -> duckdb.DuckDBPyConnection:
    """Run a named query, binding the values it names; a missing one is a programming error."""
    missing = parameters(name) - values.keys()
    if missing:
        raise TypeError(f"query {name} needs {', '.join(sorted(missing))}")
    for table in measured_tables(name):
        _measure(con, table, values)
    bound = _bound(name)
    return con.execute(load(name), {key: values[key] for key in bound} or None)


def frame(con: duckdb.DuckDBPyConnection, name: str, **values: object) -> pd.DataFrame:
    """A named query's rows as a DataFrame (for the dashboard's tables and charts)."""
    return execute(con, name, **values).df()


def rows(con: duckdb.DuckDBPyConnection, name: str, **values: object) -> list[dict]:
    """A named query's rows as dicts of plain Python values (dates, lists, None), without pandas."""
    cursor = execute(con, name, **values)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
