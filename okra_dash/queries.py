"""Named SQL: each `sql/<name>.sql` file is one query, loaded by name, its values always bound."""

from __future__ import annotations

import functools
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
    """Every named query (schema, measures and measured_once define things rather than return rows)."""
    return sorted(entry.name[:-4] for entry in SQL_DIR.iterdir() if entry.name.endswith(".sql")
                  and entry.name not in ("schema.sql", "measures.sql", "measured_once.sql"))


@functools.cache
def parameters(name: str) -> frozenset[str]:
    """The $names a query's statements bind (its comments only document them)."""
    return frozenset(_PARAMETER.findall(_COMMENT.sub("", load(name))))


# Every connection the named queries run on. DuckDB runs an ASOF join whose left side it expects to be small
# (under 64 rows) as a nested loop; pace_at's left side (sql/measures.sql) comes from a table macro it cannot
# estimate, and the loop took 6 s at 10,000 key results where the ASOF join takes 50 ms. Cursors inherit it.
READER_CONFIG = {"asof_loop_join_threshold": 0}


# A reader (store.connect) attaches the synced file as `okra` and looks in its own catalog first (the measure
# macros), then in the file. A replayed workbook (store.replay) holds everything in its own catalog.
SET_READER_PATH = "SET search_path = 'memory.main,okra.main'"


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of a reader or a replay, for one thread: it shares their tables and macros (a new connection
    would open and define them again: 35 ms a query at 10,000 KRs); a cursor does not inherit the reader's
    search path, so it is set again."""
    cur = con.cursor()
    if cur.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = 'okra'").fetchall()[0][0]:
        cur.execute(SET_READER_PATH)
    return cur


def execute(con: duckdb.DuckDBPyConnection, name: str, **values: object) -> duckdb.DuckDBPyConnection:
    """Run a named query, binding the values it names; a missing one is a programming error."""
    missing = parameters(name) - values.keys()
    if missing:
        raise TypeError(f"query {name} needs {', '.join(sorted(missing))}")
    return con.execute(load(name), {key: values[key] for key in parameters(name)} or None)


def frame(con: duckdb.DuckDBPyConnection, name: str, **values: object) -> pd.DataFrame:
    """A named query's rows as a DataFrame (for the dashboard's tables and charts)."""
    return execute(con, name, **values).df()


def rows(con: duckdb.DuckDBPyConnection, name: str, **values: object) -> list[dict]:
    """A named query's rows as dicts of plain Python values (dates, lists, None), without pandas."""
    cursor = execute(con, name, **values)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
