"""A realistic synthetic workbook of any size, for benchmarks and load tests.

Calendar quarters cover the weeks; each quarter's objectives are spread over value
streams at most five to a stream (the focus rule); teams of both modes own key
results whose weekly values move, stall, regress, stop, or never leave Start; a
few cells are typed wrong, as in real sheets.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from pathlib import Path

from okra_dash.words import ACTION_STATUSES

KRS_PER_OBJECTIVE = 4
MAX_OBJECTIVES_PER_STREAM = 5
TYPOS = ("4O", "approx 30", "12.5.1", "tbc?")
PATTERNS = ("moving", "moving", "moving", "stalled", "regressing", "silent", "untouched")


def quarters(first: dt.date, weeks: int) -> list[tuple[str, dt.date, dt.date]]:
    """The calendar quarters touched by the weeks starting at first."""
    last = first + dt.timedelta(weeks=weeks, days=-1)
    out, year, quarter = [], first.year, (first.month - 1) // 3 + 1
    while True:
        start = dt.date(year, 3 * quarter - 2, 1)
        if start > last:
            return out
        end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(days=1)
        out.append((f"{year}-Q{quarter}", start, end))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def generate(krs: int, weeks: int = 52, seed: int = 7, first: dt.date = dt.date(2026, 1, 5),
             typo_share: float = 0.001) -> dict[str, list[list[object]]]:
    """Tabs as {title: rows}, values typed as a sheet's raw values would be (numbers, text)."""
    rng = random.Random(seed)
    cycles = quarters(first, weeks)
    week_days = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    team_count = max(4, krs // 30)
    teams = [[f"Team {i:04d}", "KPI" if i % 3 == 0 else "OKR", f"Champion {i % 97}"] for i in range(team_count)]
    per_cycle = max(1, math.ceil(krs / KRS_PER_OBJECTIVE / len(cycles)))
    streams = [f"Value stream {i:03d}" for i in range(max(3, math.ceil(per_cycle / MAX_OBJECTIVES_PER_STREAM)))]
    objectives = []
    for name, _, _ in cycles:
        for i in range(per_cycle):
            objectives.append([f"{name}-O{i:05d}", name, streams[i % len(streams)], f"Objective {i} of {name}",
                               "Customer experience" if i % 2 else "Productivity", f"Owner {i % 50}"])

    key_results = [["KR ID", "Objective ID", "Team", "Key result", "Start", "Target", "Unit", "Type"]]
    checkins = [["KR ID"] + [day.isoformat() for day in week_days]]
    actions = [["KR ID", "Action", "Status", "Owner"]]
    for k in range(krs):
        objective = objectives[k % len(objectives)]
        name, start_day, end_day = next(c for c in cycles if c[0] == objective[1])
        kr_id = f"KR-{k:06d}"
        start = float(rng.randrange(0, 100))
        target = start + rng.choice((-1, 1, 1, 1)) * float(rng.randrange(10, 200))
        key_results.append([kr_id, objective[0], teams[rng.randrange(team_count)][0], f"Key result {k}", start,
                            target, rng.choice(("%", "€", "customers", "")), rng.choice(("Outcome", "Output", ""))])
        checkins.append([kr_id] + _values(rng, start, target, week_days, start_day, end_day, typo_share))
        for a in range(rng.choice((0, 0, 1, 2, 3))):
            status = rng.choice(ACTION_STATUSES)
            actions.append([kr_id, f"Action {a} for {kr_id}", status, f"Owner {rng.randrange(50)}"])
    return {
        "Teams": [["Team", "Mode", "Champion"]] + teams,
        "Cycles": [["Cycle", "Start", "End"]] + [[n, s.isoformat(), e.isoformat()] for n, s, e in cycles],
        "Objectives": [["Objective ID", "Cycle", "Value stream", "Objective", "Theme", "Owner"]] + objectives,
        "Key results": key_results,
        "Check-ins": checkins,
        "Actions": actions,
    }


def _values(rng: random.Random, start: float, target: float, week_days: list[dt.date], first: dt.date,
            last: dt.date, typo_share: float) -> list[object]:
    pattern = rng.choice(PATTERNS)
    pace = rng.uniform(0.3, 1.3)
    inside = [i for i, day in enumerate(week_days) if day <= last and day + dt.timedelta(days=6) >= first]
    row: list[object] = [""] * len(week_days)
    value = start
    for n, i in enumerate(inside):
        share = (n + 1) / max(1, len(inside))
        if pattern == "silent" and share > 0.6:
            break
        if pattern in ("moving", "silent"):
            value = start + (target - start) * share * pace + rng.uniform(-2, 2)
        elif pattern == "regressing":
            value = start + (target - start) * (share * pace if share < 0.5 else (1 - share) * pace)
        elif pattern == "stalled" and share < 0.3:
            value = start + (target - start) * share * pace
        row[i] = rng.choice(TYPOS) if rng.random() < typo_share else round(value, 1)
    return row


def write(tabs: dict[str, list[list[object]]], out: Path) -> Path:
    """Tabs as an .xlsx workbook when out ends in .xlsx, else as a folder of CSV files (one per tab)."""
    out = Path(out)
    if out.suffix.lower() == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        for title, rows in tabs.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        book.save(out)
        return out
    out.mkdir(parents=True, exist_ok=True)
    for title, rows in tabs.items():
        with (out / f"{title}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    return out
