"""Read and validate a workbook into clean tables plus data issues.

Order matters: cycles, then teams, objectives (need cycles), key results (need
objectives and teams), check-ins and actions (need key results). Each offending
cell or row is left out with an issue; everything else loads.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field, fields

from okra_dash.source.workbook import Workbook
from okra_dash.validate import cells
from okra_dash.validate.cells import CellError
from okra_dash.validate.checkins import Windows, read_checkins
from okra_dash.validate.columns import Columns
from okra_dash.validate.notes import read_notes
from okra_dash.validate.table import Issue, Issues, Table
from okra_dash.words import ACTION_STATUSES, EMAIL_ADDRESS, HEALTH_TYPES, KR_TYPES, TEAM_MODES, THEMES, UNKNOWN_MODE

MAX_CYCLE_DAYS = 184  # "a cycle may be up to 6 months"

_CALENDAR_CYCLE = re.compile(r"^(\d{4})-([QH])([1-4])$", re.IGNORECASE)


@dataclass
class Parsed:
    """The clean tables of one workbook, ready to store, and what could not be read."""

    teams: Columns
    cycles: Columns
    objectives: Columns
    key_results: Columns
    checkins: Columns
    actions: Columns
    notes: Columns  # confidence and notes, from either layout
    issues: Columns
    rows: dict[str, int] = field(default_factory=dict)  # rows loaded per tab


def calendar_cycle(name: str) -> tuple[dt.date, dt.date] | None:
    """`2026-Q1` is a calendar quarter and `2026-H1` a calendar half; anything else is None."""
    match = _CALENDAR_CYCLE.match(name)
    if not match:
        return None
    year, kind, number = int(match.group(1)), match.group(2).upper(), int(match.group(3))
    months = 3 if kind == "Q" else 6
    if number > 12 // months or not cells.PLAUSIBLE_YEARS[0] <= year <= cells.PLAUSIBLE_YEARS[1]:
        return None
    first = dt.date(year, (number - 1) * months + 1, 1)
    after = dt.date(year + 1, 1, 1) if first.month + months > 12 else dt.date(year, first.month + months, 1)
    return first, after - dt.timedelta(days=1)


def cycle_name(raw: str, *known: dict) -> str:
    """Cycle names match case-insensitively: a calendar name is written 2026-Q1, any other as the Cycles tab
    (or the first objective naming it) spells it."""
    match = _CALENDAR_CYCLE.match(raw)
    if match:
        return f"{match.group(1)}-{match.group(2).upper()}{match.group(3)}"
    folded = raw.casefold()
    for names in known:
        for name in names:
            if name.casefold() == folded:
                return name
    return raw


def _required(table: Table, row: int, cell: dict, columns: tuple[str, ...], reader,
              what: str) -> tuple | None:
    """The columns read with reader, or None (and one issue for the row) when one is bad or blank."""
    values = []
    for column in columns:
        try:
            value = reader(cell[column])
        except CellError as error:
            table.issue(row, column, cell[column], f"{column} {error}; {what} was left out", error.kind)
            return None
        if value is None:
            table.issue(row, column, cell[column], f"{what} has no {column}; it was left out", "missing_value")
            return None
        values.append(value)
    return tuple(values)


def _read_or(table: Table, row: int, cell: dict, column: str, reader, consequence: str):
    """An optional cell read by reader; one that cannot be read is an issue ("Theme is not one of ...; it was
    left blank") and reads as None."""
    try:
        return reader(cell.get(column))
    except CellError as error:
        table.issue(row, column, cell.get(column), f"{column} {error}; {consequence}", error.kind)
        return None


def _new_id(table: Table, row: int, column: str, value: str, seen: dict | set, what: str) -> bool:
    """True for a fresh ID; a blank or repeated one gets its issue (the first row wins) and False."""
    if not value:
        table.issue(row, column, "", f"the row has no {what}; it was left out", "missing_id")
        return False
    if value in seen:
        table.issue(row, column, value, f"{what} '{value}' is used twice; the first row is used", "duplicate_id")
        return False
    return True


def _cycles(book: Workbook, issues: Issues) -> tuple[dict[str, tuple[dt.date, dt.date]], dict[str, int]]:
    """The cycles defined in the Cycles tab, and the rows of those left out (their objectives say so)."""
    defined: dict[str, tuple[dt.date, dt.date]] = {}
    left_out: dict[str, int] = {}
    table = Table.optional_tab("Cycles", book.tabs.get("Cycles"), ("Cycle", "Start", "End"), (), issues)
    if table is None:
        return defined, left_out
    for row, cell in table.records():
        name = cycle_name(cells.text(cell["Cycle"]), defined, left_out)
        if not _new_id(table, row, "Cycle", name, defined, "cycle name"):
            continue
        window = _required(table, row, cell, ("Start", "End"), cells.date, "the cycle")
        if window is None:
            left_out.setdefault(name, row)
            continue
        start, end = window
        if end < start:
            table.issue(row, "End", cell["End"], "End is before Start; the cycle was left out", "end_before_start")
            left_out.setdefault(name, row)
        elif (end - start).days > MAX_CYCLE_DAYS:
            table.issue(row, "End", cell["End"], "the cycle is longer than 6 months; it was left out",
                        "cycle_too_long")
            left_out.setdefault(name, row)
        else:
            defined[name] = (start, end)
    return defined, left_out


def _teams(book: Workbook, issues: Issues) -> Columns:
    table = Table("Teams", book.tabs["Teams"], ("Team", "Mode"), ("Champion", "Champion e-mail"), issues)
    teams: dict[str, dict] = {}
    for row, cell in table.records():
        team = cells.text(cell["Team"])
        if not _new_id(table, row, "Team", team, teams, "team name"):
            continue
        mode = _read_or(table, row, cell, "Mode", lambda v: cells.word(v, TEAM_MODES, "mode"),
                        f"the team counts as {UNKNOWN_MODE}")
        if mode is None and not cells.text(cell["Mode"]):
            table.issue(row, "Mode", "", f"the team has no Mode ({' or '.join(TEAM_MODES)}); it counts as "
                        f"{UNKNOWN_MODE}", "missing_value")
        email = cells.text(cell.get("Champion e-mail")) or None
        if email and not EMAIL_ADDRESS.match(email):  # a nudge to it would bounce, or go astray
            table.issue(row, "Champion e-mail", email, "it is not an e-mail address; the champion gets no nudge",
                        "not_an_email")
            email = None
        teams[team] = {"team": team, "mode": mode or UNKNOWN_MODE,
                       "champion": cells.text(cell.get("Champion")) or None, "row": row, "champion_email": email}
    return Columns.of(list(teams.values()), ["team", "mode", "champion", "row", "champion_email"], {"row": "int"})


def _objectives(book: Workbook, cycles: dict, left_out_cycles: dict[str, int],
                issues: Issues) -> tuple[Columns, dict[str, str]]:
    """The loadable objectives, and for each one left out, why (its key results say so)."""
    table = Table("Objectives", book.tabs["Objectives"],
                  ("Objective ID", "Cycle", "Value stream", "Objective"), ("Theme", "Owner"), issues)
    objectives: dict[str, dict] = {}
    left_out: dict[str, str] = {}
    for row, cell in table.records():
        objective_id = cells.text(cell["Objective ID"])
        cycle = cycle_name(cells.text(cell["Cycle"]), cycles, left_out_cycles)
        stream = cells.text(cell["Value stream"])
        if not _new_id(table, row, "Objective ID", objective_id, objectives, "Objective ID"):
            continue
        if cycle not in cycles:
            window = calendar_cycle(cycle)
            if window is None:
                if not cycle:
                    problem, kind = "the objective has no Cycle", "missing_value"
                elif cycle in left_out_cycles:
                    problem = f"cycle '{cycle}' was left out (Cycles row {left_out_cycles[cycle]} says why)"
                    kind = "cycle_left_out"
                elif _CALENDAR_CYCLE.match(cycle) and cycle[:4].isdigit() and not (
                        cells.PLAUSIBLE_YEARS[0] <= int(cycle[:4]) <= cells.PLAUSIBLE_YEARS[1]):
                    problem, kind = f"cycle '{cycle}' has a year that cannot be meant", "implausible_date"
                else:
                    problem = (f"cycle '{cycle}' is neither a quarter like 2026-Q1, a half like 2026-H1, "
                               "nor defined in the Cycles tab")
                    kind = "unknown_cycle"
                table.issue(row, "Cycle", cell["Cycle"], problem + "; the objective was left out", kind)
                left_out.setdefault(objective_id, f"Objectives row {row}: {problem}")
                continue
            cycles[cycle] = window
        if not stream:
            table.issue(row, "Value stream", "", "the objective has no value stream; it was left out",
                        "missing_value")
            left_out.setdefault(objective_id, f"Objectives row {row}: it has no value stream")
            continue
        theme = _read_or(table, row, cell, "Theme", lambda v: cells.word(v, THEMES, "theme"), "it was left blank")
        objectives[objective_id] = {
            "objective_id": objective_id, "cycle": cycle, "value_stream": stream,
            "objective": cells.text(cell["Objective"]), "theme": theme,
            "owner": cells.text(cell.get("Owner")) or None, "row": row}
        left_out.pop(objective_id, None)
    frame = Columns.of(list(objectives.values()),
                       ["objective_id", "cycle", "value_stream", "objective", "theme", "owner", "row"], {"row": "int"})
    return frame, left_out


def _key_results(book: Workbook, objectives: Columns, left_out_objectives: dict[str, str],
                 teams: Columns, issues: Issues) -> tuple[Columns, set[str]]:
    """The loadable key results, and the IDs of rows left out (their check-ins need no issue)."""
    table = Table("Key results", book.tabs["Key results"],
                  ("KR ID", "Objective ID", "Team", "Key result", "Start", "Target"), ("Unit", "Type"), issues)
    known_objectives = set(objectives["objective_id"])
    known_teams = set(teams["team"])
    krs: dict[str, dict] = {}
    left_out: set[str] = set()
    for row, cell in table.records():
        kr_id = cells.text(cell["KR ID"])
        if not _new_id(table, row, "KR ID", kr_id, krs, "KR ID"):
            continue
        objective_id = cells.text(cell["Objective ID"])
        if objective_id not in known_objectives:
            left_out.add(kr_id)
            if objective_id in left_out_objectives:
                table.issue(row, "Objective ID", objective_id,
                            f"objective '{objective_id}' was itself left out ({left_out_objectives[objective_id]}); "
                            "the key result was left out with it", "objective_left_out")
            elif not objective_id:
                table.issue(row, "Objective ID", "", "the key result has no Objective ID; it was left out",
                            "missing_value")
            else:
                table.issue(row, "Objective ID", objective_id,
                            f"Objective ID '{objective_id}' is not in the Objectives tab; the key result was left out",
                            "unknown_objective")
            continue
        values = _required(table, row, cell, ("Start", "Target"), cells.number, "the key result")
        if values is None:
            left_out.add(kr_id)
            continue
        start_value, target = values
        kr_type = _read_or(table, row, cell, "Type", lambda v: cells.word(v, KR_TYPES, "type"),
                           f"it counts as {KR_TYPES[0]}") or KR_TYPES[0]
        if start_value == target and kr_type not in HEALTH_TYPES:  # a health KPI may start on its line
            left_out.add(kr_id)
            table.issue(row, "Target", cell["Target"],
                        "Target equals Start, so progress cannot be measured; the key result was left out",
                        "target_equals_start")
            continue
        team = cells.text(cell["Team"])
        if team not in known_teams:
            if team:
                close = difflib.get_close_matches(team, sorted(known_teams), n=1, cutoff=0.75) or \
                    [name for name in sorted(known_teams) if name.casefold() == team.casefold()]
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                table.issue(row, "Team", team, f"team '{team}' is not in the Teams tab{hint}; it counts as mode "
                                               f"{UNKNOWN_MODE}", "unknown_team")
            else:
                table.issue(row, "Team", team, f"the key result has no Team; it counts as mode {UNKNOWN_MODE}",
                            "missing_value")
        krs[kr_id] = {"kr_id": kr_id, "objective_id": objective_id, "team": team,
                      "key_result": cells.text(cell["Key result"]), "start_value": start_value,
                      "target": target, "unit": cells.text(cell.get("Unit")) or None,
                      "type": kr_type, "row": row}
    frame = Columns.of(list(krs.values()), ["kr_id", "objective_id", "team", "key_result", "start_value",
                                            "target", "unit", "type", "row"],
                       {"start_value": "float", "target": "float", "row": "int"})
    return frame, left_out


def _actions(book: Workbook, known: set[str], left_out: set[str], issues: Issues) -> Columns:
    columns, kinds = ["kr_id", "action", "status", "owner", "due", "row"], {"row": "int"}
    table = Table.optional_tab("Actions", book.tabs.get("Actions"), ("KR ID", "Action", "Status"),
                               ("Owner", "Due"), issues)
    if table is None:
        return Columns.of([], columns, kinds)
    actions = []
    for row, cell in table.records():
        kr_id = cells.text(cell["KR ID"])
        if kr_id in left_out:
            continue
        if kr_id not in known:
            if kr_id:
                table.issue(row, "KR ID", kr_id,
                            f"KR ID '{kr_id}' is not in the Key results tab; the action was left out", "unknown_kr")
            else:
                table.issue(row, "KR ID", kr_id, "the action has no KR ID; it was left out", "missing_value")
            continue
        status = _read_or(table, row, cell, "Status", lambda v: cells.word(v, ACTION_STATUSES, "status"),
                          "it was left blank")
        due = _read_or(table, row, cell, "Due", cells.date, "it was left blank")
        actions.append({"kr_id": kr_id, "action": cells.text(cell["Action"]), "status": status,
                        "owner": cells.text(cell.get("Owner")) or None, "due": due, "row": row})
    return Columns.of(actions, columns, kinds)


def parse(book: Workbook) -> Parsed:
    """Every tab read and validated; raises SourceError only for a workbook that cannot be used."""
    issues = Issues()
    for tab, problem in book.problems:
        issues.add(tab, 1, "", "", problem, "unreadable_tab")
    cycles, left_out_cycles = _cycles(book, issues)
    teams = _teams(book, issues)
    objectives, left_out_objectives = _objectives(book, cycles, left_out_cycles, issues)
    key_results, left_out = _key_results(book, objectives, left_out_objectives, teams, issues)
    cycle_of = dict(zip(objectives["objective_id"], objectives["cycle"]))
    windows: Windows = {kr_id: (cycle_of[objective_id], *cycles[cycle_of[objective_id]])
                        for kr_id, objective_id in zip(key_results["kr_id"], key_results["objective_id"])}
    checkins = read_checkins(book.tabs["Check-ins"], windows, left_out, issues)
    actions = _actions(book, set(key_results["kr_id"]), left_out, issues)
    notes = read_notes(book, checkins, set(key_results["kr_id"]), left_out, issues)
    cycle_frame = Columns.of([(name, *cycles[name]) for name in sorted(set(objectives["cycle"]) | set(cycles))],
                             ["cycle", "start_date", "end_date"])
    issue_frame = Columns.of([vars(issue) for issue in issues], [f.name for f in fields(Issue)], {"row": "int"})
    rows = {"Teams": len(teams), "Objectives": len(objectives), "Key results": len(key_results),
            "Check-ins": len(checkins), "Actions": len(actions), "Cycles": len(cycle_frame)}
    return Parsed(teams, cycle_frame, objectives, key_results, checkins, actions, notes, issue_frame, rows)
