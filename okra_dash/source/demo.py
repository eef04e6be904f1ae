"""The bundled demo workbook: Freshbasket, a grocery delivery company opening its first stores.

Dates are laid out relative to today, so the current cycle is always about half
way through whenever the demo is loaded. The values follow a few honest
patterns (steady, ahead, behind, stalled, silent, lower-is-better) and the sheet
carries the typing mistakes real teams make, so every page has something to show.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from importlib import resources

from okra_dash.source.typed import week_start
from okra_dash.source.workbook import Workbook

CYCLE_WEEKS = 13
WEEKS_INTO_CURRENT = 7  # today falls in the 8th week of the current cycle

TEAMS = [  # team, mode, champion
    ("Checkout squad", "OKR", "Ana"), ("Delivery app squad", "OKR", "Ben"),
    ("Store opening project", "OKR", "Chloé"), ("Growth marketing", "OKR", "Dev"),
    ("People & culture", "OKR", "Eli"), ("Support hotline", "KPI", "Femi"),
    ("Fulfilment centre", "KPI", "Gus"), ("Store operations", "KPI", "Hana"),
    ("Finance", "KPI", "Ivo"),
]


def _table(name: str) -> list[tuple]:
    """A table of the demo's plan (demo_data/<name>.csv, a sheet's rows as data); numbers read as numbers."""
    text = resources.files("okra_dash.source").joinpath("demo_data", f"{name}.csv").read_text(encoding="utf-8")
    return [tuple(_number(cell) for cell in row) for row in list(csv.reader(io.StringIO(text)))[1:]]


def _number(cell: str) -> object:
    if re.fullmatch(r"-?\d+", cell):
        return int(cell)
    return float(cell) if re.fullmatch(r"-?\d+\.\d+", cell) else cell


# objective id, cycle ("prev" or "cur"), value stream, objective, theme, owner
OBJECTIVES = _table("objectives")
# KR id, objective, team, key result, start, target, unit, type, pattern
KEY_RESULTS = _table("key_results")

# Share of the way to target after share t of the cycle, per pattern.
PATTERNS = {
    "steady": lambda t: t * 0.95,
    "ahead": lambda t: min(1.15, t * 1.3),
    "behind": lambda t: t * 0.72,
    "lagging": lambda t: t * 0.45,
    "half": lambda t: t * 0.55,
    "over": lambda t: t * 1.15,
    "flat": lambda t: min(t, 0.2),
    "silent": lambda t: t * 0.8,
    "zero": lambda t: 0.0,
    "busy": lambda t: min(t, 0.04),
}

# Health KPIs (Keep above / Keep below): the value in week `index` of the cycle, from where it started.
HEALTH = {
    "hold": lambda start, index, rng: round(start + rng.uniform(-1.2, 1.2), 1),
    "breach": lambda start, index, rng: round(start + 0.35 * index + rng.uniform(-0.2, 0.2), 1),
}

NOTES = [  # weeks ago, KR id, confidence (0-10), note: what teams say beside their numbers
    (3, "KR10", 5, "Referral page built; waiting for legal to approve the reward"),
    (1, "KR10", 3, "Still waiting for legal: no sign-ups until the page is live"),
    (2, "KR16", 5, "Our chilled-goods supplier is short; a second supplier starts next month"),
    (1, "KR5", 4, "Payment provider migration slipped two weeks"),
    (1, "KR4", 8, "One-page checkout live everywhere"),
    (0, "KR1", 7, ""),
]

ACTIONS = [  # KR id, action, status, owner
    ("KR1", "Chat widget answers order-status questions", "Done", "Femi"),
    ("KR1", "Second shift on Saturday mornings", "In progress", "Femi"),
    ("KR2", "Knowledge base for the top 20 questions", "In progress", "Femi"),
    ("KR4", "One-page checkout", "Done", "Ana"),
    ("KR4", "Apple Pay and Google Pay", "Done", "Ana"),
    ("KR5", "Retry payments on timeout", "Planned", "Ana"),
    ("KR6", "Live driver tracking", "In progress", "Ben"),
    ("KR7", "New picking routes in the centre", "Done", "Gus"),
    ("KR8", "Cold chain sensors in every van", "Done", "Gus"),
    ("KR10", "Referral landing page", "Finished", "Dev"),
    ("KR12", "Sign the lease for Market Street", "Done", "Chloé"),
    ("KR12", "Fit-out contractor chosen", "In progress", "Chloé"),
    ("KR13", "Launch event planned", "Done", "Chloé"),
    ("KR13", "Flyers to 20,000 households", "Done", "Dev"),
    ("KR13", "Opening-day landing page", "Done", "Dev"),
    ("KR13", "Local radio spot", "Done", "Dev"),
    ("KR15", "Pick-up lockers installed", "In progress", "Hana"),
    ("KR17", "Driver buddy programme", "Done", "Eli"),
    ("KR18", "Quarterly team days", "Dropped", "Eli"),
    ("KR19", "Minimum basket for free delivery", "Done", "Ivo"),
    ("KR20", "Stop the two worst-performing ad channels", "Planned", "Ivo"),
]


def _cycles(today: dt.date) -> dict[str, tuple[str, dt.date, dt.date]]:
    start = week_start(today) - dt.timedelta(weeks=WEEKS_INTO_CURRENT)
    previous = start - dt.timedelta(weeks=CYCLE_WEEKS)
    windows = {"prev": previous, "cur": start}
    named = {}
    for key, first in windows.items():
        last = first + dt.timedelta(weeks=CYCLE_WEEKS, days=-1)
        middle = first + dt.timedelta(weeks=CYCLE_WEEKS // 2)
        named[key] = (f"{middle:%Y} {first:%b}–{last:%b}", first, last)
    return named


def _value(start: float, target: float, share: float, noise: float) -> float:
    value = start + (target - start) * share + noise * abs(target - start)
    digits = 0 if abs(target - start) >= 20 else 1 if abs(target - start) >= 2 else 2
    return round(value, digits)


def workbook(today: dt.date | None = None) -> Workbook:
    """The demo workbook as of today (or the given date), ready for the parser."""
    today = today or dt.date.today()
    cycles = _cycles(today)
    first_week = cycles["prev"][1]
    this_week = week_start(today)
    weeks = [first_week + dt.timedelta(weeks=i) for i in range((this_week - first_week).days // 7 + 1)]
    cycle_of = {objective[0]: objective[1] for objective in OBJECTIVES}

    key_results = [["KR ID", "Objective ID", "Team", "Key result", "Start", "Target", "Unit", "Type"]]
    checkins = [["KR ID", "Key result"] + [week.isoformat() for week in weeks]]
    for kr_id, objective, team, title, start, target, unit, kind, pattern in KEY_RESULTS:
        key_results.append([kr_id, objective, team, title, start, target, unit, kind])
        name, first, last = cycles[cycle_of[objective]]
        rng = random.Random(kr_id)
        row: list[object] = [kr_id, title]
        for week in weeks:
            index = (week - first).days // 7
            if not 0 <= index < CYCLE_WEEKS or week > this_week:
                row.append("")
                continue
            weeks_left = (this_week - week).days // 7
            if (pattern == "silent" and weeks_left < 3) or (weeks_left == 0 and rng.random() < 0.4):
                row.append("")  # silent KRs stopped checking in; some teams have not typed this week yet
                continue
            if pattern in HEALTH:  # a health KPI wanders around where it started; "breach" drifts over its line
                row.append(HEALTH[pattern](start, index, rng))
                continue
            share = PATTERNS[pattern]((index + 1) / CYCLE_WEEKS)
            noise = 0.0 if pattern in ("flat", "zero") or index == 0 else rng.uniform(-0.03, 0.03)
            if pattern == "flat" and index >= 3:
                share = PATTERNS["flat"](3 / CYCLE_WEEKS)
            row.append(_value(start, target, share, noise))
        checkins.append(row)
    _typos(checkins, key_results, weeks, cycles)

    named = {
        "Teams": [["Team", "Mode", "Champion", "Champion e-mail"]]
        + [[*team, f"{team[2].lower().replace('é', 'e')}@example.com"] for team in TEAMS],
        "Cycles": [["Cycle", "Start", "End"]] + [[name, first.isoformat(), last.isoformat()]
                                                 for name, first, last in cycles.values()],
        "Objectives": [["Objective ID", "Cycle", "Value stream", "Objective", "Theme", "Owner"]]
        + [[oid, cycles[cycle][0], stream, text, theme, owner]
           for oid, cycle, stream, text, theme, owner in OBJECTIVES],
        "Key results": key_results,
        "Check-ins": checkins,
        "Actions": [["KR ID", "Action", "Status", "Owner"]] + [list(action) for action in ACTIONS],
        "Check-in notes": [["Week", "KR ID", "Confidence", "Note"]]
        + [[(this_week - dt.timedelta(weeks=ago)).isoformat(), kr_id, confidence, note]
           for ago, kr_id, confidence, note in NOTES],
    }
    return Workbook.from_tabs(named, "demo", "demo")


def _typos(checkins: list[list], key_results: list[list], weeks: list[dt.date], cycles: dict) -> None:
    """The mistakes real sheets have: a letter O for a zero, a word, a comma decimal, a stray row."""
    column = {week: index + 2 for index, week in enumerate(weeks)}
    current_first = cycles["cur"][1]
    row_of = {row[0]: row for row in checkins[1:]}
    week = current_first + dt.timedelta(weeks=2)
    row_of["KR6"][column[week]] = "9O%"  # letter O typed for a zero
    row_of["KR11"][column[week + dt.timedelta(weeks=1)]] = "about 4.3"
    row_of["KR16"][column[current_first]] = "91%"  # fine: percent signs are read
    row_of["KR19"][column[week]] = "€2.05"  # fine: currency signs are read
    row_of["P-KR4"][column[current_first + dt.timedelta(weeks=1)]] = 5  # typed into the wrong cycle's column
    checkins.append(["KR 22", "Basket size"] + [""] * (len(weeks) - 1) + [31.5])
    key_results.append(["KR22", "PR1", "Finance", "Average basket size", 28, 28, "€", "Outcome"])
