"""Meeting: the weekly review's agenda one item at a time, for the projector. How we are doing and what changed;
the value streams behind pace; the steps agreed in earlier reviews that are due; each stalled key result and
each one missing last full week's check-in, with what its team said, its actions and its open steps, recording
next steps as it goes; and, last, what this meeting agreed, to paste or send."""

import functools

import pandas as pd
import streamlit as st

from okra_dash import digest
from okra_dash.figures.report import change
from okra_dash.ui import cards, data, state, steps, tables
from okra_dash.ui.text import md
from okra_dash.words import counted

view = data.current_view()
st.title("Meeting")
st.caption(f"The review of {view.as_of:%a %d %b %Y}, one item at a time. Previous and Next walk the agenda; the link "
           "keeps the item.")

head = view.frame("headline").set_index("moment")
now, before = head.loc["now"], head.loc["last week"]
streams = view.frame("value_streams")
behind = streams[streams["behind"]]
agreed = view.next_steps()
due = steps.due_by(agreed, view)
asked = view.frame("to_ask_about")


def overview() -> None:
    cols = st.columns(4)
    for col, (label, key, inverse) in zip(cols, (("On track", "on_track", False), ("At risk", "at_risk", True),
                                                 ("Off track", "off_track", True), ("Stalled", "stalled", True))):
        col.metric(label, int(now[key]), change(now, before, key), delta_color="inverse" if inverse else "normal")
    st.markdown(f"**{int(now['streams_behind'])} of {counted(int(now['streams']), 'value stream')} behind pace.** "
                "Changed since last week:")
    changes = view.frame("changes")
    for row in tables.shown(changes.head(digest.DIGEST_LIMIT)).to_dict("records"):  # as the digest: the first ten
        moved = (f"{row['status_before']} → {row['status_now']}" if row["status_before"] != row["status_now"]
                 else "")
        stalls = f"newly stalled: {md(row['new_stalls'])}" if row["new_stalls"] else ""
        st.markdown(f"- **{md(row['kr_id'])}** {md(row['key_result'])} ({md(row['team'])}): "
                    + "; ".join(part for part in (moved, stalls) if part))
    if changes.empty:
        st.markdown("- No status changes and no new stalls.")
    elif len(changes) > digest.DIGEST_LIMIT:
        st.markdown(f"- … and {len(changes) - digest.DIGEST_LIMIT} more (the Weekly review lists them all).")


def streams_behind() -> None:
    for row in behind.itertuples():
        st.markdown(f"- **{md(row.value_stream)}** ({md(row.cycle)}): progress {tables.percent(row.progress)} "
                    f"against {tables.percent(row.expected)} expected, {tables.status_label(row.status)}")
    if behind.empty:
        st.markdown("Every value stream keeps the pace.")


def due_steps() -> None:
    for step in due.to_dict("records"):
        steps.shown(view, step, "meeting", with_kr=step["key_result"])
    if due.empty:
        st.markdown("No step agreed in earlier reviews is due.")


def one_kr(kr: dict) -> None:
    week = pd.Timestamp(kr["last_full_week"])
    why = " ".join(part for part in (f"No check-in for the week of {week:%d %b}." if kr["missing"] else "",
                                     cards.stalled_why(kr)) if part)
    if cards.kr_card(kr, why, "meeting"):
        cards.open_kr(kr)
    actions = view.frame("kr_actions", kr_id=kr["kr_id"])
    st.markdown(f"Actions below {md(kr['kr_id'])}:" if len(actions) else "No actions recorded below it.")
    for action in actions.to_dict("records"):
        when = f", due {pd.Timestamp(action['due']):%d %b}" if pd.notna(action["due"]) else ""
        status = action["status"] if isinstance(action["status"], str) and action["status"] else "no status"
        st.markdown(f"- {md(action['action'])} ({md(status)}{when})")


def what_was_agreed() -> None:
    today = agreed[agreed["recorded_at"].str[:10] == view.as_of.isoformat()]
    if today.empty:
        st.markdown("Nothing agreed in this meeting yet.")
        return
    text = "\n".join([f"Agreed in the review of {view.as_of:%d %b %Y}", "",
                      *(digest.step_line(step, step["key_result"]) for step in today.to_dict("records"))])
    st.markdown(f"{counted(len(today), 'next step')} agreed. Copy the list (the icon at its top right) or download "
                "it:")
    st.code(text, language=None, wrap_lines=True)
    st.download_button("Download the list", text, file_name=f"agreed-{view.as_of:%Y-%m-%d}.md", mime="text/markdown",
                       icon=":material/download:", on_click="ignore")


AGENDA = [("How we are doing, and what changed", overview),
          (f"Value streams behind pace ({len(behind)})", streams_behind),
          (f"Agreed in earlier reviews, due now ({len(due)})", due_steps),
          *((f"{kr['kr_id']} · {kr['key_result']}", functools.partial(one_kr, kr)) for kr in asked.to_dict("records")),
          ("What this meeting agreed", what_was_agreed)]

ITEM = state.Param("item", "meeting_item", read=state.read_count)
numbers = list(range(1, len(AGENDA) + 1))
state.seed(ITEM, numbers, default=1, what="agenda item")


def _go(step: int) -> None:
    st.session_state["meeting_item"] = min(max(st.session_state["meeting_item"] + step, 1), len(AGENDA))


row = st.container(horizontal=True, vertical_alignment="bottom")
row.button("Previous", key="meeting_previous", icon=":material/arrow_back:", on_click=_go, args=(-1,),
           disabled=st.session_state["meeting_item"] == 1)
row.selectbox("Agenda", numbers, key="meeting_item", width=420,
              format_func=lambda n: f"{n} of {len(AGENDA)} · {AGENDA[n - 1][0]}")
row.button("Next", key="meeting_next", icon=":material/arrow_forward:", on_click=_go, args=(1,),
           disabled=st.session_state["meeting_item"] == len(AGENDA), type="primary")
item = st.session_state["meeting_item"]
state.publish(ITEM, item, default=1)
title, show = AGENDA[item - 1]
st.header(md(title))
show()
