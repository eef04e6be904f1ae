"""Key results and data issues as text a person reads whole: cards instead of a grid where people read.

Streamlit's data grid draws on a canvas: a key result's name or a team's note is cut to its column, cannot be
searched or copied as a sentence, and a screen reader does not read it. Where a page is read item by item (the
stalled key results, a champion's list, the data issues) each item is a card of Markdown text that wraps at
any width; the grid stays, folded below, for sorting and the download. A long list shows PAGE cards at a time.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from okra_dash.ui import tables
from okra_dash.ui.text import md
from okra_dash.words import counted, format_number, percent

PAGE = 25  # cards drawn at once: each is a few elements, and a page of hundreds is neither read nor quick


def shown_count(key: str, total: int) -> int:
    """How many of `total` cards to draw: PAGE, and PAGE more for each click on "Show more"."""
    return min(total, st.session_state.get(f"_shown_{key}", PAGE))


def more_button(key: str, shown: int, total: int) -> None:
    if shown < total:
        st.caption(f"{shown} of {total} shown.")
        st.button(f"Show {min(PAGE, total - shown)} more", key=f"more_{key}",
                  on_click=lambda: st.session_state.__setitem__(f"_shown_{key}", shown + PAGE))


def _said(kr: dict) -> str:
    note = kr.get("note")
    confidence = kr.get("confidence")
    sure = "" if confidence is None or pd.isna(confidence) else f", confidence {format_number(confidence)}/10"
    if isinstance(note, str) and note:
        week = kr.get("note_week")
        when = f"week of {pd.Timestamp(week):%d %b}" if week is not None and not pd.isna(week) else "latest"
        return f"The team said ({when}{sure}): “{md(note)}”"
    return f"No note from the team yet{sure}."


def kr_card(kr: dict, why: str | None, key: str) -> bool:
    """One key result: its ID and full name, status and progress, why it is listed, its team and stream, and
    what its team last said; True when its "Open week by week" button was clicked."""
    with st.container(border=True):
        st.markdown(f"**{md(kr['kr_id'])} · {md(kr['key_result'])}**")
        progress = kr.get("progress")
        figures = (f"progress {percent(progress)} against {percent(kr.get('expected'))} expected"
                   if progress is not None and not pd.isna(progress) else "a line to hold")
        st.markdown(f"{tables.status_label(kr.get('status'))} · {figures} · {md(kr['team'])} · "
                    f"{md(kr['value_stream'])}")
        if why:
            st.markdown(why)
        st.markdown(_said(kr))
        return st.button("Open week by week", key=f"open_{key}_{kr['kr_id']}", icon=":material/open_in_new:")


def stalled_why(kr: dict) -> str:
    reasons = kr.get("stalled")
    listed = "; ".join(reasons) if reasons is not None and len(reasons) else ""
    weeks = kr.get("weeks_since_change")
    unchanged = "" if weeks is None or pd.isna(weeks) else f", {counted(int(weeks), 'week')} unchanged"
    return f"Stalled: {md(listed)}{unchanged}." if listed else ""
