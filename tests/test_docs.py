"""The README and docs/ stay in step with the code: every command, option, page, setting and link they name."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from okra_dash import settings
from okra_dash.cli.main import build_parser
from okra_dash.figures.review import Thresholds

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES_OF_TEXT = [README, ROOT / "CHANGELOG.md", *DOCS]
COMMAND_LINE = ROOT / "docs" / "command-line.md"
CLI = build_parser()._subparsers._group_actions[0].choices
# `okra-dash sync --source demo` or `python -m okra_dash report --format markdown`, in code, up to the next command
MENTION = re.compile(r"(?:okra-dash|python -m okra_dash) ([a-z-]+)([^\n`&|;]*)")
CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)


def options(parser) -> set[str]:
    """A command's options, and its actions' (next-step add, next-step close)."""
    flags = {flag for action in parser._actions for flag in action.option_strings}
    for action in parser._actions:
        for sub in getattr(action, "choices", None) or ():
            if isinstance(action, argparse._SubParsersAction):
                flags |= options(action.choices[sub])
    return flags


def test_the_readme_is_a_front_door_of_about_a_thousand_words():
    assert len(README.read_text().split()) <= 1200


@pytest.mark.parametrize("name", sorted(CLI))
def test_every_command_has_help_and_every_option_is_documented(name):
    text = COMMAND_LINE.read_text()
    parser = CLI[name]
    assert parser.description, name
    assert f"python -m okra_dash {name}" in text or f"okra-dash {name}" in text, name
    missing = [flag for flag in options(parser) - {"-h", "--help"} if flag not in text]
    assert missing == [], f"{name}: {missing} not in docs/command-line.md"


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda path: path.name)  # the changelog names the past
def test_every_command_and_option_the_text_names_exists(path):
    code = "\n".join(CODE.findall(path.read_text()))
    for command, rest in MENTION.findall(code):
        if command == "bench":  # `python -m bench` is the benchmark's, not okra-dash's
            continue
        assert command in CLI, f"{path.name}: okra-dash {command}"
        named = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest))
        unknown = named - options(CLI[command])
        assert not unknown, f"{path.name}: okra-dash {command} {sorted(unknown)}"


def test_every_threshold_is_a_report_option_and_documented():
    text = COMMAND_LINE.read_text()
    for name in Thresholds.names():
        assert f"--{name.replace('_', '-')}" in text, name


def test_the_pages_the_readme_lists_are_the_dashboards_pages():
    listed = re.findall(r"^- \*\*([^*]+)\*\*:", README.read_text().split("## The pages")[1], re.MULTILINE)
    navigation = re.findall(r'st\.Page\([^)]*title="([^"]+)"', (ROOT / "app.py").read_text())
    assert listed == navigation


def test_every_setting_is_documented_in_the_configuration_page():
    text = (ROOT / "docs" / "configuration.md").read_text()
    code = (ROOT / "okra_dash" / "settings.py").read_text()
    for name in sorted(set(re.findall(r'"(OKRA_[A-Z_]+|GOOGLE_APPLICATION_CREDENTIALS)"', code)) | set(settings.SMTP)):
        assert name in text, name


def _anchor(heading: str) -> str:
    """A heading's anchor as GitHub makes it."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("path", PAGES_OF_TEXT, ids=lambda path: path.name)
def test_every_link_between_the_pages_leads_somewhere(path):
    for target in re.findall(r"\]\(([^)\s]+)\)", CODE.sub("", path.read_text())):  # links, not code
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        assert linked.exists(), f"{path.name}: {target}"
        if anchor:
            headings = re.findall(r"^#+ (.+)$", linked.read_text(), re.MULTILINE)
            assert anchor in {_anchor(heading) for heading in headings}, f"{path.name}: {target}"


def test_every_docs_page_is_linked_from_the_readme():
    text = README.read_text()
    assert [page.name for page in DOCS if f"docs/{page.name}" not in text] == []


def test_the_bench_commands_the_docs_name_exist():
    from bench.__main__ import build_parser as bench_parser

    text = (ROOT / "docs" / "performance.md").read_text() + (ROOT / "docs" / "development.md").read_text()
    lines = re.findall(r"python -m bench([^\n#`]*)", text)
    assert lines
    for line in lines:
        bench_parser().parse_args(line.split())  # an unknown option or command exits here
