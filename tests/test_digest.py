"""The digest delivered: received by a real SMTP server (aiosmtpd) and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import http.server
import ipaddress
import json
import socket
import ssl
import threading

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from okra_dash.cli.main import main

AS_OF = "2026-01-31"
PASSWORD = "s3cret-digest-pass"


class Inbox:
    def __init__(self):
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos,
                              email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml unless a test writes one
    for name in ("OKRA_SMTP_HOST", "OKRA_SMTP_PORT", "OKRA_SMTP_USER", "OKRA_SMTP_PASSWORD", "OKRA_SMTP_FROM",
                 "OKRA_DIGEST_TO", "OKRA_SMTP_STARTTLS"):
        monkeypatch.delenv(name, raising=False)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def _settings(monkeypatch, port: int, **more: str) -> None:
    monkeypatch.setenv("OKRA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OKRA_SMTP_PORT", str(port))
    monkeypatch.setenv("OKRA_SMTP_FROM", "okra@example.com")
    monkeypatch.setenv("OKRA_DIGEST_TO", "lead@example.com, champion@example.com")
    for name, value in more.items():
        monkeypatch.setenv(name, value)


def test_the_digest_arrives_as_html_with_a_plain_text_part_and_the_chart(review_db, smtp, monkeypatch, capsys):
    inbox, port = smtp
    _settings(monkeypatch, port)
    assert main(["digest", "--send", "--db", str(review_db), "--as-of", AS_OF]) == 0
    assert capsys.readouterr().out.strip() == (f"Sent the digest to lead@example.com, champion@example.com through "
                                               f"127.0.0.1:{port}.")
    ((sender, recipients, message),) = inbox.messages
    assert (sender, recipients) == ("okra@example.com", ["lead@example.com", "champion@example.com"])
    assert message["Subject"] == f"OKR weekly review, as of {AS_OF}"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith(f"OKR weekly review, as of {AS_OF}\n====")  # the digest, readable as plain text
    assert "- KR-D " in text and "**" not in text and "|---" not in text
    page = message.get_body(("html",)).get_content()
    assert "<table" in page and "<td>Customer experience</td>" in page
    assert "5 of 7 key results on track" in page  # the review fixture's hand-computed headline
    image = next(part for part in message.walk() if part.get_content_type() == "image/png")
    assert image.get_content().startswith(b"\x89PNG")
    assert f'src="cid:{image["Content-ID"][1:-1]}"' in page


def _self_signed(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "smtp.pem", tmp_path / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def tls_smtp(smtp, tmp_path, monkeypatch):
    cert, key = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts this test's own certificate only
    inbox, logins = Inbox(), []

    def authenticate(server, session, envelope, mechanism, auth_data):
        logins.append(auth_data.login)
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"okra", PASSWORD.encode()))

    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(), tls_context=context,
                            require_starttls=True, authenticator=authenticate, auth_require_tls=True)
    controller.start()
    yield inbox, controller.port, logins
    controller.stop()


def test_starttls_and_login_when_configured_and_the_password_never_shows(review_db, tls_smtp, monkeypatch,
                                                                         capsys):
    inbox, port, logins = tls_smtp
    _settings(monkeypatch, port, OKRA_SMTP_STARTTLS="true", OKRA_SMTP_USER="okra", OKRA_SMTP_PASSWORD=PASSWORD)
    assert main(["digest", "--send", "--db", str(review_db), "--as-of", AS_OF]) == 0
    assert logins == [b"okra"] and len(inbox.messages) == 1
    out = capsys.readouterr()
    assert PASSWORD not in out.out + out.err


def test_a_refused_login_is_one_sentence_without_the_password(review_db, tls_smtp, monkeypatch, capsys):
    inbox, port, _ = tls_smtp
    _settings(monkeypatch, port, OKRA_SMTP_STARTTLS="true", OKRA_SMTP_USER="okra", OKRA_SMTP_PASSWORD="wrong-pass")
    assert main(["digest", "--send", "--db", str(review_db), "--as-of", AS_OF]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"okra-dash: The digest could not be sent through 127.0.0.1:{port} (")
    assert err.count("\n") == 1 and "wrong-pass" not in err and inbox.messages == []


def test_no_server_listening_is_one_sentence_and_exit_2(review_db, smtp, monkeypatch, capsys):
    _settings(monkeypatch, _free_port())
    assert main(["digest", "--send", "--db", str(review_db), "--as-of", AS_OF]) == 2
    err = capsys.readouterr().err
    assert err.startswith("okra-dash: The digest could not be sent through 127.0.0.1:") and err.count("\n") == 1


def test_settings_can_come_from_the_secrets_file(review_db, smtp, tmp_path, capsys):
    inbox, port = smtp
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        f'[okra.smtp]\nhost = "127.0.0.1"\nport = {port}\nfrom = "okra@example.com"\nto = ["lead@example.com"]\n')
    assert main(["digest", "--send", "--db", str(review_db), "--as-of", AS_OF]) == 0
    assert [recipients for _, recipients, _ in inbox.messages] == [["lead@example.com"]]


def test_nothing_configured_says_what_to_set(review_db, smtp, capsys):
    assert main(["digest", "--send", "--db", str(review_db)]) == 2
    assert "set OKRA_SMTP_HOST and OKRA_DIGEST_TO" in capsys.readouterr().err


@pytest.fixture
def webhook():
    received = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the standard library's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], json.loads(body)))
            self.send_response(200 if self.path == "/hook/T0K3N" else 404)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()


def test_the_webhook_receives_a_short_summary(review_db, webhook, capsys):
    base, received = webhook
    assert main(["digest", "--webhook", f"{base}/hook/T0K3N", "--db", str(review_db), "--as-of", AS_OF]) == 0
    ((path, kind, body),) = received
    assert (path, kind) == ("/hook/T0K3N", "application/json")
    assert body["text"].splitlines() == [f"OKR weekly review, as of {AS_OF}",
                                         "5 of 7 key results on track, 0 at risk, 2 off track; 4 stalled.",
                                         "Value streams behind pace: none."]
    # With no margin, the Q1 streams (31.7% and 33.3% against 33.7% of Q1 elapsed) fall behind; 2026-S does not.
    assert main(["digest", "--webhook", f"{base}/hook/T0K3N", "--db", str(review_db), "--as-of", AS_OF,
                 "--on-track-margin", "0"]) == 0
    assert received[-1][2]["text"].splitlines()[-1] == "Value streams behind pace: Customer experience, Stores."


def test_sheet_text_in_the_chat_summary_never_pings_mentions_or_links(tmp_path, webhook):
    """A value stream's name goes to the chat as typed: Slack's three escapes, so <!channel> pings nobody and
    <url|text> is no link, and [text](url) is no Markdown link in Teams (a word joiner between ] and ()."""
    from okra_dash.sync import sync
    from tests.conftest import REVIEW, read_tabs, write_csv_folder

    tabs = read_tabs(REVIEW)
    hostile = "<!channel> R&D <https://evil.example|Payroll> [Payroll](https://evil.example)"
    tabs["Objectives"] = [[hostile if cell == "Stores" else cell for cell in row] for row in tabs["Objectives"]]
    db = tmp_path / "okra.duckdb"
    sync(str(write_csv_folder(tmp_path / "book", tabs)), db)
    base, received = webhook
    assert main(["digest", "--webhook", f"{base}/hook/T0K3N", "--db", str(db), "--as-of", AS_OF,
                 "--on-track-margin", "0"]) == 0
    line = received[-1][2]["text"].splitlines()[-1]
    assert line == ("Value streams behind pace: &lt;!channel&gt; R&amp;D &lt;https://evil.example|Payroll&gt; "
                    "[Payroll]\u2060(https://evil.example), Customer experience.")


def test_a_webhook_that_refuses_is_one_sentence_that_keeps_its_secret_path(review_db, webhook, capsys):
    base, _ = webhook
    assert main(["digest", "--webhook", f"{base}/hook/WRONG", "--db", str(review_db), "--as-of", AS_OF]) == 2
    err = capsys.readouterr().err
    assert "refused the digest (HTTP 404)" in err and "WRONG" not in err and err.count("\n") == 1


def test_the_headline_changes_are_counts_and_whole_points_of_the_shares_as_shown():
    from okra_dash.figures.report import change, points_change

    now = {"on_track": 4, "checked_in_last_week": 2 / 3}
    before = {"on_track": 3, "checked_in_last_week": 0.5}
    assert change(now, before, "on_track") == 1
    assert points_change(now, before, "checked_in_last_week") == 17  # 67 % shown, 50 % shown
    # 0.335 shows as 34 %, 0.325 as 32 %: the change is of the shares shown, +2, not round(1.0) = +1.
    assert points_change({"s": 0.335}, {"s": 0.325}, "s") == 2
    assert points_change({"s": 0.5}, {"s": float("nan")}, "s") is None
    assert points_change({"s": None}, {"s": 0.5}, "s") is None


def test_each_champion_gets_their_own_nudge_and_one_without_an_address_is_named_once(tmp_path, smtp, monkeypatch,
                                                                                      capsys):
    """As of Jan 31 the last full week is the week of Jan 19. Ana (Alpha) has KR-B stalled; Ben's address is
    not one (a data issue, so no nudge); Hal (Hotline) has KR-E missing that week, KR-D and KR-E stalled, and two
    open next steps, the one due first listed first."""
    from okra_dash.store import next_steps
    from okra_dash.sync import sync
    from tests.conftest import REVIEW, read_tabs, write_csv_folder

    inbox, port = smtp
    _settings(monkeypatch, port)
    monkeypatch.delenv("OKRA_DIGEST_TO")  # the nudges' addresses come from the sheet
    tabs = read_tabs(REVIEW)
    tabs["Teams"] = [[*row, email] for row, email in zip(tabs["Teams"], (
        "Champion e-mail", "ana@example.com", "ben(at)example", "hal@example.com"))]
    db = tmp_path / "okra.duckdb"
    sync(str(write_csv_folder(tmp_path / "book", tabs)), db)
    next_steps.add(db, "KR-E", "Hotline", "Why no values?", "Fill in the sheet", dt.date(2026, 2, 6),
                   recorded_at="2026-01-24T09:00:00")
    next_steps.add(db, "KR-D", "Hotline", "Anything?", "Staff up", dt.date(2026, 1, 30),
                   recorded_at="2026-01-24T09:05:00")
    assert main(["digest", "--champions", "--send", "--db", str(db), "--as-of", AS_OF, "--cycle", "2026-Q1"]) == 0
    out, err = capsys.readouterr()
    assert err == ("okra-dash: Ben has no address in the Teams tab's Champion e-mail column: no nudge sent to "
                   "them.\n")
    assert out == (f"Sent 2 nudges through 127.0.0.1:{port}: ana@example.com (Ana), hal@example.com (Hal).\n")
    mails = {tuple(recipients): message for _, recipients, message in inbox.messages}
    assert set(mails) == {("ana@example.com",), ("hal@example.com",)}
    hal = mails[("hal@example.com",)]
    assert hal["Subject"] == "Before the OKR review: Hal's teams, as of 2026-01-31"
    text = hal.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Missed last full week's check-in (week of 2026-01-19)\n" in text
    assert "\n- KR-E Self-service share (Hotline)\n" in text
    stalled = text.split("Stalled\n-------\n\n")[1].split("\n\n")[0].splitlines()
    assert [line.split(" ")[1] for line in stalled] == ["KR-D", "KR-E"]  # 4 weeks unchanged each, in KR order
    steps = text.split("Open next steps, due first\n--------------------------\n\n")[1].strip().splitlines()
    assert steps == ["- KR-D Calls answered in 1 minute (Hotline): Staff up; due 2026-01-30 (overdue), agreed "
                     "2026-01-24; moved since: no",
                     "- KR-E Self-service share (Hotline): Fill in the sheet; due 2026-02-06, agreed 2026-01-24; "
                     "moved since: no"]
    assert "<h3>Open next steps, due first</h3>" in hal.get_body(("html",)).get_content()
    ana = mails[("ana@example.com",)].get_body(("plain",)).get_content()
    assert "- KR-B Complaints per week (lower is better) (Alpha): no movement" in ana and "KR-D" not in ana
    assert main(["report", "--db", str(db), "--as-of", AS_OF]) == 0
    issues = json.loads(capsys.readouterr().out)["issues"]
    assert [(i["tab"], i["column"], i["value"]) for i in issues if i["kind"] == "not_an_email"] == [
        ("Teams", "Champion e-mail", "ben(at)example")]

