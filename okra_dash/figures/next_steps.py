"""Next steps followed up (contract section 6): which steps stand open at the review's moment, and for each the
key result's status when it was recorded and now, whether it moved since, and whether the step is overdue.

The steps themselves are kept by okra_dash/store/next_steps.py; this module only measures them against the
review, so the report, the digest, the nudges and every page show the same figures."""

from __future__ import annotations

import datetime as dt

from okra_dash.figures.review import Review

FOLLOWED_UP = ("status_then", "status_now", "moved_since", "overdue")


def moment_of(review: Review, as_seen: dt.datetime | None = None) -> dt.datetime:
    """The review's moment: the --as-seen moment, else the end of the as-of date."""
    return as_seen or dt.datetime.combine(review.as_of, dt.time(23, 59, 59))


def problem(owners: list[dict], kr_id: str, team: str | None, next_step: str) -> str | None:
    """Why a step cannot be recorded, in one sentence, or None: an unknown key result or team, or no next step
    (a step says what happens next). owners: sql/step_owners.sql's rows."""
    if kr_id not in {row["name"] for row in owners if row["kind"] == "kr"}:
        return f"There is no key result '{kr_id}' in the synced workbook."
    if team is not None and team not in {row["name"] for row in owners if row["kind"] == "team"}:
        return f"There is no team '{team}' in the synced workbook (its Teams tab and key results)."
    if not next_step.strip():
        return "The next step is empty: say what happens next."
    return None


def team_of(owners: list[dict], kr_id: str) -> str | None:
    """A step's team when none is given: its key result's."""
    return next((row["team"] for row in owners if row["kind"] == "kr" and row["name"] == kr_id), None)


def followed_up(review: Review, steps: list[dict], as_seen: dt.datetime | None = None,
                key_results: list[dict] | None = None) -> list[dict]:
    """The steps recorded at or before the review's moment and not closed by then, for key results of the
    reviewed cycles, oldest first, each with FOLLOWED_UP. A step closed after the moment is shown as it stood
    then: open. key_results: the review's own rows, when the caller has them already."""
    moment = moment_of(review, as_seen).isoformat(timespec="seconds")
    now = {row["kr_id"]: row for row in (key_results if key_results is not None else review.rows("key_results"))}
    shown = [step for step in steps if step["kr_id"] in now and step["recorded_at"] <= moment
             and (step["closed_at"] is None or step["closed_at"] > moment)]
    shown.sort(key=lambda step: (step["recorded_at"], step["id"]))
    days = sorted({dt.date.fromisoformat(step["recorded_at"][:10]) for step in shown})
    then = {day: {row["kr_id"]: row for row in Review(review.con, day, review.thresholds, review.cycles)
                  .rows("key_results")} for day in days}
    recorded = [then[dt.date.fromisoformat(step["recorded_at"][:10])].get(step["kr_id"], {}) for step in shown]
    if not shown:
        return []
    moves = review.rows("next_step_moves", kr_ids=[step["kr_id"] for step in shown],
                        recorded_on=[step["recorded_at"][:10] for step in shown],
                        values_then=[kr.get("current") for kr in recorded])
    return [{**step, "closed_at": None,
             "status_then": kr_then.get("status"), "status_now": now[step["kr_id"]]["status"],
             "moved_since": bool(move["moved_since"]), "overdue": step["due"] < review.as_of.isoformat()}
            for step, kr_then, move in zip(shown, recorded, moves)]
