"""OKR vs KPI: OKR-driven and KPI-driven teams side by side, who contributes where, and every team."""

import pandas as pd
import streamlit as st

from okra_dash import charts
from okra_dash.ui import data, drawn, tables
from okra_dash.ui.text import md
from okra_dash.words import MODES, SPLIT_MEASURES

view = data.current_view()
st.title("OKR-driven and KPI-driven teams")
st.caption("Agile, project and innovation teams steer by objectives and key results; operational teams such as a "
           "support hotline steer by KPIs. Both own key results. Teams are compared, never individuals.")

split = view.frame("split")
cols = st.columns(len(split))
for col, group in zip(cols, split.itertuples()):
    with col.container(border=True):
        st.subheader(f"{group.mode} teams")
        inner = st.columns(2)
        inner[0].metric("Teams", int(group.teams))
        inner[1].metric("Key results", int(group.key_results))
        inner[0].metric(SPLIT_MEASURES["progress"], tables.percent(group.progress))
        inner[1].metric(SPLIT_MEASURES["on_track_share"], tables.percent(group.on_track_share))
        st.metric(SPLIT_MEASURES["checkin_discipline"], tables.percent(group.checkin_discipline),
                  help="Share of the cycle's weeks so far that have a check-in, over the group's key results.")
unknown = view.frame("kr_issues")
unknown = unknown[unknown["kind"].isin(["unknown_team", "missing_value"]) & (unknown["column"].str.lower() == "team")]
if len(unknown):
    st.warning("Key results counted under Unknown because of their Team cell: "
               + "; ".join(f"{md(row.kr_id)}: {md(row.problem)}" for row in unknown.itertuples()),
               icon=":material/report:")
if split["key_results"].sum():
    drawn.chart(st, charts.split_comparison, split[split["key_results"] > 0])

st.subheader("Who contributes to each value stream")
contributions = view.frame("stream_modes")
if not contributions.empty:
    contributions["teams"] = contributions["teams"].map(", ".join)
    table = contributions.pivot(index="value_stream", columns="mode", values="teams")
    table = table[sorted(table.columns, key=MODES.index)]  # the cards' order (OKR, KPI, Unknown), not the alphabet's
    st.dataframe(table.reset_index(), hide_index=True, placeholder=tables.MISSING,
                 column_config={"value_stream": "Value stream"})

st.subheader("Teams")
teams = view.frame("teams")
teams["value_streams"] = teams["value_streams"].map(lambda streams: ", ".join(streams) if len(streams) else "")
st.dataframe(tables.shown(pd.DataFrame(teams)), hide_index=True, placeholder=tables.MISSING, column_config={
    **tables.KR_COLUMNS, "value_streams": "Value streams", "key_results": "Key results",
    "progress": tables.KR_COLUMNS["progress"], "stalled": st.column_config.NumberColumn("Stalled", format="%d")})
