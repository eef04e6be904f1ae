"""The report: one JSON object, or the weekly digest in Markdown a leader pastes into an email."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re

from okra_dash.figures.review import Review
from okra_dash.source.typed import printable
from okra_dash.words import EMPTY_CELL, counted, format_number

# Characters that would turn sheet text into markup mid-line; text never starts a line here.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
DIGEST_LIMIT = 10  # rows per digest section before "and N more"
FIGURE_DECIMALS = 12


def _plain(value: object, dates_only: bool = False) -> object:
    """A value JSON can hold: NaN is null, dates are ISO, lists and structs hold plain values."""
    if isinstance(value, float):
        # 12 decimals: DuckDB adds in parallel, in no fixed order, so the 16th digit of an average can
        # differ between two runs over the same data; a report (and its replay) must not
        return round(value, FIGURE_DECIMALS) if math.isfinite(value) else None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if dates_only else value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


_PLAIN_ALREADY = {str, int, bool, type(None)}
_FLOATS = {float, type(None)}
_DATES = {dt.date, type(None)}


def records(rows: list[dict], columns: list[str] | None = None) -> list[dict]:
    """Query rows as plain JSON values; a timestamp column whose every value is a midnight shows dates."""
    if not rows:
        return []
    names = columns or list(rows[0])
    converted = []
    for name in names:
        values = [row[name] for row in rows]
        # A column holds one type (and nulls): the common ones are converted in one pass, as _plain would.
        kinds = set(map(type, values))
        if kinds <= _PLAIN_ALREADY:  # most columns: nothing to convert
            converted.append(values)
            continue
        if kinds <= _FLOATS:
            converted.append([round(value, FIGURE_DECIMALS) if value is not None and math.isfinite(value) else None
                              for value in values])
            continue
        if kinds <= _DATES:
            converted.append([value.isoformat() if value is not None else None for value in values])
            continue
        stamps = [value for value in values if isinstance(value, dt.datetime)]
        dates_only = bool(stamps) and all(value.time() == dt.time() for value in stamps)
        converted.append([_plain(value, dates_only) for value in values])
    return [dict(zip(names, row)) for row in zip(*converted)]


# What the report holds, each from its named query (read all at once: Review.rows_many).
REPORTED = ("key_results", "sync_log", "headline", "value_streams", "split", "busy_without_results", "focus",
            "moved_targets", "rewritten", "late_checkins", "changes", "champions", "trajectory", "estimation",
            "habits", "issues")


def report(review: Review, as_seen: dt.datetime | None = None) -> dict:
    """Everything the review shows as of its date, as plain data; as_seen: the moment it was replayed as."""
    rows = review.rows_many(list(REPORTED))
    key_results = [{("start" if name == "start_value" else name): value for name, value in row.items()}
                   for row in rows["key_results"]]
    last = rows["sync_log"][:1]
    return {
        "as_of": review.as_of.isoformat(),
        "as_seen": as_seen.isoformat(timespec="seconds") if as_seen else None,
        "cycles": review.cycles,
        "cycle_windows": records(review.cycle_windows(), ["cycle", "start_date", "end_date", "elapsed"]),
        "thresholds": dataclasses.asdict(review.thresholds),
        "last_sync": records(last)[0] if last else None,
        "key_results": records(key_results),
        "headline": {row["moment"]: {k: v for k, v in row.items() if k != "moment"}
                     for row in records(rows["headline"])},
        "value_streams": records(rows["value_streams"]),
        "split": {row["mode"]: {k: v for k, v in row.items() if k != "mode"}
                  for row in records(rows["split"])},
        "busy_without_results": records(rows["busy_without_results"]),
        "focus": records(rows["focus"]),
        "moved_targets": records(rows["moved_targets"]),
        "rewritten": records(rows["rewritten"], ["kr_id", "week", "before", "after", "seen_at"]),
        "late_checkins": records(rows["late_checkins"]),
        "changes": records(rows["changes"]),
        "champions": records(rows["champions"]),
        "trajectory": records(rows["trajectory"]),
        "estimation": records(rows["estimation"]),
        "habits": records(rows["habits"]),
        "issues": records(rows["issues"], ["tab", "row", "column", "value", "problem", "kind"]),
    }


_JSON_CONTROLS = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}


def as_json(review: Review, as_seen: dt.datetime | None = None) -> str:
    """One JSON object on one line (pipe it to `jq` to read it)."""
    # Strict JSON: a NaN or infinity would be a bug, never output (allow_nan=False raises instead).
    # Text as typed: json escapes C0 controls itself; DEL and C1 controls (a terminal's CSI) are escaped too.
    return json.dumps(report(review, as_seen), ensure_ascii=False, allow_nan=False).translate(_JSON_CONTROLS)


def md(text: object) -> str:
    """Sheet text as Markdown that shows exactly what was typed, never markup."""
    flat = " ".join(printable(str(text if text is not None else "")).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _ENTITY.sub("&amp;", flat)).replace("<", "&lt;")


def pct(value: object) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0%}"


def stalled_longest_first(key_results: list[dict]) -> list[dict]:
    """The stalled key results, the longest unchanged first: the order every digest lists them in."""
    return sorted((kr for kr in key_results if kr["stalled"]), key=lambda kr: -kr["weeks_since_change"])


def _stream_figures(stream: dict) -> str:
    """A stream's progress against its pace, and how many of its health KRs keep their line."""
    parts = []
    if stream["progress"] is not None:
        parts.append(f"{pct(stream['progress'])} against {pct(stream['expected'])} expected")
    health = stream["kept"] + stream["breached"]
    if health:
        parts.append(f"{stream['kept']} of {counted(health, 'health key result')} kept")
    return "; ".join(parts)


def change(now, before, key: str) -> int:
    """A headline count's change since last week (now, before: the headline's two rows), as every page and
    digest shows it."""
    return int(now[key] - before[key])


def points_change(now, before, key: str) -> int | None:
    """A headline share's change since last week in whole points, each share rounded as it is shown (50 % then
    67 %: +17); None when either week has no share."""
    shares = now[key], before[key]
    if any(share is None or share != share for share in shares):
        return None
    return round(shares[0] * 100) - round(shares[1] * 100)


def _since(now: dict, before: dict, key: str) -> str:
    moved = change(now, before, key)
    return f" ({moved:+d} since last week)" if moved else " (as last week)"


def typed_over(rewritten: list[dict]) -> list[dict]:
    """The rewritten values that replaced or cleared a value (not those first filled in after the week, which
    the late check-ins count): what the digests list."""
    return [r for r in rewritten if r["before"] is not None]


def number(value: float | None) -> str:
    """A value as typed, or "(empty)" for a cell with none."""
    return EMPTY_CELL if value is None else format_number(value)


def _more(rows: list, lines: list[str]) -> list[str]:
    if len(rows) > DIGEST_LIMIT:
        lines.append(f"- … and {len(rows) - DIGEST_LIMIT} more")
    return lines


def _heading(text: str) -> list[str]:
    """A Markdown heading that reads as one in plain text too (underlined, not prefixed with #)."""
    return ["", text, "-" * len(text), ""]


def as_markdown(review: Review, data: dict | None = None) -> str:
    """The weekly digest: Markdown that also reads well pasted into an e-mail as plain text (headings
    underlined, lists instead of tables, no bold markers); from `data` when the report is already made."""
    data = data or report(review)
    krs, streams = data["key_results"], data["value_streams"]
    now, before = data["headline"]["now"], data["headline"]["last week"]
    stalled = stalled_longest_first(krs)
    split = data["split"]
    windows = "; ".join(f"{md(c['cycle'])} ({c['start_date']} to {c['end_date']}), {pct(c['elapsed'])} of the way "
                        "through" for c in data["cycle_windows"])
    title = f"OKR weekly review, as of {data['as_of']}" + (
        f", as seen on {data['as_seen'].replace('T', ' ')}" if data.get("as_seen") else "")
    out = [title, "=" * len(title), "", f"Cycle {windows}.", "",
           f"- {now['on_track']} of {counted(now['key_results'], 'key result')} on track"
           f"{_since(now, before, 'on_track')}, {now['at_risk']} at risk, {now['off_track']} off track.",
           f"- {now['streams_behind']} of {counted(now['streams'], 'value stream')} behind pace"
           f"{_since(now, before, 'streams_behind')}.",
           f"- {counted(now['stalled'], 'key result')} stalled{_since(now, before, 'stalled')}."]
    if any(split[mode]["key_results"] for mode in split):
        shown = ", ".join(f"{mode} teams {pct(split[mode]['checkin_discipline'])}"
                          for mode in split if split[mode]["key_results"])
        out.append(f"- Check-in discipline: {shown}.")
    out += _heading("Value streams")
    out += [f"- {md(vs['value_stream'])}: {_stream_figures(vs)}, {vs['status']} "
            f"({counted(vs['key_results'], 'key result')})" for vs in streams] or ["- None."]
    out += _heading("Stalled key results")
    out += [f"- {md(kr['kr_id'])} {md(kr['key_result'])} ({md(kr['team'])}, {md(kr['value_stream'])}): "
            f"{', '.join(kr['stalled'])}; {counted(kr['weeks_since_change'], 'week')} since last change"
            + (f"; the team said (week of {kr['note_week']}): \"{md(kr['note'])}\"" if kr.get("note") else "")
            for kr in stalled[:DIGEST_LIMIT]] or ["- None."]
    _more(stalled, out)
    out += _heading("What changed since last week")
    changes = data["changes"]
    out += [f"- {md(c['kr_id'])} {md(c['key_result'])} ({md(c['team'])}): "
            + "; ".join(part for part in (
                f"{c['status_before']} → {c['status_now']}" if c["status_before"] != c["status_now"] else "",
                f"newly stalled: {', '.join(c['new_stalls'])}" if c["new_stalls"] else "") if part)
            for c in changes[:DIGEST_LIMIT]] or ["- No status changes and no new stalls."]
    _more(changes, out)
    if data["busy_without_results"]:
        out += _heading("Busy without results")
        out += [f"- {md(b['kr_id'])} {md(b['key_result'])} ({md(b['team'])}): "
                f"{counted(b['done_actions'], 'action')} done, progress {pct(b['progress'])} against "
                f"{pct(b['expected'])} expected"
                for b in data["busy_without_results"]]
    if data["moved_targets"]:
        out += _heading("Targets moved mid-cycle")
        out += [f"- {md(m['kr_id'])} {md(m['key_result'])}: {number(m['previous_target'])} → {number(m['new_target'])} "
                f"(seen {m['seen_at'][:10]})" for m in data["moved_targets"]]
    rewritten = typed_over(data["rewritten"])
    if rewritten:
        out += _heading("Past weeks changed after they ended")
        out += [f"- {md(r['kr_id'])}, week of {r['week']}: {number(r['before'])} → {number(r['after'])} "
                f"(seen {r['seen_at'][:16].replace('T', ' ')})" for r in rewritten[:DIGEST_LIMIT]]
        _more(rewritten, out)
    late = [t for t in data["late_checkins"] if t["late"]]
    if late:
        out += _heading("Check-ins that came more than a week late")
        out += [f"- {md(t['team'])}: {t['late']} of {t['checkins']} ({pct(t['share_late'])}), up to "
                f"{counted(t['most_days_late'], 'day')} after the week" for t in late]
    if data["focus"]:
        out += _heading("Focus")
        out += [f"- {md(f['value_stream'])} has {counted(f['objectives'], 'objective')} in {md(f['cycle'])} (at most "
                f"{review.thresholds.focus_max_objectives} keep focus)" for f in data["focus"]]
    out += _heading("OKR and KPI teams")
    out += [f"- {mode} teams: {counted(s['teams'], 'team')}, {counted(s['key_results'], 'key result')}, "
            f"progress {pct(s['progress'])}, "
            f"{pct(s['on_track_share'])} on track, check-in discipline {pct(s['checkin_discipline'])}"
            for mode, s in split.items()]
    issues = data["issues"]
    out += _heading(f"Data issues to fix ({len(issues)})")
    out += [f"- {md(i['tab'])} row {i['row']}, column {md(i['column']) or '–'}: “{md(i['value'])}”: {md(i['problem'])}"
            for i in issues[:DIGEST_LIMIT]] or ["- None: every cell could be read."]
    _more(issues, out)
    return printable("\n".join(out) + "\n")
