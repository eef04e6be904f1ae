"""The dashboard as people wait for it: `streamlit run` timed in Debian's Chromium, against a trivial app.

The peer is a six-page Streamlit app that shows a title and a line of text per page: Streamlit's own floor
on this machine. Both are timed the same way, turn about (one app, then the other, for each measure), as
medians:
- first page: the server just started, a browser opens the first page;
- fresh session: a new browser context opens the first page of a running server;
- page switch: a click in the sidebar's navigation until the page has finished running.
A run has finished when Streamlit's app element says the script is not running and the page's title shows.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TRIVIAL_TITLES = ["One", "Two", "Three", "Four", "Five", "Six"]
TRIVIAL_APP = '''import streamlit as st

pages = [st.Page(lambda n=n: (st.title(n), st.write(f"Page {n}.")), title=n, url_path=n.lower())
         for n in TITLES]
st.navigation(pages).run()
'''


def trivial_app(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    app = folder / "trivial_app.py"
    app.write_text(TRIVIAL_APP.replace("TITLES", repr(TRIVIAL_TITLES)), encoding="utf-8")
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, what: str, path: str = "/_stcore/health") -> None:
    """Wait until `url + path` answers (a minute at most); one sentence if the process stops or never does."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped (exit {process.returncode})")
        try:
            if requests.get(f"{url}{path}", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{what} did not start")


def serve(app: Path, env: dict[str, str], port: int | None = None) -> tuple[subprocess.Popen, str, float]:
    """Start `streamlit run` from the app's folder (its .streamlit/ config) on a free localhost port (or `port`)
    and wait until it is healthy; (process, url, moment it was started). The tests serve the dashboard with it
    too."""
    port = port or free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=app.parent, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(url, process, f"streamlit run {app}")
    return process, url, started


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _done(page, title: str) -> None:
    """Wait until the run has finished and the page shows its title."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
    page.get_by_role("heading", name=title).first.wait_for(timeout=120_000)


def _open(browser, url: str, title: str) -> tuple[object, float]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    _done(page, title)
    return page, time.perf_counter() - started


def _switch(page, label: str, title: str) -> float:
    started = time.perf_counter()
    page.get_by_test_id("stSidebarNav").get_by_text(label, exact=True).click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=120_000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
    return time.perf_counter() - started


class _App:
    """One app under test: how to serve it, its pages as (label in the sidebar, title on the page), the first
    one first, and the times taken."""

    def __init__(self, app: Path, env: dict[str, str], nav: list[tuple[str, str]]):
        self.app, self.env, self.nav = app, env, nav
        self.times: dict[str, list[float]] = {"first_page_s": [], "fresh_session_s": [], "first_visit_s": [],
                                              "switch_s": []}

    def first_page(self, browser) -> tuple[subprocess.Popen, str]:
        """Start the server, time its first page (from `streamlit run`), leave the server running."""
        process, url, started = serve(self.app, self.env)
        page, _ = _open(browser, url, self.nav[0][1])
        self.times["first_page_s"].append(time.perf_counter() - started)
        page.context.close()
        return process, url


def interleaved(apps: list[_App], sessions: int = 5, rounds: int = 3, starts: int = 3) -> list[dict[str, float]]:
    """Time the apps turn about, so that both meet the machine in the same state (here the same measure
    varies 20-40 % from one minute to the next): `starts` server starts each, then `sessions` fresh browser
    sessions each, then `rounds` rounds of page switches each (the first round visits each page for the
    first time; the later ones, at least one, are the switches timed). Medians per app: three starts by default,
    so that one slow start (they range over half again here) is not half the figure."""
    from playwright.sync_api import sync_playwright

    rounds = max(rounds, 2)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(max(starts, 1) - 1):
            for app in apps:
                stop(app.first_page(browser)[0])
        servers = [app.first_page(browser) for app in apps]
        try:
            for _ in range(sessions):
                for app, (_, url) in zip(apps, servers):
                    page, seconds = _open(browser, url, app.nav[0][1])
                    app.times["fresh_session_s"].append(seconds)
                    page.context.close()
            pages = [_open(browser, url, app.nav[0][1])[0] for app, (_, url) in zip(apps, servers)]
            # Turn about at every page, the first app first on one and last on the next: a page's first visit
            # depends on how long its server has had to warm up, which measuring one app's round after the other's
            # gave the second app alone (a first visit twice as slow as the same code measured second).
            for n in range(rounds):
                for step in range(max(len(app.nav) for app in apps)):
                    pairs = list(zip(apps, pages))
                    for app, page in pairs if step % 2 == 0 else pairs[::-1]:
                        nav = app.nav[1:] + app.nav[:1]
                        if step < len(nav):
                            app.times["first_visit_s" if n == 0 else "switch_s"].append(_switch(page, *nav[step]))
            browser.close()
        finally:
            for process, _ in servers:
                stop(process)
    return [{"first_page_s": statistics.median(app.times["first_page_s"]),
             "fresh_session_s": statistics.median(app.times["fresh_session_s"]),
             "first_visit_s": max(app.times["first_visit_s"]),
             "switch_s": statistics.median(app.times["switch_s"])} for app in apps]


def against_trivial(db: Path, workdir: Path, sessions: int = 5, rounds: int = 3, starts: int = 3) -> dict[str, dict]:
    """okra-dash on the database at db, and the trivial app, measured turn about."""
    from bench.run import CHECKOUT

    nav = [("Weekly review", "Weekly review"), ("Value streams", "Value streams"),
           ("Stalled KRs", "Stalled key results"), ("Champions", "A champion's list"),
           ("OKR vs KPI", "OKR-driven and KPI-driven teams"), ("Retrospective", "Cycle retrospective"),
           ("Data quality", "Data quality")]
    okra = _App(CHECKOUT / "app.py", {"OKRA_DB": str(db), "OKRA_SOURCE": "", "PYTHONPATH": str(CHECKOUT)}, nav)
    trivial = _App(trivial_app(workdir), {}, [(title, title) for title in TRIVIAL_TITLES])
    timed_okra, timed_trivial = interleaved([okra, trivial], sessions, rounds, starts)
    return {"okra": timed_okra, "trivial": timed_trivial}
