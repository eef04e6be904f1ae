"""More than one process: two `streamlit run app.py` behind nginx, set up as docs/deploy/okra-dash.nginx.conf
documents it, driven at Streamlit's protocol level through nginx (bench/load.py's sessions): every run works,
a browser keeps to its process, a Sync now pressed in one process is seen by the other, and a next step
recorded in one is seen in the other."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
import requests

from bench import browser as bench_browser
from bench import load, nginx
from okra_dash.store import next_steps
from okra_dash.sync import sync
from tests.conftest import REVIEW, read_tabs, write_csv_folder

if not Path(nginx.NGINX).exists():
    if os.environ.get("CI"):
        pytest.fail("nginx is missing: .ci/run installs it (apt-get install nginx-light)")
    pytest.skip("nginx is not installed (apt-get install nginx-light)", allow_module_level=True)

QUERY = "as_of=2026-01-31&cycle=2026-Q1"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The review workbook, as a CSV folder that "Sync now" reads again, served by two processes behind nginx."""
    tmp = tmp_path_factory.mktemp("nginx")
    book = write_csv_folder(tmp / "book", read_tabs(REVIEW))
    db = tmp / "okra.duckdb"
    sync(str(book), db)
    env = {"OKRA_DB": str(db), "OKRA_SOURCE": str(book), "OKRA_WARM": "0"}
    processes = [bench_browser.serve(ROOT_APP, env)[:2] for _ in range(2)]
    front, url = nginx.start(tmp / "nginx", [int(u.rsplit(":", 1)[1]) for _, u in processes], served_by=True)
    yield {"url": url, "db": db, "book": book, "ports": [u.rsplit(":", 1)[1] for _, u in processes]}
    bench_browser.stop(front)
    for process, _ in processes:
        process.terminate()
        process.wait(timeout=20)


ROOT_APP = Path(__file__).resolve().parent.parent / "app.py"


def cookie_for(served: dict, port: str) -> str:
    """A cookie value nginx hashes to the process on `port`, found as a browser would get one."""
    for _ in range(200):
        response = requests.get(served["url"] + "/_stcore/health", timeout=10)
        if response.headers["X-Okra-Server"].endswith(f":{port}"):
            return response.cookies["okra_server"]
    raise AssertionError(f"no cookie led to the process on port {port}")


def test_sessions_through_nginx_all_run_on_both_processes(served):
    runs = asyncio.run(load.fresh(served["url"], 10, QUERY))
    assert runs.failed == [] and len(runs.seconds) == 10
    assert runs.summary()["mixed_pages"] == 0
    seen = {requests.get(served["url"] + "/_stcore/health", timeout=10).headers["X-Okra-Server"] for _ in range(40)}
    assert len(seen) == 2, seen  # new browsers are spread over both


def test_a_browser_keeps_to_its_process(served):
    first = requests.get(served["url"] + "/", timeout=10)
    cookie = first.cookies["okra_server"]
    process = first.headers["X-Okra-Server"]
    for path in ("/", "/_stcore/health", "/_stcore/host-config", "/stalled"):
        again = requests.get(served["url"] + path, cookies={"okra_server": cookie}, timeout=10)
        assert again.headers["X-Okra-Server"] == process, path
    # A cookie naming anything but one of the site's processes is no cookie: nginx never goes elsewhere
    for forged in ("127.0.0.1:22", "example.com:80", "okra_dash"):
        response = requests.get(served["url"] + "/_stcore/health", cookies={"okra_server": forged}, timeout=10)
        assert response.text == "ok" and response.headers["X-Okra-Server"] in {
            f"127.0.0.1:{port}" for port in served["ports"]}, forged


def _shown(served: dict, port: str, page: str, query: str = QUERY) -> str:
    """What a fresh tab kept to the process on `port` is shown on `page`."""
    async def visit() -> str:
        tab = load.Session(served["url"], query, cookie=f"okra_server={cookie_for(served, port)}")
        runs = load.Runs()
        await tab.open(page, runs)
        await tab.close()
        assert runs.failed == []
        return tab.text()

    return asyncio.run(visit())


def test_sync_now_in_one_process_is_seen_by_the_other(served):
    first, second = served["ports"]
    tabs = read_tabs(REVIEW)
    tabs["Key results"][1][3] = "Weekly active customers, renamed in the sheet"  # KR-A's title
    write_csv_folder(served["book"], tabs)
    stream = f"{QUERY}&stream=Customer+experience"
    assert "renamed in the sheet" not in _shown(served, second, "value_streams", stream)

    async def press_sync_now() -> None:
        tab = load.Session(served["url"], QUERY, cookie=f"okra_server={cookie_for(served, first)}")
        runs = load.Runs()
        await tab.open("", runs)
        await tab.use(runs, Sync_now=True)
        await tab.close()
        assert runs.failed == []
        assert "Synced 7 key results" in tab.text()

    asyncio.run(press_sync_now())
    assert "renamed in the sheet" in _shown(served, second, "value_streams", stream)


def test_a_next_step_recorded_in_one_process_is_seen_in_the_other(served):
    first, second = served["ports"]
    before = len(next_steps.every(served["db"]))

    async def record() -> None:
        tab = load.Session(served["url"], QUERY, cookie=f"okra_server={cookie_for(served, first)}")
        runs = load.Runs()
        await tab.open("stalled", runs)
        agree = next(msg.delta.new_element.button for msg in tab.last if msg.WhichOneof("type") == "delta"
                     and msg.delta.WhichOneof("type") == "new_element"
                     and msg.delta.new_element.WhichOneof("type") == "button"
                     and msg.delta.new_element.button.label == "Agree a next step")
        state = load.WidgetState(id=agree.id, trigger_value=True)
        await tab._run("stalled", runs, 0.0, [state])
        typed = load.WidgetState(id=tab.element("Next step").id, string_value="Recorded behind nginx")
        submit = load.WidgetState(id=tab.element("Record").id, trigger_value=True)
        await tab._run("stalled", runs, 0.0, [typed, submit])
        await tab.close()
        assert runs.failed == []

    asyncio.run(record())
    steps = next_steps.every(served["db"])
    assert len(steps) == before + 1 and steps[-1]["next_step"] == "Recorded behind nginx"
    # Recorded now, after the review's date: a review as of today shows it, in the other process.
    assert "Recorded behind nginx" in _shown(served, second, "", "cycle=2026-Q1")  # the Weekly review: due


def test_the_documented_site_is_what_the_tests_serve():
    text = nginx.SITE.read_text()
    assert "least_conn;" in text and "proxy_pass http://$okra_process;" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert shutil.which("nginx") or Path(nginx.NGINX).exists()
