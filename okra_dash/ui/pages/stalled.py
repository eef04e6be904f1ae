"""Stalled KRs (for OKR champions): filter, share the filtered view by URL, export, jump to the sheet."""

import streamlit as st

from okra_dash.links import cell_url, csv_export
from okra_dash.ui import data, tables

REASONS = ["no movement", "no check-in", "flat at zero"]
# URL parameter -> (widget key, SQL filter)
FILTERS = {"vs": ("f_value_streams", "value_streams"), "team": ("f_teams", "teams"),
           "mode": ("f_modes", "modes"), "reason": ("f_reasons", "reasons")}

view = data.current_view()
st.title("Stalled key results")
limits = view.thresholds
st.caption(f"Key results whose last {limits.movement_checkins} check-ins carry one value (no movement), with no "
           f"check-in in {limits.no_checkin_days} days, or still at zero {limits.flat_elapsed:.0%} of the way into "
           "the cycle. Ask the team in the stand-up: what is happening here?")

everything = view.frame("stalled_key_results", value_streams=[], teams=[], modes=[], reasons=[], min_weeks=0)
options = {"vs": sorted(everything["value_stream"].unique()), "team": sorted(everything["team"].unique()),
           "mode": sorted(everything["mode"].unique()), "reason": REASONS}

# The URL holds the filters, so a champion can send the link: read it once per visit of the page.
if st.session_state.get("_stalled_url_read") != st.query_params.to_dict():
    for param, (key, _) in FILTERS.items():
        st.session_state[key] = [value for value in st.query_params.get_all(param) if value in options[param]]
    weeks = st.query_params.get("min_weeks", "0")
    st.session_state["f_min_weeks"] = int(weeks) if weeks.isdigit() else 0

cols = st.columns([3, 3, 2, 3, 2])
cols[0].multiselect("Value stream", options["vs"], key="f_value_streams", placeholder="All")
cols[1].multiselect("Team", options["team"], key="f_teams", placeholder="All")
cols[2].multiselect("Mode", options["mode"], key="f_modes", placeholder="All")
cols[3].multiselect("Reason", REASONS, key="f_reasons", placeholder="Any")
cols[4].number_input("Weeks since last change, at least", min_value=0, step=1, key="f_min_weeks")

chosen = {sql: st.session_state[key] for key, sql in FILTERS.values()}
url = {param: st.session_state[key] for param, (key, _) in FILTERS.items() if st.session_state[key]}
if st.session_state["f_min_weeks"]:
    url["min_weeks"] = str(st.session_state["f_min_weeks"])
st.query_params.from_dict(url)
st.session_state["_stalled_url_read"] = st.query_params.to_dict()

stalled = view.frame("stalled_key_results", **chosen, min_weeks=int(st.session_state["f_min_weeks"]))
log = data.last_sync()
tabs = view.frame("source_tabs").set_index("tab")["gid"] if log and log.get("sheet_url") else None
if tabs is not None and "Key results" in tabs.index:
    stalled["link"] = [cell_url(log["sheet_url"], tabs["Key results"], row) for row in stalled["row"]]

st.metric("Stalled key results shown", len(stalled), help=f"of {len(everything)} stalled in this cycle")
st.dataframe(stalled, hide_index=True, column_config=tables.KR_COLUMNS,
             column_order=["kr_id", "key_result", "team", "mode", "value_stream", "stalled", "weeks_since_change",
                           "current", "target", "progress", "last_checkin", "link"])
st.download_button("Download CSV", csv_export(stalled.drop(columns=["row"])), key="download",
                   file_name=f"stalled-krs-{view.as_of:%Y-%m-%d}.csv", mime="text/csv",
                   icon=":material/download:")
