"""The dashboard's state in its link: every choice is read from the URL when a link is opened and
written back to it on every run, so a link shows what its sender saw.

Where a widget's value comes from on a run:
- a fresh session, or a URL someone changed (a pasted link): the URL wins; an unknown value in it is
  ignored with a short note, never an error;
- arriving on a page from another one (navigation clears the page's parameters): the values kept from
  the last visit, so filters survive going away and back;
- otherwise the widget itself.
Streamlit forgets the value of a widget that a run did not draw, so each value is also kept under a
plain key of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import streamlit as st

from okra_dash.ui import pages

_SOURCE, _URL, _PAGE, _KEPT, _WRITTEN, _NOW, _NOTES = ("_state_source", "_state_url", "_state_page", "_state_kept",
                                                       "_state_written", "_state_now", "_state_notes")
_LEAVING = "_state_leaving"


def begin(page: str) -> None:
    """Decide, once at the top of a run, where this run's values come from."""
    ss = st.session_state
    url = {name: st.query_params.get_all(name) for name in st.query_params}
    fresh = _PAGE not in ss
    arrived = not fresh and ss[_PAGE] != page
    if fresh or (url and url != ss.get(_WRITTEN)):
        ss[_SOURCE] = "url"
    elif arrived:
        ss[_SOURCE] = "kept"
    else:
        ss[_SOURCE] = "widgets"
    ss[_URL], ss[_PAGE], ss[_NOW], ss[_NOTES] = url, page, {}, []
    ss.setdefault(_KEPT, {})


@dataclass(frozen=True)
class Param:
    """One value in the link: its name there, its widget's key, and how to read and write it."""

    name: str
    key: str
    many: bool = False  # repeatable (`cycle=A&cycle=B`), a list widget
    read: Callable[[str], object] = str  # raises ValueError for a value it cannot take
    show: Callable[[object], str] = str


def seed(param: Param, choices: Iterable | None = None, default: object = None, what: str | None = None,
         undrawn: bool = False) -> None:
    """Put the value this run should start from into the widget's key, before the widget is drawn. undrawn: the
    last run did not draw the widget (a folded expander's), so its key may hold a stale value: start from the
    kept one."""
    ss = st.session_state
    allowed = None if choices is None else list(choices)
    if ss.get(_SOURCE) == "url":
        raw = ss[_URL].get(param.name, [])
        values = []
        for text in raw if param.many else raw[:1]:
            try:
                value = param.read(text)
            except ValueError:
                value = None
            if value is None or (allowed is not None and value not in allowed):
                ss[_NOTES].append(f"{what or param.name} “{text}”")
                continue
            values.append(value)
        _put(param.key, values if param.many else (values[0] if values else default))
    elif ss.get(_SOURCE) == "kept" or param.key not in ss or undrawn:
        kept = ss[_KEPT].get(param.name, [] if param.many else default)
        if allowed is not None:  # the data may have changed since: keep what still exists
            kept = [v for v in kept if v in allowed] if param.many else (kept if kept in allowed else default)
        _put(param.key, kept)
    elif allowed is not None:
        value = ss[param.key]
        _put(param.key, [v for v in value if v in allowed] if param.many else (value if value in allowed else default))


def _put(key: str, value: object) -> None:
    """Set a widget's value only when it differs: every assignment, even of the same value, makes Streamlit
    send the widget to the browser as set by the script, which draws it again (about 40 ms of the browser's
    time per page switch for the sidebar's widgets)."""
    ss = st.session_state
    if key not in ss or ss[key] != value:
        ss[key] = value


def folded_last_run(key: str) -> bool:
    """Whether the folding expander `key` (see fold) did not draw its widgets on the last run: then their keys
    may hold stale values, and seed(..., undrawn=True) starts them from the kept ones."""
    return not st.session_state.get(f"_drawn_{key}")


def fold(box, label: str, key: str, **options: object):
    """An expander whose widgets are drawn only while it is open (box.open): folded, they cost the browser
    nothing (four multiselects 70-90 ms a visit); unfolding runs the page again to draw them. Its label and
    options are part of its identity: change them and it is a new expander, starting as options say."""
    expander = box.expander(label, key=key, on_change="rerun", **options)
    st.session_state[f"_drawn_{key}"] = expander.open
    return expander


def publish(param: Param, value: object, default: object = None) -> None:
    """Keep the widget's value for later visits and write it into the link (nothing for the default)."""
    ss = st.session_state
    ss[_KEPT][param.name] = value
    if param.many:
        if value:
            ss[_NOW][param.name] = [param.show(v) for v in value]
    elif value is not None and value != default:
        ss[_NOW][param.name] = [param.show(value)]


def finish() -> None:
    """At the end of a run: the link holds exactly what this run showed (unless the run is leaving for
    another page, whose link switch_to() set)."""
    ss = st.session_state
    if ss.pop(_LEAVING, False):
        return
    written = ss.get(_NOW, {})
    if {name: st.query_params.get_all(name) for name in st.query_params} != written:
        st.query_params.from_dict(written)
    ss[_WRITTEN] = written


def switch_to(page: str, **params: object) -> None:
    """Open another page (by its file's name) with this run's shared choices (date, cycles, as seen) and these
    parameters in its link."""
    shared = {name: values for name, values in st.session_state.get(_NOW, {}).items()
              if name in ("as_of", "cycle", "as_seen")}
    st.session_state[_LEAVING] = True
    wanted = {name: [str(value)] for name, value in params.items()}
    st.switch_page(pages.FOLDER / f"{page}.py", query_params={**shared, **wanted})


def stop() -> None:
    """st.stop(), with the link written first (nothing runs after a stop, not even a finally's Streamlit calls)."""
    finish()
    st.stop()


def notes() -> list[str]:
    """What the link asked for that this view does not have (shown, then ignored)."""
    return list(st.session_state.get(_NOTES, []))


def read_count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _read_flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError(text)
    return text == "1"


def flag(name: str, key: str) -> Param:
    """A switch in the link: `name=1` on, `name=0` off."""
    return Param(name, key, read=_read_flag, show=lambda on: "1" if on else "0")


def toggle(box, param: Param, label: str) -> bool:
    """A toggle whose state is in the link as `name=1` (off, the default, leaves it out)."""
    seed(param, [False, True], default=False, what=param.name.replace("_", " "))
    on = box.toggle(label, key=param.key)
    publish(param, on, default=False)
    return on
