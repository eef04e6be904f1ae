"""The synthetic workbook generator and the sync at scale: two Sheets API requests at every size."""

from __future__ import annotations

import os
import re

import pytest

from bench import generate
from bench.run import api_answers, exponent, sync_payload
from okra_dash.sync import sync
from tests.conftest import review_of
from tests.fake_sheets import KEY


def typos(tabs):
    return sum(cell in generate.TYPOS for row in tabs["Check-ins"][1:] for cell in row[1:])


@pytest.mark.parametrize("krs", [100, 1000, 10000])
def test_a_generated_sheet_syncs_in_two_requests_with_every_typo_an_issue(krs, tmp_path, sheet_api):
    tabs = generate.generate(krs, 52)
    sheet_api.books[KEY] = tabs
    result = sync(KEY, tmp_path / "okra.duckdb")
    assert len(sheet_api.requests) == 2
    assert result.rows["Key results"] == krs
    assert result.issues == typos(tabs)


def test_the_generated_workbook_keeps_the_focus_rule_and_has_both_modes_and_all_patterns(tmp_path):
    tabs = generate.generate(2000, 52, seed=3)
    db = tmp_path / "okra.duckdb"
    sync_payload(*api_answers(tabs), db)
    review = review_of(db, __import__("datetime").date(2026, 9, 20))  # 88% into Q3
    assert review.frame("focus").empty
    krs = review.frame("key_results")
    assert set(krs["mode"]) == {"OKR", "KPI"}
    reasons = {reason for stalled in krs["stalled"] for reason in stalled}
    assert reasons == {"no movement", "no check-in", "flat at zero"}
    regressed = review.con.execute("""
        SELECT count(*) FROM (
            SELECT kr_id, max((value - start_value) / (target - start_value)) AS best,
                   arg_max((value - start_value) / (target - start_value), week) AS latest
            FROM checkins JOIN key_results USING (kr_id) GROUP BY kr_id)
        WHERE latest < best - 0.1""").fetchall()[0][0]
    assert regressed > 100  # values that went back by more than a tenth of the way
    assert review.con.execute("SELECT count(*) FROM actions").fetchall()[0][0] > 1000


@pytest.mark.parametrize("out", ["book.xlsx", "book"], ids=["xlsx", "csv-folder"])
def test_generate_writes_an_xlsx_or_a_csv_folder_that_syncs(tmp_path, out):
    from bench.__main__ import main

    assert main(["generate", "--krs", "200", "--weeks", "26", "--out", str(tmp_path / out)]) == 0
    result = sync(str(tmp_path / out), tmp_path / "okra.duckdb")
    assert result.rows["Key results"] == 200
    assert result.issues == typos(generate.generate(200, 26))


def test_the_benchmark_prints_its_table_for_a_small_size(tmp_path):
    from bench import run as bench

    text = bench.run([40, 80], 13, 1, False, tmp_path)
    assert "| 40 × 13 | 520 |" in text and "| 80 × 13 | 1,040 |" in text
    assert "| sync + report as processes | pandas peer | ratio | floor: store + report | floor ratio |" in text
    figures = r"\| [\d.]+ s \([\d.]+ \+ [\d.]+\) \| [\d.]+ s \| [\d.]+× \| [\d.]+ s \([\d.]+ \+ [\d.]+\) \| [\d.]+× \|"
    assert re.search(r"\| 80 × 13 \|.*" + figures, text), text
    # The store floor wrote what the sync stores: every table, every row.
    import duckdb

    synced, floor = (duckdb.connect(str(tmp_path / name), read_only=True)
                     for name in ("cli-80.duckdb", "cli-80-floor.duckdb"))
    tables = [name for (name,) in synced.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
    assert "checkins_history" in tables
    for name in tables:
        assert floor.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall() == \
            synced.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall(), name
    assert "Page reruns at the largest size: weekly_review" in text
    assert "to the power" in text


def test_the_growth_exponent_is_the_slope_between_the_two_largest_sizes():
    rows = [{"cells": 10, "sync_s": 1.0}, {"cells": 100, "sync_s": 2.0}, {"cells": 1000, "sync_s": 20.0}]
    assert exponent(rows) == pytest.approx(1.0)


def test_the_browser_benchmark_times_both_apps_in_chromium(tmp_path):
    import shutil

    from bench import browser as bench_browser

    if not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"):
        pytest.skip("Debian's chromium is not installed")
    db = tmp_path / "okra.duckdb"
    sync(str(generate.write(generate.generate(60, 13), tmp_path / "book")), db)
    timed = bench_browser.against_trivial(db, tmp_path, sessions=1, rounds=2, starts=1)  # each title waited for
    for app in ("okra", "trivial"):
        assert set(timed[app]) == {"first_page_s", "fresh_session_s", "first_visit_s", "switch_s"}
        assert all(0 < seconds < 60 for seconds in timed[app].values()), timed


def test_streamlit_run_from_the_checkout_skips_the_full_garbage_collection_after_every_run(tmp_path):
    """.streamlit/config.toml turns off Streamlit's gc.collect(2) after each run (it held the GIL 40-60 ms while a
    page switch's last messages went out); Streamlit reads it from the folder `streamlit run` starts in, and
    not elsewhere."""
    import subprocess
    import sys

    from bench.run import CHECKOUT

    code = ("from streamlit import config; config.get_config_options(force_reparse=True); "
            "print(config.get_option('runner.postScriptGC'))")
    env = {**os.environ, "HOME": str(tmp_path)}  # no user-wide config.toml
    env.pop("STREAMLIT_RUNNER_POST_SCRIPT_GC", None)

    def post_script_gc(folder) -> str:
        return subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True,
                              check=True).stdout.strip()

    assert post_script_gc(CHECKOUT) == "False"
    assert post_script_gc(tmp_path) == "True"  # Streamlit's default, which the checkout's file changes
