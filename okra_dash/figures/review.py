"""The review as of a date: thresholds, the chosen cycles, and the named queries over them.

Pages, the report and the digest all read their figures through Review, so each
figure comes from one `sql/` file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

from okra_dash import queries
from okra_dash.validate.advice import DEFAULT_FIX, FIXES
from okra_dash.words import BANDS, DONE, HABITS, HEALTH_TYPES, MODES, STALL_REASONS, STATUSES, VALUE_CHANGES

if TYPE_CHECKING:
    import pandas as pd

# The words SQL returns as labels, bound into $review with the thresholds (SQL never spells a word).
REVIEW_WORDS = {"statuses": list(STATUSES), "stall_reasons": list(STALL_REASONS), "habits": list(HABITS),
                "value_changes": list(VALUE_CHANGES),
                "modes": list(MODES),
                "health_types": list(HEALTH_TYPES), "done_status": DONE, "band_names": [band for band, _ in BANDS],
                "band_starts": [float(start) for _, start in BANDS]}
# The fix for each kind of data issue (sql/issues.sql).
ADVICE = {"fix_kinds": list(FIXES), "fix_texts": list(FIXES.values()), "default_fix": DEFAULT_FIX}


@dataclass(frozen=True)
class Thresholds:
    """The contract's defaults; each can be changed (CLI flags, dashboard settings)."""

    on_track_margin: float = 0.10  # on track if progress >= expected - this
    at_risk_margin: float = 0.25  # at risk if progress >= expected - this
    movement_checkins: int = 3  # "no movement": the last this many check-ins carry one value
    no_checkin_days: int = 14  # "no check-in": none in this many days
    flat_elapsed: float = 1 / 3  # "flat at zero": from this share of the cycle on
    busy_done_actions: int = 3  # "busy without results": at least this many actions Done
    focus_max_objectives: int = 5  # focus warning above this many objectives per value stream

    @classmethod
    def names(cls) -> list[str]:
        return [field.name for field in dataclasses.fields(cls)]

    SHARES = ("on_track_margin", "at_risk_margin", "flat_elapsed")  # shares of the way; the rest are counts

    def problem(self, points: bool = False) -> str | None:
        """Why these thresholds cannot be used together, in one sentence, or None. points: the shares as the
        dashboard's inputs show them (10 points), not as the command line takes them (0.1)."""
        def shown(value: float) -> str:
            return f"{value * 100:g} points" if points else f"{value:g}"

        for name in self.SHARES:
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 <= value <= 1:
                return f"{name.replace('_', ' ')} must be a share between 0 and 1, not {value}."
        if self.at_risk_margin < self.on_track_margin:
            return (f"at risk margin ({shown(self.at_risk_margin)}) cannot be tighter than on track margin "
                    f"({shown(self.on_track_margin)}): at risk starts where on track ends.")
        for name in ("movement_checkins", "no_checkin_days", "busy_done_actions", "focus_max_objectives"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                return f"{name.replace('_', ' ')} must be a whole number of at least 1, not {value}."
        return None


class Review:
    """Figures as of one date for a set of cycles (default: the current ones)."""

    PARAMETERS = frozenset({"as_of", "cycles", "review", *ADVICE})  # what params binds: a query needing only these

    def __init__(self, con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None,
                 thresholds: Thresholds | None = None, cycles: list[str] | None = None, steps: list[dict] = ()):
        self.con = con
        self.steps = list(steps)  # the next steps recorded so far (okra_dash/store/next_steps.py), as stored
        self.as_of = as_of or dt.date.today()
        self.thresholds = thresholds or Thresholds()
        self.cycles = cycles or [row["cycle"] for row in self.current_cycles()]

    @property
    def params(self) -> dict[str, object]:
        review = {**dataclasses.asdict(self.thresholds), **REVIEW_WORDS}
        return {"as_of": self.as_of, "cycles": self.cycles, "review": review, **ADVICE}

    def frame(self, name: str, **extra: object) -> pd.DataFrame:
        """A named query's rows for this review, with the query's own parameters (a KR id, filters) if any."""
        return queries.frame(self.con, name, **self.params, **extra)

    def rows(self, name: str, **extra: object) -> list[dict]:
        """The same as plain dicts, without pandas (the report and the command line)."""
        return queries.rows(self.con, name, **self.params, **extra)

    def rows_many(self, names: list[str]) -> dict[str, list[dict]]:
        """Several named queries' rows on one cursor that measures the review once (sql/measured_once.sql): the
        report's 16 queries call kr_measures eleven times, and measuring once makes a report process at 10,000
        KRs 0.61 s instead of 0.73 s (bench compare)."""
        cursor = queries.cursor(self.con)
        try:
            queries.execute(cursor, "measured_once", **self.params)
            # TEMP comes first in the search path: on this cursor only, kr_measures reads what was measured. The
            # report's queries call it with only those two dates, and the same cycles and review.
            cursor.execute("CREATE OR REPLACE TEMP MACRO kr_measures(as_of, cycles, review) AS TABLE "
                           "SELECT * EXCLUDE (measured_on) FROM measured WHERE measured_on = CAST(as_of AS DATE)")
            return {name: queries.rows(cursor, name, **self.params) for name in names}
        finally:
            cursor.close()

    def unknown_cycles(self) -> list[str]:
        """The chosen cycles that the synced workbook does not have."""
        known = {row["cycle"] for row in queries.rows(self.con, "cycles", as_of=self.as_of)}
        return [name for name in self.cycles if name not in known]

    def current_cycles(self) -> list[dict]:
        return queries.rows(self.con, "current_cycles", as_of=self.as_of)

    def cycle_windows(self) -> list[dict]:
        """The reviewed cycles with their dates and elapsed share (the expected pace), oldest first."""
        return self.rows("cycle_windows")
