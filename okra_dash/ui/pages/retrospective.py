"""Retrospective of a closed cycle: how far each key result got, per team and value stream."""

import dataclasses

import streamlit as st

from okra_dash.report import md
from okra_dash.ui import charts, data, tables

view = data.current_view()
st.title("Cycle retrospective")
cycles = data.unfiltered("cycles", view.as_of)
closed = cycles[cycles["is_closed"]]["cycle"].tolist()
if not closed:
    st.info("No cycle has closed yet as of this date: the retrospective opens once one has.")
    st.stop()

cycle = st.selectbox("Closed cycle", closed, key="retro_cycle")
retro = dataclasses.replace(view, cycles=(cycle,)).frame("retrospective")
st.info("Reaching 50–60% of an ambitious key result is often an estimation lesson, not a failure: the target "
        "was a guess made months ago. Ask what the team learned about estimating, not who is to blame.",
        icon=":material/school:")

bands = retro["band"].value_counts()
cols = st.columns(4)
for col, band in zip(cols, charts.BANDS):
    col.metric(band.capitalize(), int(bands.get(band, 0)), help="Key results whose final achievement is in this band")
st.caption("Bands: missed below 50%, estimation lesson 50–70%, achieved 70–100%, reached 100% or more.")

left, right = st.columns(2)
left.altair_chart(charts.achievement_distribution(retro, "team", f"Final achievement per team, {md(cycle)}"),
                  width="stretch")
right.altair_chart(charts.achievement_distribution(retro, "value_stream",
                                                   f"Final achievement per value stream, {md(cycle)}"),
                   width="stretch")
st.dataframe(retro, hide_index=True, column_config={
    **tables.KR_COLUMNS, "achievement": st.column_config.NumberColumn("Final achievement", format="percent"),
    "band": "Band", "cycle": None})
