"""The dashboard's data access: the database path, the source, cached query results.

Results are cached keyed by the database file's version (inode, mtime), so a
filter click reuses them and a sync, from this app or from cron, shows at once.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import streamlit as st

from okra_dash import queries, settings, store
from okra_dash.errors import SourceError
from okra_dash.figures.next_steps import FOLLOWED_UP, followed_up, team_of
from okra_dash.figures.next_steps import problem as next_step_problem
from okra_dash.figures.review import Review, Thresholds
from okra_dash.source.read import google_sheet_key
from okra_dash.source.typed import printable
from okra_dash.store import next_steps
from okra_dash.sync import sync


def secrets() -> dict:
    """Streamlit's reading of .streamlit/secrets.toml, for settings.py; {} without a file (or a malformed one,
    which Streamlit reports itself)."""
    try:
        return st.secrets.to_dict()
    except Exception:  # StreamlitSecretNotFoundError (no file) or a malformed file
        return {}


def configured_source() -> str | None:
    """The sheet the dashboard syncs, if one is configured (settings.source)."""
    return settings.source(secrets())


def max_age() -> dt.timedelta:
    return dt.timedelta(minutes=settings.max_age_minutes(secrets()))


@st.cache_resource(show_spinner=False, max_entries=4)
def _replayed(db: str, version: tuple, sync_id: int):
    """The workbook as one past sync saw it, built once per file version and sync (store.replay)."""
    del version  # part of the cache key only
    return store.replay(Path(db), sync_id)


@st.cache_resource(show_spinner=False, max_entries=4)
def _reader(db: str, version: tuple):
    """One reader per file version (store.connect): the file opened and the measure macros defined once."""
    del version  # part of the cache key only: a synced file is opened anew
    return store.connect(Path(db))


def _connect(db: str, version: tuple, seen: int | None):
    """A cursor of this thread's own: on the file's reader, or on a past sync's replayed workbook."""
    if seen is None:
        return queries.cursor(_reader(db, version))
    return queries.cursor(_replayed(db, version, seen))  # it shares the replayed tables and the macros


def _frame(db: str, version: tuple, name: str, as_of: dt.date, cycles: tuple, thresholds: Thresholds,
           extra: tuple, seen: int | None = None) -> pd.DataFrame:
    """A named query's rows, computed once per file version and choices for every session; the caller's own
    copy. The results are kept as frames (st.cache_resource), not pickled (st.cache_data): copying a cycle's
    2,000 key results at 10,000 KRs takes 0.07 ms where unpickling took 5.7 ms, on every run of every session
    (bench load). The copy shares the cells' objects (text, lists of stall reasons), which no page changes."""
    choices = (db, version, name, as_of, cycles, thresholds, extra, seen)
    return _computed(repr(choices), choices).copy()


# Old versions are never asked for again; the bound keeps them from piling up in memory. The key is the choices'
# repr, one string: Streamlit hashing the eight values (a dataclass among them) took a tenth of a fresh session's
# run at 30 sessions at once; _choices, not hashed, carries them.
@st.cache_resource(show_spinner=False, max_entries=256)
def _computed(key: str, _choices: tuple) -> pd.DataFrame:
    db, version, name, as_of, cycles, thresholds, extra, seen = _choices
    con = _connect(db, version, seen)  # version: part of the cache key, a new file means new results
    try:
        review = Review(con, as_of, thresholds, list(cycles))
        return _shown(queries.frame(con, name, **review.params, **dict(extra)))
    finally:
        con.close()


@st.cache_resource(show_spinner=False, max_entries=64)
def _grid(key: str, _choices: tuple, _show) -> pa.Table:
    """A query's rows as its grid shows them, in Arrow: st.dataframe sends an Arrow table as it is, where a
    frame is shaped (tables.shown) and converted again on every run of every session."""
    return pa.Table.from_pandas(_show(_computed(repr(_choices), _choices)), preserve_index=False)


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Text as a page may show it: control characters as their visible symbols (stored as typed)."""
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: printable(v) if isinstance(v, str) else v)
    return frame


def _steps_version(db: str) -> tuple:
    """The next steps file's version: SQLite in WAL mode writes to the -wal file beside it first."""
    where = next_steps.path(Path(db))
    stats = [(f.stat().st_mtime_ns, f.stat().st_size) if f.exists() else None
             for f in (where, where.with_name(where.name + "-wal"))]
    return tuple(stats)


@st.cache_resource(show_spinner=False, max_entries=64)  # as _computed: pages read it, never change it
def _followed_up(db: str, version: tuple, steps_version: tuple, as_of: dt.date, cycles: tuple,
                 thresholds: Thresholds, seen: int | None, seen_at: dt.datetime | None) -> pd.DataFrame:
    del steps_version  # part of the cache key only: a step recorded or closed means new results
    con = _connect(db, version, seen)
    try:
        review = Review(con, as_of, thresholds, list(cycles), steps=next_steps.every(Path(db)))
        krs = review.rows("key_results")
        names = {kr["kr_id"]: kr["key_result"] for kr in krs}
        steps = [{**step, "key_result": names.get(step["kr_id"], "")}  # for the pages' lines
                 for step in followed_up(review, review.steps, seen_at, krs)]
        return _shown(pd.DataFrame(steps, columns=[*next_steps.FIELDS, *FOLLOWED_UP, "key_result"]))
    finally:
        con.close()


@dataclass(frozen=True)
class View:
    """What the sidebar chose: the data (the latest sync's, or the one a past sync saw: seen, its id), the date,
    the cycles and thresholds every page shows."""

    db: str
    version: tuple
    as_of: dt.date
    cycles: tuple[str, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)
    seen: int | None = None
    seen_at: dt.datetime | None = None

    def frame(self, name: str, **extra: object) -> pd.DataFrame:
        """A named query's rows for this view (cached until the file changes); the caller's own copy, which
        it may change (st.cache_data hands out a new unpickled copy on every read)."""
        frozen = tuple(sorted((key, tuple(value) if isinstance(value, list) else value)
                              for key, value in extra.items()))
        return _frame(self.db, self.version, name, self.as_of, self.cycles, self.thresholds, frozen, self.seen)

    def grid(self, name: str, show) -> pa.Table:
        """A named query's rows (no parameters of its own) as a grid shows them: show(frame), e.g. tables.shown,
        made once per file version and choices, in Arrow."""
        choices = (self.db, self.version, name, self.as_of, self.cycles, self.thresholds, (), self.seen)
        return _grid(f"{show.__module__}.{show.__qualname__} {choices!r}", choices, show)

    def next_steps(self) -> pd.DataFrame:
        """The next steps open at this view's moment, followed up (figures/next_steps.py), oldest first, each
        with its key result's name. Read once per run (a View lives for one run): every card asks for them,
        and 25 cards reading the file's version and the cache each made the Stalled page's run 10 % slower."""
        if "_steps" not in self.__dict__:  # frozen: set past the dataclass' guard
            self.__dict__["_steps"] = _followed_up(self.db, self.version, _steps_version(self.db), self.as_of,
                                                   self.cycles, self.thresholds, self.seen, self.seen_at)
        return self.__dict__["_steps"].copy()

    def steps_of(self, kr_id: str) -> list[dict]:
        """The open next steps of one key result (next_steps, grouped once per run for every card)."""
        if "_steps_by_kr" not in self.__dict__:
            grouped: dict[str, list[dict]] = {}
            for step in self.next_steps().to_dict("records"):
                grouped.setdefault(step["kr_id"], []).append(step)
            self.__dict__["_steps_by_kr"] = grouped
        return self.__dict__["_steps_by_kr"].get(kr_id, [])

    def record_step(self, kr_id: str, team: str | None, asked: str, answer: str, next_step: str,
                    due: dt.date) -> int | str:
        """Record a next step: its id, or why it cannot be recorded (one sentence; nothing recorded)."""
        owners = self.frame("step_owners").to_dict("records")
        problem = next_step_problem(owners, kr_id, team, next_step)
        if problem:
            return problem
        try:
            return next_steps.add(Path(self.db), kr_id, team or team_of(owners, kr_id), asked, next_step, due,
                                  answer=answer)
        except store.StoreError as error:
            return str(error)


_BACKGROUND = "okra-"  # the name of every thread started below starts so
_EXITING = threading.Event()


def _in_background(name: str, target, *args: object) -> None:
    """Run target(*args) in a daemon thread that may use st.cache_data as the page's own thread does."""
    from streamlit.runtime.scriptrunner import add_script_run_ctx

    thread = threading.Thread(target=target, args=args, name=_BACKGROUND + name, daemon=True)
    add_script_run_ctx(thread)
    thread.start()


@atexit.register
def _let_background_finish(timeout_s: float = 60) -> None:
    """At exit, stop the warm-up at its next query and wait for the threads still in one: a thread still in a
    DuckDB query when Python finalizes aborts the whole process (SIGABRT, exit status 134)."""
    _EXITING.set()
    deadline = time.monotonic() + timeout_s
    for thread in threading.enumerate():
        if thread.name.startswith(_BACKGROUND):
            thread.join(max(0.0, deadline - time.monotonic()))


_WARMED: set[View] = set()  # the views whose queries a thread has computed (or is computing) in this process


def warm(view: View) -> None:
    """After a page is shown, compute in the background every query a page reads with this view's choices
    alone (the ones without filters), so the first visit of every other page finds them cached. Once per view
    and file version; off with OKRA_WARM=0. It pays: first visits at 10,000 KRs (AppTest, server side) took
    0.13 s against 0.29 s (Champions), 0.09 against 0.22 s (OKR vs KPI), 0.11 against 0.19 s (Retrospective)."""
    if not settings.warm_up() or view in _WARMED:
        return
    _WARMED.add(view)
    wanted = [name for name in queries.names() if queries.parameters(name) <= Review.PARAMETERS]
    _in_background("warm", _after_run, threading.current_thread(), view, wanted)


def _after_run(run: threading.Thread, view: View, names: list[str]) -> None:
    """Warm once the run that asked has ended, so that its page's last elements and its end reach the browser
    first (a warm-up started during the run competes with them for the interpreter)."""
    if run is not threading.main_thread():  # Streamlit runs a page in a thread of its own, ended with the run
        run.join()
    _compute(view, names)


# The stalled list before anyone filters it: what the Stalled page shows first (and counts against).
ALL_STALLED = {"value_streams": [], "teams": [], "modes": [], "reasons": [], "min_weeks": 0}


def closed_cycles(view: View) -> list[str]:
    """The cycles closed by the view's date, as the retrospective offers them (its default first)."""
    cycles = unfiltered("cycles", view.as_of, view.seen)
    return cycles[cycles["is_closed"]]["cycle"].tolist()


def _compute(view: View, names: list[str]) -> None:
    """The queries without filters, then two pages' first views that take other values: the unfiltered stalled
    list and the retrospective of the latest closed cycle (the slowest first visits at 10,000 KRs)."""
    try:
        for name in names:
            if _EXITING.is_set():
                return
            view.frame(name)
        view.frame("stalled_key_results", **ALL_STALLED)
        closed = closed_cycles(view)
        if closed:
            dataclasses.replace(view, cycles=(closed[0],)).frame("retrospective")
    except Exception:  # a warm-up never fails a page; the page itself says what is wrong
        return


def unfiltered(name: str, as_of: dt.date, seen: int | None = None) -> pd.DataFrame:
    """A query that needs only the date (the cycle list), before a View exists."""
    path = store.default_path()
    return _frame(str(path), store.version(path), name, as_of, (), Thresholds(), (), seen)


def replayable() -> dict[dt.datetime, int]:
    """The successful syncs a review can be shown as seen by: {synced at: sync id}, newest first (not
    the ones before the history began, in a file an older okra-dash wrote first)."""
    log = unfiltered("replayable_syncs", dt.date.today())
    return {when.to_pydatetime(): int(sync_id) for when, sync_id in zip(log["synced_at"], log["sync_id"])}


def last_sync() -> dict | None:
    """The last successful sync."""
    log = unfiltered("sync_log", dt.date.today())
    log = log[log["status"] == "ok"]
    return log.iloc[0].to_dict() if len(log) else None


def sheet_url() -> str | None:
    """The Google Sheet whose cells the pages link to: the last successful sync's, when it read a Google Sheet."""
    last = last_sync()
    url = last.get("sheet_url") if last and last.get("kind") == "google-sheet" else None
    return url if isinstance(url, str) and url else None


def sync_source() -> str:
    """What "Sync now" reads: the configured source, else what the last sync read, else the demo."""
    path = store.default_path()
    return configured_source() or _recorded_source(str(path), store.version(path)) or "demo"


def current_view() -> View:
    """The View the sidebar built for this run (set by app.py before the page runs)."""
    return st.session_state["view"]


def run_sync(source: str, say=None) -> store.SyncResult:
    return sync(source, store.default_path(), progress=say)


def ensure_data() -> str | None:
    """Before the first page: sync the demo on a fresh machine, a configured sheet that is stale, or again
    over a database file that cannot be read as it is (an older okra-dash's, or a broken one, which the
    sync moves aside and keeps).

    Returns a sentence to show when a sync on open failed (the previous data stays).
    """
    if st.session_state.get("_data_checked"):
        return None
    st.session_state["_data_checked"] = True
    path, source = store.default_path(), configured_source()
    found = _health(str(path), store.version(path))
    try:
        if found.state == "missing":
            with st.spinner(f"First start: syncing {source or 'the demo workbook'}…"):
                run_sync(source or "demo")
        elif found.state in ("old", "unreadable"):
            again = source or (store.recorded_source(path) if found.state == "old" else None)
            if again is None:
                return None  # the page says what is wrong and offers Sync now
            with st.spinner(f"{store.problem(path, found)} Syncing {again}…"):
                run_sync(again)
        elif source and google_sheet_key(source):
            last = last_sync()
            if last is None or dt.datetime.now() - pd.Timestamp(last["synced_at"]).to_pydatetime() > max_age():
                with st.spinner("The data is older than the configured age: syncing the sheet…"):
                    run_sync(source)
    except (SourceError, store.StoreError) as error:
        return f"Sync on open failed: {error} Showing the data of the last successful sync."
    return None


@st.cache_data(show_spinner=False, max_entries=16)
def _health(path: str, version: tuple | None) -> store.Health:
    """What is at the database path, looked at once per file version, not per session. A file the reader opens
    is current (store.connect checks its schema): the good path opens it once, for both; only a file it cannot
    open is classified by store.health (40 ms at 10,000 KRs, on the first page after start)."""
    try:
        _reader(path, version)
    except (store.NoDataError, store.StoreError):
        return store.health(Path(path))
    return store.Health("ok")


def _problem(path: str, version: tuple | None) -> str | None:
    return store.problem(Path(path), _health(path, version))


@st.cache_data(show_spinner=False, max_entries=16)
def _recorded_source(path: str, version: tuple | None) -> str | None:
    del version
    return store.recorded_source(Path(path))


def unusable() -> str | None:
    """Why the database cannot be read right now (one sentence), or None; looked at once per file."""
    path = store.default_path()
    return _problem(str(path), store.version(path))
