"""The words the figures use, defined once: statuses, stall reasons, retrospective bands.

SQL returns these words (sql/measures.sql, sql/retrospective.sql); the pages, the report and the
digest show them and filter on them from here. tests/test_conventions.py checks both agree.
"""

STATUSES = ("on track", "at risk", "off track")
STATUS_COLORS = ("#2e7d32", "#f9a825", "#c62828")  # green, amber, red: the one status palette
STATUS_MARKS = {"on track": "🟢", "at risk": "🟡", "off track": "🔴"}  # the same colours in a table cell

# Modes get colours of their own, never the status colours (red means off track, not "Unknown").
MODES = ("OKR", "KPI", "Unknown")
MODE_COLORS = ("#1565c0", "#6a1b9a", "#9e9e9e")

STALL_REASONS = ("no movement", "no check-in", "flat at zero")

# Retrospective bands of final achievement: (word, from this share up); the last band is open-ended.
BANDS = (("missed", 0.0), ("estimation lesson", 0.5), ("achieved", 0.7), ("reached", 1.0))
BAND_COLORS = ("#c62828", "#f9a825", "#7cb342", "#2e7d32")
