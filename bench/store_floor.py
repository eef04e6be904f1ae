"""The benchmark's floor for `sync`: the least a sync process can do and still store what a sync stores.

It starts Python, imports DuckDB and numpy (as `sync` must), and writes a new database file holding exactly
the tables of an already synced file (the workbook and its history), copied as they are: no reading, no
validating. Then it swaps the file in, as a sync does. `bench` times it, plus the real `report` process,
against the pandas peer: what the command line cannot go below, however fast reading and validating become.

Run: python bench/store_floor.py SYNCED.duckdb NEW.duckdb
"""

import os
import sys
from pathlib import Path

import duckdb
import numpy  # noqa: F401 - a sync imports it: it counts in the floor

from okra_dash.store.file import sql_string  # the sync's own quoting of a path (it imports this module too)


def main(synced: str, new: str) -> None:
    temp = f"{new}.floor-tmp"
    for stray in (temp, f"{temp}.wal"):
        if os.path.exists(stray):
            os.remove(stray)
    con = duckdb.connect()
    try:
        # Paths only ever reach SQL as sql_string(str(path)) (tests/test_conventions.py checks the spelling).
        path = Path(synced)
        con.execute(f"ATTACH {sql_string(str(path))} AS synced (READ_ONLY)")
        path = Path(temp)
        con.execute(f"ATTACH {sql_string(str(path))} AS floor")
        con.execute("COPY FROM DATABASE synced TO floor")
        con.execute("DETACH synced")
        con.execute("CHECKPOINT floor")
        con.execute("DETACH floor")
    finally:
        con.close()
    with open(temp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, new)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
