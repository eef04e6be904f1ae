"""Guards for the project's conventions: named SQL runs, the core has no UI imports, commands are documented."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from okra_dash import queries, store
from okra_dash.figures.review import REVIEW_WORDS, Review
from okra_dash.words import ACTION_STATUSES, BANDS, KR_TYPES, MODES, STALL_REASONS, STATUSES, THEMES

ROOT = Path(__file__).resolve().parent.parent
SQL_FILES = sorted(path.stem for path in (ROOT / "sql").glob("*.sql"))
WRITERS = {"schema", "measures"}  # run by store.py on its own connections
FILTERS = {"kr_id": "KR-A", "value_streams": [], "teams": [], "modes": [], "reasons": [], "min_weeks": 0,
           "champion": "Ana", "kr_ids": ["KR-A"], "recorded_on": ["2026-01-13"], "values_then": [20.0]}
EMPTY_ON_THE_FIXTURE = {"focus", "moved_targets", "kr_notes", "estimation",  # none of these in the review workbook
                        "rewritten"}  # one sync: nothing seen changing


@pytest.mark.parametrize("name", sorted(set(SQL_FILES) - WRITERS))
def test_every_named_query_runs_against_the_schema(review_db, name):
    review = Review(store.connect(review_db), dt.date(2026, 1, 31))
    frame = queries.frame(review.con, name, **review.params, **FILTERS)
    assert frame.empty == (name in EMPTY_ON_THE_FIXTURE), name


@pytest.mark.parametrize("name", SQL_FILES)
def test_every_sql_file_opens_with_a_comment_saying_what_it_returns(name):
    first = queries.load(name).lstrip().splitlines()[0]
    assert first.startswith(f"-- {name}:"), first


def test_sheet_text_never_reaches_sql_as_anything_but_a_bound_value():
    # Only constants (table names) and the file path are ever formatted into SQL.
    for path in (ROOT / "okra_dash").rglob("*.py"):
        for line in path.read_text().splitlines():
            if re.search(r"execute\(f[\"']", line):
                assert re.search(r"\{(table|sql_string\(str\((live|path)\)\))\}", line), (path.name, line)


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    command = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run([sys.executable, "-c", command, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=root, capture_output=True, text=True, env={"PYTHONPATH": str(root), "PATH": ""})


def test_imports_follow_the_flow_of_the_data():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("validate/table.py", "import okra_dash.figures", "validate is not allowed to import okra_dash.figures"),
    ("store/file.py", "import streamlit", "store is not allowed to import streamlit"),
    ("ui/pages/stalled.py", "from okra_dash.validate import cells", "ui is not allowed to import okra_dash.validate"),
    ("cli/main.py", "from okra_dash.source import xlsx", "cli is not allowed to import okra_dash.source.xlsx"),
])
def test_the_import_contracts_catch_a_wrong_import(tmp_path, module, line, broken):
    import shutil

    shutil.copytree(ROOT / "okra_dash", tmp_path / "okra_dash", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "okra_dash" / module
    target.write_text(target.read_text() + f"\n{line}\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert broken in result.stdout, result.stdout


def test_the_core_imports_no_streamlit_or_altair():
    code = ("import sys, okra_dash.cli.main, okra_dash.sync, okra_dash.figures.report, okra_dash.source.google,"
            " okra_dash.source.demo, okra_dash.sheet_tools.write_back;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'altair')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_dashboard_escapes_sheet_text_for_streamlits_markdown():
    """digest.md escapes CommonMark for the Markdown digest; Streamlit's Markdown also reads $math$, :emoji:,
    :material/icons: and :red[colours], so the dashboard's code uses ui.text.md, never digest.md directly."""
    direct_use = re.compile(r"from okra_dash\.digest import [^\n]*\bmd\b|digest\.md\(")
    direct = [str(path.relative_to(ROOT)) for path in [ROOT / "app.py", *(ROOT / "okra_dash" / "ui").rglob("*.py")]
              if path.name != "text.py" and direct_use.search(path.read_text(encoding="utf-8"))]
    assert direct == []


SHOWN_WORDS = [*STATUSES, *STALL_REASONS, *MODES, *ACTION_STATUSES, *THEMES, *KR_TYPES, *(band for band, _ in BANDS)]


def _code(text: str) -> str:
    return re.sub(r"--[^\n]*|#[^\n]*", "", text)


@pytest.mark.parametrize("name", SQL_FILES)
def test_sql_never_spells_a_word_it_returns(name):
    code = _code(queries.load(name)).lower()
    assert not [word for word in SHOWN_WORDS if f"'{word.lower()}'" in code]


# Example sheets hold the words as teams type them: data, not rules.
EXAMPLE_SHEETS = {"words.py", "demo.py", "generate.py", "template.py"}


def test_python_spells_each_word_only_in_words_py():
    for path in (ROOT / "okra_dash").rglob("*.py"):
        if path.name not in EXAMPLE_SHEETS:
            code = _code(path.read_text())
            assert not [word for word in SHOWN_WORDS if f'"{word}"' in code or f"'{word}'" in code], path


def test_the_figures_return_the_words_bound_to_them(review_db, monkeypatch):
    # Words come from words.py through $review: other words in, other words out, the same figures.
    review = Review(store.connect(review_db), dt.date(2026, 1, 31))
    before = review.frame("key_results")
    monkeypatch.setitem(REVIEW_WORDS, "statuses", ["green", "amber", "red"])
    monkeypatch.setitem(REVIEW_WORDS, "stall_reasons", ["flat", "silent", "zero"])
    after = review.frame("key_results")
    assert list(after["status"]) == list(before["status"].map(dict(zip(STATUSES, ["green", "amber", "red"]))))
    renamed = dict(zip(STALL_REASONS, ["flat", "silent", "zero"]))
    assert [list(reasons) for reasons in after["stalled"]] == [[renamed[r] for r in reasons]
                                                               for reasons in before["stalled"]]
    assert before["status"].nunique() >= 2 and any(len(reasons) for reasons in before["stalled"])


def test_a_csv_sync_and_a_report_import_only_what_they_use(tmp_path):
    """The command line pays no fixed cost it does not need: no pandas (0.35 s and 90 MB at import), no
    openpyxl, gspread or google-auth for a CSV folder, no Streamlit or Altair."""
    from tests.conftest import REVIEW

    db = tmp_path / "okra.duckdb"
    code = ("import sys, contextlib, io; from okra_dash.cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    assert main(['sync', '--source', {str(REVIEW)!r}, '--db', {str(db)!r}]) == 0\n"
            f"    assert main(['report', '--db', {str(db)!r}, '--as-of', '2026-01-31']) == 0\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'pyarrow', 'openpyxl', 'gspread', "
            "'google', 'streamlit', 'altair'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_every_named_mutation_still_finds_the_rule_it_changes():
    # The mutation run (python -m tests.mutants) is not part of the suite; a rule rewritten since it was named
    # would leave its mutant pointing at nothing, and the run would stop there instead of testing the rule.
    from tests.mutants import NAMED, ROOT

    for mutation in NAMED:
        text = (ROOT / mutation.path).read_text()
        assert text.count(mutation.old) > mutation.nth, f"'{mutation.what}': update tests/mutants.py"
