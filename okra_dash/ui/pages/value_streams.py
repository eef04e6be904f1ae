"""Value streams: one stream's objectives and key results, the teams behind them, and a KR week by week."""

import streamlit as st

from okra_dash import charts
from okra_dash.ui import cards, data, drawn, state, steps, tables
from okra_dash.ui.text import md

STREAM = state.Param("stream", "stream")
KR = state.Param("kr", "kr")

view = data.current_view()
st.title("Value streams")
streams = view.frame("value_streams")
if streams.empty:
    st.info("This cycle has no key results yet.")
    state.stop()

names = list(dict.fromkeys(streams["value_stream"]))
state.seed(STREAM, names, default=names[0], what="value stream")
stream = st.selectbox("Value stream", names, key="stream")
state.publish(STREAM, stream)
focus = st.container()  # filled at the end when a key result is open: the reader lands on what they clicked
rows = streams[streams["value_stream"] == stream]
for row in rows.itertuples():  # one line of figures per cycle shown, each as sql/value_streams.sql gives it
    if len(rows) > 1:
        st.caption(md(row.cycle))
    health = int(row.kept + row.breached)
    cols = st.columns(5 if health else 4)
    cols[0].metric("Progress", tables.percent(row.progress), help="Mean progress of its pace key results.")
    cols[1].metric("Expected pace", tables.percent(row.expected))
    cols[2].metric("Status", tables.status_label(row.status))
    cols[3].metric("Key results", int(row.key_results))
    if health:  # health KPIs (Keep above / Keep below) count as kept or breached, never by pace
        cols[4].metric("Health KRs kept", f"{int(row.kept)} of {health}",
                       help="Health key results on the right side of their Target line.")
st.caption("Teams contributing: " + md(", ".join(sorted({t for teams in rows["teams"] for t in teams}))))
weeks = view.frame("trajectory")
drawn.chart(st, charts.trajectory, weeks[weeks["value_stream"] == stream], f"{stream} week by week",
            "progress of its pace key results against the pace", width="stretch")

krs = view.frame("key_results")
krs = krs[krs["value_stream"] == stream]
problems = view.frame("kr_issues")
labels = {kr_id: f"{kr_id} · {title}" for kr_id, title in zip(krs["kr_id"], krs["key_result"])}
state.seed(KR, list(labels), what="key result")  # none open unless the link or a click names one
# Each key result as a card of whole text, under its objective (docs/dashboard.md says why not a grid).
for objective_id, objective in krs.groupby("objective_id", sort=False):
    st.subheader(f"{md(objective_id)}: {md(objective['objective'].iloc[0])}")
    for kr in objective.to_dict("records"):
        if cards.kr_card(kr, cards.stalled_why(kr) or None, "stream"):
            cards.open_kr(kr)
    for issue in problems[problems["kr_id"].isin(objective["kr_id"])].itertuples():
        st.warning(f"{md(issue.kr_id)}: {md(issue.problem)} (Key results tab, column {md(issue.column)}; see Data "
                   "quality)", icon=":material/report:")
table = state.fold(st, "Compare them in a table", "stream_table_open", icon=":material/table:")
if table.open:  # sorting and comparing: the grid, drawn only when asked for; a selected row opens its KR
    picked = table.dataframe(tables.shown(krs), hide_index=True, placeholder=tables.MISSING, on_select="rerun",
                             selection_mode="single-row", key="stream_table", column_config=tables.KR_COLUMNS,
                             column_order=["kr_id", "status", "progress", "key_result", "objective_id", "team",
                                           "current", "target", "expected", "stalled", "note", "confidence", "mode"])
    if picked and picked.selection.rows:
        cards.open_kr(krs.iloc[picked.selection.rows[0]].to_dict())

# One key result week by week: first on the page when one is open (from a card, a row or a link naming it),
# else a choice at the bottom.
kr_id = st.session_state.get("kr")
box = focus if kr_id in labels else st.container()
cards.scroll_to_opened(box)
box.subheader("One key result, week by week")
kr_id = box.selectbox("Key result", list(labels), format_func=labels.get, key="kr",
                      placeholder="Pick a key result to see it week by week")
state.publish(KR, kr_id)
if kr_id is not None:  # (not state.stop(): the run's end still writes the link's notes)
    kr = krs[krs["kr_id"] == kr_id].iloc[0].to_dict()
    box.markdown(f"**{md(kr_id)} · {md(kr['key_result'])}** ({md(kr['team'])})")
    with box:  # what the last reviews agreed for it, and a new step agreed here
        steps.open_for(view, kr, "kr_view")
        steps.agree(view, "kr_view", kr)
    checkins = view.frame("kr_checkins", kr_id=kr_id)
    drawn.chart(box, charts.burn_up, checkins, kr, view.as_of, width="stretch")
    said = view.frame("kr_notes", kr_id=kr_id)
    if not said.empty:  # how sure the team has been, week by week, and why: read as sentences, newest first
        box.caption(f"What the team said about {md(kr_id)}, newest first")
        for week in said.to_dict("records"):
            box.markdown(cards.said(week, week["week"]))
    box.caption(f"Actions below {md(kr_id)}")
    actions = view.frame("kr_actions", kr_id=kr_id)
    if actions.empty:
        box.caption("No actions recorded.")
    else:
        box.dataframe(actions, hide_index=True, placeholder=tables.MISSING, column_config={
            "action": st.column_config.TextColumn("Action", width="large"), "status": "Status", "owner": "Owner",
            "due": st.column_config.DateColumn("Due")})
