"""Step 2: read the workbook's cells by the sheet contract into clean rows plus data issues.

Every problem a team can fix in the sheet becomes an issue with a kind; `advice` keys the fix on that kind.
"""
