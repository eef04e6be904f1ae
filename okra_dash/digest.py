"""The weekly digest, in every form it takes and every way it is delivered: the Markdown a leader pastes into
an e-mail, the HTML e-mail (with the Markdown as its plain-text part and the value-stream chart as an image) sent
through the configured SMTP server, and the short summary posted to a Slack- or Teams-style webhook.

Everything here is written from the report's data (figures/report.py); sheet text is shown as typed, never as
markup, and control characters as their visible symbols. Settings come from settings.py; a password or a
webhook's secret path never reaches output: every failure is one sentence.
"""

from __future__ import annotations

import html
import json
import re
import smtplib
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from okra_dash import settings
from okra_dash.errors import DeliveryError, SettingsError
from okra_dash.figures.report import change, report
from okra_dash.figures.review import Review
from okra_dash.source.typed import printable
from okra_dash.words import EMAIL_ADDRESS, EMPTY_CELL, counted, format_number, percent

# Characters that would turn sheet text into markup mid-line; text never starts a line here.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
DIGEST_LIMIT = 10  # rows per digest section before "and N more"


def md(text: object) -> str:
    """Sheet text as Markdown that shows exactly what was typed, never markup."""
    flat = " ".join(printable(str(text if text is not None else "")).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _ENTITY.sub("&amp;", flat)).replace("<", "&lt;")


def stalled_longest_first(key_results: list[dict]) -> list[dict]:
    """The stalled key results, the longest unchanged first: the order every digest lists them in."""
    return sorted((kr for kr in key_results if kr["stalled"]), key=lambda kr: -kr["weeks_since_change"])


def _stream_figures(stream: dict) -> str:
    """A stream's progress against its pace, and how many of its health KRs keep their line."""
    parts = []
    if stream["progress"] is not None:
        parts.append(f"{percent(stream['progress'])} against {percent(stream['expected'])} expected")
    health = stream["kept"] + stream["breached"]
    if health:
        parts.append(f"{stream['kept']} of {counted(health, 'health key result')} kept")
    return "; ".join(parts)


def _since(now: dict, before: dict, key: str) -> str:
    moved = change(now, before, key)
    return f" ({moved:+d} since last week)" if moved else " (as last week)"


def typed_over(rewritten: list[dict]) -> list[dict]:
    """The rewritten values that replaced or cleared a value (not those first filled in after the week, which
    the late check-ins count): what the digests list."""
    return [r for r in rewritten if r["before"] is not None]


def number(value: float | None) -> str:
    """A value as typed, or "(empty)" for a cell with none."""
    return EMPTY_CELL if value is None else format_number(value)


def _more(rows: list, lines: list[str]) -> list[str]:
    if len(rows) > DIGEST_LIMIT:
        lines.append(f"- … and {len(rows) - DIGEST_LIMIT} more")
    return lines


def _heading(text: str) -> list[str]:
    """A Markdown heading that reads as one in plain text too (underlined, not prefixed with #)."""
    return ["", text, "-" * len(text), ""]


AGREED = "Agreed in the last reviews"


def agreed(data: dict) -> list[tuple[dict, str]]:
    """The open next steps of the report (oldest first), each with its key result's name."""
    names = {kr["kr_id"]: kr["key_result"] for kr in data["key_results"]}
    return [(step, names.get(step["kr_id"]) or "") for step in data.get("next_steps", [])]


def step_line(step: dict, name: str) -> str:
    """One open next step as a Markdown list item: its key result, team, next step, when it is due, when it was
    agreed, and whether its key result moved since (the digest's, the nudge's and the meeting's list)."""
    return (f"- {md(step['kr_id'])} {md(name)} ({md(step['team'])}): {md(step['next_step'])}; {_step_state(step)}")


def _step_state(step: dict) -> str:
    return (f"due {step['due']}{' (overdue)' if step['overdue'] else ''}, agreed {step['recorded_at'][:10]}; "
            f"moved since: {'yes' if step['moved_since'] else 'no'}")


def as_markdown(review: Review, data: dict | None = None) -> str:
    """The weekly digest: Markdown that also reads well pasted into an e-mail as plain text (headings
    underlined, lists instead of tables, no bold markers); from `data` when the report is already made."""
    data = data or report(review)
    krs, streams = data["key_results"], data["value_streams"]
    now, before = data["headline"]["now"], data["headline"]["last week"]
    stalled = stalled_longest_first(krs)
    split = data["split"]
    windows = "; ".join(f"{md(c['cycle'])} ({c['start_date']} to {c['end_date']}), {percent(c['elapsed'])} of the way "
                        "through" for c in data["cycle_windows"])
    title = f"OKR weekly review, as of {data['as_of']}" + (
        f", as seen on {data['as_seen'].replace('T', ' ')}" if data.get("as_seen") else "")
    out = [title, "=" * len(title), "", f"Cycle {windows}.", "",
           f"- {now['on_track']} of {counted(now['key_results'], 'key result')} on track"
           f"{_since(now, before, 'on_track')}, {now['at_risk']} at risk, {now['off_track']} off track.",
           f"- {now['streams_behind']} of {counted(now['streams'], 'value stream')} behind pace"
           f"{_since(now, before, 'streams_behind')}.",
           f"- {counted(now['stalled'], 'key result')} stalled{_since(now, before, 'stalled')}."]
    if any(split[mode]["key_results"] for mode in split):
        shown = ", ".join(f"{mode} teams {percent(split[mode]['checkin_discipline'])}"
                          for mode in split if split[mode]["key_results"])
        out.append(f"- Check-in discipline: {shown}.")
    out += _heading("Value streams")
    out += [f"- {md(vs['value_stream'])}: {_stream_figures(vs)}, {vs['status']} "
            f"({counted(vs['key_results'], 'key result')})" for vs in streams] or ["- None."]
    out += _heading("Stalled key results")
    out += [f"- {md(kr['kr_id'])} {md(kr['key_result'])} ({md(kr['team'])}, {md(kr['value_stream'])}): "
            f"{', '.join(kr['stalled'])}; {counted(kr['weeks_since_change'], 'week')} since last change"
            + (f"; the team said (week of {kr['note_week']}): \"{md(kr['note'])}\"" if kr.get("note") else "")
            for kr in stalled[:DIGEST_LIMIT]] or ["- None."]
    _more(stalled, out)
    out += _heading(AGREED)
    out += [step_line(step, name) for step, name in agreed(data)] or ["- None open."]
    out += _heading("What changed since last week")
    changes = data["changes"]
    out += [f"- {md(c['kr_id'])} {md(c['key_result'])} ({md(c['team'])}): "
            + "; ".join(part for part in (
                f"{c['status_before']} → {c['status_now']}" if c["status_before"] != c["status_now"] else "",
                f"newly stalled: {', '.join(c['new_stalls'])}" if c["new_stalls"] else "") if part)
            for c in changes[:DIGEST_LIMIT]] or ["- No status changes and no new stalls."]
    _more(changes, out)
    if data["busy_without_results"]:
        out += _heading("Busy without results")
        out += [f"- {md(b['kr_id'])} {md(b['key_result'])} ({md(b['team'])}): "
                f"{counted(b['done_actions'], 'action')} done, progress {percent(b['progress'])} against "
                f"{percent(b['expected'])} expected"
                for b in data["busy_without_results"]]
    if data["moved_targets"]:
        out += _heading("Targets moved mid-cycle")
        out += [f"- {md(m['kr_id'])} {md(m['key_result'])}: {number(m['previous_target'])} → {number(m['new_target'])} "
                f"(seen {m['seen_at'][:10]})" for m in data["moved_targets"]]
    rewritten = typed_over(data["rewritten"])
    if rewritten:
        out += _heading("Past weeks changed after they ended")
        out += [f"- {md(r['kr_id'])}, week of {r['week']}: {number(r['before'])} → {number(r['after'])} "
                f"(seen {r['seen_at'][:16].replace('T', ' ')})" for r in rewritten[:DIGEST_LIMIT]]
        _more(rewritten, out)
    late = [t for t in data["late_checkins"] if t["late"]]
    if late:
        out += _heading("Check-ins that came more than a week late")
        out += [f"- {md(t['team'])}: {t['late']} of {t['checkins']} ({percent(t['share_late'])}), up to "
                f"{counted(t['most_days_late'], 'day')} after the week" for t in late]
    if data["focus"]:
        out += _heading("Focus")
        out += [f"- {md(f['value_stream'])} has {counted(f['objectives'], 'objective')} in {md(f['cycle'])} (at most "
                f"{review.thresholds.focus_max_objectives} keep focus)" for f in data["focus"]]
    out += _heading("OKR and KPI teams")
    out += [f"- {mode} teams: {counted(s['teams'], 'team')}, {counted(s['key_results'], 'key result')}, "
            f"progress {percent(s['progress'])}, "
            f"{percent(s['on_track_share'])} on track, check-in discipline {percent(s['checkin_discipline'])}"
            for mode, s in split.items()]
    issues = data["issues"]
    out += _heading(f"Data issues to fix ({len(issues)})")
    out += [f"- {md(i['tab'])} row {i['row']}, column {md(i['column']) or '–'}: “{md(i['value'])}”: {md(i['problem'])}"
            for i in issues[:DIGEST_LIMIT]] or ["- None: every cell could be read."]
    _more(issues, out)
    return printable("\n".join(out) + "\n")


def champion_lists(review: Review, data: dict) -> list[dict]:
    """Each champion's own list for their nudge: their teams, the key results of those teams that missed last
    full week's check-in, the stalled ones (with what the team last said), and their teams' open next steps,
    due first; with the address it goes to (None: the Teams tab gives none)."""
    addresses = {row["champion"]: row["email"] for row in review.rows("champion_addresses")}
    names = {kr["kr_id"]: kr["key_result"] for kr in data["key_results"]}
    asked: dict[str, list[dict]] = {}  # one query for every champion (one each took 3 s for 97 at 10,000 KRs)
    for kr in sorted(review.rows("to_ask_about"), key=lambda kr: (kr["team"] or "", kr["kr_id"])):
        asked.setdefault(kr["champion"], []).append(kr)
    lists = []
    for champion in data["champions"]:
        if champion["champion"] is None:  # teams with no champion: nobody to nudge
            continue
        krs = asked.get(champion["champion"], [])
        steps = sorted((step for step in data.get("next_steps", []) if step["team"] in champion["teams"]),
                       key=lambda step: (step["due"], step["recorded_at"]))
        lists.append({"champion": champion["champion"], "email": addresses.get(champion["champion"]),
                      "teams": champion["teams"], "missing": [kr for kr in krs if kr["missing"]],
                      "stalled": stalled_longest_first(krs), "steps": [(step, names.get(step["kr_id"], ""))
                                                                        for step in steps]})
    return lists


def nudge_markdown(item: dict, data: dict) -> str:
    """A champion's nudge as text: what to ask their teams about in the coming review."""
    title = f"Before the review: {printable(item['champion'])}'s teams, as of {data['as_of']}"
    out = [title, "=" * len(title), "", f"Teams: {md(', '.join(item['teams']))}."]
    week = item["missing"][0]["last_full_week"].isoformat() if item["missing"] else None
    out += _heading(f"Missed last full week's check-in (week of {week})" if week else
                    "Missed last full week's check-in")
    out += [f"- {md(kr['kr_id'])} {md(kr['key_result'])} ({md(kr['team'])})" for kr in item["missing"]] or [
        "- None: every key result checked in."]
    out += _heading("Stalled")
    out += [f"- {md(kr['kr_id'])} {md(kr['key_result'])} ({md(kr['team'])}): {', '.join(kr['stalled'])}; "
            f"{counted(kr['weeks_since_change'], 'week')} since last change"
            + (f"; the team said (week of {kr['note_week']}): \"{md(kr['note'])}\"" if kr.get("note") else "")
            for kr in item["stalled"]] or ["- None."]
    out += _heading("Open next steps, due first")
    out += [step_line(step, name) for step, name in item["steps"]] or ["- None open."]
    return printable("\n".join(out) + "\n")


def _nudge_html(item: dict, data: dict) -> str:
    def esc(text: object) -> str:
        return html.escape(printable(str(text)))

    def section(title: str, items: list[str], empty: str) -> str:
        return f"<h3>{esc(title)}</h3><ul>{''.join(f'<li>{i}</li>' for i in items) or f'<li>{empty}</li>'}</ul>"

    missing = [f"<b>{esc(kr['kr_id'])}</b> {esc(kr['key_result'])} ({esc(kr['team'])})" for kr in item["missing"]]
    stalled = [f"<b>{esc(kr['kr_id'])}</b> {esc(kr['key_result'])} ({esc(kr['team'])}): "
               f"{esc(', '.join(kr['stalled']))}; {counted(kr['weeks_since_change'], 'week')} since last change"
               + (f"; the team said: “{esc(kr['note'])}”" if kr.get("note") else "") for kr in item["stalled"]]
    steps = [f"<b>{esc(step['kr_id'])}</b> {esc(name)} ({esc(step['team'])}): {esc(step['next_step'])}; "
             f"{_step_state(step)}" for step, name in item["steps"]]
    return ("<html><body>"
            f"<h2>Before the review: {esc(item['champion'])}'s teams, as of {esc(data['as_of'])}</h2>"
            f"<p>Teams: {esc(', '.join(item['teams']))}.</p>"
            + section("Missed last full week's check-in", missing, "None: every key result checked in.")
            + section("Stalled", stalled, "None.") + section("Open next steps, due first", steps, "None open.")
            + "</body></html>")


def nudge_message(item: dict, data: dict, mail: Mail) -> EmailMessage:
    """A champion's nudge as an e-mail to their address: HTML, with the text as its plain-text part."""
    msg = EmailMessage()
    msg["Subject"] = f"Before the OKR review: {printable(item['champion'])}'s teams, as of {data['as_of']}"
    msg["From"], msg["To"] = mail.sender, item["email"]
    msg.set_content(nudge_markdown(item, data))
    msg.add_alternative(_nudge_html(item, data), subtype="html")
    return msg


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


def mail_settings(secrets: Mapping | None = None, recipients: bool = True) -> Mail:
    """Where and to whom the digest goes (settings.smtp); raises DeliveryError naming what is missing or
    malformed. recipients=False: the nudges, whose addresses come from the Teams tab."""
    try:
        values = settings.smtp(secrets)
    except SettingsError as error:
        raise DeliveryError(str(error)) from None
    to = values["to"]
    to = tuple(address.strip() for address in (to.split(",") if isinstance(to, str) else to or ()) if address.strip())
    if not values["host"] or (recipients and not to):
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
                   f"<td>{percent(vs['progress'])}</td><td>{percent(vs['expected'])}</td>"
                   f"<td>{esc(vs['status'])}</td><td>{_kept(vs)}</td></tr>"
                   for vs in data["value_streams"])
    parts.append('<h3>Value streams</h3><table border="1" cellpadding="4" cellspacing="0">'
                 "<tr><th>Value stream</th><th>Cycle</th><th>Progress</th><th>Expected</th><th>Status</th>"
                 f"<th>Health KRs kept</th></tr>{rows}</table>")
    stalled = stalled_longest_first(data["key_results"])
    items = "".join(f"<li><b>{esc(kr['kr_id'])}</b> {esc(kr['key_result'])} ({esc(kr['team'])}): "
                    f"{esc(', '.join(kr['stalled']))}"
                    + (f"; the team said: “{esc(kr['note'])}”" if kr.get("note") else "") + "</li>"
                    for kr in stalled[:DIGEST_LIMIT])
    parts.append(f"<h3>Stalled key results ({len(stalled)})</h3><ul>{items or '<li>None.</li>'}</ul>")
    items = "".join(f"<li><b>{esc(step['kr_id'])}</b> {esc(name)} ({esc(step['team'])}): {esc(step['next_step'])}; "
                    f"{_step_state(step)}</li>" for step, name in agreed(data))
    parts.append(f"<h3>{AGREED}</h3><ul>{items or '<li>None open.</li>'}</ul>")
    changed = typed_over(data["rewritten"])
    if changed:
        items = "".join(f"<li>{esc(r['kr_id'])}, week of {esc(r['week'])}: {number(r['before'])} → "
                        f"{number(r['after'])} (seen {esc(r['seen_at'][:10])})</li>"
                        for r in changed[:DIGEST_LIMIT])
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
    msg.set_content(as_markdown(review, data))
    png = _chart_png(data)
    cid = make_msgid(domain="okra-dash") if png else None
    msg.add_alternative(_html(data, cid), subtype="html")
    if png:
        msg.get_payload()[1].add_related(png, maintype="image", subtype="png", cid=cid,
                                         filename="value-streams.png")
    return msg


def send(msg: EmailMessage, mail: Mail, what: str = "digest") -> None:
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
        raise DeliveryError(f"The {what} could not be sent through {mail.host}:{mail.port} ({reason[:200]}); "
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


def _checked(values: dict, to: tuple[str, ...]) -> None:
    """A malformed setting is refused before anything is sent (the password is never shown)."""
    host = str(values["host"]).strip()
    if not _HOST.match(host):
        raise DeliveryError(f"The SMTP host '{host[:80]}' is not a host name; set OKRA_SMTP_HOST (or host under "
                            "[okra.smtp]) to a name like smtp.example.com.")
    for address in (*to, *([values["from"]] if values["from"] else [])):
        if not EMAIL_ADDRESS.match(str(address)):
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
