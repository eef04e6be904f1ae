"""A plain-language fix for each kind of data issue, for the people who fill in the sheet."""

from __future__ import annotations

# (words in the problem, what to do), first match wins.
FIXES = (
    ("commas only", "Use a point for decimals (12.5); commas only separate thousands (1,200)."),
    ("not a number", "Type just the number (1200, 1,200, 45% or €3.5); leave the cell empty when there is no "
                     "value this week."),
    ("not a finite number", "Type an ordinary number."),
    ("TRUE/FALSE", "Type a number instead of a checkbox or TRUE/FALSE."),
    ("not in the Teams tab", "Add the team to the Teams tab, or correct its spelling here."),
    ("not in the Objectives tab", "Add the objective to the Objectives tab, or correct the Objective ID here."),
    ("not in the Key results tab", "Add the key result to the Key results tab, or correct the KR ID here."),
    ("has values but no KR ID", "Type the KR ID at the start of the row."),
    ("outside cycle", "Move the value to a week column inside the key result's cycle."),
    ("column header", "Write the week's Monday as 2026-01-05, or the week as 2026-W02, in the header."),
    ("is not a real", "Check the date: that day or week does not exist."),
    ("not a date", "Write the date as 2026-01-05 (or a week as 2026-W02)."),
    ("Target equals Start", "Set a Target different from Start."),
    ("longer than 6 months", "Shorten the cycle to 6 months at most, or split it."),
    ("End is before Start", "Swap or correct the cycle's dates."),
    ("neither a quarter", "Use a quarter like 2026-Q1, a half like 2026-H1, or add the cycle to the Cycles tab."),
    ("not a known", "Pick one of the values the dropdown offers."),
    ("not between 0 and 10", "Give confidence as a whole number from 0 to 10."),
    ("second", "Keep one row per ID or week: delete or merge the repeated one."),
    ("twice", "Keep one row per ID: delete the repeated row or give it its own ID."),
    ("has no", "Fill in the empty cell."),
)


def fix(problem: str) -> str:
    """What the person who typed the cell can do about the problem."""
    for words, advice in FIXES:
        if words in problem:
            return advice
    return "Correct the cell and sync again."
