"""Shared helpers: fixture workbooks as real files, synced into a real DuckDB file in tmp_path."""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import socket
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from bench.generate import write as write_tabs
from okra_dash import store
from okra_dash.figures.review import Review
from okra_dash.sync import sync

DATA = Path(__file__).parent / "data"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@pytest.fixture(autouse=True)
def no_network_beyond_this_machine(monkeypatch):
    """Any test that tries to resolve a host other than loopback fails, instead of reaching out."""
    resolve = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        if host not in LOOPBACK and not str(host).startswith("127."):
            raise OSError(f"tests must not leave this machine (tried to resolve {host})")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
REVIEW = DATA / "review"  # the hand-computed workbook of test_measures.py


_COMMONMARK = MarkdownIt("commonmark")


def as_read(markdown: str) -> str:
    """Markdown as a reader sees it, rendered by a CommonMark renderer: the text, which must hold no markup (no
    link, emphasis, code or HTML). Streamlit's own extras ($math$, :emoji:, :red[]) are the browser test's."""
    rendered = _COMMONMARK.renderInline(markdown)
    assert "<" not in rendered, f"rendered as markup: {rendered}"  # text's own < renders as &lt;
    return html.unescape(rendered)


def read_tabs(folder: Path) -> dict[str, list[list[str]]]:
    """A CSV folder's tabs as rows of text, for tests that rewrite them in another shape."""
    tabs = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            tabs[path.stem] = [list(row) for row in csv.reader(handle)]
    return tabs


def write_csv_folder(folder: Path, tabs: dict[str, list[list[object]]]) -> Path:
    return write_tabs(tabs, folder)


def write_xlsx(path: Path, tabs: dict[str, list[list[object]]]) -> Path:
    return write_tabs(tabs, path)


def review_of(db: Path, as_of: dt.date, **kwargs) -> Review:
    return Review(store.connect(db), as_of, **kwargs)


@pytest.fixture
def review_db(tmp_path: Path) -> Path:
    db = tmp_path / "okra.duckdb"
    sync(str(REVIEW), db)
    return db


@pytest.fixture
def mixed_db(tmp_path: Path) -> Path:
    """A generated workbook of two and a half quarters (300 KRs from Jan 5, 2026), synced: weeks missed, health
    KRs of both types, a KR whose Target is its Start, and a value stream of health KRs only (Run the hotline,
    2026-Q2, checked in the weeks of Mar 30 and Apr 6)."""
    from bench import generate
    from okra_dash.words import HEALTH_TYPES

    book = generate.generate(300, 26, seed=3)
    for n, row in enumerate(book["Key results"][1:]):
        if n % 7 == 0:
            row[7] = HEALTH_TYPES[n % 2]
    book["Key results"][2][5] = book["Key results"][2][4]  # Target = Start: no progress to make
    for row in book["Check-ins"][1::3]:
        row[1 + len(row) // 3] = ""  # a week missed: the value before it holds
    book["Objectives"].append(["2026-Q2-H", "2026-Q2", "Run the hotline", "Keep the hotline up", "Productivity", "Ann"])
    for n, kind in enumerate(HEALTH_TYPES):
        book["Key results"].append([f"KR-H{n}", "2026-Q2-H", "Team 0001", f"Health {n}", 90.0, 95.0, "%", kind])
        book["Check-ins"].append([f"KR-H{n}"] + [""] * 13 + [96.0, 94.0] + [""] * 11)
    db = tmp_path / "mixed.duckdb"
    sync(str(generate.write(book, tmp_path / "mixed")), db)
    return db


@pytest.fixture
def tabs() -> dict[str, list[list[str]]]:
    """The review workbook's tabs, to change one cell in a test."""
    return read_tabs(REVIEW)


@pytest.fixture
def sheet_api(tmp_path, monkeypatch):
    """The fake Sheets API serving the review workbook as KEY, and credentials that point at it."""
    from tests.fake_sheets import KEY, FakeSheets, as_api_values

    with FakeSheets({KEY: as_api_values(read_tabs(REVIEW))}) as fake:
        fake.credentials = fake.service_account()
        path = tmp_path / "service_account.json"
        path.write_text(json.dumps(fake.credentials))
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
        monkeypatch.setenv("OKRA_SHEETS_API_ROOT", fake.root)
        yield fake
