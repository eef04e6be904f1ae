"""Every dashboard page under AppTest on the review workbook, asserting the figures it shows.

As of 2026-01-31, cycle 2026-Q1 holds KR-A..KR-F (see test_measures.py): on track A, B, C, F;
off track D, E. A week earlier (Jan 24) A, B, C were on track and D, E, F off track.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from okra_dash.cli.main import main
from okra_dash.sync import sync
from tests.conftest import REVIEW, as_read, read_tabs, write_csv_folder

AS_OF = dt.date(2026, 1, 31)
APP = Path(__file__).resolve().parent.parent / "app.py"
PAGES = "okra_dash/ui/pages"
FOLDED_TABLES = ("stalled_table_open", "issues_table_open", "stream_table_open")


def burn_up(at) -> dict:
    """The key result's chart ("KR-C: weekly values"), wherever the page drew it."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    return next(spec for spec in specs if spec.get("title", {}).get("text", "").endswith("weekly values"))


def frame_with(at, column: str):
    """The first table on the page that has this column (the key results', the notes', ...)."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def card_text(at) -> str:
    """Every card's text on the page, as Markdown."""
    return "\n".join(element.value for element in at.markdown)


def app(db, monkeypatch, as_of=AS_OF, cycle="2026-Q1", page=None, query=None, tables_open=True):
    monkeypatch.setenv("OKRA_DB", str(db))
    monkeypatch.delenv("OKRA_SOURCE", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["as_of"] = as_of.isoformat()  # as a shared link opens the dashboard
    if cycle:
        at.query_params["cycle"] = cycle
    for table in FOLDED_TABLES if tables_open else ():  # the grids below the cards: tests of figures read them
        at.session_state[table] = True
    at.run()
    if page:
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.switch_page(f"{PAGES}/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at):
    return {m.label: m.value for m in at.metric}


def unfold(at, key: str):
    """Open a folded expander (its key), as a click on it does: the run that follows draws what it holds."""
    at.session_state[key] = True
    return at.run()


def deltas(at):
    return {m.label: m.delta for m in at.metric}


def test_the_weekly_review_shows_the_headline_with_changes_since_last_week(review_db, monkeypatch):
    at = app(review_db, monkeypatch)
    assert metrics(at) == {"On track": "4", "At risk": "0", "Off track": "2", "Streams behind": "0 of 2",
                           "Stalled": "4", "Checked in last week": "50%"}
    # Jan 24: 3 on track, 3 off track, 3 stalled (D, E, F). Checked in for the week of Jan 19: A, B, D of the
    # six (50%); for the week of Jan 12: A, B, C, D (67%).
    assert deltas(at) == {"On track": "1", "At risk": "0", "Off track": "-1", "Streams behind": "0",
                          "Stalled": "1", "Checked in last week": "-17 pts"}
    changes = at.dataframe[0].value
    assert sorted(changes["kr_id"]) == ["KR-B", "KR-C", "KR-D", "KR-E", "KR-F"]
    busy = at.dataframe[1].value
    assert busy["kr_id"].tolist() == ["KR-E"]
    chart = at.get("vega_lite_chart")[0].proto.spec
    assert json.loads(chart)["title"] == {"text": "Value-stream progress",
                                          "subtitle": "against the expected pace (black tick)"}


def test_an_unchanged_check_in_share_is_shown_as_no_change_not_as_a_rise(review_db, monkeypatch):
    # Monday Jan 19: the week of Jan 12 (A, B, C, D of six) against the week of Jan 5 (A, B, C, D): 67% both.
    at = app(review_db, monkeypatch, as_of=dt.date(2026, 1, 19))
    checked = next(metric for metric in at.metric if metric.label == "Checked in last week")
    assert (checked.value, checked.delta) == ("67%", "0 pts")
    assert checked.proto.direction == checked.proto.MetricDirection.NONE
    assert checked.proto.color == checked.proto.MetricColor.GRAY
    # Monday Feb 2: the week of Jan 26 (A, B, D, F: 67%) against the week of Jan 19 (A, B, D: 50%).
    risen = next(metric for metric in app(review_db, monkeypatch, as_of=dt.date(2026, 2, 2)).metric
                 if metric.label == "Checked in last week")
    assert risen.proto.direction == risen.proto.MetricDirection.UP and risen.delta == "+17 pts"


def test_on_a_monday_after_a_complete_week_the_check_ins_show_no_drop(tmp_path, tabs, monkeypatch):
    """The meeting's Monday: every key result checked in every week so far. Compared with a week just begun, the
    share fell to 0% (-100 pts) for the calendar alone; the last full week against the week before stays 100%."""
    for row in tabs["Check-ins"][1:]:
        row[2:] = ["1", "2", "3", "4"]  # every key result, every week up to the week of Jan 26
    db = tmp_path / "okra.duckdb"
    sync(str(write_csv_folder(tmp_path / "book", tabs)), db)
    at = app(db, monkeypatch, as_of=dt.date(2026, 2, 2))  # Monday
    assert metrics(at)["Checked in last week"] == "100%" and deltas(at)["Checked in last week"] == "0 pts"


def test_the_weekly_review_agrees_with_the_report_for_the_same_date_and_cycle(review_db, monkeypatch, capsys):
    main(["report", "--db", str(review_db), "--as-of", "2026-01-31", "--cycle", "2026-Q1"])
    report = json.loads(capsys.readouterr().out)
    shown = metrics(app(review_db, monkeypatch))
    statuses = [kr["status"] for kr in report["key_results"]]
    assert shown["On track"] == str(statuses.count("on track"))
    assert shown["Off track"] == str(statuses.count("off track"))
    assert shown["Stalled"] == str(sum(bool(kr["stalled"]) for kr in report["key_results"]))
    behind = sum(vs["status"] != "on track" for vs in report["value_streams"])
    assert shown["Streams behind"] == f"{behind} of {len(report['value_streams'])}"


def test_the_value_streams_page_shows_a_stream_its_key_results_and_a_burn_up(review_db, monkeypatch):
    at = app(review_db, monkeypatch, page="value_streams", query={"stream": "Stores"})
    assert metrics(at) == {"Progress": "33%", "Expected pace": "34%", "Status": "🟢 on track", "Key results": "3"}
    objective = at.dataframe[0].value
    assert objective["kr_id"].tolist() == ["KR-C", "KR-D", "KR-E"]
    assert objective["progress_clamped"].tolist() == [100, 0, 0]  # whole percents, as the headline rounds
    at.selectbox(key="kr").set_value("KR-C").run()
    spec = burn_up(at)
    assert spec["title"] == {"text": "KR-C: weekly values", "subtitle": "dashed: the pace line; dotted: at this rate"}
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == ["2026-01-01T00:00:00", "2026-03-31T00:00:00"]
    assert spec["layer"][1]["encoding"]["y"]["title"] == "Value (stores)"


def test_the_stalled_page_filters_from_the_url_and_writes_filters_back(review_db, monkeypatch):
    at = app(review_db, monkeypatch, page="stalled")
    assert sorted(at.dataframe[0].value["kr_id"]) == ["KR-B", "KR-C", "KR-D", "KR-E"]
    at = app(review_db, monkeypatch, page="stalled", query={"reason": "no check-in"})
    assert sorted(at.dataframe[0].value["kr_id"]) == ["KR-C", "KR-E"]
    assert at.multiselect(key="f_reasons").value == ["no check-in"]
    assert at.multiselect(key="f_modes").options == ["OKR", "KPI"]  # as the OKR vs KPI page orders them
    at.multiselect(key="f_teams").set_value(["Hotline"]).run()
    assert at.dataframe[0].value["kr_id"].tolist() == ["KR-E"]
    assert at.query_params["team"] == "Hotline"
    at.number_input(key="f_min_weeks").set_value(5).run()
    assert at.dataframe[0].value.empty
    assert at.query_params["min_weeks"] == "5"


def test_the_stalled_page_offers_a_csv_of_the_filtered_list(review_db, monkeypatch):
    at = app(review_db, monkeypatch, page="stalled", query={"mode": "KPI"})
    assert sorted(at.dataframe[0].value["kr_id"]) == ["KR-D", "KR-E"]
    button = at.get("download_button")[0].proto
    assert button.label == "Download CSV"
    # Written on click, and the click does not rerun the page: a rerun racing the fetch lost downloads.
    assert button.deferred_file_id and button.ignore_rerun


def test_the_okr_vs_kpi_page_shows_both_kinds_of_team_side_by_side(review_db, monkeypatch):
    at = app(review_db, monkeypatch, page="okr_vs_kpi")
    shown = [(m.label, m.value) for m in at.metric]
    # OKR: Alpha, Beta; A, B, C; (0.4 + 0.25 + 1) / 3; all on track; (4 + 4 + 2) / 15 weeks.
    # Metrics come column by column: teams, progress, then key results, on track, then discipline.
    assert shown[:5] == [("Teams", "2"), ("Mean progress", "55%"), ("Key results", "3"), ("On track", "100%"),
                         ("Check-in discipline", "67%")]
    assert shown[5:10] == [("Teams", "1"), ("Mean progress", "0%"), ("Key results", "2"), ("On track", "0%"),
                           ("Check-in discipline", "40%")]
    assert shown[10:] == [("Teams", "1"), ("Mean progress", "30%"), ("Key results", "1"), ("On track", "100%"),
                          ("Check-in discipline", "20%")]
    teams = at.dataframe[-1].value.set_index("team")
    assert teams.loc["Hotline", "key_results"] == 2
    contributions = at.dataframe[0].value  # who contributes where, the modes in the cards' order
    assert list(contributions.columns) == ["value_stream", "OKR", "KPI", "Unknown"]
    (chart,) = at.get("vega_lite_chart")  # and the chart's bars too
    encoding = json.loads(chart.proto.spec)["encoding"]
    assert encoding["x"]["sort"] == ["OKR", "KPI", "Unknown"]
    assert encoding["column"]["sort"] == ["Mean progress", "On track", "Check-in discipline"]


def test_the_retrospective_shows_final_achievement_of_a_closed_cycle(review_db, monkeypatch):
    at = app(review_db, monkeypatch, as_of=dt.date(2026, 4, 15), cycle="2026-S", page="retrospective")
    at.selectbox(key="retro_cycle").set_value("2026-Q1").run()
    # A 0.40, B 0.25, D 0, E 0, F 0.30 missed; C 1.5 reached.
    assert metrics(at) == {"Missed": "5", "Estimation lesson": "0", "Achieved": "0", "Reached": "1"}
    assert any("estimation lesson, not a failure" in info.value for info in at.info)


def test_the_retrospective_charts_every_team_on_request_when_there_are_many(tmp_path, monkeypatch):
    """At 1,500 key results (50 teams) the per-team chart, a bar per team, is drawn when asked for; the value
    streams' chart and the table of every key result are there either way."""
    import pyarrow as pa

    from bench import generate

    db = tmp_path / "okra.duckdb"
    sync(str(generate.write(generate.generate(1500, 20), tmp_path / "book")), db)
    at = app(db, monkeypatch, as_of=dt.date(2026, 5, 20), cycle=None, page="retrospective")
    charts_drawn = [json.loads(chart.proto.spec)["title"] for chart in at.get("vega_lite_chart")]
    assert charts_drawn == [{"text": "Final achievement per value stream", "subtitle": "2026-Q1"}]
    assert any(caption.value.startswith("50 teams took part") for caption in at.main.caption)
    table = at.dataframe[0].value
    assert table["team"].nunique() == 50
    at.toggle(key="retro_every_team").set_value(True).run()
    charts_drawn = at.get("vega_lite_chart")
    assert [json.loads(chart.proto.spec)["title"]["text"] for chart in charts_drawn] == [
        "Final achievement per team", "Final achievement per value stream"]
    teams = pa.ipc.open_stream(charts_drawn[0].proto.datasets[0].data.data).read_all().column("team").to_pylist()
    assert len(set(teams)) == 50
    assert at.query_params["every_team"] == "1"  # the link keeps it, as every choice on a page
    shared = app(db, monkeypatch, as_of=dt.date(2026, 5, 20), cycle=None, page="retrospective",
                 query={"every_team": "1"})
    assert len(shared.get("vega_lite_chart")) == 2
    odd = app(db, monkeypatch, as_of=dt.date(2026, 5, 20), cycle=None, page="retrospective",
              query={"every_team": "yes"})
    assert len(odd.get("vega_lite_chart")) == 1 and "every team “yes”" in odd.main.caption[0].value


def test_the_retrospective_says_when_no_cycle_has_closed(review_db, monkeypatch):
    at = app(review_db, monkeypatch, page="retrospective")
    assert "No cycle has closed yet" in at.info[0].value


def test_the_data_quality_page_lists_issues_and_the_sync_history(review_db, monkeypatch):
    at = app(review_db, monkeypatch, page="data_quality")
    assert metrics(at) == {"Data issues in the last sync": "1"}
    issues = at.dataframe[0].value
    assert issues[["tab", "row", "column", "value"]].values.tolist() == [["Key results", 7, "Team", "Gamma"]]
    assert issues["fix"].iloc[0] == "Add the team to the Teams tab, or correct its spelling here."
    (rows,) = at.dataframe[1].value["rows_per_tab"]
    assert rows.startswith("Teams 3 · Objectives 3 · Key results 7 · Check-ins ")


def test_every_table_shows_a_missing_value_as_a_dash_not_as_none(review_db, monkeypatch):
    # Streamlit writes a grey "None" in a cell with no value (a sync that did not fail has no reason): people read
    # it as a word. Every table on every page says what it shows instead.
    at = app(review_db, monkeypatch, page="data_quality")
    assert at.dataframe[1].value["error"].isna().all() and at.dataframe[1].proto.placeholder == "–"
    tables = 0
    for page in ("weekly_review", "meeting", "value_streams", "stalled", "champions", "okr_vs_kpi", "retrospective",
                 "data_quality"):
        at.switch_page(f"{PAGES}/{page}.py").run()
        for table in at.dataframe:
            tables += 1
            assert table.proto.placeholder in ("–", "(empty)"), (page, list(table.value.columns))
    assert tables >= 9


def test_every_table_shows_a_value_typed_in_the_sheet_with_its_significant_digits(review_db, monkeypatch):
    # A value typed as 0.3 may be stored as 0.30000000000000004 (a formula, a percent cell): with Streamlit's
    # default number format it shows that noise, or four decimals where the sheet shows none. Every column of
    # a sheet value (Current, Start, Target, a value or target before and after) is formatted as typed.
    from okra_dash.ui import tables as shown

    assert shown.TYPED % (0.1 + 0.2) == "0.3" and shown.TYPED % 1234567.5 == "1234567.5"
    sheet_values = {"Current", "Start", "Target", "Before", "After", "Target before", "Target now"}
    at = app(review_db, monkeypatch)
    seen = set()
    for page in ("weekly_review", "meeting", "value_streams", "stalled", "champions", "okr_vs_kpi", "retrospective",
                 "data_quality"):
        at.switch_page(f"{PAGES}/{page}.py").run()
        for table in at.dataframe:
            for name, config in json.loads(table.proto.columns).items():
                if config.get("label") in sheet_values and name in table.value.columns:
                    seen.add(config["label"])
                    assert config["type_config"] == {"type": "number", "format": shown.TYPED}, (page, name)
    assert {"Current", "Start", "Target"} <= seen


def test_a_key_result_without_a_unit_has_none_in_its_burn_up_and_a_csv_source_no_links(tmp_path, monkeypatch):
    """A blank Unit reaches the page as NaN (pandas' text columns), which is truthy: the burn-up says "Value",
    not "Value (nan)"; a CSV source has no sheet URL, so the Stalled page links no cells."""
    tabs = read_tabs(REVIEW)
    assert tabs["Key results"][3][:1] == ["KR-C"] and tabs["Key results"][0][6] == "Unit"
    tabs["Key results"][3][6] = ""
    db = tmp_path / "okra.duckdb"
    sync(str(write_csv_folder(tmp_path / "book", tabs)), db)
    at = app(db, monkeypatch, page="value_streams", query={"stream": "Stores", "kr": "KR-C"})
    spec = burn_up(at)
    titles = [layer["encoding"]["y"]["title"] for layer in spec["layer"] if "y" in layer["encoding"]
              and "title" in layer["encoding"]["y"]]
    assert titles and set(titles) == {"Value"}, titles
    stalled = app(db, monkeypatch, page="stalled").dataframe[0].value
    assert len(stalled) and "link" not in stalled.columns


def test_sheet_text_is_shown_as_text_never_as_markup(tmp_path, monkeypatch):
    """CommonMark's markup and HTML, and Streamlit's own: math, emoji and icon shortcodes, coloured text."""
    typed = "**bold** <script>alert(1)</script> [link](javascript:alert(1)) $x$ :rocket: :red[late] :material/home:"
    tabs = read_tabs(REVIEW)
    tabs["Objectives"][2][3] = typed
    db = tmp_path / "okra.duckdb"
    sync(str(write_csv_folder(tmp_path / "book", tabs)), db)
    at = app(db, monkeypatch, page="value_streams", query={"stream": "Stores"})
    heading = at.subheader[0].value
    assert heading.startswith("O2: \\*\\*bold\\*\\* &lt;script>")
    assert "\\[link\\](javascript&#58;alert(1)) &#36;x&#36; &#58;rocket&#58; &#58;red\\[late\\]" in heading
    assert as_read(heading) == f"O2: {typed}"


def test_a_fresh_start_with_nothing_configured_syncs_the_demo(tmp_path, monkeypatch):
    db = tmp_path / "fresh.duckdb"
    at = app(db, monkeypatch, as_of=dt.date.today(), cycle=None)
    assert db.is_file()
    assert int(metrics(at)["On track"]) > 0


def test_sync_now_syncs_again_and_shows_the_result(review_db, monkeypatch):
    at = app(review_db, monkeypatch)
    before = [c.value for c in at.sidebar.caption if c.value.startswith("Last synced")]
    at.button(key="sync_now").click().run()
    assert not at.exception
    assert [s.value for s in at.sidebar.success] == ["Synced 7 key results, 1 data issue"]
    after = [c.value for c in at.sidebar.caption if c.value.startswith("Last synced")]
    assert len(before) == len(after) == 1  # the line was re-read after the sync, in the same click
    at.switch_page(f"{PAGES}/data_quality.py").run()
    assert len(at.dataframe[1].value) == 2  # two syncs in the history


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100], ids=["empty", "garbage"])
def test_a_broken_database_file_shows_one_sentence_and_sync_now_recovers_keeping_it(content, tmp_path,
                                                                                    monkeypatch):
    db = tmp_path / "okra.duckdb"
    db.write_bytes(content)
    monkeypatch.setenv("OKRA_DB", str(db))
    monkeypatch.delenv("OKRA_SOURCE", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert as_read(at.error[0].value).startswith(f"The database file {db} cannot be read (")
    at.button(key="sync_now").click().run()  # no source known: the demo, with the broken file kept aside
    assert not at.exception, [e.value for e in at.exception]
    assert [kept.read_bytes() for kept in tmp_path.glob("okra.duckdb.unreadable-*")] == [content]
    assert int(metrics(at)["On track"]) >= 0 and not at.error


def test_a_database_of_an_older_okra_dash_is_synced_again_on_open_from_its_own_source(review_db, monkeypatch):
    from tests.test_storage_faults import older_okra_dash_file

    older_okra_dash_file(review_db)
    at = app(review_db, monkeypatch)
    assert metrics(at)["On track"] == "4"
    at.switch_page(f"{PAGES}/data_quality.py").run()
    assert len(at.dataframe[1].value) == 2  # the old file's sync and the new one


@pytest.fixture
def sheet_db(tmp_path, sheet_api):
    """A database synced from the fake Google Sheet, so pages can link to cells."""
    from tests.fake_sheets import KEY

    db = tmp_path / "okra.duckdb"
    sync(KEY, db)
    return db, KEY


def test_issues_and_stalled_krs_link_to_their_cells_in_the_google_sheet(sheet_db, monkeypatch):
    db, key = sheet_db
    at = app(db, monkeypatch, page="data_quality")
    link = at.dataframe[0].value["link"].iloc[0]
    assert link == f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=103&range=C7"
    at = app(db, monkeypatch, page="stalled", query={"team": "Hotline"})
    links = at.dataframe[0].value.set_index("kr_id")["link"]
    assert links["KR-D"] == f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=103&range=A5"


def test_changing_a_threshold_in_the_sidebar_changes_the_statuses(review_db, monkeypatch):
    at = app(review_db, monkeypatch)
    assert not at.sidebar.number_input  # folded, the thresholds are not drawn
    unfold(at, "thresholds_open")
    at.number_input(key="threshold_on_track_margin").set_value(0.0).run()
    at.number_input(key="threshold_at_risk_margin").set_value(5.0).run()  # points, as the label says
    # Expected 0.337: A (0.40) stays on track, F (0.30) becomes at risk, B (0.25) off track.
    strict = {"On track": "2", "At risk": "1", "Off track": "3"}
    assert {k: v for k, v in metrics(at).items() if k in strict} == strict
    at.session_state["thresholds_open"] = False  # folded again: the inputs go, the thresholds stay in force
    at.run()
    assert not at.sidebar.number_input and {k: v for k, v in metrics(at).items() if k in strict} == strict
    at.run()
    assert {k: v for k, v in metrics(at).items() if k in strict} == strict
    at.switch_page(f"{PAGES}/okr_vs_kpi.py").run()
    at.switch_page(f"{PAGES}/weekly_review.py").run()
    assert {k: v for k, v in metrics(at).items() if k in strict} == strict
    unfold(at, "thresholds_open")  # unfolded, the inputs show the values in force
    assert at.number_input(key="threshold_at_risk_margin").value == 5.0
    assert at.number_input(key="threshold_on_track_margin").value == 0.0


def test_the_okr_vs_kpi_page_agrees_with_the_report(review_db, monkeypatch, capsys):
    main(["report", "--db", str(review_db), "--as-of", "2026-01-31", "--cycle", "2026-Q1"])
    split = json.loads(capsys.readouterr().out)["split"]
    at = app(review_db, monkeypatch, page="okr_vs_kpi")
    shown = [m.value for m in at.metric if m.label == "Check-in discipline"]
    assert shown == [f"{split[mode]['checkin_discipline']:.0%}" for mode in ("OKR", "KPI", "Unknown")]


@pytest.fixture
def stale_sheet(tmp_path, monkeypatch, sheet_api):
    """A database synced from the fake sheet two hours ago, with the sheet configured as the source."""
    from tests.fake_sheets import KEY

    db = tmp_path / "okra.duckdb"
    sync(KEY, db, now=dt.datetime.now() - dt.timedelta(hours=2))
    sheet_api.requests.clear()
    sheet_api.kinds.clear()
    monkeypatch.setenv("OKRA_MAX_AGE_MINUTES", "60")
    monkeypatch.setenv("OKRA_DB", str(db))
    monkeypatch.setenv("OKRA_SOURCE", KEY)
    return sheet_api, db


def open_app():
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["as_of"] = AS_OF.isoformat()
    return at.run()


def test_a_configured_sheet_older_than_the_limit_is_synced_again_on_open(stale_sheet):
    fake, db = stale_sheet
    at = open_app()
    assert not at.exception
    assert len(fake.requests) == 2
    assert not at.warning
    at.switch_page(f"{PAGES}/data_quality.py").run()
    assert len(at.dataframe[-1].value) == 2  # the sync history
    open_app()  # synced a moment ago: no request this time
    assert len(fake.requests) == 2


def test_a_sheet_that_fails_on_open_shows_a_warning_and_the_last_good_data(stale_sheet):
    from tests.fake_sheets import Fault

    fake, db = stale_sheet
    fake.faults["metadata"] = Fault(403, '{"error": {"code": 403, "message": "no", "status": "PERMISSION_DENIED"}}')
    at = open_app()
    assert not at.exception
    assert "Sync on open failed: The sheet" in as_read(at.warning[0].value)
    assert "Showing the data of the last successful sync" in at.warning[0].value
    assert metrics(at)["On track"] == "5"  # both cycles holding Jan 31: KR-A, B, C, F and G


def test_after_the_first_page_the_other_pages_queries_are_computed_in_the_background(review_db, monkeypatch):
    import threading

    from okra_dash import queries

    computed = []
    real = queries.frame
    monkeypatch.setattr(queries, "frame",
                        lambda con, name, **values: computed.append(name) or real(con, name, **values))
    at = app(review_db, monkeypatch)  # the weekly review
    for thread in threading.enumerate():
        if thread.name == "okra-warm":
            thread.join(timeout=60)
    assert {"split", "stream_modes", "teams", "estimation", "habits", "late_checkins", "issues",
            "stalled_key_results", "retrospective"} <= set(computed)
    computed.clear()
    at.switch_page(f"{PAGES}/okr_vs_kpi.py").run()
    assert not at.exception
    assert not {"split", "stream_modes", "teams", "kr_issues"} & set(computed)  # found in the cache
    assert metrics(at)  # and shown


def test_the_warm_up_starts_once_the_run_that_asked_has_ended(review_db, monkeypatch):
    """Started during the run, it competed with the page's last elements (the first page after start came later)."""
    import threading

    from okra_dash.ui import data

    runs, alive_at_start = [], []
    real_warm, real_compute = data.warm, data._compute
    monkeypatch.setattr(data, "warm", lambda view: runs.append(threading.current_thread()) or real_warm(view))
    monkeypatch.setattr(data, "_compute", lambda view, names: alive_at_start.append(
        [run.is_alive() for run in runs]) or real_compute(view, names))
    app(review_db, monkeypatch, as_of=dt.date(2026, 1, 22))  # a date no other test has warmed
    for thread in threading.enumerate():
        if thread.name == "okra-warm":
            thread.join(timeout=60)
    assert runs and runs[0] is not threading.main_thread()
    assert alive_at_start == [[False]]


def test_a_process_that_ends_while_the_warm_up_runs_exits_cleanly(review_db):
    """A warm-up thread still inside a DuckDB query when Python finalizes used to abort the process (SIGABRT,
    status 134): a server stopped, or a test run ended, right after a page was shown. It stops at its next query
    and is waited for."""
    import os
    import subprocess
    import sys

    script = ("from streamlit.testing.v1 import AppTest; "
              f"at = AppTest.from_file({str(APP)!r}, default_timeout=60); "
              "at.query_params['as_of'] = '2026-01-31'; at.run(); "
              "assert not at.exception and at.metric; print('shown')")  # and exit at once, the warm-up running
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "OKRA_DB": str(review_db), "OKRA_SOURCE": "", "OKRA_WARM": "1"})
        assert (done.returncode, done.stdout.strip()) == (0, "shown"), done.stderr[-2000:]


def test_the_warm_up_also_computes_the_unfiltered_stalled_list_and_the_latest_closed_cycles_retrospective(
        review_db, monkeypatch):
    import threading

    from okra_dash import queries

    computed = []
    real = queries.frame
    monkeypatch.setattr(queries, "frame",
                        lambda con, name, **values: computed.append((name, tuple(values["cycles"]))) or real(
                            con, name, **values))
    at = app(review_db, monkeypatch, as_of=dt.date(2026, 4, 16), cycle="2026-S")  # 2026-Q1 has closed
    for thread in threading.enumerate():
        if thread.name == "okra-warm":
            thread.join(timeout=60)
    assert ("retrospective", ("2026-Q1",)) in computed and ("stalled_key_results", ("2026-S",)) in computed
    computed.clear()
    for page in ("stalled", "retrospective"):
        at.switch_page(f"{PAGES}/{page}.py").run()
        assert not at.exception
    assert at.selectbox(key="retro_cycle").value == "2026-Q1"
    assert not {name for name, _ in computed} & {"stalled_key_results", "retrospective"}  # found in the cache


def test_every_query_a_page_reads_without_filters_takes_only_what_a_review_binds(review_db):
    from okra_dash import store
    from okra_dash.figures.review import Review

    review = Review(store.connect(review_db), AS_OF)
    assert set(review.params) == Review.PARAMETERS


def test_the_file_is_opened_once_per_version_and_every_page_reads_it_through_cursors(review_db, monkeypatch):
    """Each query used to open its own connection (35 ms at 10,000 KRs, with the measure macros): now one reader
    per file version, shared by every page and every session; a sync means the next version's reader."""
    from okra_dash import store
    from okra_dash.ui import data

    data._reader.clear()
    data._computed.clear()  # so every query runs here
    opened = []
    real = store.connect
    monkeypatch.setattr(store, "connect", lambda path=None: opened.append(path) or real(path))
    monkeypatch.setenv("OKRA_WARM", "0")
    at = app(review_db, monkeypatch)
    first = metrics(at)
    for page in ("value_streams", "stalled", "champions", "okr_vs_kpi", "retrospective", "data_quality",
                 "weekly_review"):
        at.switch_page(f"{PAGES}/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
    assert metrics(at) == first == metrics(app(review_db, monkeypatch))  # a second session too
    assert len(opened) == 1
    at.button(key="sync_now").click().run()
    assert not at.exception
    assert len(opened) == 2 and metrics(at) == first  # the synced file, read by its own reader


def test_the_stalled_page_reads_each_key_result_whole_and_opens_the_one_clicked_first(review_db, monkeypatch):
    """Cards of text, the longest unchanged first: the full name, status and progress, why it is listed, its team
    and stream, and what the team said; the grid stays folded until asked for. Opening one lands on it."""
    at = app(review_db, monkeypatch, page="stalled", tables_open=False)
    assert not at.dataframe  # the grid is folded: not drawn
    text = card_text(at)
    assert "**KR-D · Calls answered in 1 minute**" in text
    assert "🔴 off track · progress 0% against 34% expected · Hotline · Stores" in text
    # KR-D: 0 every week, its Start: no change since the cycle began on Jan 1, 4 whole weeks by Jan 31.
    assert "Stalled: no movement; flat at zero, 4 weeks unchanged." in text
    assert "No note from the team yet." in text
    titles = [line for line in text.splitlines() if line.startswith("**KR-")]
    # D and E unchanged 4 weeks, B and C since Jan 12 (2 weeks), each pair in the list's own order.
    assert titles == ["**KR-D · Calls answered in 1 minute**", "**KR-E · Self-service share**",
                      "**KR-B · Complaints per week (lower is better)**", "**KR-C · Stores live**"]
    at.button(key="open_stalled_KR-D").click().run()
    assert at.query_params["kr"] == "KR-D" and at.query_params["stream"] == "Stores"
    headings = [element.value for element in at.subheader]
    assert headings[0] == "One key result, week by week"  # before the stream's objectives
    assert at.markdown[0].value.startswith("**KR-D · Calls answered in 1 minute**")


def test_the_data_quality_page_reads_each_problem_and_its_fix_whole(review_db, monkeypatch):
    at = app(review_db, monkeypatch, page="data_quality", tables_open=False)
    text = card_text(at)
    assert "**Key results, row 7, column Team**: “Gamma”" in text
    assert "How to fix it: Add the team to the Teams tab, or correct its spelling here." in text
    assert len(at.dataframe) == 1  # only the sync history; the issues' grid is folded


def _date_axes(spec: object) -> list[dict]:
    """Every x encoding of a Vega-Lite spec that shows dates (a temporal field or a date's time unit)."""
    found = []
    if isinstance(spec, dict):
        x = spec.get("encoding", {}).get("x") if isinstance(spec.get("encoding"), dict) else None
        if isinstance(x, dict) and (x.get("type") == "temporal" or "timeUnit" in x or "yearmonthdate" in
                                    str(x.get("field", ""))):
            found.append(x)
        for value in spec.values():
            found += _date_axes(value)
    elif isinstance(spec, list):
        for value in spec:
            found += _date_axes(value)
    return found


def test_every_chart_writes_dates_one_way_and_leaves_the_status_colours_to_statuses(review_db, monkeypatch):
    import tomllib

    from okra_dash.words import STATUS_COLORS

    specs = []
    for page, query in (("value_streams", {"stream": "Stores", "kr": "KR-C"}), ("champions", None)):
        at = app(review_db, monkeypatch, page=page, query=query)
        specs += [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    axes = [axis for spec in specs for axis in _date_axes(spec)]
    assert len(axes) >= 3  # the burn-up, the trajectory and the habits
    assert {axis.get("axis", {}).get("format") for axis in axes} == {"%d %b"}
    theme = tomllib.loads((APP.parent / ".streamlit" / "config.toml").read_text())["theme"]
    assert theme["primaryColor"].lower() not in {color.lower() for color in STATUS_COLORS}


def test_a_streams_key_results_read_whole_and_the_one_opened_comes_first(review_db, monkeypatch):
    """Value streams lists each key result as a card under its objective; none is open until one is clicked (or
    named by the link), and then its week-by-week view comes first, above the stream's figures."""
    at = app(review_db, monkeypatch, page="value_streams", query={"stream": "Stores"}, tables_open=False)
    assert not at.dataframe and at.selectbox(key="kr").value is None  # no grid drawn, no key result open
    assert not [spec for spec in map(json.loads, (c.proto.spec for c in at.get("vega_lite_chart")))
                if spec.get("title", {}).get("text", "").endswith("weekly values")]
    text = card_text(at)
    assert "**KR-D · Calls answered in 1 minute**" in text
    assert "🔴 off track · progress 0% against 34% expected · Hotline · Stores" in text
    assert "Stalled: no movement; flat at zero, 4 weeks unchanged." in text
    headings = [element.value for element in at.subheader]
    assert headings[0].startswith("O") and headings[-1] == "One key result, week by week"  # the choice: last
    at.button(key="open_stream_KR-D").click().run()
    assert at.query_params["kr"] == "KR-D" and at.query_params["stream"] == "Stores"
    assert [element.value for element in at.subheader][0] == "One key result, week by week"
    assert at.markdown[0].value == "**KR-D · Calls answered in 1 minute** (Hotline)"
    assert burn_up(at)["title"]["text"] == "KR-D: weekly values"


def test_a_long_list_of_cards_shows_a_page_at_a_time(review_db, monkeypatch):
    from okra_dash.ui import cards

    monkeypatch.setattr(cards, "PAGE", 3)  # the review workbook has 4 stalled key results
    at = app(review_db, monkeypatch, page="stalled", tables_open=False)
    assert card_text(at).count("**KR-") == 3
    assert "3 of 4 shown." in [c.value for c in at.caption]
    at.button(key="more_stalled").click().run()
    assert card_text(at).count("**KR-") == 4
    assert not [b for b in at.button if b.key == "more_stalled"]


def test_the_burn_up_keeps_its_pace_line_within_the_axis_when_the_trend_falls_past_zero(tmp_path, monkeypatch):
    """KR-B falls from its Start 50 towards its Target 10 faster than the pace: at its rate it would reach about
    -60 by Mar 31. The axis spans Start, Target and the values (50 down to 2), so the pace line runs from corner
    to corner; the projection is cut at the axis' edge, not stretching the axis below zero."""
    tabs = read_tabs(REVIEW)
    assert tabs["Check-ins"][2][0] == "KR-B"
    tabs["Check-ins"][2][2:] = ["45", "20", "5", "2"]
    db = tmp_path / "okra.duckdb"
    sync(str(write_csv_folder(tmp_path / "book", tabs)), db)
    at = app(db, monkeypatch, page="value_streams", query={"stream": "Customer experience", "kr": "KR-B"})
    spec = burn_up(at)
    pace, values, *_, trend = spec["layer"]
    assert pace["encoding"]["y"]["scale"]["domain"] == [2.0, 50.0]
    assert trend["mark"]["clip"] is True and trend["encoding"]["y"]["scale"]["domain"] == [2.0, 50.0]
    from okra_dash.figures.review import Review
    from okra_dash.store import connect

    krs = Review(connect(db), AS_OF, cycles=["2026-Q1"]).frame("key_results").set_index("kr_id")
    assert krs.loc["KR-B", "projected_end"] < 0  # the trend the chart cuts at its edge
