"""The Google Sheet source through real gspread and google-auth, against the fake API on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import gspread
import pytest

from okra_dash import settings
from okra_dash.errors import SourceError
from okra_dash.source import google
from okra_dash.sync import sync
from tests.conftest import review_of
from tests.fake_sheets import KEY, Fault
from tests.test_measures import AS_OF, EXPECTED

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fake(sheet_api):
    return sheet_api


@pytest.fixture
def credentials(sheet_api):
    return sheet_api.credentials


def test_a_google_sheet_syncs_to_the_hand_computed_figures_in_two_requests(fake, credentials, tmp_path):
    db = tmp_path / "okra.duckdb"
    sync(f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0", db)
    assert len(fake.requests) == 2
    assert fake.kinds == ["metadata", "grid"]
    krs = review_of(db, AS_OF).frame("key_results").set_index("kr_id")
    for kr_id, (current, progress, _, status, _, _) in EXPECTED.items():
        assert (krs.loc[kr_id, "current"], krs.loc[kr_id, "status"]) == (current, status)
        assert krs.loc[kr_id, "progress"] == pytest.approx(progress)


def test_the_sync_asks_only_for_the_read_only_scope_on_every_request(fake, credentials, tmp_path):
    sync(KEY, tmp_path / "okra.duckdb")
    assert fake.scopes == [gspread.auth.READONLY_SCOPES] * 2
    assert all(header.startswith("Bearer ") for header in fake.auth_headers)


def test_many_extra_tabs_still_cost_two_requests_and_tab_ids_are_kept_for_links(fake, credentials, tmp_path):
    fake.books[KEY].update({f"Notes {i}": [["x"]] for i in range(20)})
    db = tmp_path / "okra.duckdb"
    sync(KEY, db)
    assert len(fake.requests) == 2
    con = review_of(db, AS_OF).con
    assert con.execute("SELECT gid FROM source_tabs WHERE tab = 'Key results'").fetchall() == [(103,)]
    assert con.execute("SELECT sheet_url FROM sync_log").fetchall() == [(google.sheet_url(KEY),)]


def test_no_access_names_the_service_account_to_share_the_sheet_with(fake, credentials, tmp_path):
    fake.faults["metadata"] = Fault(403, '{"error": {"code": 403, "message": "The caller does not have '
                                         'permission", "status": "PERMISSION_DENIED"}}')
    with pytest.raises(SourceError) as error:
        sync(KEY, tmp_path / "okra.duckdb")
    assert str(error.value) == (f"The sheet {KEY} is not shared with {credentials['client_email']}: "
                                f"share it with {credentials['client_email']} as a Viewer.")


def test_an_unknown_sheet_says_there_is_no_such_sheet(fake, credentials, tmp_path):
    with pytest.raises(SourceError, match="There is no Google Sheet with the key 1Zz"):
        sync("1Zz" + KEY[3:], tmp_path / "okra.duckdb")


def test_no_credentials_anywhere_says_where_to_put_them(tmp_path, monkeypatch):
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings, "SECRETS_FILES", (tmp_path / ".streamlit/secrets.toml",))
    with pytest.raises(SourceError, match=r"No Google credentials: set GOOGLE_APPLICATION_CREDENTIALS"):
        sync(KEY, tmp_path / "okra.duckdb")


def test_credentials_can_come_from_streamlit_secrets(fake, tmp_path, monkeypatch):
    info = fake.service_account()
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    lines = ["[gcp_service_account]"] + [f"{key} = {json.dumps(value)}" for key, value in info.items()]
    secrets.write_text("\n".join(lines) + "\n")
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("OKRA_SHEETS_API_ROOT", fake.root)
    monkeypatch.setattr(settings, "SECRETS_FILES", (secrets,))
    sync(KEY, tmp_path / "okra.duckdb")
    assert len(fake.requests) == 2


def test_the_cli_syncs_a_sheet_and_a_403_exits_2_leaving_the_database_as_it_was(fake, credentials, tmp_path):
    db = tmp_path / "okra.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ok = subprocess.run([sys.executable, "-m", "okra_dash", "sync", "--source", KEY, "--db", str(db)],
                        capture_output=True, text=True, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    before = db.read_bytes()
    fake.faults["values"] = Fault(403, '{"error": {"code": 403, "message": "denied", "status": "PERMISSION_DENIED"}}')
    failed = subprocess.run([sys.executable, "-m", "okra_dash", "sync", "--source", KEY, "--db", str(db)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert failed.returncode == 2
    assert "share it with okra-reader@demo-project.iam.gserviceaccount.com" in failed.stderr
    assert credentials["private_key"].splitlines()[1] not in failed.stderr + failed.stdout + ok.stdout
    assert db.read_bytes() == before


def use_secrets(tmp_path, monkeypatch, text: str) -> Path:
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir(exist_ok=True)
    secrets.write_text(text)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setattr(settings, "SECRETS_FILES", (secrets,))
    return secrets


@pytest.mark.parametrize("content, says", [
    ("[1, 2, 3]", "holds JSON but not a service-account key (a JSON object with client_email and private_key)."),
    ('"just a string"', "holds JSON but not a service-account key"),
    ("{not json", "which is not a JSON file."),
], ids=["a-list", "a-string", "not-json"])
def test_a_credentials_file_that_is_not_a_key_object_gets_one_true_sentence(content, says, tmp_path, monkeypatch):
    key = tmp_path / "key.json"
    key.write_text(content)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    with pytest.raises(SourceError) as error:
        sync(KEY, tmp_path / "okra.duckdb")
    assert str(error.value).startswith(f"GOOGLE_APPLICATION_CREDENTIALS names {key}, ")
    assert says in str(error.value)


def test_a_secrets_entry_that_is_the_path_of_the_key_file_is_read_as_meant(fake, tmp_path, monkeypatch):
    key = tmp_path / "key.json"
    key.write_text(json.dumps(fake.service_account()))
    use_secrets(tmp_path, monkeypatch, f'gcp_service_account = "{key}"\n')
    monkeypatch.setenv("OKRA_SHEETS_API_ROOT", fake.root)
    sync(KEY, tmp_path / "okra.duckdb")
    assert fake.kinds == ["metadata", "grid"]


def test_a_secrets_entry_that_is_neither_a_table_nor_a_readable_path_says_so(tmp_path, monkeypatch):
    secrets = use_secrets(tmp_path, monkeypatch, 'gcp_service_account = "/nowhere/key.json"\n')
    with pytest.raises(SourceError) as error:
        sync(KEY, tmp_path / "okra.duckdb")
    assert str(error.value) == (f"gcp_service_account in {secrets} names /nowhere/key.json, which cannot be read "
                                "(No such file or directory).")
    use_secrets(tmp_path, monkeypatch, "gcp_service_account = 42\n")
    with pytest.raises(SourceError, match=r"must be a \[gcp_service_account\] table of the key's fields"):
        sync(KEY, tmp_path / "okra.duckdb")


def test_an_unreachable_sign_in_service_is_blamed_on_the_network_not_the_credentials(fake, tmp_path, monkeypatch):
    # Google's own universe: google-auth asks the token endpoint for a token before the first request.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now: connection refused
    info = {**fake.service_account(), "universe_domain": "googleapis.com",
            "token_uri": f"http://127.0.0.1:{port}/token"}
    key = tmp_path / "key.json"
    key.write_text(json.dumps(info))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    with pytest.raises(SourceError) as error:
        sync(KEY, tmp_path / "okra.duckdb")
    assert str(error.value).startswith("Google's sign-in service could not be reached (")
    assert str(error.value).endswith("check the network and try again.")
    assert "credentials" not in str(error.value)
    assert fake.requests == []


def test_the_check_in_notes_tab_comes_in_the_same_two_requests(fake, credentials, tmp_path):
    fake.books[KEY]["Check-in notes"] = [["Week", "KR ID", "Confidence", "Note"],
                                         ["2026-01-19", "KR-A", "8", "New shop window works"],
                                         ["2026-01-26", "KR-A", "12", ""]]
    db = tmp_path / "okra.duckdb"
    sync(KEY, db)
    assert len(fake.requests) == 2
    review = review_of(db, AS_OF)
    kr = review.frame("key_results").set_index("kr_id").loc["KR-A"]
    assert (kr["confidence"], kr["note"], str(kr["note_week"].date())) == (8, "New shop window works", "2026-01-19")
    issues = review.frame("issues")
    assert issues[issues["kind"] == "confidence_range"][["tab", "row"]].values.tolist() == [["Check-in notes", 3]]
