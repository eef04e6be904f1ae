"""Data quality: every cell that could not be read, with a link to it, and the sync history."""

import json

import pandas as pd
import streamlit as st

from okra_dash import store
from okra_dash.figures.links import cell_url
from okra_dash.ui import cards, data, state, tables
from okra_dash.ui.text import md

view = data.current_view()
st.title("Data quality")
# Failed syncs leave the database untouched; they wait beside it until the next good sync logs them.
failures = [] if view.seen else store.pending_failures(view.db)  # a past sync's page shows that sync's log
if failures:
    last = failures[-1]
    st.error(f"The last sync attempt, at {last['synced_at'].replace('T', ' ')}, failed: {md(last['error'])} "
             "The figures are those of the last successful sync.", icon=":material/sync_problem:")
issues = view.frame("issues")
log = view.frame("sync_log")
if failures:
    pending = pd.DataFrame(failures).assign(status="failed", synced_at=lambda f: pd.to_datetime(f["synced_at"]))
    log = pd.concat([pending.iloc[::-1], log], ignore_index=True)
sheet = data.sheet_url()
if sheet:
    issues["link"] = [cell_url(sheet, gid, row, col) for gid, row, col in zip(issues["gid"], issues["row"],
                                                                              issues["col"])]
st.metric("Data issues in the last sync", len(issues))
if issues.empty:
    st.success("Every cell of the last sync could be read.")
else:
    # Not every problem leaves its cell out (a KR with an unknown team still counts, under Unknown): each says.
    st.caption("Each problem says what became of its cell: left out of the figures, or counted another way. "
               "Everything else loaded. Fix them in the sheet and sync again.")
    # The people who fill in the sheet read each problem and its fix whole: a list of text, not a grid.
    count = cards.shown_count("issues", len(issues))
    for issue in issues.head(count).to_dict("records"):
        where = f"{md(issue['tab'])}, row {issue['row']}" + (f", column {md(issue['column'])}" if issue["column"]
                                                             else "")
        link = issue.get("link")
        cell = f" · [open the cell]({link})" if isinstance(link, str) and link else ""
        with st.container(border=True):
            st.markdown(f"**{where}**: “{md(issue['value'])}”{cell}")
            problem = md(issue["problem"])
            st.markdown(f"{problem[:1].upper()}{problem[1:]}.")
            st.markdown(f"How to fix it: {md(issue['fix'])}")
    cards.more_button("issues", count, len(issues))
    table = state.fold(st, "Compare them in a table", "issues_table_open", icon=":material/table:")
    if table.open:
        table.dataframe(issues, hide_index=True, placeholder=tables.MISSING,
                        column_order=["tab", "row", "column", "value", "problem", "fix", "link"],
                        column_config={"tab": "Tab", "row": st.column_config.NumberColumn("Row", format="%d"),
                                       "column": "Column", "value": "Typed", "problem": "Problem",
                                       "fix": "How to fix it",
                                       "link": st.column_config.LinkColumn("In the sheet", display_text="open cell")})

st.subheader("Sync history")
# The sync log keeps rows per tab as JSON; people read "Teams 9 · Objectives 15".
log["rows_per_tab"] = [" · ".join(f"{tab} {count}" for tab, count in json.loads(rows).items())
                       if isinstance(rows, str) else "" for rows in log["rows_per_tab"]]
st.dataframe(log, hide_index=True, placeholder=tables.MISSING, column_config={
    "sync_id": st.column_config.NumberColumn("Sync", format="%d"), "synced_at": "When", "status": "Result",
    "source": "Source", "kind": "Kind", "sheet_url": None, "rows_per_tab": "Rows per tab", "issues": "Data issues",
    "duration_s": st.column_config.NumberColumn("Seconds", format="%.2f"),
    "error": st.column_config.TextColumn("Why it failed", width="large")})
