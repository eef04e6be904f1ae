"""Value streams: one stream's objectives and key results, the teams behind them, and a KR's burn-up."""

import streamlit as st

from okra_dash.report import md
from okra_dash.ui import charts, data, tables

view = data.current_view()
st.title("Value streams")
streams = view.frame("value_streams")
if streams.empty:
    st.info("This cycle has no key results yet.")
    st.stop()

names = streams["value_stream"].tolist()
wanted = st.query_params.get("stream")
stream = st.selectbox("Value stream", names, index=names.index(wanted) if wanted in names else 0, key="stream")
st.query_params["stream"] = stream
row = streams[streams["value_stream"] == stream].iloc[0]
cols = st.columns(4)
cols[0].metric("Progress", tables.percent(row["progress"]))
cols[1].metric("Expected pace", tables.percent(row["expected"]))
cols[2].metric("Status", row["status"])
cols[3].metric("Key results", int(row["key_results"]))
st.caption("Teams contributing: " + md(", ".join(row["teams"])))

krs = view.frame("key_results")
krs = krs[krs["value_stream"] == stream]
for objective_id, objective in krs.groupby("objective_id", sort=False):
    st.subheader(f"{md(objective_id)}: {md(objective['objective'].iloc[0])}")
    st.dataframe(objective, hide_index=True,
                 column_order=["kr_id", "key_result", "team", "mode", "current", "target", "progress_clamped",
                               "expected", "status", "stalled"], column_config=tables.KR_COLUMNS)

st.subheader("One key result, week by week")
labels = {kr_id: f"{kr_id} · {title}" for kr_id, title in zip(krs["kr_id"], krs["key_result"])}
wanted = st.query_params.get("kr")
kr_id = st.selectbox("Key result", list(labels), format_func=labels.get, key="kr",
                     index=list(labels).index(wanted) if wanted in labels else 0)
st.query_params["kr"] = kr_id  # the URL opens this key result's burn-up
kr = krs[krs["kr_id"] == kr_id].iloc[0].to_dict()
checkins = view.frame("kr_checkins", kr_id=kr_id)
st.altair_chart(charts.burn_up(checkins, kr), width="stretch")
st.caption(f"Actions below {md(kr_id)}")
actions = view.frame("kr_actions", kr_id=kr_id)
if actions.empty:
    st.caption("No actions recorded.")
else:
    st.dataframe(actions, hide_index=True, column_config={
        "action": st.column_config.TextColumn("Action", width="large"), "due": st.column_config.DateColumn("Due")})
