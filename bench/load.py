"""`python -m bench load`: many people opening the review at once, at Streamlit's protocol level.

Each session does what the browser's frontend does: it opens the websocket `/_stcore/stream`, asks for a run
of a page (a `rerun_script` BackMsg with the page's name and the link's query, and the hashes of the cached
messages it already holds), and reads ForwardMsgs until the run's `script_finished`. A fresh session is timed
from opening the socket; a page switch from sending the rerun. Runs that end in an exception, a page not found
or a different number of elements than that page's other runs are counted as failed.

okra-dash (served as the README's command serves it: `streamlit run app.py` with the project's config) and a
trivial app with the same pages (served with Streamlit's defaults) take turns in one run, so both meet the
same machine.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

# okra-dash's pages by their link's path ("" is the Weekly review), and their titles in the sidebar.
PAGES = {"": "Weekly review", "meeting": "Meeting", "value_streams": "Value streams", "stalled": "Stalled KRs",
         "champions": "Champions", "okr_vs_kpi": "OKR vs KPI", "retrospective": "Retrospective",
         "data_quality": "Data quality"}
TRIVIAL_APP = '''import streamlit as st

PAGES = {pages!r}
st.navigation([st.Page(lambda title=title: (st.title(title), st.write("A trivial page.")), title=title,
                       url_path=path or None, default=not path) for path, title in PAGES.items()]).run()
'''


def trivial_app(folder: Path) -> Path:
    """A trivial app with okra-dash's page titles and paths, in a folder with no Streamlit config."""
    folder.mkdir(parents=True, exist_ok=True)
    app = folder / "trivial_app.py"
    app.write_text(TRIVIAL_APP.format(pages=PAGES), encoding="utf-8")
    return app


@dataclass
class Runs:
    """What the sessions of one load measured: seconds per run, and the runs that failed."""

    seconds: list[float] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    elements: dict[str, set[int]] = field(default_factory=dict)  # page -> element counts seen
    by_page: dict[str, list[float]] = field(default_factory=dict)  # page -> seconds of its runs

    def percentile(self, share: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")

    def summary(self) -> dict[str, float | int]:
        mixed = sum(len(counts) > 1 for counts in self.elements.values())
        return {"runs": len(self.seconds), "p50": statistics.median(self.seconds) if self.seconds else float("nan"),
                "p95": self.percentile(0.95), "failed": len(self.failed), "mixed_pages": mixed}


class Session:
    """One browser tab, at the protocol level."""

    def __init__(self, url: str, query: str, cookie: str | None = None):
        self.stream = url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.query = query
        self.cookie = cookie  # as a browser sends it (nginx keeps a browser to one process by it)
        self.cached: set[str] = set()  # hashes of the cacheable messages this tab holds, as the frontend keeps
        self.socket = None
        self.page = ""
        self.last: list[ForwardMsg] = []  # the last run's messages

    async def open(self, page: str, runs: Runs) -> None:
        started = time.perf_counter()
        headers = {"Cookie": self.cookie} if self.cookie else None
        self.socket = await websockets.connect(self.stream, subprotocols=["streamlit"], max_size=None,
                                               open_timeout=120, ping_interval=None, additional_headers=headers)
        await self._run(page, runs, started)

    async def switch(self, page: str, runs: Runs) -> None:
        await self._run(page, runs, time.perf_counter())

    async def use(self, runs: Runs, **values: object) -> None:
        """Rerun the page as the frontend does after a widget changed: `values` by the widget's label (a button's
        label: clicked; a text: typed)."""
        widgets = []
        for label, value in values.items():
            element = self.element(label.replace("_", " "))
            state = WidgetState(id=element.id)
            if value is True:
                state.trigger_value = True
            else:
                state.string_value = str(value)
            widgets.append(state)
        await self._run(self.page, runs, time.perf_counter(), widgets)

    def element(self, label: str):
        """The last run's widget with this label."""
        for msg in self.last:
            if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
                new = msg.delta.new_element
                widget = getattr(new, new.WhichOneof("type") or "", None)
                if getattr(widget, "label", None) == label and getattr(widget, "id", ""):
                    return widget
        raise LookupError(f"no widget labelled {label!r} on the page")

    def text(self) -> str:
        """The last run's elements, serialised: to look for what a page shows."""
        return b"".join(msg.SerializeToString() for msg in self.last).decode("utf-8", errors="replace")

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def _run(self, page: str, runs: Runs, started: float, widgets: list | None = None) -> None:
        back = BackMsg()
        back.rerun_script.query_string = self.query
        back.rerun_script.page_name = self.page = page
        back.rerun_script.cached_message_hashes.extend(sorted(self.cached))
        if widgets:
            back.rerun_script.widget_states.widgets.extend(widgets)
        await self.socket.send(back.SerializeToString())
        elements, problem, self.last = 0, None, []
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(self.socket.recv(), timeout=300))
            self.last.append(msg)
            kind = msg.WhichOneof("type")
            if msg.metadata.cacheable and msg.hash:
                self.cached.add(msg.hash)
            if kind in ("delta", "ref_hash"):
                elements += 1
                if kind == "delta" and msg.delta.WhichOneof("type") == "new_element" and \
                        msg.delta.new_element.WhichOneof("type") == "exception":
                    problem = f"{page or 'weekly review'}: an exception"
            elif kind == "page_not_found":
                problem = f"{page}: page not found"
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the run was replaced by the one it asked for (st.rerun, a switch)
                break
        runs.seconds.append(time.perf_counter() - started)
        runs.by_page.setdefault(page, []).append(runs.seconds[-1])
        runs.elements.setdefault(page, set()).add(elements)
        if problem:
            runs.failed.append(problem)


async def fresh(url: str, sessions: int, query: str, page: str = "") -> Runs:
    """`sessions` tabs opening `page` at the same moment."""
    runs = Runs()
    tabs = [Session(url, query) for _ in range(sessions)]
    await asyncio.gather(*(tab.open(page, runs) for tab in tabs))
    await asyncio.gather(*(tab.close() for tab in tabs))
    return runs


async def switching(url: str, sessions: int, query: str, pages: list[str]) -> Runs:
    """`sessions` open tabs (not timed) all switching to each page in turn at the same moment (timed)."""
    opened, runs = Runs(), Runs()
    tabs = [Session(url, query) for _ in range(sessions)]
    await asyncio.gather(*(tab.open(pages[0], opened) for tab in tabs))
    for page in pages[1:]:
        await asyncio.gather(*(tab.switch(page, runs) for tab in tabs))
    await asyncio.gather(*(tab.close() for tab in tabs))
    runs.failed += opened.failed
    return runs


@dataclass
class Served:
    name: str
    url: str
    query: str


def load(apps: list[Served], counts: tuple[int, ...] = (1, 10, 30), rounds: int = 3,
         switching_counts: tuple[int, ...] = (1, 10)) -> list[dict]:
    """Each app in turn, `rounds` times, at each count: fresh sessions, then (for switching_counts) page
    switches. One row per app, count and kind, over all rounds. Each app is warmed first (a session through
    every page, not timed): the figures cached, as on a Monday after the first leader."""
    pages = list(PAGES)
    for app in apps:  # four tabs: behind nginx, each process gets some
        asyncio.run(switching(app.url, 4, app.query, pages))
    totals: dict[tuple[str, int, str], Runs] = {}
    for _ in range(rounds):
        for count in sorted(set(counts) | set(switching_counts)):
            for app in apps:  # alternated, so a slow moment of the machine falls on all
                kinds = (["fresh"] if count in counts else []) + (["switching"] if count in switching_counts else [])
                for kind in kinds:
                    runs = asyncio.run(fresh(app.url, count, app.query) if kind == "fresh"
                                       else switching(app.url, count, app.query, pages))
                    total = totals.setdefault((app.name, count, kind), Runs())
                    total.seconds += runs.seconds
                    total.failed += runs.failed
                    for page, seen in runs.elements.items():
                        total.elements.setdefault(page, set()).update(seen)
                    for page, seconds in runs.by_page.items():
                        total.by_page.setdefault(page, []).extend(seconds)
    return [{"app": name, "sessions": count, "kind": kind, **runs.summary(),
             "pages": {page: statistics.median(seconds) for page, seconds in runs.by_page.items()}}
            for (name, count, kind), runs in totals.items()]


def table(rows: list[dict]) -> str:
    """The runs' p50 and p95; then, for page switches, each page's median run (a switch to it)."""
    lines = ["| app | sessions at once | kind | runs | p50 (s) | p95 (s) | failed | pages with mixed runs |",
             "|---|---|---|---|---|---|---|---|"]
    ordered = sorted(rows, key=lambda r: (r["kind"], r["sessions"], r["app"]))
    for row in ordered:
        lines.append(f"| {row['app']} | {row['sessions']} | {row['kind']} | {row['runs']} | {row['p50']:.2f} | "
                     f"{row['p95']:.2f} | {row['failed']} | {row['mixed_pages']} |")
    switching = [row for row in ordered if row["kind"] == "switching"]
    if switching:
        lines += ["", "Switching pages, each page's median run (s):", "",
                  "| app | sessions at once | " + " | ".join(PAGES[p] for p in PAGES if p) + " |",
                  "|---|---|" + "---|" * (len(PAGES) - 1)]
        for row in switching:
            lines.append(f"| {row['app']} | {row['sessions']} | "
                         + " | ".join(f"{row['pages'].get(p, float('nan')):.2f}" for p in PAGES if p) + " |")
    return "\n".join(lines)


def measure(workdir: Path, krs: int, weeks: int, counts: list[int], switching_counts: list[int], rounds: int,
            behind_nginx: bool) -> str:
    """Generate and sync a workbook of `krs` key results, serve okra-dash (one process; and two behind nginx)
    and the trivial app, and load them in turn; the table, with the machine and the date."""
    import datetime as dt
    import os
    import platform

    from bench import browser, generate, nginx, run
    from okra_dash.sync import sync

    db = workdir / "load.duckdb"
    sync(str(generate.write(generate.generate(krs, weeks), workdir / "book")), db)
    query = f"as_of={run.as_of_for(weeks).isoformat()}"
    env = {"OKRA_DB": str(db), "OKRA_SOURCE": ""}
    app = Path(__file__).resolve().parent.parent / "app.py"
    started = [browser.serve(app, env)[:2]]
    served = [Served("okra-dash", started[0][1], query)]
    trivial = browser.serve(trivial_app(workdir / "trivial"), {})[:2]
    started.append(trivial)
    served.append(Served("trivial app", trivial[1], query))
    front = None
    if behind_nginx:
        pair = [browser.serve(app, env)[:2] for _ in range(2)]
        started += pair
        front, url = nginx.start(workdir / "nginx", [int(u.rsplit(":", 1)[1]) for _, u in pair])
        served.append(Served("okra-dash, 2 processes behind nginx", url, query))
    try:
        rows = load(served, tuple(counts), rounds, tuple(switching_counts))
    finally:
        if front:
            browser.stop(front)
        for process, _ in started:
            process.terminate()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    return (f"{krs:,} key results × {weeks} weeks, {rounds} rounds, {dt.date.today()}, {machine}\n\n"
            + table(rows))
