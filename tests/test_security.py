"""Access and secrets: optional sign-in restricted by domain or list; credentials never printed or shown."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from okra_dash.errors import SourceError
from okra_dash.sync import sync
from okra_dash.ui.access import allowed
from tests.fake_sheets import KEY, Fault
from tests.test_app import APP, PAGES
from tests.test_gsheet import ROOT

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-secret",
        "client_id": "id", "client_secret": "secret",
        "server_metadata_url": "https://accounts.example/.well-known/openid-configuration"}


@pytest.mark.parametrize("email, domains, emails, verified, expected", [
    ("ana@freshbasket.example", ["freshbasket.example"], [], None, True),
    ("Ana@FreshBasket.Example", ["@freshbasket.example"], [], True, True),
    ("eve@evil.example", ["freshbasket.example"], [], None, False),
    ("eve@freshbasket.example.evil", ["freshbasket.example"], [], None, False),
    ("auditor@partner.example", ["freshbasket.example"], ["auditor@partner.example"], None, True),
    ("ana@freshbasket.example", ["freshbasket.example"], [], False, False),
    ("anyone@anywhere.example", [], [], None, True),
    (None, [], [], None, False),
    ("not-an-email", [], [], None, False),
], ids=["domain", "case-and-at", "other-domain", "suffix-trick", "listed-email", "unverified", "no-lists",
        "no-email", "malformed"])
def test_who_is_allowed_in(email, domains, emails, verified, expected):
    assert allowed(email, domains, emails, verified) is expected


def signed_in_app(db, monkeypatch, user, okra=None):
    monkeypatch.setenv("OKRA_DB", str(db))
    monkeypatch.delenv("OKRA_SOURCE", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.secrets["okra"] = okra or {"allowed_domains": ["freshbasket.example"]}
    at.user = user
    at.query_params["as_of"] = "2026-01-31"
    at.query_params["cycle"] = "2026-Q1"
    return at.run()


def test_with_sign_in_on_nobody_sees_data_before_signing_in(review_db, monkeypatch):
    at = signed_in_app(review_db, monkeypatch, {"is_logged_in": False})
    assert not at.exception
    assert at.button(key="sign_in").label == "Sign in"
    assert not at.metric and not at.dataframe


def test_a_signed_in_user_of_an_allowed_domain_sees_the_review(review_db, monkeypatch):
    at = signed_in_app(review_db, monkeypatch, {"is_logged_in": True, "email": "ana@freshbasket.example"})
    assert not at.exception
    assert at.metric[0].label == "On track"
    assert "Signed in as ana@freshbasket.example" in [c.value for c in at.sidebar.caption]


@pytest.mark.parametrize("user", [
    {"is_logged_in": True, "email": "eve@evil.example"},
    {"is_logged_in": True, "email": "ana@freshbasket.example", "email_verified": False},
], ids=["other-domain", "unverified"])
def test_a_signed_in_user_who_is_not_allowed_sees_no_data(review_db, monkeypatch, user):
    at = signed_in_app(review_db, monkeypatch, user)
    assert "is not allowed to see this dashboard" in at.error[0].value
    assert not at.metric and not at.dataframe
    for page in ("stalled", "data_quality"):
        at.switch_page(f"{PAGES}/{page}.py").run()
        assert not at.metric and not at.dataframe


def test_without_an_auth_section_the_dashboard_is_open(review_db, monkeypatch):
    monkeypatch.setenv("OKRA_DB", str(review_db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["as_of"] = "2026-01-31"
    at.run()
    assert at.metric[0].label == "On track"


@pytest.fixture
def fake_with_key(sheet_api, monkeypatch):
    monkeypatch.setenv("OKRA_SHEETS_RETRY_BUDGET_S", "0")
    return sheet_api, sheet_api.credentials


def secrets_of(info):
    """Strings that must never appear in output: the key's lines and its id."""
    return [line for line in info["private_key"].splitlines() if "PRIVATE KEY" not in line][:3] + [
        info["private_key_id"] * 3]


@pytest.mark.parametrize("fault", [None, Fault(403, '{"error": {"code": 403, "message": "denied"}}'),
                                   Fault(500, '{"error": {"code": 500, "message": "boom"}}')],
                         ids=["ok", "403", "500"])
def test_credentials_are_never_printed_by_the_command_line(fake_with_key, tmp_path, fault):
    fake, info = fake_with_key
    if fault:
        fake.faults["metadata"] = fault
    result = subprocess.run([sys.executable, "-m", "okra_dash", "sync", "--source", KEY, "--db",
                             str(tmp_path / "okra.duckdb")], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    output = result.stdout + result.stderr
    assert result.returncode == (2 if fault else 0)
    for secret in secrets_of(info):
        assert secret not in output


def test_a_broken_key_is_reported_without_its_contents(tmp_path, monkeypatch, caplog):
    info = {"type": "service_account", "client_email": "x@y.iam.gserviceaccount.com", "token_uri": "http://t",
            "private_key": "-----BEGIN PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END PRIVATE KEY-----\n"}
    path = tmp_path / "sa.json"
    path.write_text(json.dumps(info))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SourceError) as error:
        sync(KEY, tmp_path / "okra.duckdb")
    assert str(error.value) == "The Google service-account credentials cannot be used (the private key cannot be read)."
    assert "TOPSECRET" not in caplog.text


def test_credentials_are_never_shown_on_the_dashboard(fake_with_key, tmp_path, monkeypatch):
    fake, info = fake_with_key
    db = tmp_path / "okra.duckdb"
    sync(KEY, db)
    fake.faults["metadata"] = Fault(403, '{"error": {"code": 403, "message": "denied"}}')
    monkeypatch.setenv("OKRA_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["as_of"] = "2026-01-31"
    at.run()
    at.button(key="sync_now").click().run()
    shown = [str(getattr(element, "value", "")) for element in at.main] + [
        str(getattr(element, "value", "")) for element in at.sidebar]
    assert any("is not shared with" in text for text in shown)
    for secret in secrets_of(info):
        assert not any(secret in text for text in shown)
    at.switch_page(f"{PAGES}/data_quality.py").run()
    page = " ".join(str(getattr(element, "value", "")) for element in at.main)
    for secret in secrets_of(info):
        assert secret not in page
