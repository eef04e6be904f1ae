"""Column settings shared by the pages' tables, so a figure looks the same everywhere."""

from __future__ import annotations

import math

import streamlit as st

KR_COLUMNS = {
    "kr_id": st.column_config.TextColumn("KR"),
    "key_result": st.column_config.TextColumn("Key result", width="medium"),
    "value_stream": "Value stream",
    "objective_id": "Objective",
    "team": "Team",
    "mode": "Mode",
    "status": "Status",
    "current": st.column_config.NumberColumn("Current", format="%g"),
    "start_value": st.column_config.NumberColumn("Start", format="%g"),
    "target": st.column_config.NumberColumn("Target", format="%g"),
    "progress": st.column_config.ProgressColumn("Progress", format="percent", min_value=0, max_value=1),
    "progress_clamped": st.column_config.ProgressColumn("Progress", format="percent", min_value=0, max_value=1),
    "expected": st.column_config.NumberColumn("Expected", format="percent"),
    "stalled": st.column_config.ListColumn("Stalled"),
    "weeks_since_change": st.column_config.NumberColumn("Weeks since last change", format="%d"),
    "last_checkin": st.column_config.DateColumn("Last check-in"),
    "done_actions": st.column_config.NumberColumn("Actions done", format="%d"),
    "on_track_share": st.column_config.ProgressColumn("On track", format="percent", min_value=0, max_value=1),
    "checkin_discipline": st.column_config.ProgressColumn("Check-in discipline", format="percent",
                                                          min_value=0, max_value=1),
    "link": st.column_config.LinkColumn("In the sheet", display_text="open"),
}


def percent(value: float | None) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0%}"
