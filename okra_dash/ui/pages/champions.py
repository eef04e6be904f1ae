"""Champions: an OKR champion picks their name and sees what to ask their teams about this week."""

import streamlit as st

from okra_dash import charts
from okra_dash.ui import cards, data, drawn, state, tables
from okra_dash.ui.text import md
from okra_dash.words import EMPTY_CELL

NOBODY = "(teams with no champion)"
CHAMPION = state.Param("champion", "champion")
EVERY_TEAM = state.flag("every_team", "habits_every")

view = data.current_view()
st.title("A champion's list")
champions = view.frame("champions")
names = [name if isinstance(name, str) else NOBODY for name in champions["champion"]]
if not names:
    st.info("The Teams tab names no teams yet.")
    state.stop()
state.seed(CHAMPION, names, default=names[0], what="champion")
chosen = st.selectbox("Champion", names, key="champion",
                      help="From the Teams tab's Champion column; the link keeps your choice.")
state.publish(CHAMPION, chosen)
row = champions.iloc[names.index(chosen)]
krs = view.frame("champion_list", champion="" if chosen == NOBODY else chosen)
st.caption(f"Teams: {md(', '.join(row['teams']))}. Key results of the cycles running on {view.as_of:%d %b %Y} "
           "that missed last full week's check-in or are stalled, with what the team last said.")
cols = st.columns(2)
cols[0].metric("Missing last full week", len(row["missing"]), help="No check-in for the week before this one")
cols[1].metric("Stalled", len(row["stalled"]))
if krs.empty:
    st.success("Nothing to chase: every key result checked in last week and none is stalled.")
else:
    week = krs["last_full_week"].iloc[0]
    # A champion reads each one and asks about it: cards of whole text (the grid cut names and notes).
    count = cards.shown_count("champion", len(krs))
    for kr in krs.head(count).to_dict("records"):
        why = " ".join(part for part in (
            f"No check-in for the week of {week:%d %b}." if kr["missing"] else "", cards.stalled_why(kr)) if part)
        if cards.kr_card(kr, why, "champion"):
            cards.open_kr(kr)
    cards.more_button("champion", count, len(krs))
habits = view.frame("habits")
# The champion's teams; every team on request (hundreds of rows at a large company are slow and unreadable): the
# habits chart and the late check-ins alike.
every = state.toggle(st, EVERY_TEAM, "Compare with every team")
if not habits.empty:
    shown = habits if every else habits[habits["team"].isin(row["teams"])]
    if shown.empty:
        st.caption("These teams have no complete week in the cycle yet.")
    else:
        drawn.chart(st, charts.habits, shown, width="stretch")

st.subheader("Past weeks changed after they ended")
rewritten = view.frame("rewritten")
rewritten = rewritten[rewritten["team"].isin(row["teams"])]
if rewritten.empty:
    st.caption(f"No value of {md(', '.join(row['teams']))} was filled in, changed or cleared after its week ended.")
else:
    st.caption("Values of these teams that a sync saw appear, change or disappear after their week's Sunday, newest "
               "first: a value rewritten after the meeting, or one filled in late.")
    st.dataframe(rewritten, hide_index=True, placeholder=EMPTY_CELL, column_config={  # only Before and After miss
        **tables.KR_COLUMNS,
        "week": st.column_config.DateColumn("Week of", format="D MMM YYYY", width="small"),
        "change": st.column_config.TextColumn("What happened", width="medium"),
        "before": st.column_config.NumberColumn("Before", format=tables.TYPED, width="small"),
        "after": st.column_config.NumberColumn("After", format=tables.TYPED, width="small"),
        "seen_at": st.column_config.DatetimeColumn("Seen by the sync of", format="D MMM YYYY HH:mm")},
        column_order=["kr_id", "team", "week", "change", "before", "after", "seen_at", "key_result"])
st.subheader("Check-ins that came more than a week late")
late = view.frame("late_checkins")
late = late if every else late[late["team"].isin(row["teams"])]
st.caption(f"Per team ({'every team' if every else md(', '.join(row['teams']))}): of the check-ins whose arrival a "
           "sync saw, how many came more than 7 days after their week's Sunday. A sync less often than weekly makes "
           "values look later than they were typed.")
st.dataframe(tables.shown(late), hide_index=True, placeholder=tables.MISSING, column_config={
    **tables.KR_COLUMNS,
    "checkins": st.column_config.NumberColumn("Check-ins seen arriving", format="%d"),
    "late": st.column_config.NumberColumn("Late", format="%d"),
    "share_late": st.column_config.ProgressColumn("Share late", **tables.BAR),
    "most_days_late": st.column_config.NumberColumn("Longest wait (days after the week)", format="%d")})
