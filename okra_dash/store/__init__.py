"""The DuckDB file: written whole by a sync and swapped in, read by everyone else.

DuckDB lets one process hold a file read-write, and then nobody else may open it.
So a sync never writes the live file: it builds a complete new file beside it
(copying the history kept across syncs), then renames it over the old one in one
atomic step. Readers attach the file read-only; one that is open keeps seeing
the file it opened until it reopens. A lock file serialises concurrent syncs so
that none loses another's history. A killed sync leaves only a stray temp file.

What sits at the database path is checked before it is used (health()): a file
that is not a readable okra-dash database is never read as one. A sync moves an
unreadable file aside (kept, and named in its output) and starts afresh; a file
of an older okra-dash has its history carried over; another program's DuckDB
file or a directory is refused. Every way of failing ends in one sentence.
"""

from okra_dash.store.build import SyncResult, write
from okra_dash.store.failures import failures_path, pending_failures, record_failure
from okra_dash.store.file import (
                                  DEFAULT_DB,
                                  Health,
                                  NoDataError,
                                  StoreError,
                                  connect,
                                  default_path,
                                  health,
                                  problem,
                                  recorded_source,
                                  shown,
                                  usable,
                                  version,
)
from okra_dash.store.history import moment, replay, sync_seen_at

__all__ = ["DEFAULT_DB", "Health", "NoDataError", "StoreError", "SyncResult", "connect", "default_path",
           "failures_path", "health", "moment", "pending_failures", "problem", "record_failure", "recorded_source",
           "replay", "shown", "sync_seen_at", "usable", "version", "write"]
