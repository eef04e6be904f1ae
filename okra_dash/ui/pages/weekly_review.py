"""Weekly review (for leaders): headline with change since last week, value streams against pace,
what changed, busy without results, moved targets, focus warnings."""

import pandas as pd
import streamlit as st

from okra_dash import charts
from okra_dash.figures.report import change, points_change
from okra_dash.ui import data, drawn, steps, tables
from okra_dash.ui.text import md
from okra_dash.words import counted

view = data.current_view()

limits = view.thresholds
windows = view.frame("cycle_windows")
head = view.frame("headline").set_index("moment")
now, before = head.loc["now"], head.loc["last week"]

st.title("Weekly review")
elapsed = "; ".join(f"{md(w.cycle)} {w.elapsed:.0%} elapsed" for w in windows.itertuples())
st.caption(f"As of {view.as_of:%Y-%m-%d} · {elapsed}: that share is the expected pace.")

on_track = f"{limits.on_track_margin * 100:g}"
at_risk = f"{limits.at_risk_margin * 100:g}"
cols = st.columns(3)
cols[0].metric("On track", int(now["on_track"]), change(now, before, "on_track"),
               help=f"Key results at or within {on_track} points of the expected pace. Change since last week.")
cols[1].metric("At risk", int(now["at_risk"]), change(now, before, "at_risk"), delta_color="inverse",
               help=f"Key results {on_track} to {at_risk} points behind the expected pace.")
cols[2].metric("Off track", int(now["off_track"]), change(now, before, "off_track"),
               delta_color="inverse", help=f"Key results more than {at_risk} points behind the expected pace.")
cols = st.columns(3)
cols[0].metric("Streams behind", f"{int(now['streams_behind'])} of {int(now['streams'])}",
               change(now, before, "streams_behind"), delta_color="inverse",
               help=f"Value streams whose mean progress is more than {on_track} points behind their expected pace "
                    "(a stream of health key results only: one of them breached).")
cols[1].metric("Stalled", int(now["stalled"]), change(now, before, "stalled"),
               delta_color="inverse", help="Key results with no movement, no check-in or still at zero.")
moved = points_change(now, before, "checked_in_last_week")
week = pd.Timestamp(now["last_full_week"])
# Streamlit draws a text delta as a rise unless it starts with "-": no change is grey, without an arrow.
cols[2].metric("Checked in last week", tables.percent(now["checked_in_last_week"]),
               None if moved is None else f"{moved:+.0f} pts" if moved else "0 pts",
               delta_color="normal" if moved else "off", delta_arrow="auto" if moved else "off",
               help=f"The week of {week:%d %b} (Monday to Sunday), the last complete one: the share of the "
                    "cycle's key results with a value for it, against the week before. Both weeks are complete, "
                    "so the meeting's Monday shows no drop for the calendar alone.")

streams = view.frame("value_streams")
if streams.empty:
    st.info("This cycle has no key results yet.")
else:
    drawn.chart(st, charts.value_stream_progress, streams, width="stretch")
    weeks = view.frame("trajectory")
    drawn.chart(st, charts.trajectory, weeks[weeks["value_stream"].isna()],
                "The cycle week by week", "progress of all pace key results against the pace", width="stretch")

for problem in view.frame("focus").itertuples():
    st.warning(f"Focus: {md(problem.value_stream)} has {counted(problem.objectives, 'objective')} in "
               f"{md(problem.cycle)}; "
               f"at most {limits.focus_max_objectives} keep a value stream focused.",
               icon=":material/center_focus_weak:")

# What the last reviews agreed and is due by this one: the meeting looks again (the rest, due later, beside each
# key result on the other pages).
st.subheader("Next steps due")
agreed = view.next_steps()
due = steps.due_by(agreed, view)
for step in due.to_dict("records"):
    steps.shown(view, step, "review", with_kr=step["key_result"])
later = len(agreed) - len(due)
st.caption((("None due by this date." if due.empty else "") + (
    f" {counted(later, 'more open step')} due later, shown beside {'its' if later == 1 else 'their'} key "
    "result." if later else "")).strip())
steps.agree(view, "review", choices=lambda: {kr.kr_id: f"{kr.kr_id} · {kr.key_result}"  # when the form opens
                                              for kr in view.frame("key_results").itertuples()})

st.subheader("What changed since last week")
changes = view.grid("changes", tables.shown)  # as shown, once for every session (data.View.grid)
if not changes.num_rows:
    st.caption("No status changes and no new stalls since last week.")
else:
    st.dataframe(changes, hide_index=True, placeholder=tables.MISSING, column_order=[
        "kr_id", "status_before", "status_now", "new_stalls", "progress", "key_result", "team", "value_stream"],
        column_config={**tables.KR_COLUMNS, "status_before": "Last week", "status_now": "Now",
                       "new_stalls": st.column_config.TextColumn("New stalls", width="small")})

st.subheader("Busy without results")
st.caption(f"Key results with at least {counted(limits.busy_done_actions, 'action')} done whose status is off track: "
           "activity is happening, the result is not moving. Worth asking whether the actions fit the key result.")
busy = view.grid("busy_without_results", tables.shown)
if not busy.num_rows:
    st.caption("None.")
else:
    st.dataframe(busy, hide_index=True, placeholder=tables.MISSING, column_order=[
        "kr_id", "done_actions", "progress", "expected", "key_result", "team", "value_stream"],
        column_config=tables.KR_COLUMNS)

st.subheader("Targets moved mid-cycle")
moved = view.frame("moved_targets")
if moved.empty:
    st.caption("No target has changed since its cycle started. Targets agreed at the start stay put.")
else:
    st.dataframe(moved, hide_index=True, placeholder=tables.MISSING, column_config={**tables.KR_COLUMNS,
                 "previous_target": st.column_config.NumberColumn("Target before", format=tables.TYPED),
                 "new_target": st.column_config.NumberColumn("Target now", format=tables.TYPED),
                 "seen_at": "Seen by the sync of"})
