"""How the pages' tables show figures, so a figure looks the same everywhere.

Streamlit draws a progress column's bars in one colour, so the bars are neutral and the status
column carries the status colour (the charts' palette: green, amber, red). Shares are shown as
whole percentages, rounded as the headline rounds them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from okra_dash.words import (
    HEALTH_TYPES,
    SIGNIFICANT_DIGITS,
    SPLIT_MEASURES,
    STATUS_MARKS,
    format_number,
    percent,
    week_of,
)

# What a table shows for a missing value (no note, no due date, no late check-in, no such cycle): Streamlit's
# default is a grey "None", which people read as a word.
MISSING = "–"

SHARES = ("progress", "progress_clamped", "on_track_share", "checkin_discipline", "achievement", "share_late")
BAR = dict(format="%d%%", min_value=0, max_value=100, color="#78909c")
# A value as typed, as words.format_number writes it: a formula's float noise (0.1 + 0.2 = 0.30000000000000004)
# is not shown and no digit a person typed is lost.
TYPED = f"%.{SIGNIFICANT_DIGITS}g"

KR_COLUMNS = {
    "kr_id": st.column_config.TextColumn("KR", width="small", pinned=True),
    "key_result": st.column_config.TextColumn("Key result", width="medium"),
    "value_stream": st.column_config.TextColumn("Value stream", width=170),  # "Brick-and-mortar stores" whole
    "objective_id": st.column_config.TextColumn("Objective", width="small"),
    "team": st.column_config.TextColumn("Team", width=140),  # "small" (75 px) cut "Growth marketing" to "Growth mar"
    "mode": st.column_config.TextColumn("Mode", width="small"),
    "status": st.column_config.TextColumn("Status", width=105),  # "🔴 off track" whole
    "current": st.column_config.NumberColumn("Current", format=TYPED, width="small"),
    "start_value": st.column_config.NumberColumn("Start", format=TYPED, width="small"),
    "target": st.column_config.NumberColumn("Target", format=TYPED, width="small"),
    "progress": st.column_config.ProgressColumn("Progress", width="small", **BAR),
    "progress_clamped": st.column_config.ProgressColumn("Progress", width="small", **BAR),
    "expected": st.column_config.TextColumn("Expected", width="small",
                                            help="The expected pace; for a health KR, the line it holds"),
    "stalled": st.column_config.TextColumn("Stalled because", width="medium"),
    "weeks_since_change": st.column_config.NumberColumn("Weeks unchanged", format="%d", width=125,
                                                        help="Weeks since the value last changed"),
    "last_checkin": st.column_config.DateColumn("Last check-in", width="small"),
    "done_actions": st.column_config.NumberColumn("Actions done", format="%d", width="small"),
    "on_track_share": st.column_config.ProgressColumn(SPLIT_MEASURES["on_track_share"], width="small", **BAR),
    "checkin_discipline": st.column_config.ProgressColumn(SPLIT_MEASURES["checkin_discipline"], width="small", **BAR),
    "achievement": st.column_config.NumberColumn("Final achievement", format="%d%%", width=135),  # its title whole
    "confidence": st.column_config.TextColumn("Confidence", width="small",
                                              help="How sure the team is, 0 to 10: the latest they gave"),
    "note": st.column_config.TextColumn("Latest note", width="medium", help="What the team last said, and when"),
    "link": st.column_config.LinkColumn("In the sheet", display_text="open", width="small"),
}


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy to display: statuses with their colour mark, shares as whole percents, lists as text."""
    out = frame.copy()
    if "note" in out.columns and "note_week" in out.columns:  # what was said, and for which week
        out["note"] = [f"{note} ({week_of(week)})" if isinstance(note, str) else ""
                       for note, week in zip(out["note"], out["note_week"])]
    if "confidence" in out.columns:  # text, so a KR without one shows nothing rather than "None"
        out["confidence"] = [f"{value:g}/10" if value == value and value is not None else ""
                             for value in out["confidence"]]
    if "expected" in out.columns:
        needed = [name for name in ("health", "type", "target", "expected") if name in frame.columns]
        out["expected"] = [expected(row) for row in frame[needed].to_dict("records")]  # not every column: faster
    for column in SHARES:
        if column in out.columns:
            out[column] = (pd.to_numeric(out[column], errors="coerce") * 100).round()
    for column in ("status", "status_now", "status_before"):
        if column in out.columns:
            out[column] = out[column].map(status_label)
    for column in ("stalled", "new_stalls"):
        if column in out.columns:
            out[column] = out[column].map(reasons)
    return out


def expected(kr: dict) -> str:
    """The expected pace as a whole percent, or a health KR's line: "≥ 90" (Keep above), "≤ 10" (Keep below)."""
    if kr.get("health"):
        return f"{'≥' if kr.get('type') == HEALTH_TYPES[0] else '≤'} {format_number(kr['target'])}"
    return percent(kr.get("expected"))


def status_label(status: object) -> object:
    return f"{STATUS_MARKS[status]} {status}" if status in STATUS_MARKS else status


def reasons(value: object) -> object:
    """A list of stall reasons as plain text: 'no movement; flat at zero' (a count stays a count)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(str(reason) for reason in value)
    return value

