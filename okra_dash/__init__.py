"""okra-dash: the weekly OKR review, synced from the sheet teams type into."""

__version__ = "0.1.0"
