"""Python's garbage collector in the long-lived dashboard server.

The server holds objects that live as long as it does: modules, pandas, DuckDB, Altair's Vega-Lite schema. A
full collection walks every one of them (90–120 ms at 10,000 KRs, holding the GIL) and Python starts one every
few page runs, in the middle of a run: a page's elements then reach the browser a tenth of a second late.
gc.freeze() moves every object alive into a generation the collector no longer walks; later collections walk
only what runs create since. app.py freezes at the top of a run (on the first: Streamlit's server, before the
imports of pandas and Altair start collections that would walk it: 0.31 s of collections on the first page
became 0.16 s) and at its end. Freezing again only when modules were imported since keeps what it moves bounded
(an object frozen while garbage in a cycle is never freed: a run's worth at most, a few times per process).
"""

from __future__ import annotations

import atexit
import gc
import sys

_modules_frozen = 0


def freeze_long_lived() -> None:
    """Freeze what is alive now, if a module was imported since the last freeze."""
    global _modules_frozen
    loaded = len(sys.modules)
    if loaded != _modules_frozen:
        if not _modules_frozen:  # at exit, back in sight: the interpreter's last collection frees them in order
            atexit.register(gc.unfreeze)
        _modules_frozen = loaded
        gc.freeze()
