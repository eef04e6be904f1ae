"""The command line: one short function per command over sync(), Review, the report and the digest."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from okra_dash import settings, store
from okra_dash.errors import DeliveryError, SettingsError, SourceError, UsageError
from okra_dash.figures import next_steps as steps
from okra_dash.figures import report
from okra_dash.figures.review import Review, Thresholds
from okra_dash.source.read import google_sheet_key
from okra_dash.source.typed import printable
from okra_dash.store import next_steps
from okra_dash.words import counted


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-22") from None


def _moment(text: str) -> dt.datetime:
    try:
        return store.moment(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class _Parser(argparse.ArgumentParser):
    """argparse, but a wrong argument is one sentence on stderr, as every other refusal is."""

    def error(self, message: str):
        self.exit(2, f"okra-dash: {printable(message)} (see --help).\n")


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help=f"DuckDB file (default: $OKRA_DB, else {store.DEFAULT_DB})")


def build_parser() -> argparse.ArgumentParser:
    # Usage lines name the command as it was typed: the installed `okra-dash`, or `python -m okra_dash`.
    prog = "okra-dash" if Path(sys.argv[0]).name == "okra-dash" else "python -m okra_dash"
    parser = _Parser(prog=prog, description="Sync the OKR sheet into DuckDB and report on it.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sync_cmd = commands.add_parser("sync", help="read a workbook into the database",
                                   description="Read a workbook (Google Sheet URL or key, .xlsx file, "
                                               "folder of CSVs, or 'demo') into the database.")
    sync_cmd.add_argument("--source", required=True, help="Google Sheet URL or key, .xlsx, CSV folder, or demo")
    _db_option(sync_cmd)
    sync_cmd.add_argument("--verbose", action="store_true",
                          help="say each step on stderr as it starts (reading, checking, saving, swapping in)")
    sync_cmd.add_argument("--add-week", action="store_true",
                          help="first add this week's and next week's Check-ins columns when missing "
                               "(a Google Sheet then needs the write scope)")
    sync_cmd.add_argument("--write-back", action="store_true",
                          help="Google Sheets only, off by default: write a 'Sync report' tab listing each data "
                               "issue with a link and a fix; asks Google for write access")

    report_cmd = commands.add_parser("report", help="print the review as JSON or a Markdown digest",
                                     description="Print the review of the synced data as of a date.")
    _review_options(report_cmd)
    report_cmd.add_argument("--format", choices=("json", "markdown"), default="json")
    digest_cmd = commands.add_parser("digest", help="send the weekly digest by e-mail or to a webhook",
                                     description="Send the weekly digest: by e-mail (--send) to the configured "
                                                 "recipients, and/or as a short summary to a chat webhook; "
                                                 "with neither, print it.")
    _review_options(digest_cmd)
    digest_cmd.add_argument("--send", action="store_true", help="e-mail it (settings: OKRA_SMTP_* or "
                                                                "[okra.smtp] in .streamlit/secrets.toml)")
    digest_cmd.add_argument("--webhook", metavar="URL", help="post a short summary to this incoming webhook")
    digest_cmd.add_argument("--champions", action="store_true",
                            help="instead, each champion's own list (their teams' missing and stalled key results "
                                 "and open next steps); with --send, e-mailed to the Teams tab's Champion e-mail")
    template_cmd = commands.add_parser("template", help="write the .xlsx template teams start from",
                                       description="Write a ready workbook: every tab, frozen headers, example "
                                                   "rows, a 'How to fill this in' tab, dropdowns and number-only "
                                                   "cells.")
    template_cmd.add_argument("--out", type=Path, default=Path("okra-template.xlsx"))

    init_cmd = commands.add_parser("init-sheet", help="create the template as a new Google Sheet",
                                   description="Create the template as a new Google Sheet (needs the write scope) "
                                               "and print its URL.")
    init_cmd.add_argument("--title", required=True)
    init_cmd.add_argument("--share-with", action="append", default=[], metavar="EMAIL",
                          help="give this person edit access (repeatable)")

    week_cmd = commands.add_parser("add-week", help="add this week's Check-ins column when missing",
                                   description="Add this week's and next week's columns to a wide Check-ins tab "
                                               "(Google Sheet, .xlsx or CSV folder) when they are missing.")
    week_cmd.add_argument("--source", required=True)
    week_cmd.add_argument("--today", type=_date, default=None, help="YYYY-MM-DD (default: today)")

    step_cmd = commands.add_parser("next-step", help="record or close a next step agreed in the review",
                                   description="Keep what the review agreed for a key result: what was asked, what "
                                               "the team answered, what happens next, by when.")
    step_actions = step_cmd.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add_cmd = step_actions.add_parser("add", help="record a next step; prints its id")
    add_cmd.add_argument("--kr", required=True, help="the key result's ID (KR ID column)")
    add_cmd.add_argument("--asked", required=True, help="what the review asked")
    add_cmd.add_argument("--next", required=True, dest="next_step", help="what happens next")
    add_cmd.add_argument("--answer", default="", help="what the team answered")
    add_cmd.add_argument("--team", default=None, help="the team that owns it (default: the key result's team)")
    add_cmd.add_argument("--due", type=_date, default=None,
                         help="YYYY-MM-DD, when to look again (default: seven days from today)")
    _db_option(add_cmd)
    close_cmd = step_actions.add_parser("close", help="close a next step that is done")
    close_cmd.add_argument("id", type=int, help="the step's id, as add printed it")
    _db_option(close_cmd)

    return parser


def _review_options(command: argparse.ArgumentParser) -> None:
    """The database, the date, the cycles and every threshold: what a review is computed from."""
    _db_option(command)
    command.add_argument("--as-of", type=_date, default=None, help="YYYY-MM-DD (default: today)")
    command.add_argument("--as-seen", type=_moment, default=None, metavar="MOMENT",
                         help="the review exactly as the last sync at or before this moment saw the workbook: "
                              "YYYY-MM-DD (the end of that day), YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS, local "
                              "time (the as-of date defaults to its date)")
    command.add_argument("--cycle", action="append", default=None,
                         help="a cycle to report on (repeatable; default: the cycles containing the date)")
    defaults = Thresholds()
    for name in Thresholds.names():
        default = getattr(defaults, name)
        command.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default,
                             help=f"threshold (default {default:g})")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (SourceError, UsageError, SettingsError, store.NoDataError, store.StoreError, DeliveryError) as error:
        print(f"okra-dash: {printable(str(error))}", file=sys.stderr)
        return 2
    except Exception as error:  # a bug: still one sentence (a traceback could print a webhook's secret path)
        if settings.debug():
            raise
        print(f"okra-dash: the command stopped on an unexpected {type(error).__name__} (a bug in okra-dash); "
              "run it again with OKRA_DEBUG=1 to see where, and report it.", file=sys.stderr)
        return 1


def sync_command(args: argparse.Namespace) -> int:
    from okra_dash.sync import sync  # the parser and numpy: only a sync needs them

    db = settings.database(args.db)
    key = google_sheet_key(args.source)
    if args.write_back and not key:
        raise SourceError("--write-back writes a tab into a Google Sheet: give a Google Sheet as --source.")
    if args.add_week:
        add_week_command(args)
    say = (lambda step: print(f"{step}…", file=sys.stderr, flush=True)) if args.verbose else None
    result = sync(args.source, db, progress=say)
    if result.moved_aside:
        print(f"The database file {db} could not be read, so it was moved to {result.moved_aside} (kept) "
              "and a new one was started.")
    counts = ", ".join(counted(count, tab.lower().removesuffix("s"))  # each tab is named in the plural
                       for tab, count in result.rows.items())
    print(f"Synced {printable(args.source)} into {db} in {result.duration_s:.2f} s: {counts}.")
    print(counted(result.issues, "data issue") + (" (see `python -m okra_dash report --format markdown`)."
                                             if result.issues else "."))
    if args.write_back:
        _write_back(key, db)
    return 0


def _write_back(key: str, db: Path) -> None:
    from okra_dash.sheet_tools import write_back

    with store.connect(db) as con:
        review = Review(con, dt.date.today())
        issues, missing = report.records(review.rows("issues")), report.records(review.rows("missing_cells"))
        gids = {row["tab"]: row["gid"] for row in review.rows("source_tabs")}
    print("Write-back is on: okra-dash asked Google for write access to the sheet.")
    steps = next_steps.every(db)
    written = write_back.write_back(key, issues, gids, missing=missing, steps=steps)
    also = f" and {counted(len(missing), 'missing check-in')} of last full week" if missing else ""
    print(f"Wrote {counted(written, 'data issue')}{also} to the '{write_back.REPORT_TAB}' tab, and "
          f"{counted(len(steps), 'next step')} to the '{write_back.LOG_TAB}' tab.")


@contextmanager
def _review(args: argparse.Namespace) -> Iterator[Review]:
    """The review the options ask for: the synced data (or, with --as-seen, the workbook a past sync saw) as of
    the date, for the cycles and with the thresholds given; every refusal one sentence."""
    thresholds = Thresholds(**{name: getattr(args, name) for name in Thresholds.names()})
    problem = thresholds.problem()
    if problem:
        raise UsageError(problem[0].upper() + problem[1:])
    db = settings.database(args.db)
    if args.as_seen:
        con = store.replay(db, store.sync_seen_at(db, args.as_seen)[0])
    else:
        con = store.connect(db)
    try:
        review = Review(con, args.as_of or (args.as_seen.date() if args.as_seen else None), thresholds, args.cycle,
                        steps=next_steps.every(db))
        unknown = review.unknown_cycles()
        if unknown:
            known = ", ".join(sorted(row["cycle"] for row in review.rows("cycles"))) or "none"
            raise UsageError(f"There is no cycle '{unknown[0]}' in the synced workbook (its cycles: {known}).")
        yield review
    finally:
        con.close()


def report_command(args: argparse.Namespace) -> int:
    with _review(args) as review:
        if args.format == "json":
            text = report.as_json(review, args.as_seen)
        else:
            from okra_dash import digest

            text = digest.as_markdown(review, report.report(review, args.as_seen))
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def digest_command(args: argparse.Namespace) -> int:
    from okra_dash import digest  # mail and HTTP: only the digest needs them

    if args.champions:
        return _nudge(args, digest)
    # A missing or malformed setting is said before any work.
    mail = digest.mail_settings() if args.send else None
    webhook = digest.webhook_url(args.webhook) if args.webhook is not None else None
    with _review(args) as review:
        data = report.report(review, args.as_seen)  # every query once, for the e-mail and the webhook alike
        if mail:
            digest.send(digest.message(review, mail, data), mail)
            print(f"Sent the digest to {', '.join(mail.to)} through {mail.host}:{mail.port}.")
        if webhook:
            digest.post(webhook, digest.summary(data))
            print("Posted the summary to the webhook.")
        if not mail and not webhook:
            sys.stdout.write(digest.as_markdown(review, data))
    return 0


def next_step_command(args: argparse.Namespace) -> int:
    db = settings.database(args.db)
    if args.action == "close":
        next_steps.close(db, args.id)
        print(f"Closed next step {args.id}.")
        return 0
    with store.connect(db) as con:
        owners = Review(con).rows("step_owners")
    problem = steps.problem(owners, args.kr, args.team, args.next_step)
    if problem:
        raise UsageError(problem)
    team = args.team or steps.team_of(owners, args.kr)
    due = args.due or dt.date.today() + dt.timedelta(days=7)
    print(next_steps.add(db, args.kr, team, args.asked, args.next_step, due, answer=args.answer))
    return 0


def _nudge(args: argparse.Namespace, digest) -> int:
    """digest --champions: each champion's nudge, printed, or e-mailed with --send; a champion without an address
    is named once on stderr and skipped, and the others still get theirs."""
    if args.webhook is not None:
        raise UsageError("--champions e-mails each champion their own list; it posts nothing to a webhook: "
                         "leave out --webhook.")
    mail = digest.mail_settings(recipients=False) if args.send else None
    with _review(args) as review:
        data = report.report(review, args.as_seen)
        lists = digest.champion_lists(review, data)
    if not mail:
        sys.stdout.write("\n".join(digest.nudge_markdown(item, data) for item in lists))
        return 0
    sent = []
    for item in lists:
        if not item["email"]:
            print(f"okra-dash: {printable(item['champion'])} has no address in the Teams tab's Champion e-mail "
                  "column: no nudge sent to them.", file=sys.stderr)
            continue
        digest.send(digest.nudge_message(item, data, mail), mail, what=f"nudge to {item['email']}")
        sent.append(f"{item['email']} ({printable(item['champion'])})")
    print(f"Sent {counted(len(sent), 'nudge')} through {mail.host}:{mail.port}" + (f": {', '.join(sent)}." if sent
                                                                                  else "."))
    return 0


def template_command(args: argparse.Namespace) -> int:
    from okra_dash.sheet_tools import template

    print(f"Wrote the template to {template.write_xlsx(args.out)}.")
    return 0


def init_sheet_command(args: argparse.Namespace) -> int:
    from okra_dash.sheet_tools import write_back

    print(write_back.init_sheet(args.title, args.share_with))
    return 0


def add_week_command(args: argparse.Namespace) -> int:
    from okra_dash.sheet_tools.add_week import add_week

    added = add_week(args.source, getattr(args, "today", None))
    print(f"Added the week columns {', '.join(week.isoformat() for week in added)}." if added
          else "This week's column is already there.")
    return 0


COMMANDS = {"sync": sync_command, "report": report_command, "digest": digest_command,
            "next-step": next_step_command, "template": template_command, "init-sheet": init_sheet_command,
            "add-week": add_week_command}
