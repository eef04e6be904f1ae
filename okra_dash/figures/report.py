"""The report: every figure of a review as data (plain Python values), and as the contract's one JSON object.

The digest (okra_dash/digest.py) writes it as text for people."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math

from okra_dash.figures.next_steps import followed_up
from okra_dash.figures.review import Review

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


# What the report holds, each from its named query, all on the review's one connection.
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
        "trajectory": records(rows["trajectory"], ["value_stream", "cycle", "week", "progress", "expected"]),
        "estimation": records(rows["estimation"]),
        "habits": records(rows["habits"]),
        "issues": records(rows["issues"], ["tab", "row", "column", "value", "problem", "kind"]),
        "next_steps": followed_up(review, review.steps, as_seen, rows["key_results"]),
    }


_JSON_CONTROLS = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}


def as_json(review: Review, as_seen: dt.datetime | None = None) -> str:
    """One JSON object on one line (pipe it to `jq` to read it)."""
    # Strict JSON: a NaN or infinity would be a bug, never output (allow_nan=False raises instead).
    # Text as typed: json escapes C0 controls itself; DEL and C1 controls (a terminal's CSI) are escaped too.
    return json.dumps(report(review, as_seen), ensure_ascii=False, allow_nan=False).translate(_JSON_CONTROLS)


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


