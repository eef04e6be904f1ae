"""Sign-in for real: st.login against a real OpenID Connect provider (node-oidc-provider) on 127.0.0.1, in Chromium.

The provider is the npm package oidc-provider, installed by .ci/run into tests/oidc/; its own development login
form signs in whoever types an e-mail as the login. The dashboard is `streamlit run` with an [auth] section and an
allowed domain in its secrets.toml, as a deployment would have it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.browser import CHROMIUM, CHROMIUM_ARGS, free_port, serve, stop, wait_until_healthy
from okra_dash.sync import sync
from tests.conftest import REVIEW

ROOT = Path(__file__).resolve().parent.parent
PROVIDER = ROOT / "tests" / "oidc"
NODE = shutil.which("node")

if not (PROVIDER / "node_modules" / "oidc-provider").is_dir() or not NODE or not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail("CI must run the sign-in test: .ci/run installs tests/oidc (npm ci) and Chromium",
                    pytrace=False)
    pytest.skip("run `npm ci --prefix tests/oidc` and install chromium to test sign-in", allow_module_level=True)


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    """The provider and the dashboard, signed in through it; yields the dashboard's URL."""
    tmp = tmp_path_factory.mktemp("sign-in")
    app_port, provider_port = free_port(), free_port()
    redirect = f"http://127.0.0.1:{app_port}/oauth2callback"
    provider = subprocess.Popen([NODE, "provider.mjs", str(provider_port), "okra-dash", "tests-client-secret",
                                 redirect], cwd=PROVIDER, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    issuer = f"http://127.0.0.1:{provider_port}"
    wait_until_healthy(issuer, provider, "the OpenID Connect provider", "/.well-known/openid-configuration")
    site = tmp / "site"
    (site / ".streamlit").mkdir(parents=True)
    shutil.copy(ROOT / "app.py", site / "app.py")
    shutil.copy(ROOT / ".streamlit" / "config.toml", site / ".streamlit" / "config.toml")
    (site / ".streamlit" / "secrets.toml").write_text(f'''
[auth]
redirect_uri = "{redirect}"
cookie_secret = "a-long-random-string-for-tests-only"
client_id = "okra-dash"
client_secret = "tests-client-secret"
server_metadata_url = "{issuer}/.well-known/openid-configuration"

[okra]
allowed_domains = ["freshbasket.example"]
''')
    db = tmp / "okra.duckdb"
    sync(str(REVIEW), db)
    app, url, _ = serve(site / "app.py", {"OKRA_DB": str(db), "OKRA_SOURCE": ""}, port=app_port)
    yield url
    stop(app)
    stop(provider)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    yield context.new_page()
    context.close()


def settled(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_timeout(500)


def sign_in(page, url: str, login: str) -> None:
    """Through the provider's own pages: the login form, then the consent to share the e-mail."""
    page.goto(url)
    settled(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("input[name='login']", timeout=30_000)
    page.fill("input[name='login']", login)
    page.fill("input[name='password']", "any")
    page.click("button[type='submit']")
    page.wait_for_selector("button[type='submit']", timeout=30_000)  # consent: "Continue"
    page.click("button[type='submit']")
    page.wait_for_url(f"{url}/**", timeout=30_000)
    settled(page)


def shows_no_data(page) -> None:
    text = page.inner_text("body")
    assert "Weekly review" not in page.title() or "KR-" not in text
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    assert page.locator("[data-testid='stMetric']").count() == 0
    assert page.locator("[data-testid='stVegaLiteChart']").count() == 0
    assert page.get_by_role("button", name="Sync now").count() == 0
    assert page.locator("[data-testid='stDownloadButton']").count() == 0


def test_a_signed_out_visitor_sees_only_the_sign_in_also_on_a_pages_own_url(dashboard, page):
    for path in ("", "/stalled", "/data_quality?kr=KR-A"):
        page.goto(dashboard + path)
        settled(page)
        assert page.get_by_role("button", name="Sign in").is_visible()
        shows_no_data(page)


def test_an_allowed_address_signs_in_sees_the_review_and_signs_out(dashboard, page):
    sign_in(page, dashboard, "ana@freshbasket.example")
    page.get_by_role("heading", name="Weekly review").first.wait_for(timeout=30_000)
    assert page.locator("[data-testid='stMetric']").count() > 0
    assert "Signed in as ana@freshbasket.example" in page.inner_text("[data-testid='stSidebar']")
    page.goto(f"{dashboard}/stalled")
    settled(page)
    page.get_by_role("heading", name="Stalled key results").first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Yes, sign me out").click(timeout=30_000)  # the provider's own question
    page.wait_for_url(f"{dashboard}/**", timeout=30_000)
    settled(page)
    page.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
    page.goto(f"{dashboard}/stalled")
    settled(page)
    shows_no_data(page)


@pytest.mark.parametrize("login", ["eve@evil.example", "unverified.ana@freshbasket.example"])
def test_another_domain_or_an_unverified_address_sees_no_figure_no_table_and_no_sync(dashboard, page, login):
    sign_in(page, dashboard, login)
    assert "is not allowed to see this dashboard" in page.inner_text("body")
    shows_no_data(page)
    page.goto(f"{dashboard}/data_quality")
    settled(page)
    assert "is not allowed to see this dashboard" in page.inner_text("body")
    shows_no_data(page)
