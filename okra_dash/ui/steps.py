"""Next steps in the meeting (contract section 6): under a key result, its open steps (each with Close) and
"Agree a next step", which opens a short form in place; the page stays where it is.

One form is open at a time (its key result kept in the session): a form per card would draw five widgets for
each of 25 cards on every run. A view of a past sync (as seen on) shows the steps as they stood then and records
nothing: that meeting is over.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from okra_dash.store import StoreError, next_steps
from okra_dash.ui import tables
from okra_dash.ui.data import View
from okra_dash.ui.scroll import scroll_here
from okra_dash.ui.text import md

_AGREEING = "_steps_agreeing"  # (where, kr_id) of the form that is open
_SAID = "_steps_said"  # what the last recording or closing did, said once on the next run
_RECORDED = "_steps_recorded"  # (where, id) of the step just recorded: scrolled to where it is shown
ASKED = "What is happening here?"


def line(step: dict, with_kr: str | None = None) -> tuple[str, str]:
    """One step as a sentence, whole: when it was agreed and by which team, what was asked and answered, the
    next step, when it is due, and whether its key result moved since: two lines of Markdown."""
    kr = f"**{md(step['kr_id'])}** {md(with_kr)} · " if with_kr is not None else ""
    recorded = pd.Timestamp(step["recorded_at"])
    due = pd.Timestamp(step["due"])
    answer = f" The team answered: “{md(step['answer'])}”" if isinstance(step["answer"], str) and step["answer"] else ""
    overdue = " (overdue)" if step["overdue"] else ""
    moved = "yes" if step["moved_since"] else "no"
    status = tables.status_label(step["status_now"])
    return (f"{kr}Agreed {recorded:%d %b} with {md(step['team'])}: “{md(step['next_step'])}” · due "
            f"{due:%d %b}{overdue} · moved since: {moved} · now {status}",
            f"Asked: “{md(step['asked'])}”{answer}")


def due_by(steps: pd.DataFrame, view: View) -> pd.DataFrame:
    """The open steps due by the view's date, overdue ones included: what the meeting looks at again."""
    return steps[steps["due"] <= view.as_of.isoformat()]


def open_for(view: View, kr: dict, where: str) -> None:
    """A key result's open next steps, under its card or its week-by-week view."""
    for step in view.steps_of(kr["kr_id"]):
        shown(view, step, where)


def shown(view: View, step: dict, where: str, with_kr: str | None = None) -> None:
    """One open step, with Close (not in a view of a past sync). The one just recorded here is scrolled into
    view: on a phone the form that closed was taller than the screen."""
    if st.session_state.get(_RECORDED) == (where, int(step["id"])):
        del st.session_state[_RECORDED]
        scroll_here(st, f"step {int(step['id'])}", below="8rem")  # below the toast that says it was recorded
    with st.container(border=True):
        for text in line(step, with_kr):
            st.markdown(text)
        if view.seen is None:
            st.button("Close: done", key=f"close_{where}_{step['id']}", icon=":material/task_alt:",
                      on_click=_close, args=(view, int(step["id"])))


def _close(view: View, step_id: int) -> None:
    try:
        next_steps.close(Path(view.db), step_id)
        st.session_state[_SAID] = ("success", f"Closed next step {step_id}.")
    except StoreError as error:
        st.session_state[_SAID] = ("error", str(error))


def said() -> None:
    """What the last recording or closing did, once, as a toast (it outlives the rerun that follows)."""
    kind, text = st.session_state.pop(_SAID, (None, None))
    if kind:
        st.toast(md(text), icon=":material/check_circle:" if kind == "success" else ":material/error:")


def agree(view: View, where: str, kr: dict | None = None, choices=None, row=st) -> None:
    """"Agree a next step" (its button on `row`) for this key result, or, with choices (a function giving
    {kr_id: label}, called when the form opens: 2,000 labels on every run cost the Weekly review a tenth of its
    time), for one picked in the form; nothing in a view of a past sync."""
    if view.seen is not None:
        return
    kr_id = kr["kr_id"] if kr else None
    if st.session_state.get(_AGREEING) != (where, kr_id):
        row.button("Agree a next step", key=f"agree_{where}_{kr_id or 'any'}", icon=":material/add_task:",
                  on_click=st.session_state.__setitem__, args=(_AGREEING, (where, kr_id)))
        return
    owners = view.frame("step_owners")
    teams = sorted(owners[owners["kind"] == "team"]["name"])
    with st.form(f"step_{where}_{kr_id or 'any'}", border=True):
        if kr is None:
            labels = choices() if choices else {}
            kr_id = st.selectbox("Key result", list(labels), format_func=labels.get, index=None,
                                 placeholder="Pick the key result")
            team = st.selectbox("Team", teams, index=None, placeholder="Its key result's team",
                                help="The team that owns the step (teams, not people, are measured)")
        else:
            st.markdown(f"Next step for **{md(kr['kr_id'])}** {md(kr['key_result'])}")
            team = st.selectbox("Team", teams, index=teams.index(kr["team"]) if kr["team"] in teams else None,
                                help="The team that owns the step (teams, not people, are measured)")
        asked = st.text_area("What was asked", ASKED, height=68)
        answer = st.text_area("What the team answered", "", height=68)
        next_step = st.text_input("Next step", placeholder="What happens next")
        due = st.date_input("Look again on", view.as_of + dt.timedelta(days=7), format="YYYY-MM-DD")
        cols = st.columns(2)
        record = cols[0].form_submit_button("Record", type="primary", icon=":material/save:")
        cancel = cols[1].form_submit_button("Cancel")
    if cancel:
        st.session_state.pop(_AGREEING, None)
        st.rerun()
    if record:
        if kr_id is None:
            st.error("Pick the key result the step is for.")
            return
        result = view.record_step(kr_id, team, asked, answer, next_step, due)
        if isinstance(result, str):  # why it cannot be recorded: the form keeps what was typed
            st.error(md(result))
            return
        st.session_state.pop(_AGREEING, None)
        st.session_state[_RECORDED] = (where, result)
        later = (f" This view is as of {view.as_of:%d %b %Y}: the step shows in reviews from today on."
                 if next_steps.now()[:10] > view.as_of.isoformat() else "")
        st.session_state[_SAID] = ("success", f"Recorded next step {result} for {kr_id}.{later}")
        st.rerun()
