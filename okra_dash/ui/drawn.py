"""Charts as the pages draw them: each chart's Vega-Lite spec built once per data and reused on every rerun.

Altair spends 30–80 ms building and validating a chart (st.altair_chart converts it on every run); the spec
of the same data does not change, so it is kept (st.cache_data) and drawn with st.vega_lite_chart. The data
travels as Arrow, as st.altair_chart sends it. It pays: with st.altair_chart the weekly review's cached run took
0.12-0.14 s instead of 0.04-0.07 s (AppTest, 10,000 KRs, turn about).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st

from okra_dash import charts

# Altair's theme and data transformer are process-wide settings: one conversion at a time.
_ALTAIR_SETTINGS = threading.Lock()


def _ipc(frame: pd.DataFrame) -> bytes:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _digest(payload: bytes) -> str:
    return hashlib.md5(payload, usedforsecurity=False).hexdigest()


def _arrow(data: pd.DataFrame, datasets: dict[str, bytes]) -> dict:
    """Altair data transformer: the chart's DataFrame as Arrow IPC bytes under a name of its content."""
    payload = _ipc(data)
    name = f"data-{_digest(payload)}"
    datasets[name] = payload
    return {"name": name}


alt.data_transformers.register("okra_arrow", _arrow)


@st.cache_data(show_spinner=False, max_entries=256)
def spec(name: str, key: tuple, _args: tuple) -> dict:
    """The Vega-Lite spec of charts.<name>(*_args), validated by Altair, its datasets as Arrow bytes; key stands
    for the arguments (Streamlit cannot hash a DataFrame with list cells, and would pickle it)."""
    datasets: dict[str, bytes] = {}
    with _ALTAIR_SETTINGS, alt.theme.enable("none"), alt.data_transformers.enable("okra_arrow", datasets=datasets):
        # The "none" theme, as st.altair_chart draws: Streamlit's own theme sizes and colours the chart.
        out = getattr(charts, name)(*_args).to_dict()
    out["datasets"] = {**out.get("datasets", {}), **datasets}
    return out


def chart(box, build: Callable[..., alt.TopLevelMixin], *args: object, **options: object) -> None:
    """Draw build(*args), a function of okra_dash.charts, in box (st or a container), as
    box.altair_chart(build(*args), **options) would."""
    key = tuple(_digest(_ipc(arg)) if isinstance(arg, pd.DataFrame) else arg for arg in args)
    box.vega_lite_chart(spec(build.__name__, key, args), **options)
