"""Failed syncs, noted beside the database (which stays as it was) until the next good sync logs them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from okra_dash.store.file import StoreError, default_path, exclusive, usable


def failures_path(path: Path) -> Path:
    """Failed syncs wait here (the database stays exactly as it was) until the next good sync."""
    return Path(f"{path}.failures.jsonl")


def record_failure(path: Path, source: str, error: str, now: dt.datetime | None = None) -> bool:
    """Note a failed sync beside the database; False when even that cannot be written (the
    sentence is still shown; a read-only or full disk must not hide the first failure)."""
    try:
        path = usable(path)
    except StoreError:
        return False  # the sync's own sentence already says what is wrong with the path
    entry = {"synced_at": (now or dt.datetime.now().replace(microsecond=0)).isoformat(), "source": source,
             "error": error}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with exclusive(path), failures_path(path).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")
    except OSError:
        return False
    return True


def pending_failures(path: Path | None = None) -> list[dict]:
    """Failed syncs since the last good one, oldest first; a torn line (a write cut short) is skipped."""
    try:
        lines = failures_path(Path(path or default_path())).read_text(encoding="utf-8",
                                                                       errors="replace").splitlines()
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return []
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and {"synced_at", "source", "error"} <= entry.keys():
            entries.append(entry)
    return entries

