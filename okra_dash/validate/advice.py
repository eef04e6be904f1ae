"""A plain-language fix for each kind of data issue, for the people who fill in the sheet.

Keyed by the issue's kind (a code set where the issue is found), never by words in its sentence.
"""

from __future__ import annotations

FIXES = {
    "comma": "Use a point for decimals (12.5); commas only separate thousands (1,200).",
    "not_a_number": "Type just the number (1200, 1,200, 45% or €3.5); leave the cell empty when there is no "
                    "value this week.",
    "not_finite": "Type an ordinary number.",
    "boolean": "Type a number instead of a checkbox or TRUE/FALSE.",
    "sheet_error": "Fix the formula so that it gives a number, or type the number itself.",
    "uncomputed": "Open the file in Excel, LibreOffice or Google Sheets and save it, so the formula is computed; "
                  "or type the number itself.",
    "date_not_number": "Format the cell as a number (Format > Number) and type the value again.",
    "unknown_team": "Add the team to the Teams tab, or correct its spelling here.",
    "unknown_objective": "Add the objective to the Objectives tab, or correct the Objective ID here.",
    "objective_left_out": "Fix the objective's own row in the Objectives tab (see the problem); its key results "
                          "then load too.",
    "cycle_left_out": "Fix the cycle's own row in the Cycles tab (see the problem); its objectives then load too.",
    "unknown_kr": "Add the key result to the Key results tab, or correct the KR ID here.",
    "values_without_id": "Type the KR ID at the start of the row.",
    "outside_cycle": "Move the value to a week column inside the key result's cycle.",
    "bad_week_header": "Write the week's Monday as 2026-01-05, or the week as 2026-W02, in the header.",
    "no_week_header": "Move the value into its week's column, or give its column a week header (2026-01-05).",
    "duplicate_week": "Keep one column per week: merge or delete the repeated column.",
    "not_a_real_date": "Check the date: that day or week does not exist.",
    "implausible_date": "Check the year: write the date as 2026-01-05.",
    "not_a_date": "Write the date as 2026-01-05 (or a week as 2026-W02).",
    "target_equals_start": "Set a Target different from Start, or mark the key result Keep above / Keep below "
                           "if it is a line to hold.",
    "cycle_too_long": "Shorten the cycle to 6 months at most, or split it.",
    "end_before_start": "Swap or correct the cycle's dates.",
    "unknown_cycle": "Use a quarter like 2026-Q1, a half like 2026-H1, or add the cycle to the Cycles tab.",
    "not_an_email": "Type the champion's address as name@example.com, or leave the cell empty.",
    "unknown_word": "Pick one of the values the dropdown offers.",
    "confidence_range": "Give confidence as a whole number from 0 to 10.",
    "duplicate_column": "Keep one column with this header: rename or delete the second one.",
    "unreadable_tab": "Open the file in a spreadsheet program, check the tab and save it again.",
    "missing_column": "Add the missing column's header to the tab (see the problem), or delete the tab.",
    "duplicate_checkin": "Keep one check-in per key result and week: delete or merge the repeated row.",
    "duplicate_id": "Keep one row per ID: delete the repeated row or give it its own ID.",
    "missing_id": "Give the row its ID, or delete the row.",
    "missing_value": "Fill in the empty cell.",
}
DEFAULT_FIX = "Correct the cell and sync again."

