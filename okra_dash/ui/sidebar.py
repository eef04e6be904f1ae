"""The sidebar on every page: cycle, as-of date, thresholds, source, last sync and "Sync now"."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st

from okra_dash.errors import SourceError
from okra_dash.review import Thresholds
from okra_dash.store import StoreError, version
from okra_dash.ui import data
from okra_dash.ui.data import View

THRESHOLD_LABELS = {
    "on_track_margin": "On track within (share below the pace)",
    "at_risk_margin": "At risk within (share below the pace)",
    "movement_checkins": "'No movement': last N check-ins equal",
    "no_checkin_days": "'No check-in': none in N days",
    "flat_elapsed": "'Flat at zero': from this share of the cycle",
    "busy_done_actions": "'Busy without results': N actions done",
    "focus_max_objectives": "Focus: at most N objectives per value stream",
}


def render() -> View:
    sidebar = st.sidebar
    choices, sync_box = sidebar.container(), sidebar.container()
    _sync_controls(sync_box)  # first, so that a sync now shows in this very run
    as_of = choices.date_input("As of", value=dt.date.today(), key="as_of",
                               help="Every figure is computed as of this date.")
    cycles = data.unfiltered("cycles", as_of)
    names = cycles["cycle"].tolist()
    current = data.unfiltered("current_cycles", as_of)["cycle"].tolist()
    default = names.index(current[0]) if current and current[0] in names else 0
    cycle = choices.selectbox("Cycle", names, index=default, key="cycle",
                              format_func=lambda name: f"{name} (current)" if name in current else name)
    with choices.expander("Thresholds"):
        defaults = Thresholds()
        values = {}
        for name, label in THRESHOLD_LABELS.items():
            default_value = getattr(defaults, name)
            step = 0.05 if isinstance(default_value, float) else 1
            values[name] = st.number_input(label, value=default_value, step=step, min_value=type(default_value)(0),
                                           key=f"threshold_{name}")
    thresholds = dataclasses.replace(defaults, **values)
    path = data.db_path()
    return View(str(path), version(path), as_of, (cycle,) if cycle else (), thresholds)


def _sync_controls(box) -> None:
    box.divider()
    last = data.last_sync()
    if last:
        when = pd.Timestamp(last["synced_at"]).strftime("%Y-%m-%d %H:%M")
        box.caption("Source")
        box.text(last["source"])
        box.caption(f"Last synced {when}, {last['issues']} data issues")
    sync_now(box)


def sync_now(box) -> None:
    """The Sync now button and what it says while it syncs."""
    source = data.sync_source()
    if box.button("Sync now", key="sync_now", help=f"Read {source} again"):
        with box.status("Syncing…", expanded=True) as status:
            try:
                result = data.run_sync(source, say=status.text)
            except (SourceError, StoreError) as error:
                status.update(label="Sync failed: the previous data is kept", state="error")
                box.error(str(error))
            else:
                # Run the whole script again, so the last-sync line and every figure show this sync.
                st.session_state["_synced"] = (f"Synced {result.rows['Key results']} key results, "
                                               f"{result.issues} data issues")
                if result.moved_aside:
                    st.session_state["_synced"] += f"; the unreadable file was kept as {result.moved_aside}"
                st.rerun()
    if "_synced" in st.session_state:
        box.success(st.session_state.pop("_synced"), icon=":material/sync:")
