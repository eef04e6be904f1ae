"""okra-dash: the weekly OKR review. Run with `streamlit run app.py`."""

import streamlit as st

from okra_dash import ui
from okra_dash.ui import collector, data, pages, sidebar, sign_in, state, steps
from okra_dash.ui.text import md

st.set_page_config(page_title="okra-dash", page_icon=str(ui.ICON), layout="wide")
st.html(ui.TOUCH_CSS)
st.iframe(ui.PHONE_NAV, height=1)
sign_in.require()  # before any data is read

PAGES = pages.FOLDER
navigation = st.navigation([
    st.Page(f"{PAGES}/weekly_review.py", title="Weekly review", icon=":material/insights:", default=True),
    st.Page(f"{PAGES}/meeting.py", title="Meeting", icon=":material/co_present:"),
    st.Page(f"{PAGES}/value_streams.py", title="Value streams", icon=":material/account_tree:"),
    st.Page(f"{PAGES}/stalled.py", title="Stalled KRs", icon=":material/hourglass_empty:"),
    st.Page(f"{PAGES}/champions.py", title="Champions", icon=":material/campaign:"),
    st.Page(f"{PAGES}/okr_vs_kpi.py", title="OKR vs KPI", icon=":material/compare_arrows:"),
    st.Page(f"{PAGES}/retrospective.py", title="Retrospective", icon=":material/history:"),
    st.Page(f"{PAGES}/data_quality.py", title="Data quality", icon=":material/rule:"),
])
state.begin(navigation.url_path)
problem = data.ensure_data()
unusable = data.unusable()
if unusable:  # nothing can be read: say why in one sentence and offer the sync that recovers
    st.error(md(unusable), icon=":material/database:")
    sidebar.sync_now(st.container())
    st.stop()
st.session_state["view"] = view = sidebar.render()
if problem:
    st.warning(md(problem), icon=":material/sync_problem:")
if view.seen:
    st.info(f"As seen on {view.seen_at:%a %d %b %Y %H:%M}: the sheet exactly as sync {view.seen} read it. Later "
            "syncs are not shown; pick “Latest sync” in the sidebar to see them.", icon=":material/history:")
if not view.cycles:
    st.info("The synced workbook has no objectives yet: add some to the Objectives tab and sync again.")
    state.stop()
notes = st.container()
steps.said()  # what the last recording or closing of a next step did
try:
    navigation.run()
    data.warm(view)  # the other pages' queries, computed after this one is shown
finally:  # also when a page stops early: the link always holds what was shown
    if state.notes():
        # what a link asked for is whatever its sender typed: text, never a link or markup on this page
        notes.caption("Ignored from the link, as this view has no such thing: " + md(", ".join(state.notes())) + ".")
    state.finish()
    collector.freeze_long_lived()  # what this run imported, out of the collector's walks
