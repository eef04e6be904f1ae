"""Every word okra-dash reads or shows, defined once: the sheet's dropdowns, statuses, stall reasons, bands.

SQL never spells them: Review binds them into every query (sql/measures.sql, `$review`), so the figures
return these words and the pages, the report and the digest show and filter on them from here. So is how a
count ("1 team", "2 teams") and a number ("1234567", never "1.23457e+06") are written, everywhere.
"""

import re

# The sheet's dropdowns (the contract's section 1): the parser accepts these, the template offers them.
TEAM_MODES = ("OKR", "KPI")
THEMES = ("Profit", "Productivity", "Customer experience", "Employee experience", "Other")
# The first is what an empty or unreadable Type counts as; the last two are health KPIs held on the right
# side of their Target line (the contract's "Health key results"), measured without a pace.
KR_TYPES = ("Outcome", "Output", "Keep above", "Keep below")
HEALTH_TYPES = KR_TYPES[2:]
ACTION_STATUSES = ("Planned", "In progress", "Done", "Dropped")
DONE = "Done"  # the action status "busy without results" counts

STATUSES = ("on track", "at risk", "off track")
STATUS_COLORS = ("#2e7d32", "#f9a825", "#c62828")  # green, amber, red: the one status palette
STATUS_MARKS = {"on track": "🟢", "at risk": "🟡", "off track": "🔴"}  # the same colours in a table cell

# Modes get colours of their own, never the status colours (red means off track, not "Unknown").
UNKNOWN_MODE = "Unknown"  # the mode of a team that is not in the Teams tab
MODES = (*TEAM_MODES, UNKNOWN_MODE)
MODE_COLORS = ("#1565c0", "#6a1b9a", "#9e9e9e")
# The three shares OKR vs KPI compares (sql/split.sql's columns), in the cards' order: cards, chart and tables.
SPLIT_MEASURES = {"progress": "Mean progress", "on_track_share": "On track",
                  "checkin_discipline": "Check-in discipline"}

STALL_REASONS = ("no movement", "no check-in", "flat at zero")
# A team's week of check-ins: every KR checked in and one moved; all checked in, none moved; one missing.
HABITS = ("checked in", STALL_REASONS[0], "missing")
HABIT_COLORS = STATUS_COLORS

# Retrospective bands of final achievement: (word, from this share up); the last band is open-ended.
BANDS = (("missed", 0.0), ("estimation lesson", 0.5), ("achieved", 0.7), ("reached", 1.0))
BAND_COLORS = ("#c62828", "#f9a825", "#7cb342", "#2e7d32")

# How a past week's value changed after the week ended: it appeared, it was changed, it was cleared.
VALUE_CHANGES = ("filled in after the week", "changed", "cleared")
EMPTY_CELL = "(empty)"  # a check-in cell with no value, before it was filled in or after it was cleared


def counted(count: int, noun: str) -> str:
    """A count with its noun, singular for one: '1 key result', '2 key results', '0 key results'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# One e-mail address, as a mail server takes it: the Teams tab's Champion e-mail and the digest's settings alike.
EMAIL_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+$")

SIGNIFICANT_DIGITS = 15  # every digit a person types; float noise (0.30000000000000004) starts at the 17th


def format_number(value: float) -> str:
    """A number as a person writes it: 61, 12.5, 0.125, 1500000 (no float noise, and no exponent for usual
    sizes, where Python's :g writes 1.5e+06 and cuts 1234567 to 1.23457e+06)."""
    value = float(value)  # an int has no is_integer() before Python 3.12
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.{SIGNIFICANT_DIGITS}g}"


def week_of(week: object) -> str:
    """A check-in week as every page writes it: "week of 02 Mar" ("" for none)."""
    return "" if week is None or week != week else f"week of {week:%d %b}"  # NaT != NaT, as NaN


def percent(value: float | None) -> str:
    """A share as a whole percent, as every page and digest shows it ("45%"), or "–" when there is none."""
    return "–" if value is None or value != value else f"{value:.0%}"
