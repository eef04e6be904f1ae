"""Key results and data issues as text a person reads whole: cards instead of a grid where people read.

Streamlit's data grid draws on a canvas: a key result's name or a team's note is cut to its column, cannot be
searched or copied as a sentence, and a screen reader does not read it. Where a page is read item by item (the
stalled key results, a champion's list, the data issues) each item is a card of Markdown text that wraps at
any width; the grid stays, folded below, for sorting and the download. A long list shows PAGE cards at a time.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from okra_dash.ui import data, state, steps, tables
from okra_dash.ui.scroll import scroll_here
from okra_dash.ui.text import md
from okra_dash.words import counted, format_number, percent, week_of

_OPENED = "_kr_opened"  # how many key results this session opened: see open_kr
PAGE = 25  # cards drawn at once: each is a few elements, and a page of hundreds is neither read nor quick


def shown_count(key: str, total: int) -> int:
    """How many of `total` cards to draw: PAGE, and PAGE more for each click on "Show more"."""
    return min(total, st.session_state.get(f"_shown_{key}", PAGE))


def more_button(key: str, shown: int, total: int) -> None:
    if shown < total:
        st.caption(f"{shown} of {total} shown.")
        st.button(f"Show {min(PAGE, total - shown)} more", key=f"more_{key}",
                  on_click=lambda: st.session_state.__setitem__(f"_shown_{key}", shown + PAGE))


def said(kr: dict, week: object = None) -> str:
    """What the team said, whole. For one week of a key result's history (`week` given) its note and confidence:
    "The team said (week of 02 Mar, confidence 6/10): “…”". On a card, the latest note with its own week and the
    latest confidence, which may be a later week's: said apart, so neither is read as the other's."""
    note, confidence = kr.get("note"), kr.get("confidence")
    sure = "" if confidence is None or confidence != confidence else f"confidence {format_number(confidence)}/10"
    if week is not None:
        when = ", ".join(filter(None, (week_of(week), sure)))
        return f"The team said ({when}): “{md(note)}”" if isinstance(note, str) and note else f"No note ({when})."
    words = (f"The team said ({week_of(kr.get('note_week')) or 'latest'}): “{md(note)}”"
             if isinstance(note, str) and note else "No note from the team yet.")
    return f"{words} Latest {sure}." if sure else words


def kr_card(kr: dict, why: str | None, key: str) -> bool:
    """One key result: its ID and full name, status and progress, why it is listed, its team and stream, and
    what its team last said; True when its "Open week by week" button was clicked."""
    with st.container(border=True):
        progress = kr.get("progress")
        figures = (f"progress {percent(progress)} against {percent(kr.get('expected'))} expected"
                   if progress is not None and not pd.isna(progress) else "a line to hold")
        # One element, a paragraph a line: four were a fifth of a 20-card page's run with ten people switching
        st.markdown("\n\n".join(filter(None, (
            f"**{md(kr['kr_id'])} · {md(kr['key_result'])}**",
            f"{tables.status_label(kr.get('status'))} · {figures} · {md(kr['team'])} · {md(kr['value_stream'])}",
            why, said(kr)))))
        view = data.current_view()
        steps.open_for(view, kr, key)  # what the last reviews agreed for it, still open
        row = st.container(horizontal=True)
        opened = row.button("Open week by week", key=f"open_{key}_{kr['kr_id']}", icon=":material/open_in_new:")
        steps.agree(view, key, kr, row=row)
        return opened


def open_kr(kr: dict) -> None:
    """Open a key result on Value streams, first on the page, and take the reader there: a click far down a
    long list leaves the browser scrolled down, past the view that opened (see scroll_to_opened)."""
    st.session_state[_OPENED] = st.session_state.get(_OPENED, 0) + 1
    state.switch_to("value_streams", stream=kr["value_stream"], kr=kr["kr_id"])


def scroll_to_opened(box) -> None:
    """On the run after open_kr: take the reader to the top of `box`."""
    opened = st.session_state.pop(_OPENED, None)
    if opened:
        scroll_here(box, f"opening {int(opened)}")


def stalled_why(kr: dict) -> str:
    reasons = kr.get("stalled")
    listed = "; ".join(reasons) if reasons is not None and len(reasons) else ""
    weeks = kr.get("weeks_since_change")
    unchanged = "" if weeks is None or pd.isna(weeks) else f", {counted(int(weeks), 'week')} unchanged"
    return f"Stalled: {md(listed)}{unchanged}." if listed else ""
