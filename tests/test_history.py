"""The history of every sync: past reviews replayed exactly, rewritten and late values, bounded growth.

Five syncs of the review workbook with the clock set, a few check-in cells changed each time (the
weeks are the Mondays 2026-01-05, -12, -19 and -26; their Sundays end on the 11th, 18th, 25th and
February 1st). The expected figures below are worked out by hand from these changes.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from okra_dash import store
from okra_dash.figures import report
from okra_dash.figures.review import Review
from okra_dash.store import history
from okra_dash.sync import sync
from tests.conftest import REVIEW, read_tabs, write_csv_folder

ROOT = Path(__file__).resolve().parent.parent
BLANK = ""
# Each sync: when it ran, and the Check-ins of KR-A, KR-C and KR-D (the other rows never change).
SYNCS = [
    (dt.datetime(2026, 1, 13, 9), {"KR-A": [10, BLANK, BLANK, BLANK], "KR-C": [12, 25, BLANK, BLANK],
                                   "KR-D": [0, BLANK, BLANK, BLANK]}),
    (dt.datetime(2026, 1, 20, 9), {"KR-A": [10, 20, BLANK, BLANK], "KR-C": [12, 25, BLANK, BLANK],
                                   "KR-D": [0, 0, BLANK, BLANK]}),
    # KR-A's first week rewritten 10 -> 15, KR-C's first week cleared, KR-A's Target moved 100 -> 80
    (dt.datetime(2026, 1, 27, 9), {"KR-A": [15, 20, 30, BLANK], "KR-C": [BLANK, 25, BLANK, BLANK],
                                   "KR-D": [0, 0, BLANK, BLANK]}),
    # KR-A's last week arrives 9 days after its Sunday, KR-D's third week 16 days after: both late
    (dt.datetime(2026, 2, 10, 9), {"KR-A": [15, 20, 30, 40], "KR-C": [BLANK, 25, BLANK, BLANK],
                                   "KR-D": [0, 0, 0, BLANK]}),
    (dt.datetime(2026, 2, 10, 10), None),  # the same sheet again
]
TABLES = [f"{table}_history" for table in history.KEPT]


def book(tmp_path: Path, n: int, values: dict) -> Path:
    tabs = read_tabs(REVIEW)
    for row in tabs["Check-ins"][1:]:
        if row[0] in values:
            row[2:6] = [str(value) for value in values[row[0]]]
    if n >= 2:
        tabs["Key results"][1][5] = "80"  # KR-A's Target, from the third sync on
    return write_csv_folder(tmp_path / f"book{n}", tabs)


def rows_per_history_table(db: Path) -> dict[str, int]:
    con = store.connect(db)
    try:
        return {table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] for table in TABLES}
    finally:
        con.close()


def review_json(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    try:
        return json.loads(report.as_json(Review(con, as_of)))
    finally:
        con.close()


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    """The database after the five syncs, the report each sync's day gave at the time, and the history's
    size before and after the last (unchanged) sync."""
    tmp = tmp_path_factory.mktemp("history")
    db = tmp / "okra.duckdb"
    said, sizes, values = [], [], None
    for n, (when, changed) in enumerate(SYNCS):
        values = changed or values
        sync(str(book(tmp, n, values)), db, now=when)
        said.append(review_json(store.connect(db), when.date()))
        sizes.append(rows_per_history_table(db))
    return db, said, sizes


def test_a_replayed_review_is_exactly_what_the_report_said_after_that_sync(synced):
    db, said, _ = synced
    for (when, _), at_the_time in zip(SYNCS, said):
        sync_id, synced_at = store.sync_seen_at(db, when)
        assert synced_at == when
        replayed = review_json(store.replay(db, sync_id), when.date())
        assert replayed == at_the_time
    # the moment may be any time after the sync and before the next: the same review
    assert store.sync_seen_at(db, dt.datetime(2026, 1, 19, 23, 59))[0] == 1
    assert review_json(store.replay(db, 1), dt.date(2026, 1, 13)) == said[0]


def test_the_command_line_replays_a_past_meeting_and_defaults_the_as_of_date_to_the_moment(synced):
    db, said, _ = synced
    done = subprocess.run([sys.executable, "-m", "okra_dash", "report", "--db", str(db), "--as-seen", "2026-01-20"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    replayed = json.loads(done.stdout)
    assert replayed.pop("as_seen") == "2026-01-20T23:59:59"
    at_the_time = dict(said[1])
    at_the_time.pop("as_seen")
    assert replayed["as_of"] == "2026-01-20"
    assert replayed == at_the_time
    # the figures differ from today's: KR-A's first week read 10 then, 15 now
    krs = {kr["kr_id"]: kr for kr in replayed["key_results"]}
    assert krs["KR-A"]["current"] == 20.0 and krs["KR-A"]["target"] == 100.0


def test_as_of_sets_the_date_of_a_replayed_review(synced):
    db, _, _ = synced
    done = subprocess.run([sys.executable, "-m", "okra_dash", "report", "--db", str(db), "--as-seen",
                           "2026-01-27T09:00", "--as-of", "2026-01-06"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    replayed = json.loads(done.stdout)
    assert (replayed["as_of"], replayed["as_seen"], replayed["last_sync"]["sync_id"]) == (
        "2026-01-06", "2026-01-27T09:00:00", 3)
    # KR-A's first week as sync 3 saw it (rewritten from 10 to 15), as of the 6th
    assert {kr["kr_id"]: kr["current"] for kr in replayed["key_results"]}["KR-A"] == 15.0


def test_before_the_first_sync_the_replay_exits_2_with_one_sentence(synced):
    db, _, _ = synced
    done = subprocess.run([sys.executable, "-m", "okra_dash", "report", "--db", str(db),
                           "--as-seen", "2026-01-13T08:59"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("okra-dash: No sync had happened by 2026-01-13 08:59:00: the first was at "
                           "2026-01-13 09:00:00.\n")


@pytest.mark.parametrize("text, expected", [
    ("2026-01-20", dt.datetime(2026, 1, 20, 23, 59, 59, 999999)),
    ("2026-01-20T09:00", dt.datetime(2026, 1, 20, 9, 0)),
    ("2026-01-20T09:00:01", dt.datetime(2026, 1, 20, 9, 0, 1)),
])
def test_a_moment_is_a_date_the_end_of_that_day_or_a_time(text, expected):
    assert store.moment(text) == expected


@pytest.mark.parametrize("text", ["2026-01-32", "20.01.2026", "2026-01-20 09:00", "last monday"])
def test_anything_else_is_not_a_moment(text):
    with pytest.raises(ValueError, match="not a"):
        store.moment(text)


def test_rewritten_lists_each_past_week_changed_after_it_ended_newest_first(synced):
    db, _, _ = synced
    now = review_json(store.connect(db), dt.date(2026, 2, 10))
    assert [(r["kr_id"], r["week"], r["before"], r["after"], r["seen_at"]) for r in now["rewritten"]] == [
        ("KR-A", "2026-01-26", None, 40.0, "2026-02-10T09:00:00"),
        ("KR-D", "2026-01-19", None, 0.0, "2026-02-10T09:00:00"),
        ("KR-A", "2026-01-05", 10.0, 15.0, "2026-01-27T09:00:00"),
        ("KR-A", "2026-01-19", None, 30.0, "2026-01-27T09:00:00"),
        ("KR-C", "2026-01-05", 12.0, None, "2026-01-27T09:00:00"),
        ("KR-A", "2026-01-12", None, 20.0, "2026-01-20T09:00:00"),
        ("KR-D", "2026-01-12", None, 0.0, "2026-01-20T09:00:00"),
    ]
    # what the first sync found is not a change; KR-C's week of the 12th, typed by the 13th, is not late
    assert set(now["rewritten"][0]) == {"kr_id", "week", "before", "after", "seen_at"}
    review = Review(store.connect(db), dt.date(2026, 2, 10))
    assert [row["change"] for row in review.rows("rewritten")] == [
        "filled in after the week", "filled in after the week", "changed", "filled in after the week", "cleared",
        "filled in after the week", "filled in after the week"]


def test_a_value_changed_before_its_week_ended_is_not_rewritten(tmp_path):
    db = tmp_path / "okra.duckdb"
    sync(str(book(tmp_path, 0, {"KR-A": [10, BLANK, BLANK, BLANK]})), db, now=dt.datetime(2026, 1, 7, 9))
    sync(str(book(tmp_path, 1, {"KR-A": [12, BLANK, BLANK, BLANK]})), db, now=dt.datetime(2026, 1, 11, 23, 59))
    sync(str(book(tmp_path, 1, {"KR-A": [13, BLANK, BLANK, BLANK]})), db, now=dt.datetime(2026, 1, 12, 0, 0))
    rewritten = review_json(store.connect(db), dt.date(2026, 1, 12))["rewritten"]
    assert [(r["before"], r["after"]) for r in rewritten] == [(12.0, 13.0)]  # on Sunday still the week's own


def test_late_checkins_per_team(synced):
    db, _, _ = synced
    late = review_json(store.connect(db), dt.date(2026, 2, 10))["late_checkins"]
    assert late == [
        {"team": "Hotline", "checkins": 2, "late": 1, "share_late": 0.5, "most_days_late": 16},
        {"team": "Alpha", "checkins": 3, "late": 1, "share_late": pytest.approx(1 / 3), "most_days_late": 9},
        {"team": "Beta", "checkins": 0, "late": 0, "share_late": None, "most_days_late": None},
        {"team": "Gamma", "checkins": 0, "late": 0, "share_late": None, "most_days_late": None},
    ]


def test_a_target_moved_after_the_as_of_date_is_listed_without_as_seen(synced):
    db, said, _ = synced
    earlier = review_json(store.connect(db), dt.date(2026, 1, 20))
    assert [(m["kr_id"], m["previous_target"], m["new_target"], m["seen_at"]) for m in earlier["moved_targets"]] == [
        ("KR-A", 100.0, 80.0, "2026-01-27T09:00:00")]
    assert said[1]["moved_targets"] == []  # at the time, nobody had moved it yet


def test_history_grows_with_changes_not_with_syncs(synced):
    _, _, sizes = synced
    assert sizes[4] == sizes[3]  # the unchanged sheet added no row to any history table
    # the second sync added the two new values and nothing else
    assert sizes[1]["checkins_history"] - sizes[0]["checkins_history"] == 2
    # the third: KR-A's rewritten week and its new week, and KR-A's new Target (one key result row)
    assert sizes[2]["checkins_history"] - sizes[1]["checkins_history"] == 2
    assert sizes[2]["key_results_history"] - sizes[1]["key_results_history"] == 1


def test_a_file_of_an_okra_dash_before_history_keeps_its_moved_targets_and_replays_from_its_last_sync(tmp_path):
    db = tmp_path / "okra.duckdb"
    sync(str(book(tmp_path, 0, SYNCS[0][1])), db, now=dt.datetime(2026, 1, 13, 9))
    sync(str(book(tmp_path, 2, SYNCS[0][1])), db, now=dt.datetime(2026, 1, 20, 9))  # Target 100 -> 80
    con = duckdb.connect(str(db))  # what schema 3 wrote: kr_history, no history tables
    for table in TABLES:
        con.execute(f"DROP TABLE {table}")
    con.execute("CREATE TABLE kr_history (sync_id INTEGER, synced_at TIMESTAMP, kr_id VARCHAR, start_value DOUBLE, "
                "target DOUBLE)")
    con.execute("INSERT INTO kr_history SELECT 1, TIMESTAMP '2026-01-13 09:00', kr_id, start_value, "
                "CASE WHEN kr_id = 'KR-A' THEN 100 ELSE target END FROM key_results")
    con.execute("INSERT INTO kr_history VALUES (2, TIMESTAMP '2026-01-20 09:00', 'KR-A', 0, 80)")
    con.execute("DELETE FROM okra_meta WHERE key <> 'schema_version'")
    con.execute("UPDATE okra_meta SET value = '3'")
    con.close()
    assert store.health(db).state == "old"
    sync(str(book(tmp_path, 2, SYNCS[0][1])), db, now=dt.datetime(2026, 1, 27, 9))
    now = review_json(store.connect(db), dt.date(2026, 1, 27))
    assert [(m["kr_id"], m["previous_target"], m["new_target"], m["seen_at"]) for m in now["moved_targets"]] == [
        ("KR-A", 100.0, 80.0, "2026-01-20T09:00:00")]
    # the older file's check-ins were there before the history began: none was seen arriving or changing
    assert now["rewritten"] == [] and all(team["checkins"] == 0 for team in now["late_checkins"])
    assert review_json(store.replay(db, store.sync_seen_at(db, dt.datetime(2026, 1, 20, 12))[0]),
                       dt.date(2026, 1, 20))["last_sync"]["sync_id"] == 2
    with pytest.raises(store.StoreError, match="The sync at 2026-01-13 09:00:00 cannot be replayed: this database "
                                               "keeps every sync's workbook from 2026-01-20 09:00:00 on"):
        store.sync_seen_at(db, dt.datetime(2026, 1, 13, 12))


# The dashboard: the same replay from a link, and the rewritten and late tables on the Champions page.
APP = ROOT / "app.py"


def dashboard(db: Path, monkeypatch, query: dict, page: str | None = None):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("OKRA_DB", str(db))
    monkeypatch.delenv("OKRA_SOURCE", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"okra_dash/ui/pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_link_with_as_seen_shows_last_weeks_meeting_again(synced, monkeypatch):
    db, said, _ = synced
    at = dashboard(db, monkeypatch, {"as_seen": "2026-01-20"})  # the cycles of the date, as the report
    assert at.date_input(key="as_of").value == dt.date(2026, 1, 20)  # the date follows the moment
    assert at.selectbox(key="as_seen").value == dt.datetime(2026, 1, 20, 9)
    assert "the sheet exactly as sync 2 read it" in at.info[0].value
    then = said[1]["headline"]["now"]
    shown = {m.label: m.value for m in at.metric}
    assert (shown["On track"], shown["Off track"], shown["Stalled"]) == (
        str(then["on_track"]), str(then["off_track"]), str(then["stalled"]))
    assert at.query_params["as_seen"] == "2026-01-20T09:00:00"  # the link names the sync's exact moment
    at.switch_page("okra_dash/ui/pages/stalled.py").run()  # going to another page keeps the moment
    assert at.selectbox(key="as_seen").value == dt.datetime(2026, 1, 20, 9)


def test_picking_a_past_sync_in_the_sidebar_moves_the_date_to_its_day(synced, monkeypatch):
    db, _, _ = synced
    at = dashboard(db, monkeypatch, {})
    assert at.selectbox(key="as_seen").value == "Latest sync"
    at.selectbox(key="as_seen").select(dt.datetime(2026, 1, 27, 9)).run()
    assert at.date_input(key="as_of").value == dt.date(2026, 1, 27)
    assert at.query_params["as_seen"] == "2026-01-27T09:00:00"
    at.selectbox(key="as_seen").select("Latest sync").run()
    assert "as_seen" not in at.query_params and not at.info
    assert at.date_input(key="as_of").value == dt.date.today()


def test_a_moment_before_the_first_sync_in_a_link_is_ignored_with_a_note(synced, monkeypatch):
    db, _, _ = synced
    at = dashboard(db, monkeypatch, {"as_seen": "2026-01-01", "as_of": "2026-02-10"})
    assert at.selectbox(key="as_seen").value == "Latest sync"
    assert any("as seen on “2026-01-01”" in caption.value for caption in at.caption)


def test_the_champions_page_shows_rewritten_weeks_and_late_teams(synced, monkeypatch):
    db, _, _ = synced
    at = dashboard(db, monkeypatch, {"as_of": "2026-02-10", "champion": "Ana"}, page="champions")
    rewritten = at.dataframe[-2].value  # Ana champions Alpha: KR-A's four changes, newest first
    assert rewritten[["kr_id", "change", "before", "after"]].astype(object).where(rewritten.notna(), None) \
        .values.tolist() == [["KR-A", "filled in after the week", None, 40.0],
                             ["KR-A", "changed", 10.0, 15.0],
                             ["KR-A", "filled in after the week", None, 30.0],
                             ["KR-A", "filled in after the week", None, 20.0]]
    assert at.dataframe[-2].proto.placeholder == "(empty)"  # a missing Before reads as the empty cell it was
    late = at.dataframe[-1].value  # Ana's team only (3 check-ins seen arriving, 1 of them late)
    assert late[["team", "checkins", "late", "share_late"]].values.tolist() == [["Alpha", 3, 1, 33.0]]
    assert any(caption.value.startswith("Per team (Alpha):") for caption in at.caption)
    at.toggle(key="habits_every").set_value(True).run()  # every team, as the habits chart
    late = at.dataframe[-1].value
    assert late[["team", "checkins", "late", "share_late"]].values.tolist()[:2] == [
        ["Hotline", 2, 1, 50.0], ["Alpha", 3, 1, 33.0]]
    assert sorted(late["team"]) == ["Alpha", "Beta", "Gamma", "Hotline"]
    # Beta had no check-in arriving, so no longest wait: a dash, not Streamlit's grey "None"
    assert late.set_index("team")["most_days_late"].isna().to_dict() == {
        "Hotline": False, "Alpha": False, "Beta": True, "Gamma": True}
    assert at.dataframe[-1].proto.placeholder == "–"


def test_the_digests_list_the_values_typed_over_after_their_week(synced):
    from okra_dash import digest

    db, _, _ = synced
    review = Review(store.connect(db), dt.date(2026, 2, 10))
    data = report.report(review)
    text = digest.as_markdown(review, data)
    section = text.split("Past weeks changed after they ended\n")[1].split("\n\n")[1]
    assert section.splitlines() == ["- KR-A, week of 2026-01-05: 10 → 15 (seen 2026-01-27 09:00)",
                                    "- KR-C, week of 2026-01-05: 12 → (empty) (seen 2026-01-27 09:00)"]
    late = text.split("Check-ins that came more than a week late\n")[1].split("\n\n")[1]
    assert late.splitlines()[:2] == ["- Hotline: 1 of 2 (50%), up to 16 days after the week",
                                     "- Alpha: 1 of 3 (33%), up to 9 days after the week"]
    html = digest._html(data, None)
    assert ("<h3>Past weeks changed after they ended (2)</h3><ul><li>KR-A, week of 2026-01-05: 10 → 15 "
            "(seen 2026-01-27)</li>") in html


def test_a_key_result_added_later_with_its_past_weeks_filled_in_is_not_rewritten_nor_late(tmp_path):
    db = tmp_path / "okra.duckdb"
    sync(str(book(tmp_path, 0, SYNCS[0][1])), db, now=dt.datetime(2026, 1, 13, 9))
    tabs = read_tabs(book(tmp_path, 0, SYNCS[0][1]))
    tabs["Key results"].append(["KR-H", "O1", "Alpha", "New", "0", "10", "", ""])
    tabs["Check-ins"].append(["KR-H", "New", "1", "2", "", ""])  # its first two weeks, typed when it was added
    sync(str(write_csv_folder(tmp_path / "with-h", tabs)), db, now=dt.datetime(2026, 2, 10, 9))
    now = review_json(store.connect(db), dt.date(2026, 2, 10))
    assert now["rewritten"] == []
    assert {team["team"]: team["checkins"] for team in now["late_checkins"]}["Alpha"] == 0


def test_a_key_result_removed_for_a_while_and_put_back_is_not_rewritten(tmp_path):
    db = tmp_path / "okra.duckdb"
    full = read_tabs(book(tmp_path, 0, SYNCS[1][1]))
    without = {tab: [row for row in rows if not row or row[0] != "KR-A"] for tab, rows in full.items()}
    sync(str(write_csv_folder(tmp_path / "full", full)), db, now=dt.datetime(2026, 1, 20, 9))
    sync(str(write_csv_folder(tmp_path / "without", without)), db, now=dt.datetime(2026, 1, 27, 9))
    sync(str(write_csv_folder(tmp_path / "full", full)), db, now=dt.datetime(2026, 2, 3, 9))
    now = review_json(store.connect(db), dt.date(2026, 2, 3))
    assert now["rewritten"] == []  # neither its values' going with the row, nor their coming back
    assert {team["team"]: team["checkins"] for team in now["late_checkins"]}["Alpha"] == 0


def test_a_value_is_late_from_the_eighth_day_after_its_week(tmp_path):
    db = tmp_path / "okra.duckdb"
    first = {"KR-A": [10, BLANK, BLANK, BLANK], "KR-D": [0, BLANK, BLANK, BLANK]}
    sync(str(book(tmp_path, 0, first)), db, now=dt.datetime(2026, 1, 13, 9))
    # the week of the 12th ends on Sunday the 18th: the 25th is 7 days later, the 26th 8
    sync(str(book(tmp_path, 1, {**first, "KR-A": [10, 20, BLANK, BLANK]})), db, now=dt.datetime(2026, 1, 25, 23))
    sync(str(book(tmp_path, 1, {"KR-A": [10, 20, BLANK, BLANK], "KR-D": [0, 5, BLANK, BLANK]})), db,
         now=dt.datetime(2026, 1, 26, 0, 1))
    late = {team["team"]: team for team in review_json(store.connect(db), dt.date(2026, 1, 26))["late_checkins"]}
    shown = {team: tuple(late[team][key] for key in ("checkins", "late", "share_late", "most_days_late"))
             for team in ("Alpha", "Hotline")}
    assert shown == {"Alpha": (1, 0, 0.0, None), "Hotline": (1, 1, 1.0, 8)}


def test_the_champions_heatmap_shows_their_teams_and_every_team_on_request(synced, monkeypatch):
    import pyarrow as pa

    db, _, _ = synced
    at = dashboard(db, monkeypatch, {"as_of": "2026-02-10", "champion": "Ana"}, page="champions")

    def teams_drawn():
        data = at.get("vega_lite_chart")[0].proto.datasets[0].data.data
        return sorted(set(pa.ipc.open_stream(data).read_all().column("team").to_pylist()))

    assert teams_drawn() == ["Alpha"]
    at.toggle(key="habits_every").set_value(True).run()
    assert teams_drawn() == ["Alpha", "Beta", "Gamma", "Hotline"]
    assert at.query_params["every_team"] == "1"  # a link opens it so
    at = dashboard(db, monkeypatch, {"as_of": "2026-02-10"})
    at.query_params["champion"], at.query_params["every_team"] = "Ana", "1"  # a link to the page, opened
    at.switch_page("okra_dash/ui/pages/champions.py").run()
    assert teams_drawn() == ["Alpha", "Beta", "Gamma", "Hotline"]


def test_a_file_from_before_the_notes_tab_is_brought_up_to_date_with_its_history(tmp_path):
    db = tmp_path / "okra.duckdb"
    sync(str(book(tmp_path, 0, SYNCS[0][1])), db, now=dt.datetime(2026, 1, 13, 9))
    con = duckdb.connect(str(db))  # an okra-dash of schema 2: no notes table, no history tables
    for table in TABLES:
        con.execute(f"DROP TABLE {table}")
    con.execute("DROP TABLE notes")
    con.execute("DELETE FROM okra_meta WHERE key <> 'schema_version'")
    con.execute("UPDATE okra_meta SET value = '2'")
    con.close()
    sync(str(book(tmp_path, 1, SYNCS[1][1])), db, now=dt.datetime(2026, 1, 20, 9))
    assert store.health(db).state == "ok"
    rewritten = review_json(store.connect(db), dt.date(2026, 1, 20))["rewritten"]
    assert [(r["kr_id"], r["week"], r["after"]) for r in rewritten] == [("KR-A", "2026-01-12", 20.0),
                                                                        ("KR-D", "2026-01-12", 0.0)]
