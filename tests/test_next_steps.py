"""Next steps agreed in the review (contract section 6): recorded and closed from the command line, kept apart
from what a sync rewrites, followed up in the JSON report with hand-computed figures."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from okra_dash.cli.main import main
from okra_dash.errors import SourceError
from okra_dash.figures.next_steps import followed_up
from okra_dash.figures.review import Review
from okra_dash.store import connect, next_steps
from okra_dash.sync import sync
from tests.conftest import REVIEW, as_read

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 1, 31)  # the review workbook's Q1 (Jan 1 to Mar 31), a month in


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "okra_dash", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)


def steps_in(db: Path, as_of: dt.date = AS_OF, as_seen: dt.datetime | None = None) -> list[dict]:
    with connect(db) as con:
        review = Review(con, as_of, cycles=["2026-Q1"], steps=next_steps.every(db))
        return followed_up(review, review.steps, as_seen)


def test_a_step_recorded_and_closed_from_the_command_line(review_db, capsys):
    assert main(["next-step", "add", "--db", str(review_db), "--kr", "KR-D", "--asked", "What is happening here?",
                 "--answer", "The new IVR is late", "--next", "Staff two more agents", "--due", "2026-02-06"]) == 0
    step_id = int(capsys.readouterr().out)
    (stored,) = next_steps.every(review_db)
    assert stored["id"] == step_id
    assert (stored["kr_id"], stored["team"], stored["asked"], stored["answer"], stored["next_step"], stored["due"]) \
        == ("KR-D", "Hotline", "What is happening here?", "The new IVR is late", "Staff two more agents", "2026-02-06")
    recorded = dt.datetime.fromisoformat(stored["recorded_at"])  # local time, to the second
    assert recorded.microsecond == 0 and abs(recorded - dt.datetime.now()) < dt.timedelta(minutes=1)
    assert stored["closed_at"] is None
    assert main(["next-step", "close", str(step_id), "--db", str(review_db)]) == 0
    assert capsys.readouterr().out == f"Closed next step {step_id}.\n"
    assert next_steps.every(review_db)[0]["closed_at"] is not None
    assert main(["next-step", "close", str(step_id), "--db", str(review_db)]) == 2  # closed once, with its moment
    assert "was closed already" in capsys.readouterr().err


def test_the_team_defaults_to_the_key_results_and_due_to_a_week_from_today(review_db, capsys):
    assert main(["next-step", "add", "--db", str(review_db), "--kr", "KR-C", "--asked", "Why?", "--next", "Call"]) == 0
    (stored,) = next_steps.every(review_db)
    assert stored["team"] == "Beta" and stored["answer"] == ""
    assert stored["due"] == (dt.date.today() + dt.timedelta(days=7)).isoformat()
    assert main(["next-step", "add", "--db", str(review_db), "--kr", "KR-C", "--asked", "Why?", "--next", "Call",
                 "--team", "Hotline"]) == 0  # another team may own it
    assert next_steps.every(review_db)[1]["team"] == "Hotline"


@pytest.mark.parametrize("args, sentence", [
    (["--kr", "KR-Z", "--asked", "a", "--next", "b"], "There is no key result 'KR-Z' in the synced workbook."),
    (["--kr", "KR-C", "--asked", "a", "--next", "b", "--team", "Gama"],
     "There is no team 'Gama' in the synced workbook (its Teams tab and key results)."),
    (["--kr", "KR-C", "--asked", "a", "--next", "  "], "The next step is empty: say what happens next."),
    (["--kr", "KR-C", "--asked", "a", "--next", "b", "--due", "2026-02-30"],
     "argument --due: '2026-02-30' is not a date like 2026-11-22 (see --help)."),
    (["--kr", "KR-C", "--asked", "a", "--next", "b", "--due", "next friday"],
     "argument --due: 'next friday' is not a date like 2026-11-22 (see --help)."),
])
def test_a_bad_step_exits_2_with_one_sentence_and_records_nothing(review_db, args, sentence):
    result = cli("next-step", "add", "--db", str(review_db), *args)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"okra-dash: {sentence}\n"
    assert next_steps.every(review_db) == [] and not next_steps.path(review_db).exists()


def test_closing_a_step_that_does_not_exist_exits_2(review_db):
    result = cli("next-step", "close", "7", "--db", str(review_db))
    assert (result.returncode, result.stderr) == (2, "okra-dash: There is no next step 7.\n")


def test_followed_up_figures_by_hand(review_db):
    """The review workbook's check-ins (weeks of Jan 5, 12, 19, 26): KR-A 10, 20, 30, 40; KR-B 45, 40, 40, 40;
    KR-C 12, 25; KR-D 0, 0, 0, 0 (Start 0, Target 10). Q1 runs Jan 1 to Mar 31."""
    add = next_steps.add
    # KR-A, recorded Tue Jan 13: its value then is the week of Jan 12's 20; the week of Jan 19 has 30: moved.
    add(review_db, "KR-A", "Alpha", "Why slow?", "Run the campaign", dt.date(2026, 1, 30),
        recorded_at="2026-01-13T10:00:00")
    # KR-B, recorded Wed Jan 21: 40 then, 40 in the week of Jan 26: not moved. Due on the as-of date: not overdue.
    add(review_db, "KR-B", "Alpha", "Still 40?", "Call the top 5", dt.date(2026, 1, 31),
        recorded_at="2026-01-21T16:30:05")
    # KR-D, recorded Tue Jan 6: 0 then and 0 since: not moved. On Jan 6 (5 days of 89 in: 6 % expected) its 0 %
    # is on track; by Jan 31 (34 % expected, the stream page shows it) it is off track.
    add(review_db, "KR-D", "Hotline", "Anything yet?", "Hire", dt.date(2026, 1, 13), answer="No budget",
        recorded_at="2026-01-06T09:00:00")
    # Not shown as of Jan 31: closed on Jan 25; recorded after the as-of date's end; a KR-G of the 2026-S cycle.
    closed = add(review_db, "KR-C", "Beta", "Open?", "Open store 3", dt.date(2026, 1, 20),
                 recorded_at="2026-01-07T08:00:00")
    next_steps.close(review_db, closed, closed_at="2026-01-25T12:00:00")
    add(review_db, "KR-A", "Alpha", "Later", "Later", dt.date(2026, 2, 8), recorded_at="2026-02-01T00:00:00")
    add(review_db, "KR-G", "Beta", "Six months?", "Plan", dt.date(2026, 2, 8), recorded_at="2026-01-10T00:00:00")

    shown = steps_in(review_db)
    assert [(s["kr_id"], s["recorded_at"]) for s in shown] == [  # oldest first
        ("KR-D", "2026-01-06T09:00:00"), ("KR-A", "2026-01-13T10:00:00"), ("KR-B", "2026-01-21T16:30:05")]
    by_kr = {s["kr_id"]: s for s in shown}
    assert {kr: (s["moved_since"], s["overdue"]) for kr, s in by_kr.items()} == {
        "KR-A": (True, True), "KR-B": (False, False), "KR-D": (False, True)}
    assert (by_kr["KR-D"]["status_then"], by_kr["KR-D"]["status_now"]) == ("on track", "off track")
    assert by_kr["KR-D"]["answer"] == "No budget" and by_kr["KR-D"]["due"] == "2026-01-13"
    assert all(s["closed_at"] is None for s in shown)
    # As of Jan 24 the step closed on Jan 25 stood open: shown as it stood then.
    then = {s["kr_id"]: s for s in steps_in(review_db, dt.date(2026, 1, 24))}
    assert set(then) == {"KR-A", "KR-B", "KR-C", "KR-D"} and then["KR-C"]["closed_at"] is None
    assert then["KR-C"]["moved_since"] is True  # 12 then (week of Jan 5), 25 in the week of Jan 12
    assert then["KR-B"]["moved_since"] is False and then["KR-B"]["overdue"] is False
    # As of Jan 18, KR-A's later week (Jan 19) is after the date: not moved yet.
    assert {s["kr_id"]: s["moved_since"] for s in steps_in(review_db, dt.date(2026, 1, 18))}["KR-A"] is False


def test_the_report_carries_next_steps_and_as_seen_replays_them_as_they_stood(review_db):
    def report(*extra: str) -> list[dict]:
        result = cli("report", "--db", str(review_db), "--as-of", AS_OF.isoformat(), "--cycle", "2026-Q1", *extra)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)["next_steps"]

    before = dt.datetime.now().replace(microsecond=0)
    next_steps.add(review_db, "KR-D", "Hotline", "Asked", "Next", dt.date(2026, 2, 6),
                   recorded_at=(before + dt.timedelta(seconds=1)).isoformat())
    assert report() == []  # recorded after the as-of date's end (today, not Jan 31)
    shown = report("--as-seen", (before + dt.timedelta(seconds=2)).isoformat())
    assert [s["kr_id"] for s in shown] == ["KR-D"]
    assert list(shown[0]) == ["id", "kr_id", "team", "asked", "answer", "next_step", "due", "recorded_at",
                              "closed_at", "status_then", "status_now", "moved_since", "overdue"]
    assert report("--as-seen", before.isoformat()) == []  # the meeting before it was recorded


def test_steps_survive_syncs_a_failed_sync_a_recovered_file_and_a_restart(review_db, tmp_path):
    next_steps.add(review_db, "KR-D", "Hotline", "Asked", "Next", dt.date(2026, 2, 6))
    sync(str(REVIEW), review_db)  # a sync swaps in a new DuckDB file
    with pytest.raises(SourceError):
        sync(str(tmp_path / "missing.xlsx"), review_db)  # a failed sync
    review_db.write_bytes(b"not a database")  # a damaged file: the next sync moves it aside
    assert sync(str(REVIEW), review_db).moved_aside
    assert [s["next_step"] for s in next_steps.every(review_db)] == ["Next"]  # a new process reads it too:
    result = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                             "from okra_dash.store import next_steps; print(len(next_steps.every(Path(sys.argv[1]))))",
                             str(review_db)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout == "1\n", result.stderr


def test_twenty_people_recording_at_once_all_keep_theirs(review_db):
    def record(n: int) -> subprocess.CompletedProcess:
        return cli("next-step", "add", "--db", str(review_db), "--kr", "KR-D", "--asked", f"asked {n}",
                   "--next", f"step {n}")

    with ThreadPoolExecutor(20) as pool:  # 20 processes at once, on a file none of them has created yet
        results = list(pool.map(record, range(20)))
    assert [r.returncode for r in results] == [0] * 20, [r.stderr for r in results if r.returncode]
    ids = sorted(int(r.stdout) for r in results)
    assert ids == list(range(1, 21))
    assert sorted(s["next_step"] for s in next_steps.every(review_db)) == sorted(f"step {n}" for n in range(20))


def test_text_is_kept_exactly_as_typed(review_db):
    typed = "=HYPERLINK(\"http://x\") **bold** <b>b</b> <@U123> \x1b[31mred\x1b[0m 'quoted'; DROP TABLE next_steps;"
    assert main(["next-step", "add", "--db", str(review_db), "--kr", "KR-D", "--asked", typed, "--next", typed,
                 "--answer", typed]) == 0
    (stored,) = next_steps.every(review_db)
    assert stored["asked"] == stored["next_step"] == stored["answer"] == typed
    result = cli("report", "--db", str(review_db), "--cycle", "2026-Q1")
    assert "\x1b" not in result.stdout  # the JSON escapes a terminal's escape
    assert json.loads(result.stdout)["next_steps"][0]["next_step"] == typed


def test_the_digests_list_what_was_agreed_with_whether_it_moved(review_db):
    from okra_dash import digest
    from okra_dash.figures import report

    next_steps.add(review_db, "KR-A", "Alpha", "Why slow?", "Run the *spring* campaign", dt.date(2026, 1, 30),
                   recorded_at="2026-01-13T10:00:00")
    next_steps.add(review_db, "KR-B", "Alpha", "Still 40?", "Call the top 5", dt.date(2026, 2, 3),
                   recorded_at="2026-01-21T16:30:05")
    with connect(review_db) as con:
        review = Review(con, AS_OF, cycles=["2026-Q1"], steps=next_steps.every(review_db))
        data = report.report(review)
        text = digest.as_markdown(review, data)
        mail = digest.Mail("127.0.0.1", 25, "okra@example.com", ("lead@example.com",))
        html = digest.message(review, mail, data).get_body(("html",)).get_content()
    section = text.split("Agreed in the last reviews\n--------------------------\n\n")[1].split("\n\n")[0]
    assert section.splitlines() == [
        "- KR-A Weekly active customers (Alpha): Run the \\*spring\\* campaign; due 2026-01-30 (overdue), agreed "
        "2026-01-13; moved since: yes",
        "- KR-B Complaints per week (lower is better) (Alpha): Call the top 5; due 2026-02-03, agreed 2026-01-21; "
        "moved since: no"]
    assert ("<h3>Agreed in the last reviews</h3><ul><li><b>KR-A</b> Weekly active customers (Alpha): Run the "
            "*spring* campaign; due 2026-01-30 (overdue), agreed 2026-01-13; moved since: yes</li>") in html


# The dashboard: recorded during the meeting, seen beside the key result and due the week after, closed.
# The meeting of Sat Jan 31 (the review workbook's date), at 10:00: the clock the steps are recorded by.
MEETING = "2026-01-31T10:00:00"


@pytest.fixture
def in_the_meeting(monkeypatch):
    monkeypatch.setattr(next_steps, "now", lambda: MEETING)


def _record_on(at, where: str, kr_id: str, next_step: str, answer: str = ""):
    at.button(key=f"agree_{where}_{kr_id}").click().run()
    [t for t in at.text_input if t.label == "Next step"][0].set_value(next_step)
    if answer:
        [t for t in at.text_area if t.label == "What the team answered"][0].set_value(answer)
    [b for b in at.button if b.label == "Record"][0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_step_recorded_on_stalled_krs_shows_beside_it_is_due_next_week_and_closes(review_db, monkeypatch,
                                                                                    in_the_meeting):
    from tests.test_app import app, card_text

    at = app(review_db, monkeypatch, page="stalled", tables_open=False)
    _record_on(at, "stalled", "KR-D", "Staff two more agents", answer="The new IVR is late")
    assert [as_read(t.value) for t in at.toast] == ["Recorded next step 1 for KR-D."]
    (stored,) = next_steps.every(review_db)
    assert (stored["team"], stored["asked"], stored["answer"], stored["due"]) == (
        "Hotline", "What is happening here?", "The new IVR is late", (AS_OF + dt.timedelta(days=7)).isoformat())
    text = card_text(at)
    assert (f"Agreed {AS_OF:%d %b} with Hotline: “Staff two more agents” · due {AS_OF + dt.timedelta(days=7):%d %b} "
            "· moved since: no · now 🔴 off track\nAsked: “What is happening here?” The team answered: “The new "
            "IVR is late”") in text
    assert "agree_stalled_KR-D" in [b.key for b in at.button]  # the form closed after recording

    week_later = app(review_db, monkeypatch, as_of=AS_OF + dt.timedelta(days=7), tables_open=False)
    assert "“Staff two more agents”" in card_text(week_later)  # the Weekly review's "Next steps due"
    week_later.button(key="close_review_1").click().run()
    assert [as_read(t.value) for t in week_later.toast] == ["Closed next step 1."]
    assert "“Staff two more agents”" not in card_text(week_later)
    assert next_steps.every(review_db)[0]["closed_at"] is not None


def test_a_step_that_cannot_be_recorded_says_why_and_keeps_the_form(review_db, monkeypatch, in_the_meeting):
    from tests.test_app import app

    at = app(review_db, monkeypatch, page="stalled", tables_open=False)
    _record_on(at, "stalled", "KR-D", "   ")
    assert [as_read(e.value) for e in at.error] == ["The next step is empty: say what happens next."]
    assert next_steps.every(review_db) == []
    assert [b.label for b in at.button if b.label == "Record"]  # still open, to correct


def test_steps_are_recorded_from_every_place_a_key_result_is_discussed(review_db, monkeypatch, in_the_meeting):
    from tests.test_app import app

    at = app(review_db, monkeypatch, page="value_streams", query={"stream": "Stores", "kr": "KR-C"},
             tables_open=False)
    _record_on(at, "kr_view", "KR-C", "Open store 3")
    at = app(review_db, monkeypatch, page="champions", tables_open=False)
    cards = [b.key for b in at.button if b.key and b.key.startswith("agree_champion_")]
    _record_on(at, "champion", cards[0].removeprefix("agree_champion_"), "From the champion's list")
    at = app(review_db, monkeypatch, tables_open=False)  # the Weekly review: the key result is picked
    at.button(key="agree_review_any").click().run()
    [s for s in at.selectbox if s.label == "Key result"][0].set_value("KR-A")
    [t for t in at.text_input if t.label == "Next step"][0].set_value("From the review")
    [b for b in at.button if b.label == "Record"][0].click().run()
    assert [(s["kr_id"], s["next_step"]) for s in next_steps.every(review_db)] == [
        ("KR-C", "Open store 3"), (cards[0].removeprefix("agree_champion_"), "From the champion's list"),
        ("KR-A", "From the review")]
    assert next_steps.every(review_db)[2]["team"] == "Alpha"  # its key result's, none picked


def test_a_past_meeting_shown_again_records_nothing(review_db, monkeypatch, in_the_meeting):
    from tests.test_app import app, card_text

    next_steps.add(review_db, "KR-D", "Hotline", "Asked", "Staff up", AS_OF, recorded_at=MEETING)
    at = app(review_db, monkeypatch, page="stalled", tables_open=False)
    assert "close_stalled_1" in [b.key for b in at.button]
    at = app(review_db, monkeypatch, page="stalled", tables_open=False,
             query={"as_seen": dt.datetime.now().isoformat(timespec="seconds")})
    assert "“Staff up”" in card_text(at)  # shown as it stood
    assert not [b for b in at.button if b.key and b.key.startswith(("agree_", "close_"))]


def test_the_meeting_walks_the_agenda_records_as_it_goes_and_ends_with_what_was_agreed(review_db, monkeypatch,
                                                                                       in_the_meeting):
    from tests.test_app import app, card_text

    next_steps.add(review_db, "KR-D", "Hotline", "Anything yet?", "Hire", AS_OF, recorded_at="2026-01-24T10:00:00")
    at = app(review_db, monkeypatch, page="meeting", tables_open=False)
    # The overview, the streams behind pace, the step due (KR-D's, due Jan 31), then the 5 key results to ask
    # about by value stream, the longest unchanged first (the stalled ones and KR-F, which missed the week of
    # Jan 19), and what was agreed.
    assert at.selectbox(key="meeting_item").options == [
        "1 of 9 · How we are doing, and what changed", "2 of 9 · Value streams behind pace (0)",
        "3 of 9 · Agreed in earlier reviews, due now (1)", "4 of 9 · KR-B · Complaints per week (lower is better)",
        "5 of 9 · KR-F · Reviews answered", "6 of 9 · KR-D · Calls answered in 1 minute",
        "7 of 9 · KR-E · Self-service share", "8 of 9 · KR-C · Stores live", "9 of 9 · What this meeting agreed"]
    assert at.button(key="meeting_previous").disabled
    at.button(key="meeting_next").click().run()
    at.button(key="meeting_next").click().run()
    assert at.query_params["item"] == "3" and "“Hire” · due 31 Jan · moved since: no" in card_text(at)
    at.selectbox(key="meeting_item").set_value(7).run()
    text = card_text(at)
    assert "No check-in for the week of 19 Jan. Stalled: no check-in; flat at zero, 4 weeks unchanged." in text
    assert "- FAQ page (Done)" in text and "- IVR menu (In progress)" in text  # its actions
    _record_on(at, "meeting", "KR-E", "Ship the call-back button")
    assert at.query_params["item"] == "7"  # recording stays on the item
    at.button(key="meeting_next").click().run()
    at.button(key="meeting_next").click().run()
    assert at.button(key="meeting_next").disabled
    (listed,) = [code.value for code in at.code]
    assert listed == ("Agreed in the review of 31 Jan 2026\n\n- KR-E Self-service share (Hotline): Ship the call-back "
                      "button; due 2026-02-07, agreed 2026-01-31; moved since: no")


def test_a_steps_text_shows_as_typed_on_the_pages_and_in_the_digest(review_db, monkeypatch, in_the_meeting):
    from okra_dash import digest
    from okra_dash.figures import report
    from tests.test_app import app

    typed = "**now** <b>b</b> [x](javascript:alert(1)) $x$ :red[late] <!channel> =SUM(A1) \x1b[31m"
    next_steps.add(review_db, "KR-D", "Hotline", typed, typed, AS_OF, answer=typed, recorded_at=MEETING)
    at = app(review_db, monkeypatch, page="stalled", tables_open=False)
    texts = [m.value for m in at.markdown]
    at_ = next(i for i, text in enumerate(texts) if text.startswith("Agreed 31 Jan"))
    shown = typed.replace("\x1b", "␛")  # a terminal's escape as its visible symbol
    assert [as_read(text) for text in texts[at_:at_ + 2]] == [
        f"Agreed 31 Jan with Hotline: “{shown}” · due 31 Jan · moved since: no · now 🔴 off track",
        f"Asked: “{shown}” The team answered: “{shown}”"]
    with connect(review_db) as con:
        review = Review(con, AS_OF, cycles=["2026-Q1"], steps=next_steps.every(review_db))
        text = digest.as_markdown(review, report.report(review))
    agreed = text.split("Agreed in the last reviews\n")[1].split("\n\n")[1]
    (listed,) = agreed.splitlines()
    assert as_read(listed).startswith(f"- KR-D Calls answered in 1 minute (Hotline): {shown};")
