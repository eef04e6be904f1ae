"""The weekly digest delivered: an e-mail (HTML, a plain-text part, the value-stream chart as an image)
through the configured SMTP server, or a short summary posted to a Slack- or Teams-style webhook.

Settings come from the environment or the [okra.smtp] table of .streamlit/secrets.toml (the environment
wins). A password never reaches output: every failure is one sentence, with the password scrubbed.
"""

from __future__ import annotations

import html
import json
import os
import re
import smtplib
import socket
import ssl
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from okra_dash.errors import DeliveryError
from okra_dash.figures import report
from okra_dash.figures.review import Review
from okra_dash.source.typed import printable
from okra_dash.words import counted

SECRETS = Path(".streamlit/secrets.toml")
# Environment variable -> key in [okra.smtp].
SETTINGS = {"OKRA_SMTP_HOST": "host", "OKRA_SMTP_PORT": "port", "OKRA_SMTP_USER": "user",
            "OKRA_SMTP_PASSWORD": "password", "OKRA_SMTP_FROM": "from", "OKRA_DIGEST_TO": "to",
            "OKRA_SMTP_STARTTLS": "starttls"}


@dataclass(frozen=True)
class Mail:
    host: str
    port: int
    sender: str
    to: tuple[str, ...]
    user: str | None = None
    password: str | None = None
    starttls: bool = False

    def __repr__(self) -> str:  # never shows the password, even in a traceback
        return f"Mail(host={self.host!r}, port={self.port}, to={self.to!r}, user={self.user!r})"


def _yes(value: object) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


def mail_settings(env: dict[str, str] | None = None, secrets: Path = SECRETS) -> Mail:
    """Where and to whom the digest goes; raises DeliveryError naming what is missing."""
    env = os.environ if env is None else env
    table: dict = {}
    if secrets.is_file():
        try:
            table = tomllib.loads(secrets.read_text(encoding="utf-8")).get("okra", {}).get("smtp", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise DeliveryError(f"{secrets} is not valid TOML ({error}); fix it or set the OKRA_SMTP_ variables.") \
                from None
    values = {key: table.get(key) for key in SETTINGS.values()}
    values.update({key: env[name] for name, key in SETTINGS.items() if env.get(name)})
    to = values["to"]
    to = tuple(address.strip() for address in (to.split(",") if isinstance(to, str) else to or ()) if address.strip())
    if not values["host"] or not to:
        raise DeliveryError("No mail server or recipients are configured: set OKRA_SMTP_HOST and OKRA_DIGEST_TO "
                            "(or host and to under [okra.smtp] in .streamlit/secrets.toml).")
    try:
        port = int(values["port"] or (587 if _yes(values["starttls"]) else 25))
    except ValueError:
        raise DeliveryError(f"The SMTP port '{values['port']}' is not a number.") from None
    if not 0 < port < 65536:
        raise DeliveryError(f"The SMTP port {port} is not a port number (1 to 65535).")
    _checked(values, to)
    return Mail(str(values["host"]), port, str(values["from"] or f"okra-dash@{socket.getfqdn()}"), to,
                values["user"] or None, values["password"] or None, _yes(values["starttls"]))


def _chart_png(data: dict) -> bytes | None:
    """The value-stream chart as a PNG, drawn without a browser (vl-convert), or None without streams."""
    if not data["value_streams"]:
        return None
    import pandas as pd
    import vl_convert

    streams = pd.DataFrame(data["value_streams"]).astype({"progress": float, "expected": float})

    from okra_dash import charts  # the dashboard's own chart, so the e-mail shows what the page shows

    return vl_convert.vegalite_to_png(charts.value_stream_progress(streams).to_json(), scale=2)


def _html(data: dict, chart_cid: str | None) -> str:
    """The digest as a small HTML page: the headline, the chart, tables a mail client lays out."""
    def esc(text: object) -> str:
        return html.escape(printable(str(text)))

    now, before = data["headline"]["now"], data["headline"]["last week"]
    cycles = ", ".join(esc(c) for c in data["cycles"])
    seen = f", as seen on {esc(data['as_seen'].replace('T', ' '))}" if data.get("as_seen") else ""
    parts = [f"<h2>OKR weekly review, as of {esc(data['as_of'])}{seen}</h2>", f"<p>Cycles: {cycles}.</p>",
             "<ul>",
             f"<li>{now['on_track']} of {counted(now['key_results'], 'key result')} on track "
             f"(last week {before['on_track']}), {now['at_risk']} at risk, {now['off_track']} off track.</li>",
             f"<li>{now['streams_behind']} of {counted(now['streams'], 'value stream')} behind pace.</li>",
             f"<li>{counted(now['stalled'], 'key result')} stalled (last week {before['stalled']}).</li>", "</ul>"]
    if chart_cid:
        parts.append(f'<p><img src="cid:{chart_cid[1:-1]}" alt="Value-stream progress against the expected pace" '
                     'style="max-width:100%"></p>')
    rows = "".join(f"<tr><td>{esc(vs['value_stream'])}</td><td>{esc(vs['cycle'])}</td>"
                   f"<td>{report.pct(vs['progress'])}</td><td>{report.pct(vs['expected'])}</td>"
                   f"<td>{esc(vs['status'])}</td><td>{_kept(vs)}</td></tr>"
                   for vs in data["value_streams"])
    parts.append('<h3>Value streams</h3><table border="1" cellpadding="4" cellspacing="0">'
                 "<tr><th>Value stream</th><th>Cycle</th><th>Progress</th><th>Expected</th><th>Status</th>"
                 f"<th>Health KRs kept</th></tr>{rows}</table>")
    stalled = report.stalled_longest_first(data["key_results"])
    items = "".join(f"<li><b>{esc(kr['kr_id'])}</b> {esc(kr['key_result'])} ({esc(kr['team'])}): "
                    f"{esc(', '.join(kr['stalled']))}"
                    + (f"; the team said: “{esc(kr['note'])}”" if kr.get("note") else "") + "</li>"
                    for kr in stalled[:report.DIGEST_LIMIT])
    parts.append(f"<h3>Stalled key results ({len(stalled)})</h3><ul>{items or '<li>None.</li>'}</ul>")
    changed = report.typed_over(data["rewritten"])
    if changed:
        items = "".join(f"<li>{esc(r['kr_id'])}, week of {esc(r['week'])}: {report.number(r['before'])} → "
                        f"{report.number(r['after'])} (seen {esc(r['seen_at'][:10])})</li>"
                        for r in changed[:report.DIGEST_LIMIT])
        parts.append(f"<h3>Past weeks changed after they ended ({len(changed)})</h3><ul>{items}</ul>")
    parts.append(f"<p>{counted(len(data['issues']), 'data issue')} in the last sync.</p>")
    return "<html><body>" + "\n".join(parts) + "</body></html>"


def _kept(stream: dict) -> str:
    health = stream["kept"] + stream["breached"]
    return f"{stream['kept']} of {health}" if health else "–"


def message(review: Review, mail: Mail, data: dict) -> EmailMessage:
    """The digest e-mail from the report `data` of the review: the Markdown digest as its plain-text part,
    HTML with the chart inline."""
    msg = EmailMessage()
    msg["Subject"] = f"OKR weekly review, as of {data['as_of']}"
    msg["From"], msg["To"] = mail.sender, ", ".join(mail.to)
    msg.set_content(report.as_markdown(review, data))
    png = _chart_png(data)
    cid = make_msgid(domain="okra-dash") if png else None
    msg.add_alternative(_html(data, cid), subtype="html")
    if png:
        msg.get_payload()[1].add_related(png, maintype="image", subtype="png", cid=cid,
                                         filename="value-streams.png")
    return msg


def send(msg: EmailMessage, mail: Mail) -> None:
    """Hand the message to the SMTP server (STARTTLS and login when configured); raises DeliveryError."""
    try:
        with smtplib.SMTP(mail.host, mail.port, timeout=30) as server:
            if mail.starttls:
                server.starttls(context=ssl.create_default_context())
            if mail.user:
                server.login(mail.user, mail.password or "")
            server.send_message(msg)
    except (OSError, smtplib.SMTPException) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        if mail.password:
            reason = reason.replace(mail.password, "***")
        raise DeliveryError(f"The digest could not be sent through {mail.host}:{mail.port} ({reason[:200]}); "
                            "nothing else changed.") from None


# Slack reads <...> as a mention (<!channel> pings everyone), a link or a user, and asks senders to escape
# these three; Microsoft Teams' text takes HTML, so it shows the entities as the characters (not tried against a
# live Teams: these machines reach no outside service). A word joiner (U+2060, invisible) between
# ] and ( keeps [text](url) from becoming a disguised link in Teams' Markdown.
_CHAT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def chat(text: str) -> str:
    """Sheet text for a chat message: shown as typed, never a mention, a ping or a link."""
    return printable(text).translate(_CHAT_ESCAPES).replace("](", "]\u2060(")


def summary(data: dict) -> str:
    """A few lines for a chat channel, from the report: the headline and the streams behind."""
    now = data["headline"]["now"]
    behind = [chat(name) for name in sorted({vs["value_stream"] for vs in data["value_streams"] if vs["behind"]})]
    return "\n".join([f"OKR weekly review, as of {data['as_of']}",
                      f"{now['on_track']} of {counted(now['key_results'], 'key result')} on track, "
                      f"{now['at_risk']} at risk, {now['off_track']} off track; {now['stalled']} stalled.",
                      f"Value streams behind pace: {', '.join(behind) or 'none'}."])


def webhook_url(url: str) -> str:
    """The webhook address, checked before any work; raises DeliveryError without showing its path (the
    path of an incoming webhook is its secret)."""
    url = url.strip()
    if not url:
        raise DeliveryError("The --webhook address is empty (an unset variable?); give the incoming webhook's "
                            "https:// address.")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise DeliveryError("The --webhook address is not an http(s) URL; give the full address the chat tool "
                            "shows, starting with https://.")
    return url


_HOST = re.compile(r"^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$")
_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+$")


def _checked(values: dict, to: tuple[str, ...]) -> None:
    """A malformed setting is refused before anything is sent (the password is never shown)."""
    host = str(values["host"]).strip()
    if not _HOST.match(host):
        raise DeliveryError(f"The SMTP host '{host[:80]}' is not a host name; set OKRA_SMTP_HOST (or host under "
                            "[okra.smtp]) to a name like smtp.example.com.")
    for address in (*to, *([values["from"]] if values["from"] else [])):
        if not _ADDRESS.match(str(address)):
            raise DeliveryError(f"'{str(address)[:80]}' is not an e-mail address; correct OKRA_DIGEST_TO or "
                                "OKRA_SMTP_FROM (or to and from under [okra.smtp]).")


def post(url: str, text: str) -> None:
    """POST {"text": ...} as JSON, as Slack and Teams incoming webhooks take it; raises DeliveryError."""
    request = urllib.request.Request(url, data=json.dumps({"text": text}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    where = url.split("?")[0].split("//")[-1].split("/")[0]  # the host only: a webhook's path is its secret
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"The webhook at {where} refused the digest (HTTP {error.code}); nothing else "
                            "changed.") from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryError(f"The webhook at {where} could not be reached ({reason}); nothing else changed.") \
            from None
