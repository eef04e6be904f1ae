"""The benchmark's peer: a lean pandas script doing strictly less than `sync` plus `report`.

It reads the same CSV folder and computes each key result's current value, progress, status and stall
count as of a date, validating nothing and storing nothing, and prints a few totals. `bench` times it as a
whole process, as cron would run it, alternating with okra-dash.

Run: python bench/pandas_peer.py FOLDER YYYY-MM-DD
"""

import sys

import pandas as pd

from okra_dash.words import STATUSES  # the same words, not spelled twice


def main(folder: str, as_of: str) -> None:
    day = pd.Timestamp(as_of)
    krs = pd.read_csv(f"{folder}/Key results.csv")
    objectives = pd.read_csv(f"{folder}/Objectives.csv")
    cycles = pd.read_csv(f"{folder}/Cycles.csv", parse_dates=["Start", "End"]).rename(
        columns={"Start": "cycle_start", "End": "cycle_end"})
    grid = pd.read_csv(f"{folder}/Check-ins.csv")
    checkins = grid.melt(id_vars=[grid.columns[0]], var_name="week", value_name="value").dropna()
    checkins.columns = ["kr_id", "week", "value"]
    checkins["week"] = pd.to_datetime(checkins["week"], errors="coerce")
    checkins["value"] = pd.to_numeric(checkins["value"], errors="coerce")
    checkins = checkins.dropna()
    seen = checkins[checkins["week"] <= day].sort_values(["kr_id", "week"])
    last = seen.groupby("kr_id").tail(3)
    current = last.groupby("kr_id")["value"].last()
    flat = last.groupby("kr_id")["value"].agg(lambda v: len(v) == 3 and v.nunique() == 1)
    latest_week = seen.groupby("kr_id")["week"].max()
    frame = (krs.merge(objectives, on="Objective ID").merge(cycles, on="Cycle")
             .set_index("KR ID"))
    frame["current"] = current.reindex(frame.index).fillna(frame["Start"])
    frame["progress"] = (frame["current"] - frame["Start"]) / (frame["Target"] - frame["Start"])
    elapsed = ((day - frame["cycle_start"]).dt.days / (frame["cycle_end"] - frame["cycle_start"]).dt.days).clip(0, 1)
    frame["status"] = pd.cut(frame["progress"].clip(0, 1) - elapsed, [-9, -0.25, -0.10, 9],
                             labels=list(reversed(STATUSES)))
    quiet = (day - latest_week.reindex(frame.index)).dt.days > 14
    stalled = flat.reindex(frame.index).fillna(False) | quiet.fillna(True)
    print(frame["status"].value_counts().to_dict(), int(stalled.sum()))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
