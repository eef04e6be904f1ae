"""The sidebar on every page: cycle, as-of date, thresholds, source, last sync and "Sync now"."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st

from okra_dash import store
from okra_dash.errors import SourceError
from okra_dash.figures.review import Thresholds
from okra_dash.store import StoreError, default_path, version
from okra_dash.ui import data, state
from okra_dash.ui.data import View
from okra_dash.ui.text import md
from okra_dash.words import counted

THRESHOLD_LABELS = {
    "on_track_margin": "On track within (points below the pace)",
    "at_risk_margin": "At risk within (points below the pace)",
    "movement_checkins": "'No movement': last N check-ins equal",
    "no_checkin_days": "'No check-in': none in N days",
    "flat_elapsed": "'Flat at zero': from this % of the cycle",
    "busy_done_actions": "'Busy without results': N actions done",
    "focus_max_objectives": "Focus: at most N objectives per value stream",
}


AS_OF = state.Param("as_of", "as_of", read=dt.date.fromisoformat, show=dt.date.isoformat)
CYCLES = state.Param("cycle", "cycles", many=True)
LATEST = "Latest sync"


def _as_seen_param() -> state.Param:
    """as_seen in the link: any moment (a date is the end of that day), shown as the last sync at or
    before it (store.sync_seen_at, as `report --as-seen` finds it), whose exact time the link then holds."""
    def snap(text: str) -> dt.datetime:
        try:
            return store.sync_seen_at(default_path(), store.moment(text))[1]
        except (store.NoDataError, StoreError):
            raise ValueError(text) from None

    return state.Param("as_seen", "as_seen", read=snap, show=lambda moment: moment.isoformat(timespec="seconds"))


def _follow_seen() -> None:
    """Picking a past sync shows the review of that sync's day, the meeting it was made for."""
    seen = st.session_state.get("as_seen")
    st.session_state["as_of"] = seen.date() if isinstance(seen, dt.datetime) else dt.date.today()


def render() -> View:
    sidebar = st.sidebar
    choices, sync_box = sidebar.container(), sidebar.container()
    _sync_controls(sync_box)  # first, so that a sync now shows in this very run
    date_box, seen_box = choices.container(), choices.container()  # drawn in this order, filled seen first
    syncs = data.replayable()
    moments = list(syncs)
    as_seen = _as_seen_param()
    state.seed(as_seen, [LATEST, *moments], default=LATEST, what="as seen on")
    picked = seen_box.selectbox(
        "As seen on", [LATEST, *moments], key="as_seen", on_change=_follow_seen,
        format_func=lambda m: m if m == LATEST else f"{m:%a %d %b %Y %H:%M} (sync {syncs[m]})",
        help="Show the review exactly as a past sync saw the sheet, e.g. last Monday's meeting; later edits "
             "are not shown.")
    state.publish(as_seen, picked, default=LATEST)
    seen = None if picked == LATEST else picked
    state.seed(AS_OF, default=seen.date() if seen else dt.date.today(), what="as-of date")
    as_of = date_box.date_input("As of", key="as_of", help="Every figure is computed as of this date.")
    state.publish(AS_OF, as_of)
    seen_id = syncs[seen] if seen else None
    cycles = data.unfiltered("cycles", as_of, seen_id)
    names = cycles["cycle"].tolist()
    current = data.unfiltered("current_cycles", as_of, seen_id)["cycle"].tolist()
    state.seed(CYCLES, names, what="cycle")
    # No choice means "the cycles of the as-of date": the cycle follows the date unless someone picks one.
    chosen = choices.multiselect("Cycle", names, key="cycles", placeholder=f"{', '.join(current)} (as of the date)",
                                 help="Leave empty to follow the as-of date; pick cycles to compare or look back.")
    state.publish(CYCLES, chosen)
    undrawn = state.folded_last_run("thresholds_open")  # read before fold() records this run
    thresholds = _thresholds(state.fold(choices, "Thresholds", "thresholds_open"), undrawn)
    path = default_path()
    return View(str(path), version(path), as_of, tuple(chosen or current), thresholds, seen_id, seen)


_THRESHOLDS_KEPT = "_thresholds_kept"  # the values set, in force while the expander is folded and its inputs not drawn


def _typed(name: str, value: float) -> float:
    """A threshold as its input shows it: a share of the way in points (0.1 is 10), a count as it is."""
    return round(value * 100, 1) if name in Thresholds.SHARES else value


def _reset_thresholds() -> None:
    for name in THRESHOLD_LABELS:
        st.session_state[f"threshold_{name}"] = _typed(name, getattr(Thresholds(), name))
    st.session_state[_THRESHOLDS_KEPT] = {}


def _thresholds(box, undrawn: bool) -> Thresholds:
    """The thresholds in force: the ones set here when they make sense together, else the defaults. Folded
    (state.fold), the seven inputs are not drawn and the values set stay in force from where they are kept;
    undrawn: the last run did not draw them."""
    defaults = Thresholds()
    ss = st.session_state
    kept = ss.setdefault(_THRESHOLDS_KEPT, {})
    values = {name: kept.get(name, getattr(defaults, name)) for name in THRESHOLD_LABELS}
    if box.open:
        for name, label in THRESHOLD_LABELS.items():
            whole = isinstance(getattr(defaults, name), int)
            key = f"threshold_{name}"
            if undrawn or key not in ss:  # Streamlit forgot or kept a stale value while it was not drawn
                ss[key] = _typed(name, values[name])
            typed = box.number_input(label, step=1 if whole else 1.0, min_value=1 if whole else 0.0,
                                     max_value=None if whole else 100.0, format=None if whole else "%.1f", key=key)
            values[name] = typed if whole else round(typed / 100, 4)
        kept.update(values)
    chosen = dataclasses.replace(defaults, **values)
    problem = chosen.problem(points=True)
    if box.open and problem:
        box.error(f"{problem[0].upper()}{problem[1:]} The defaults are used.", icon=":material/tune:")
    if box.open and chosen != defaults:
        box.button("Reset to the defaults", on_click=_reset_thresholds, key="reset_thresholds")
    return defaults if problem else chosen


def _sync_controls(box) -> None:
    box.divider()
    last = data.last_sync()
    if last:
        when = pd.Timestamp(last["synced_at"]).strftime("%Y-%m-%d %H:%M")
        box.caption("Source")
        box.text(last["source"])
        box.caption(f"Last synced {when}, {counted(last['issues'], 'data issue')}")
    sync_now(box)


def sync_now(box) -> None:
    """The Sync now button and what it says while it syncs."""
    source = data.sync_source()
    if box.button("Sync now", key="sync_now", help=f"Read {md(source)} again"):
        with box.status("Syncing…", expanded=True) as status:
            try:
                result = data.run_sync(source, say=status.text)
            except (SourceError, StoreError) as error:
                status.update(label="Sync failed: the previous data is kept", state="error")
                box.error(md(str(error)))
            else:
                # Run the whole script again, so the last-sync line and every figure show this sync.
                st.session_state["_synced"] = (f"Synced {counted(result.rows['Key results'], 'key result')}, "
                                               f"{counted(result.issues, 'data issue')}")
                if result.moved_aside:
                    st.session_state["_synced"] += f"; the unreadable file was kept as {result.moved_aside}"
                st.rerun()
    if "_synced" in st.session_state:
        box.success(st.session_state.pop("_synced"), icon=":material/sync:")
