"""`python -m bench`: how fast a sync, the report and every page are, and a sync's memory.

For each size it generates a workbook, shapes it as the Sheets API's grid-data answer (JSON
text, the network left out) and times, as the median of --repeat runs: the sync from that
answer (decode + parse + validate + load), the full JSON report, `sync` plus `report` as
processes against the pandas peer, and each dashboard page's script run after the first
(AppTest). Peak memory of one sync is read in a fresh process. The floor is reading the same
tabs as CSV files with pyarrow.
"""

from __future__ import annotations

import compileall
import datetime as dt
import functools
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import generate
from okra_dash import store
from okra_dash.figures import report
from okra_dash.figures.review import Review
from okra_dash.source import google, grid
from okra_dash.sync import sync

# The benchmark runs from a checkout: it times app.py, which is not part of the installed package.
CHECKOUT = Path(__file__).resolve().parents[1]
KEY = "bench"
PAGES = ("weekly_review", "value_streams", "stalled", "champions", "okr_vs_kpi", "retrospective", "data_quality")
HUGE_CELLS = 10_000_000


def api_answers(tabs: dict[str, list[list[object]]]) -> tuple[dict, str]:
    """The two answers a sync gets from the Sheets API: the metadata (decoded, it is small) and the grid
    data's JSON text as it arrives, which the sync decodes (grid.decode) inside the time and memory measured.

    Generated workbooks hold text and plain numbers; Google sends a number typed as text (a CSV's "12")
    as a number, as it does for what people type.
    """
    meta = {"sheets": [{"properties": {"sheetId": i, "title": title}} for i, title in enumerate(tabs)]}
    sheets = []
    for title, rows in tabs.items():
        row_data = []
        for row in rows:
            values = []
            for cell in row:
                if cell in ("", None):
                    values.append({})
                    continue
                try:
                    values.append({"effectiveValue": {"numberValue": float(cell)}})
                except (TypeError, ValueError):
                    values.append({"effectiveValue": {"stringValue": str(cell)}})
            row_data.append({"values": values} if values else {})
        sheets.append({"properties": {"title": title}, "data": [{"rowData": row_data}]})
    return meta, json.dumps({"sheets": sheets})


def sync_payload(meta: dict, body: str, db: Path) -> None:
    """One sync from the API's answers: the code path of a Google Sheet sync (decoding the grid data
    included), less the network."""
    sync(google.workbook(KEY, meta, grid.decode(body)), db)


def median_time(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def as_of_for(weeks: int, first: dt.date = dt.date(2026, 1, 5)) -> dt.date:
    """A date in the last week of the generated data: its last cycle is in progress."""
    return first + dt.timedelta(weeks=weeks - 1, days=2)


def floor_seconds(folder: Path, repeat: int) -> float:
    from pyarrow import csv

    def read_all():
        for path in folder.glob("*.csv"):
            csv.read_csv(path)

    return median_time(read_all, repeat)


def page_seconds(db: Path, as_of: dt.date, repeat: int) -> dict[str, float]:
    """Each page's script run after the first, median of repeat runs, under AppTest."""
    from streamlit.testing.v1 import AppTest

    os.environ["OKRA_DB"] = str(db)
    os.environ.pop("OKRA_SOURCE", None)
    app = CHECKOUT / "app.py"
    at = AppTest.from_file(str(app), default_timeout=120)
    at.session_state["as_of"] = as_of
    at.run()
    out = {}
    for page in PAGES:
        at.switch_page(f"okra_dash/ui/pages/{page}.py").run()
        if at.exception:
            raise RuntimeError(f"page {page} failed: {at.exception[0].value}")
        out[page] = median_time(at.run, repeat)
    return out


PEER = Path(__file__).with_name("pandas_peer.py")
STORE_FLOOR = Path(__file__).with_name("store_floor.py")


def _process(*args: object) -> float:
    """Seconds a whole process takes, start to exit, as cron or a shell runs it."""
    started = time.perf_counter()
    subprocess.run([sys.executable, *map(str, args)], cwd=CHECKOUT, check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(CHECKOUT)})
    return time.perf_counter() - started


def cli_against_peer(folder: Path, db: Path, as_of: dt.date, repeat: int) -> dict[str, float]:
    """`sync` (again, into a database that has the sheet already, as a weekly cron does) plus `report`, as
    whole processes, against the pandas peer on the same CSV folder; alternating, medians of repeat runs.
    Also the floor of the pair: the store floor (a process that only writes what the sync stores) plus the
    same report."""
    _process("-m", "okra_dash", "sync", "--source", folder, "--db", db)  # the database cron finds
    copy = db.with_name(f"{db.stem}-floor.duckdb")
    sync_s, report_s, peer_s, store_s = [], [], [], []
    for _ in range(repeat):
        sync_s.append(_process("-m", "okra_dash", "sync", "--source", folder, "--db", db))
        report_s.append(_process("-m", "okra_dash", "report", "--db", db, "--as-of", as_of.isoformat()))
        peer_s.append(_process(PEER, folder, as_of.isoformat()))
        store_s.append(_process(STORE_FLOOR, db, copy))
    both = [a + b for a, b in zip(sync_s, report_s)]
    floor = [a + b for a, b in zip(store_s, report_s)]
    return {"cli_sync_s": statistics.median(sync_s), "cli_report_s": statistics.median(report_s),
            "cli_s": statistics.median(both), "peer_s": statistics.median(peer_s),
            "store_floor_s": statistics.median(store_s), "cli_floor_s": statistics.median(floor)}


def _in_fresh_process(function: str, *args: object):
    """Call bench.<function>(*args) in a new Python process, as a command-line run would be."""
    code = (f"import json, sys; from bench import run; "
            f"print(json.dumps(run.{function}(*json.loads(sys.argv[1]))))")
    out = subprocess.run([sys.executable, "-c", code, json.dumps(args)], cwd=CHECKOUT, check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(CHECKOUT)})
    return json.loads(out.stdout)


def report_seconds(db: str, as_of: str, repeat: int) -> float:
    """The full JSON report, connection included, median of repeat runs after one warm-up."""
    day = dt.date.fromisoformat(as_of)

    def full_report():
        con = store.connect(Path(db))
        try:
            report.as_json(Review(con, day))
        finally:
            con.close()

    full_report()
    return median_time(full_report, repeat)


def sync_memory_mb(payload: Path, db: Path) -> tuple[float, float]:
    """(peak RSS during one sync, RSS before it) in MB, measured in a fresh process."""
    peak, before = _in_fresh_process("measure_sync_memory", str(payload), str(db))
    return peak, before


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return math.nan


def measure_sync_memory(payload_path: str, db: str) -> tuple[float, float]:
    """Run in a fresh process: load the API's answers as they arrive (the grid data as JSON text), reset the
    peak, sync (decoding included), read the peak (Linux)."""
    meta, body = json.loads(Path(payload_path).read_text())
    before = _status_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM, the peak RSS
    sync_payload(meta, body, Path(db))
    return _status_mb("VmHWM"), before


def bench_size(krs: int, weeks: int, repeat: int, workdir: Path, pages: bool = True) -> dict:
    tabs = generate.generate(krs, weeks)
    meta, body = api_answers(tabs)
    cells = sum(len(row) - 1 for row in tabs["Check-ins"][1:])
    folder = generate.write(tabs, workdir / f"csv-{krs}")
    db = workdir / f"bench-{krs}.duckdb"
    db.unlink(missing_ok=True)
    payload = workdir / f"payload-{krs}.json"
    payload.write_text(json.dumps([meta, body]))
    row = {"krs": krs, "weeks": weeks, "cells": cells}
    row["floor_s"] = floor_seconds(folder, repeat)
    row["sync_s"] = median_time(functools.partial(sync_payload, meta, body, db), repeat)
    as_of = as_of_for(weeks)
    # A report or page process does not hold the sheet's payload: free it, or the garbage
    # collector's walks over its millions of objects would be timed too.
    del tabs, meta, body
    gc.collect()

    row["report_s"] = _in_fresh_process("report_seconds", str(db), as_of.isoformat(), repeat)
    row.update(cli_against_peer(folder, workdir / f"cli-{krs}.duckdb", as_of, repeat))
    if pages:
        row["pages_s"] = page_seconds(db, as_of, repeat)
    row["peak_mb"], row["baseline_mb"] = sync_memory_mb(payload, workdir / f"memory-{krs}.duckdb")
    return row


def history_growth(workdir: Path, krs: int = 1000, weeks: int = 52, syncs: int = 100, changes: int = 3) -> str:
    """Sync a krs-KR workbook `syncs` times, a day apart, changing `changes` check-in cells before each
    sync but the first and the last (so the last syncs an unchanged sheet): how the history grows."""
    import random

    rng = random.Random(1)
    tabs = generate.generate(krs, weeks)
    grid = tabs["Check-ins"]
    db = workdir / f"history-{krs}.duckdb"
    db.unlink(missing_ok=True)
    first_day = dt.datetime(2026, 1, 5, 9)
    sizes, timings = [], []
    for n in range(syncs):
        if 0 < n < syncs - 1:
            for _ in range(changes):  # a value typed over: a team correcting a week
                row = grid[rng.randrange(1, len(grid))]
                filled = [i for i, cell in enumerate(row[1:], start=1) if cell not in ("", None)] or [1]
                row[rng.choice(filled)] = round(rng.uniform(0, 200), 1)
        folder = generate.write(tabs, workdir / "history-book")
        started = time.perf_counter()
        sync(str(folder), db, now=first_day + dt.timedelta(days=n))
        timings.append(time.perf_counter() - started)
        con = store.connect(db)
        try:
            kept = sum(con.execute(f"SELECT count(*) FROM {table}_history").fetchall()[0][0]
                       for table in store.history.KEPT)
            sizes.append((kept, con.execute("SELECT count(*) FROM checkins").fetchall()[0][0], db.stat().st_size))
        finally:
            con.close()
    (first_rows, checkins, first_bytes), (last_rows, _, last_bytes) = sizes[0], sizes[-1]
    return (f"History over {syncs} syncs of a {krs:,}-KR sheet ({checkins:,} check-ins), {changes} cells changed "
            f"before each: history {first_rows:,} rows after the first sync, {last_rows:,} after the last "
            f"(+{(last_rows - first_rows) / (syncs - 1):.1f} rows a sync; keeping a full copy per sync would be "
            f"{first_rows * syncs:,}); the unchanged last sync added {sizes[-1][0] - sizes[-2][0]} rows. "
            f"File {first_bytes / 1e6:.1f} MB after the first sync, {last_bytes / 1e6:.1f} MB after the last. "
            f"Sync median {statistics.median(timings):.2f} s.")


def exponent(rows: list[dict], key: str = "sync_s") -> float | None:
    """The slope of log(time) against log(cells) between the two largest sizes."""
    big = sorted(rows, key=lambda r: r["cells"])[-2:]
    if len(big) < 2 or big[0]["cells"] == big[1]["cells"]:
        return None
    return math.log(big[1][key] / big[0][key]) / math.log(big[1]["cells"] / big[0]["cells"])


def table(rows: list[dict]) -> str:
    lines = ["| KRs × weeks | cells | sync | pyarrow floor | sync / floor | report | sync + report as processes | "
             "pandas peer | ratio | floor: store + report | floor ratio | slowest page rerun | peak RSS of a sync |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        slowest = max(r["pages_s"].items(), key=lambda item: item[1]) if r.get("pages_s") else None
        page = f"{slowest[1]:.3f} s ({slowest[0]})" if slowest else "–"
        report_s = f"{r['report_s']:.3f} s" if "report_s" in r else "–"
        cli = (f"{r['cli_s']:.2f} s ({r['cli_sync_s']:.2f} + {r['cli_report_s']:.2f}) | {r['peer_s']:.2f} s | "
               f"{r['cli_s'] / r['peer_s']:.2f}× | {r['cli_floor_s']:.2f} s ({r['store_floor_s']:.2f} + "
               f"{r['cli_report_s']:.2f}) | {r['cli_floor_s'] / r['peer_s']:.2f}×" if "cli_s" in r
               else "– | – | – | – | –")
        lines.append(f"| {r['krs']:,} × {r['weeks']} | {r['cells']:,} | {r['sync_s']:.3f} s | {r['floor_s']:.3f} s | "
                     f"{r['sync_s'] / r['floor_s']:.1f}× | {report_s} | {cli} | {page} | {r['peak_mb']:.0f} MB "
                     f"({r['peak_mb'] - r['baseline_mb']:.0f} MB above the {r['baseline_mb']:.0f} MB before it) |")
    return "\n".join(lines)


def browser_lines(db: Path, workdir: Path) -> list[str]:
    """The dashboard in Chromium against a trivial six-page app, as ratios (bench_browser)."""
    from bench import browser

    timed = browser.against_trivial(db, workdir)
    okra, trivial = timed["okra"], timed["trivial"]
    names = {"first_page_s": "first page after `streamlit run`", "fresh_session_s": "fresh browser session",
             "switch_s": "page switch (median)", "first_visit_s": "a page's first visit (slowest)"}
    lines = ["| In Chromium | okra-dash | trivial app | ratio |", "|---|---:|---:|---:|"]
    lines += [f"| {label} | {okra[key]:.2f} s | {trivial[key]:.2f} s | {okra[key] / trivial[key]:.1f}× |"
              for key, label in names.items()]
    return lines


def compile_checkout() -> None:
    """Byte-compile the checkout's modules before anything is timed, as pip does when it installs a package and
    Python does on a module's first import. Where PYTHONDONTWRITEBYTECODE is set (as on the machines measured
    here) every process timed would otherwise compile okra-dash's modules again (about 0.07 s of a sync process), a
    cost that an installed okra-dash, and the peer's pandas, never pay."""
    compileall.compile_dir(CHECKOUT / "okra_dash", quiet=1)
    compileall.compile_dir(CHECKOUT / "bench", quiet=1)
    compileall.compile_file(CHECKOUT / "app.py", quiet=1)


def run(sizes: list[int], weeks: int, repeat: int, huge: bool, out: Path | None, history: bool = False,
        browser: bool = False) -> str:
    compile_checkout()
    workdir = Path(out) if out else Path(tempfile.mkdtemp(prefix="okra-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for krs in sizes:
        rows.append(bench_size(krs, weeks, repeat, workdir))
        print(f"measured {krs:,} KRs", file=sys.stderr)
    if huge:
        krs = math.ceil(HUGE_CELLS / weeks)
        huge_row = {"krs": krs, "weeks": weeks}
        tabs = generate.generate(krs, weeks)
        meta, body = api_answers(tabs)
        huge_row["cells"] = sum(len(row) - 1 for row in tabs["Check-ins"][1:])
        folder = generate.write(tabs, workdir / "csv-huge")
        huge_row["floor_s"] = floor_seconds(folder, 1)
        db = workdir / "bench-huge.duckdb"
        payload = workdir / "payload-huge.json"
        payload.write_text(json.dumps([meta, body]))
        del tabs
        gc.collect()
        huge_row["sync_s"] = median_time(functools.partial(sync_payload, meta, body, db), 1)
        del meta, body
        huge_row["peak_mb"], huge_row["baseline_mb"] = sync_memory_mb(payload, workdir / "memory-huge.duckdb")
        rows.append(huge_row)
    slope = exponent(rows)
    text = [f"okra-dash benchmark on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
            f"median of {repeat} runs (the 10-million-cell row: one run)", "", table(rows), ""]
    if slope is not None:
        text.append(f"Sync time grows with cells to the power {slope:.2f} between the two largest sizes "
                    "(1.0 is linear).")
    pages = [r for r in rows if r.get("pages_s")]
    if pages:
        text.append("Page reruns at the largest size: " + ", ".join(
            f"{name} {seconds:.3f} s" for name, seconds in pages[-1]["pages_s"].items()) + ".")
    if browser and rows:
        biggest = max((r for r in rows if "cli_s" in r), key=lambda r: r["krs"])
        text += ["", f"The dashboard at {biggest['krs']:,} key results:", ""]
        text += browser_lines(workdir / f"cli-{biggest['krs']}.duckdb", workdir)
        text.append("")
    if history:
        text.append(history_growth(workdir))
    text.append(f"Files are in {workdir}.")
    return "\n".join(text)
