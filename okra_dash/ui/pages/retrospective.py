"""Retrospective of a closed cycle: how far each key result got, per team and value stream."""

import dataclasses

import streamlit as st

from okra_dash import charts
from okra_dash.ui import data, drawn, state, tables
from okra_dash.words import BANDS

TEAMS_CHARTED = 40  # a bar per team stays readable up to about this many
EVERY_TEAM = state.flag("every_team", "retro_every_team")

view = data.current_view()
st.title("Cycle retrospective")
closed = data.closed_cycles(view)
if not closed:
    st.info("No cycle has closed yet as of this date: the retrospective opens once one has.")
    state.stop()

CLOSED = state.Param("closed", "retro_cycle")
state.seed(CLOSED, closed, default=closed[0], what="closed cycle")
cycle = st.selectbox("Closed cycle", closed, key="retro_cycle")
state.publish(CLOSED, cycle)
retro = dataclasses.replace(view, cycles=(cycle,)).frame("retrospective")
(lesson, low), (_, high) = BANDS[1], BANDS[2]  # the band the banner speaks of, quoted from words.BANDS
st.info(f"Reaching {low:.0%}–{high:.0%} of an ambitious key result is often an {lesson}, not a failure: the target "
        "was a guess made months ago. Ask what the team learned about estimating, not who is to blame.",
        icon=":material/school:")

bands = retro["band"].value_counts()
cols = st.columns(4)
for col, band in zip(cols, charts.BANDS):
    col.metric(band.capitalize(), int(bands.get(band, 0)), help="Key results whose final achievement is in this band")
limits = [f"{start:.0%}" for _, start in BANDS[1:]]
st.caption(f"Bands: {BANDS[0][0]} below {limits[0]}, "
           + ", ".join(f"{band} {low}–{high}" for (band, _), low, high in zip(BANDS[1:-1], limits, limits[1:]))
           + f", {BANDS[-1][0]} {limits[-1]} or more.")

left, right = st.columns(2)
teams = retro["team"].nunique()
# One bar per team: hundreds of teams make a chart metres tall and slow to draw; drawn on request then (the
# table below lists every key result either way).
if teams <= TEAMS_CHARTED or state.toggle(left, EVERY_TEAM, f"Chart every team ({teams})"):
    # Chart titles are Vega's plain text, not Markdown: the cycle's name as it is
    drawn.chart(left, charts.achievement_distribution, retro, "team", "Final achievement per team", cycle,
                width="stretch")
else:
    left.caption(f"{teams} teams took part: their chart, a bar each, is drawn on request. The table below lists "
                 "every key result, with its team.")
drawn.chart(right, charts.achievement_distribution, retro, "value_stream", "Final achievement per value stream",
            cycle, width="stretch")
st.dataframe(tables.shown(retro), hide_index=True, placeholder=tables.MISSING,
             column_config={**tables.KR_COLUMNS, "band": "Band", "cycle": None})

st.subheader("Estimation across cycles")
st.caption("Each closed cycle side by side: the mean final achievement of each team's and value stream's pace "
           "key results. Closer to the target cycle after cycle means estimates are getting better.")
estimates = view.frame("estimation")
order = list(dict.fromkeys(estimates.sort_values("start_date")["cycle"]))
percent = {name: st.column_config.NumberColumn(name, format="%d%%") for name in order}
for grouping, label in (("team", "Team"), ("value stream", "Value stream")):
    part = estimates[estimates["grouping"] == grouping]
    side_by_side = (part.pivot(index="name", columns="cycle", values="achievement")[order] * 100).round()
    st.dataframe(side_by_side.reset_index().rename(columns={"name": label}), hide_index=True,
                 placeholder=tables.MISSING, column_config=percent)
