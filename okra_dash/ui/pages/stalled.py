"""Stalled KRs (for OKR champions): filter, share the filtered view by URL, export, open a KR, jump to the sheet."""

import functools

import streamlit as st

from okra_dash.figures.links import cell_url, stalled_csv
from okra_dash.ui import cards, data, state, tables
from okra_dash.words import MODES, STALL_REASONS, counted

# URL parameter -> (widget key, SQL filter), as the contract names them.
FILTERS = {"vs": ("f_value_streams", "value_streams"), "team": ("f_teams", "teams"),
           "mode": ("f_modes", "modes"), "reason": ("f_reasons", "reasons")}
MIN_WEEKS = state.Param("min_weeks", "f_min_weeks", read=state.read_count)

view = data.current_view()
st.title("Stalled key results")
limits = view.thresholds
st.caption(f"Key results whose last {counted(limits.movement_checkins, 'check-in')} carry one value (no movement), "
           f"with no check-in in {counted(limits.no_checkin_days, 'day')}, or still at zero "
           f"{limits.flat_elapsed:.0%} of the way into the cycle. Ask the team in the stand-up: what is happening "
           "here?")

everything = view.frame("stalled_key_results", **data.ALL_STALLED)
options = {"vs": sorted(everything["value_stream"].unique()), "team": sorted(everything["team"].unique()),
           "mode": sorted(everything["mode"].unique(), key=MODES.index), "reason": list(STALL_REASONS)}
params = {name: state.Param(name, key, many=True) for name, (key, _) in FILTERS.items()}
labels = {"vs": "value stream", "team": "team", "mode": "mode", "reason": "reason"}
undrawn = state.folded_last_run("filters_open")
for name, param in params.items():
    state.seed(param, options[name], what=labels[name], undrawn=undrawn)
state.seed(MIN_WEEKS, default=0, what="weeks since last change", undrawn=undrawn)

# Folded while nothing is filtered, so a phone shows the list first; open when a link carries filters. Folded,
# the filters are not drawn, and applied all the same from their kept values. Set or clear a filter and the label
# makes it a new expander: open as it was.
active = sum(bool(st.session_state[param.key]) for param in params.values()) + bool(st.session_state["f_min_weeks"])
box = state.fold(st, f"Filters ({active} set)" if active else "Filters", "filters_open",
                 expanded=bool(active) or not undrawn, icon=":material/tune:")
if box.open:
    cols = box.columns([3, 3, 2, 3, 2])
    cols[0].multiselect("Value stream", options["vs"], key="f_value_streams", placeholder="All")
    cols[1].multiselect("Team", options["team"], key="f_teams", placeholder="All")
    cols[2].multiselect("Mode", options["mode"], key="f_modes", placeholder="All")
    cols[3].multiselect("Reason", options["reason"], key="f_reasons", placeholder="Any")
    cols[4].number_input("Weeks unchanged", min_value=0, step=1, key="f_min_weeks",
                         help="At least this many weeks since the value last changed")
for param in params.values():
    state.publish(param, st.session_state[param.key])
state.publish(MIN_WEEKS, int(st.session_state["f_min_weeks"]), default=0)

chosen = {sql: st.session_state[key] for key, sql in FILTERS.values()}
stalled = view.frame("stalled_key_results", **chosen, min_weeks=int(st.session_state["f_min_weeks"]))
sheet = data.sheet_url()  # a CSV or xlsx source has none: no links to cells
tabs = view.frame("source_tabs").set_index("tab")["gid"] if sheet else None
if tabs is not None and "Key results" in tabs.index:
    stalled["link"] = [cell_url(sheet, tabs["Key results"], row) for row in stalled["row"]]

st.metric("Stalled key results shown", len(stalled), help=f"of {len(everything)} stalled in this view")
# Read one by one in the stand-up: cards of whole text, the longest unchanged first (docs/dashboard.md says why).
ordered = stalled.sort_values("weeks_since_change", ascending=False, kind="stable")
count = cards.shown_count("stalled", len(ordered))
for kr in ordered.head(count).to_dict("records"):
    if cards.kr_card(kr, cards.stalled_why(kr), "stalled"):
        cards.open_kr(kr)
cards.more_button("stalled", count, len(ordered))
table = state.fold(st, "Compare them in a table", "stalled_table_open", icon=":material/table:")
if table.open:  # sorting and comparing many rows: the grid, drawn only when asked for
    table.dataframe(tables.shown(stalled), hide_index=True, placeholder=tables.MISSING,
                    column_config=tables.KR_COLUMNS,
                    column_order=["kr_id", "status", "progress", "stalled", "weeks_since_change", "team",
                                  "key_result", "note", "confidence", "current", "target", "value_stream", "mode",
                                  "last_checkin", "link"])
# The CSV is written when the button is clicked (Streamlit calls it then), not on every rerun. A click does not
# rerun the page either: with that rerun racing the fetch, 2 downloads in 15 never came on a loaded machine (none
# in 25 without it).
st.download_button("Download CSV", functools.partial(stalled_csv, stalled), key="download", on_click="ignore",
                   file_name=f"stalled-krs-{view.as_of:%Y-%m-%d}.csv", mime="text/csv", icon=":material/download:")
