"""`python -m bench`: time sync, report and the pages; `python -m bench generate`: write a synthetic workbook."""

from __future__ import annotations

import argparse
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Measure sync, report and page times and "
                                     "a sync's peak memory for generated workbooks, against the pyarrow floor.")
    commands = parser.add_subparsers(dest="command")
    gen = commands.add_parser("generate", help="write a synthetic workbook of any size",
                              description="Write a realistic synthetic workbook (.xlsx when --out ends in .xlsx, "
                                          "else a folder of CSV files) for benchmarks and trials.")
    gen.add_argument("--krs", type=int, required=True, help="number of key results")
    gen.add_argument("--weeks", type=int, default=52, help="weeks of check-ins (default 52)")
    gen.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    gen.add_argument("--out", type=Path, required=True, help="an .xlsx path or a folder")
    other = commands.add_parser("compare", help="this checkout against another, turn about",
                                description="Time the dashboard in Chromium and the report process, this checkout "
                                            "against another one (a git worktree of an earlier commit), turn about.")
    other.add_argument("checkout", type=Path, help="the other checkout's folder")
    other.add_argument("--krs", type=int, default=10000, help="key results of the generated workbook (default 10000)")
    other.add_argument("--starts", type=int, default=3)
    other.add_argument("--sessions", type=int, default=5)
    other.add_argument("--rounds", type=int, default=4, help="rounds of page switches (the first is not timed)")
    crowd = commands.add_parser("load", help="many sessions at once, at Streamlit's protocol level",
                                description="Sessions opening the review at once (fresh) and switching pages at "
                                            "once, okra-dash against a trivial app with the same pages served "
                                            "with Streamlit's defaults, taking turns; p50 and p95.")
    crowd.add_argument("--krs", type=int, default=10000, help="key results of the generated workbook (default 10000)")
    crowd.add_argument("--fresh", default="1,10,30", help="sessions opening at once, comma-separated")
    crowd.add_argument("--switching", default="1,10", help="sessions switching pages at once, comma-separated")
    crowd.add_argument("--rounds", type=int, default=3, help="rounds, each app in turn (default 3)")
    crowd.add_argument("--nginx", action="store_true",
                       help="also two okra-dash processes behind nginx (docs/deploy/okra-dash.nginx.conf)")
    parser.add_argument("--sizes", default="100,1000,10000", help="KR counts, comma-separated")
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measure; the median is shown")
    parser.add_argument("--huge", action="store_true", help="also sync a 10-million-cell workbook once")
    parser.add_argument("--history", action="store_true",
                        help="also sync a 1,000-KR workbook 100 times with a few changes: how the history grows")
    parser.add_argument("--browser", action="store_true",
                        help="also time the dashboard in Chromium against a trivial six-page app")
    parser.add_argument("--out", type=Path, default=None, help="keep the generated files here")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "generate":
        from bench import generate

        out = generate.write(generate.generate(args.krs, args.weeks, args.seed), args.out)
        print(f"Wrote {args.krs:,} key results × {args.weeks} weeks to {out}.")
        return 0
    if args.command == "compare":
        import tempfile

        from bench import compare, generate, run
        from okra_dash.sync import sync

        workdir = Path(args.out or tempfile.mkdtemp(prefix="okra-compare-"))
        db = workdir / "compare.duckdb"
        sync(str(generate.write(generate.generate(args.krs, args.weeks), workdir / "book")), db)
        run.compile_checkout()
        print(compare.compare(args.checkout, db, workdir, run.as_of_for(args.weeks).isoformat(), args.sessions,
                              args.rounds, args.starts))
        return 0
    if args.command == "load":
        import tempfile

        from bench import load

        workdir = Path(args.out or tempfile.mkdtemp(prefix="okra-load-"))
        print(load.measure(workdir, args.krs, args.weeks, [int(n) for n in args.fresh.split(",")],
                           [int(n) for n in args.switching.split(",")], args.rounds, args.nginx))
        return 0
    from bench import run

    print(run.run([int(n) for n in args.sizes.split(",")], args.weeks, args.repeat, args.huge, args.out,
                  args.history, args.browser))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
