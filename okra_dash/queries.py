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
    """Every named query (schema and measures are run whole, not as queries)."""
    return sorted(entry.name[:-4] for entry in SQL_DIR.iterdir()
                  if entry.name.endswith(".sql") and entry.name not in ("schema.sql", "measures.sql"))


def parameters(name: str) -> set[str]:
    """The $names a query's statements take (its comments only document them)."""
    return set(_PARAMETER.findall(_COMMENT.sub("", load(name))))


def execute(con: duckdb.DuckDBPyConnection, name: str, **values: object) -> duckdb.DuckDBPyConnection:
    """Run a named query, binding the values it names; a missing one is a programming error."""
    wanted = parameters(name)
    missing = wanted - values.keys()
    if missing:
        raise TypeError(f"query {name} needs {', '.join(sorted(missing))}")
    return con.execute(load(name), {key: values[key] for key in wanted} or None)


def frame(con: duckdb.DuckDBPyConnection, name: str, **values: object) -> pd.DataFrame:
    """A named query's rows as a DataFrame (for the dashboard's tables and charts)."""
    return execute(con, name, **values).df()


def rows(con: duckdb.DuckDBPyConnection, name: str, **values: object) -> list[dict]:
    """A named query's rows as dicts of plain Python values (dates, lists, None), without pandas."""
    cursor = execute(con, name, **values)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
