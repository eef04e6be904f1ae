"""Weekly review (for leaders): headline with change since last week, value streams against pace,
what changed, busy without results, moved targets, focus warnings."""

import streamlit as st

from okra_dash.report import md
from okra_dash.ui import charts, data, tables

view = data.current_view()
cycle = data.unfiltered("cycles", view.as_of).set_index("cycle").loc[list(view.cycles)]
head = view.frame("headline").set_index("moment")
now, before = head.loc["now"], head.loc["last week"]

st.title("Weekly review")
st.caption(f"Cycle {md(', '.join(view.cycles))} · as of {view.as_of:%Y-%m-%d} · "
           f"{cycle['elapsed'].iloc[0]:.0%} of the cycle elapsed, so that is the expected pace.")

cols = st.columns(6)
cols[0].metric("On track", int(now["on_track"]), int(now["on_track"] - before["on_track"]),
               help="Key results at or within 10 points of the expected pace. Change since last week.")
cols[1].metric("At risk", int(now["at_risk"]), int(now["at_risk"] - before["at_risk"]), delta_color="inverse")
cols[2].metric("Off track", int(now["off_track"]), int(now["off_track"] - before["off_track"]),
               delta_color="inverse")
cols[3].metric("Streams behind", f"{int(now['streams_behind'])} of {int(now['streams'])}",
               int(now["streams_behind"] - before["streams_behind"]), delta_color="inverse",
               help="Value streams whose mean progress is more than 10 points behind the expected pace.")
cols[4].metric("Stalled", int(now["stalled"]), int(now["stalled"] - before["stalled"]),
               delta_color="inverse", help="Key results with no movement, no check-in or still at zero.")
checked, checked_before = now["checked_in_this_week"], before["checked_in_this_week"]
cols[5].metric("Checked in", tables.percent(checked),
               None if checked != checked or checked_before != checked_before
               else f"{(checked - checked_before) * 100:+.0f} pts",
               help="This week: the share of the cycle's key results with a value for the week holding the "
                    "as-of date.")

streams = view.frame("value_streams")
if streams.empty:
    st.info("This cycle has no key results yet.")
else:
    st.altair_chart(charts.value_stream_progress(streams), width="stretch")

for problem in view.frame("focus").itertuples():
    st.warning(f"Focus: {md(problem.value_stream)} has {problem.objectives} objectives in {md(problem.cycle)}; "
               f"at most {view.thresholds.focus_max_objectives} keep a value stream focused.",
               icon=":material/center_focus_weak:")

st.subheader("What changed since last week")
changes = view.frame("changes")
if changes.empty:
    st.caption("No status changes and no new stalls since last week.")
else:
    st.dataframe(changes, hide_index=True, column_order=["kr_id", "key_result", "team", "value_stream",
                 "status_before", "status_now", "new_stalls", "progress"],
                 column_config={**tables.KR_COLUMNS, "status_before": "Last week", "status_now": "Now",
                                "new_stalls": st.column_config.ListColumn("New stalls")})

st.subheader("Busy without results")
st.caption("Key results with at least "
           f"{view.thresholds.busy_done_actions} actions done whose status is off track: "
           "activity is happening, the result is not moving. Worth asking whether the actions fit the key result.")
busy = view.frame("busy_without_results")
if busy.empty:
    st.caption("None.")
else:
    st.dataframe(busy, hide_index=True, column_order=["kr_id", "key_result", "team", "value_stream",
                 "done_actions", "progress", "expected"], column_config=tables.KR_COLUMNS)

st.subheader("Targets moved mid-cycle")
moved = view.frame("moved_targets")
if moved.empty:
    st.caption("No target has changed since its cycle started. Targets agreed at the start stay put.")
else:
    st.dataframe(moved, hide_index=True, column_config={**tables.KR_COLUMNS,
                 "previous_target": "Target before", "new_target": "Target now", "seen_at": "Seen by the sync of"})
