"""Mutation run: change one rule at a time in a copy of the project and check that the tests notice.

    python -m tests.mutants            the named mutations (the rules people rely on), about two minutes
    python -m tests.mutants --sql      also every comparison in the figure queries, flipped one at a time
    python -m tests.mutants --list     print the mutations without running them

A mutant is killed when the fast tests below fail on it; a survivor is a change to a rule that no test
would catch. The run exits 1 when any named mutation survives. It never touches the working tree.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The tests that check figures and reading rules (no browser, no subprocess-heavy storage tests).
FAST_TESTS = ["tests/test_measures.py", "tests/test_boundaries.py", "tests/test_health.py", "tests/test_notes.py",
              "tests/test_champions.py", "tests/test_trajectory.py", "tests/test_estimation.py",
              "tests/test_conventions.py", "tests/test_demo.py", "tests/test_cli.py", "tests/test_security.py",
              "tests/test_reading_rules.py", "tests/test_typed_cells.py", "tests/test_hostile_input.py",
              "tests/test_app.py", "tests/test_history.py", "tests/test_store.py", "tests/test_digest.py"]
# The queries whose comparisons are the contract's rules.
FIGURE_SQL = ["measures", "headline", "value_streams", "retrospective", "stalled_key_results", "split",
              "busy_without_results", "changes", "focus", "teams", "key_results", "champions", "missing_cells",
              "trajectory", "rewritten", "late_checkins", "moved_targets", "estimation"]


@dataclass(frozen=True)
class Mutation:
    path: str
    old: str
    new: str
    what: str
    nth: int = 0  # which occurrence of old, when it occurs more than once


NAMED = [
    Mutation("sql/measures.sql", "WHEN progress >= expected - review['on_track_margin']",
             "WHEN progress > expected - review['on_track_margin']", "on track: >= becomes >"),
    Mutation("sql/measures.sql", "WHEN progress >= expected - review['at_risk_margin']",
             "WHEN progress > expected - review['at_risk_margin']", "at risk: >= becomes >"),
    Mutation("okra_dash/words.py", '("estimation lesson", 0.5)', '("estimation lesson", 0.55)',
             "retrospective band moved: estimation lesson from 55%"),
    Mutation("okra_dash/words.py", '("achieved", 0.7)', '("achieved", 0.75)', "retrospective band moved: achieved"),
    Mutation("sql/retrospective.sql", "lambda start: start <= progress", "lambda start: start < progress",
             "retrospective band edge: <= becomes <"),
    Mutation("sql/measures.sql", "m.as_of_date - m.start_date >= review['no_checkin_days']",
             "m.as_of_date - m.start_date > review['no_checkin_days']", "no check-in: cycle age >= becomes >"),
    Mutation("sql/measures.sql", "WHERE week >= CAST(as_of AS DATE) - CAST(review['no_checkin_days'] AS INTEGER)",
             "WHERE week > CAST(as_of AS DATE) - CAST(review['no_checkin_days'] AS INTEGER)",
             "no check-in: window >= becomes >"),
    Mutation("sql/measures.sql", "m.recent_checkins >= review['movement_checkins']",
             "m.recent_checkins > review['movement_checkins']", "no movement: >= becomes >"),
    Mutation("sql/measures.sql", "m.expected >= review['flat_elapsed']", "m.expected > review['flat_elapsed']",
             "flat at zero: >= becomes >"),
    Mutation("sql/measures.sql", "AS status <> review['statuses'][1]", "AS status = review['statuses'][3]",
             "stream behind: only off track counts"),
    Mutation("sql/measures.sql", "AS status <> review['statuses'][1]", "AS status = review['statuses'][2]",
             "stream behind: only at risk counts"),
    Mutation("okra_dash/figures/links.py", '_FORMULA_STARTS = ("=", "+", "-", "@", "\\t", "\\r")',
             "_FORMULA_STARTS = ()", "CSV formula-injection guard emptied"),
    Mutation("okra_dash/figures/links.py", '_FORMULA_STARTS = ("=", "+", "-", "@", "\\t", "\\r")',
             '_FORMULA_STARTS = ("=", "+", "-", "@")', "CSV guard without tab and carriage return"),
    Mutation("okra_dash/figures/review.py", "on_track_margin: float = 0.10", "on_track_margin: float = 0.15",
             "default on-track margin changed"),
    Mutation("okra_dash/figures/review.py", "no_checkin_days: int = 14", "no_checkin_days: int = 15",
             "default no-check-in window changed"),
    Mutation("okra_dash/validate/parse.py", "(end - start).days > MAX_CYCLE_DAYS",
             "(end - start).days >= MAX_CYCLE_DAYS", "longest cycle: > becomes >="),
    Mutation("sql/measures.sql", "clamp01(m.progress) = 0", "m.progress = 0",
             "flat at zero misses a KR below its start"),
    Mutation("sql/measures.sql", "stream_progress(progress_clamped) AS avg(progress_clamped);",
             "stream_progress(progress_clamped) AS median(progress_clamped);", "stream progress: mean becomes median"),
    Mutation("okra_dash/source/typed.py", "scaleb(2)", "scaleb(1)", "percent cells shifted by one place"),
    Mutation("okra_dash/validate/cells.py", r"(?:,\d{3})+", r"(?:,\d{2,3})+", "thousands separator: 2 digits allowed"),
    Mutation("okra_dash/digest.py", '_CHAT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})',
             "_CHAT_ESCAPES = str.maketrans({})", "chat summary without Slack's escapes (<!channel> pings)"),
    Mutation("okra_dash/ui/text.py", '_STREAMLIT_MARKUP = str.maketrans({":": "&#58;", "$": "&#36;"})',
             "_STREAMLIT_MARKUP = str.maketrans({})", "Streamlit's Markdown unescaped ($math$, :emoji:, :red[])"),
    Mutation("okra_dash/words.py", '    if value.is_integer() and abs(value) < 1e15:\n        return str(int(value))\n'
             '    return f"{value:.{SIGNIFICANT_DIGITS}g}"', '    return f"{value:g}"',
             "numbers written with :g (1.23457e+06)"),
    Mutation("sql/measures.sql", "least(week + 6, CAST(as_of AS DATE)) AS moment",
             "least(week + 7, CAST(as_of AS DATE)) AS moment", "trajectory: a week measured as of the next Monday"),
    Mutation("okra_dash/words.py", 'return f"{count} {noun}" if count == 1 else f"{count} {noun}s"',
             'return f"{count} {noun}s"', "a count of one in the plural"),
    Mutation("sql/measures.sql", "week_before(as_of) AS CAST(as_of AS DATE) - 7",
             "week_before(as_of) AS CAST(as_of AS DATE) - 6", "last week measured six days back"),
]

# A comparison in SQL code (not in a comment), and what it becomes.
_FLIPS = {">=": ">", "<=": "<", "<>": "=", ">": ">=", "<": "<=", "=": "<>"}
_OPERATOR = re.compile(r"(?<![<>=!:])(>=|<=|<>|>|<|=)(?![<>=])")


def sql_mutations(root: Path = ROOT) -> list[Mutation]:
    """Each comparison of the figure queries flipped, one mutation per occurrence."""
    found = []
    for name in FIGURE_SQL:
        path = f"sql/{name}.sql"
        for number, line in enumerate((root / path).read_text().splitlines(), 1):
            code = line.split("--")[0]
            for match in _OPERATOR.finditer(code):
                flipped = code[:match.start()] + _FLIPS[match.group()] + code[match.end():]
                found.append(Mutation(path, line, flipped + line[len(code):], f"{path}:{number} "
                                      f"{match.group()} becomes {_FLIPS[match.group()]}",
                                      nth=_occurrence(root / path, line, number)))
    return found


def _occurrence(path: Path, line: str, number: int) -> int:
    lines = path.read_text().splitlines()
    return sum(1 for earlier in lines[:number - 1] if line in earlier)


def _apply(copy: Path, mutation: Mutation) -> None:
    target = copy / mutation.path
    text = target.read_text()
    parts = text.split(mutation.old)
    if len(parts) <= mutation.nth + 1:
        raise SystemExit(f"mutation '{mutation.what}': its text is no longer in {mutation.path}; "
                         "update tests/mutants.py")
    target.write_text(mutation.old.join(parts[:mutation.nth + 1]) + mutation.new
                      + mutation.old.join(parts[mutation.nth + 1:]))


def snapshot(temp: Path) -> Path:
    """One copy of the project, taken first, so editing the working tree meanwhile changes nothing here."""
    base = temp / "base"
    shutil.copytree(ROOT, base, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", "__pycache__", "test-artifacts", "*.duckdb*", ".pytest_cache", ".ruff_cache", ".hypothesis"))
    return base


def run(mutations: list[Mutation], tests: list[str], base: Path, temp: Path) -> list[Mutation]:
    """Each mutation in a fresh copy of the snapshot; returns the survivors."""
    survivors = []
    for index, mutation in enumerate(mutations, 1):
        copy = temp / f"m{index}"
        shutil.copytree(base, copy, symlinks=True)
        _apply(copy, mutation)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-n", "2", "-p", "no:cacheprovider",
                                 *tests], cwd=copy, capture_output=True, text=True)
        verdict = "killed" if result.returncode != 0 else "SURVIVED"
        print(f"{verdict:8} {time.perf_counter() - started:5.1f} s  {mutation.what}", flush=True)
        if result.returncode == 0:
            survivors.append(mutation)
        shutil.rmtree(copy)
    return survivors


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutants", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sql", action="store_true", help="also flip every comparison in the figure queries")
    parser.add_argument("--list", action="store_true", help="print the mutations and stop")
    parser.add_argument("--only", metavar="TEXT", help="run only the mutations whose description holds TEXT")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="okra-mutants-") as temp:
        base = snapshot(Path(temp))
        wanted = (lambda mutation: args.only in mutation.what) if args.only else (lambda mutation: True)
        named = [mutation for mutation in NAMED if wanted(mutation)]
        extra = [mutation for mutation in (sql_mutations(base) if args.sql else []) if wanted(mutation)]
        if args.list:
            for mutation in named + extra:
                print(mutation.what)
            return 0
        survivors = run(named, FAST_TESTS, base, Path(temp))
        print(f"Named mutations: {len(named) - len(survivors)} of {len(named)} killed.")
        flipped = run(extra, FAST_TESTS, base, Path(temp)) if extra else []
    if extra:
        print(f"SQL comparisons: {len(extra) - len(flipped)} of {len(extra)} killed.")
    for mutation in survivors + flipped:
        print(f"survivor: {mutation.what}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
