"""The command line: a thin layer over sync(), Review and the report."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from okra_dash import report, store
from okra_dash.errors import SourceError
from okra_dash.review import Review, Thresholds
from okra_dash.sync import sync


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-22") from None


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help=f"DuckDB file (default: $OKRA_DB, else {store.DEFAULT_DB})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m okra_dash",
                                     description="Sync the OKR sheet into DuckDB and report on it.")
    commands = parser.add_subparsers(dest="command", required=True)

    sync_cmd = commands.add_parser("sync", help="read a workbook into the database",
                                   description="Read a workbook (Google Sheet URL or key, .xlsx file, "
                                               "folder of CSVs, or 'demo') into the database.")
    sync_cmd.add_argument("--source", required=True, help="Google Sheet URL or key, .xlsx, CSV folder, or demo")
    _db_option(sync_cmd)

    report_cmd = commands.add_parser("report", help="print the review as JSON or a Markdown digest",
                                     description="Print the review of the synced data as of a date.")
    _db_option(report_cmd)
    report_cmd.add_argument("--as-of", type=_date, default=None, help="YYYY-MM-DD (default: today)")
    report_cmd.add_argument("--format", choices=("json", "markdown"), default="json")
    report_cmd.add_argument("--cycle", action="append", default=None,
                            help="a cycle to report on (repeatable; default: the cycles containing the date)")
    defaults = Thresholds()
    for name in Thresholds.names():
        default = getattr(defaults, name)
        report_cmd.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default,
                                help=f"threshold (default {default:g})")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "sync":
            return _sync(args)
        return _report(args)
    except (SourceError, store.NoDataError) as error:
        print(f"okra-dash: {error}", file=sys.stderr)
        return 2


def _sync(args: argparse.Namespace) -> int:
    db = args.db or store.default_path()
    result = sync(args.source, db)
    counts = ", ".join(f"{count} {tab.lower()}" for tab, count in result.rows.items())
    print(f"Synced {args.source} into {db} in {result.duration_s:.2f} s: {counts}.")
    print(f"{result.issues} data issues" + (" (see `python -m okra_dash report --format markdown`)."
                                             if result.issues else "."))
    return 0


def _report(args: argparse.Namespace) -> int:
    thresholds = Thresholds(**{name: getattr(args, name) for name in Thresholds.names()})
    con = store.connect(args.db)
    try:
        review = Review(con, args.as_of, thresholds, args.cycle)
        text = report.as_json(review) if args.format == "json" else report.as_markdown(review)
    finally:
        con.close()
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
