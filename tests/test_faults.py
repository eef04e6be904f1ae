"""Google API faults through real gspread: each ends in a complete sync or one clear sentence,
with the previous data intact and the failure in the sync log and on the Data quality page."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from okra_dash import store
from okra_dash.errors import SourceError
from okra_dash.sync import sync
from tests.conftest import as_read
from tests.fake_sheets import KEY, Fault
from tests.test_app import APP

QUOTA = '{"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}}'
UNAVAILABLE = '{"error": {"code": 503, "message": "The service is currently unavailable.", "status": "UNAVAILABLE"}}'


@pytest.fixture
def fake(sheet_api, monkeypatch):
    monkeypatch.setenv("OKRA_SHEETS_TIMEOUT_S", "1")
    monkeypatch.setenv("OKRA_SHEETS_RETRY_BUDGET_S", "4")
    return sheet_api


@pytest.fixture
def db(tmp_path, fake):
    """A database holding one good sync, to check that failures leave it as it was."""
    path = tmp_path / "okra.duckdb"
    sync(KEY, path)
    fake.requests.clear()
    fake.kinds.clear()
    return path


def failing_sync(db):
    before = db.read_bytes()
    started = time.monotonic()
    with pytest.raises(SourceError) as error:
        sync(KEY, db)
    assert db.read_bytes() == before
    return str(error.value), time.monotonic() - started


def test_a_429_is_retried_after_the_time_it_asks_for_and_the_sync_completes(fake, db):
    fake.faults["values"] = Fault(429, QUOTA, headers={"Retry-After": "1"}, times=1)
    started = time.monotonic()
    result = sync(KEY, db)
    assert time.monotonic() - started >= 1.0
    assert fake.kinds == ["metadata", "grid", "grid"]
    assert result.sync_id == 2


def test_a_429_that_outlasts_the_retry_budget_fails_in_bounded_time_with_one_sentence(fake, db):
    fake.faults["values"] = Fault(429, QUOTA, headers={"Retry-After": "1"})
    message, seconds = failing_sync(db)
    assert message == "Google's Sheets API is over its request quota right now; try again in a minute."
    assert seconds < 4 + 1.5
    assert len(fake.requests) >= 4  # metadata, then batchGet tried several times


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_is_retried_and_the_sync_completes(fake, db, status):
    fake.faults["metadata"] = Fault(status, UNAVAILABLE, times=2)
    assert sync(KEY, db).sync_id == 2
    assert len(fake.requests) == 4


def test_a_server_error_that_persists_fails_with_one_sentence(fake, db):
    fake.faults["metadata"] = Fault(503, UNAVAILABLE)
    message, seconds = failing_sync(db)
    assert message == "Google's Sheets API is failing right now (error 503); try again later."
    assert seconds < 4 + 1.5


def test_a_response_slower_than_the_timeout_is_retried(fake, db):
    fake.faults["values"] = Fault(200, "{}", delay_s=2.5, times=1)
    assert sync(KEY, db).sync_id == 2


def test_responses_that_stay_slower_than_the_timeout_fail_with_one_sentence(fake, db):
    fake.faults["values"] = Fault(200, "{}", delay_s=2.5)
    message, seconds = failing_sync(db)
    assert message == "Google Sheets did not answer within 1 seconds; try again later."
    assert seconds < 4 + 2.5


@pytest.mark.parametrize("body", ["<html>Bad gateway</html>", '{"sheets": "nope"}', '{"sheets": [{"x": 1}]}'],
                         ids=["html", "wrong-type", "missing-fields"])
def test_an_answer_that_is_not_spreadsheet_data_fails_with_one_sentence(fake, db, body):
    fake.faults["metadata"] = Fault(200, body)
    message, _ = failing_sync(db)
    assert message == "Google Sheets sent an answer that is not valid spreadsheet data; try again later."


def test_a_failed_sync_is_logged_beside_the_database_and_in_its_log_after_the_next_good_sync(fake, db):
    fake.faults["metadata"] = Fault(404, '{"error": {"code": 404, "message": "gone", "status": "NOT_FOUND"}}', times=1)
    message, _ = failing_sync(db)
    assert [f["error"] for f in store.pending_failures(db)] == [message]
    sync(KEY, db)
    assert store.pending_failures(db) == []
    log = store.connect(db).execute("SELECT status, error FROM sync_log ORDER BY rowid").fetchall()
    assert [status for status, _ in log] == ["ok", "failed", "ok"]
    assert log[1][1] == message


def test_the_data_quality_page_shows_a_failed_sync_and_keeps_the_last_good_figures(fake, db, monkeypatch):
    fake.faults["metadata"] = Fault(403, '{"error": {"code": 403, "message": "no", "status": "PERMISSION_DENIED"}}')
    message, _ = failing_sync(db)
    monkeypatch.setenv("OKRA_DB", str(db))
    monkeypatch.delenv("OKRA_SOURCE", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["as_of"] = "2026-01-31"
    at.run()
    at.switch_page("okra_dash/ui/pages/data_quality.py").run()
    assert not at.exception
    assert message in as_read(at.error[0].value)  # as written, with its ':' and '@' as typed
    history = at.dataframe[-1].value  # the sync history, the last table
    assert history["status"].tolist() == ["failed", "ok"]
    assert at.metric[0].value == "1"  # the last good sync's data issues are still shown
