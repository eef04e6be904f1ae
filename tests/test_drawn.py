"""Charts drawn from a spec built once per data (okra_dash/ui/drawn.py): the same chart Altair describes, its
data sent as Arrow, and Altair not called again when a page reruns on the same data."""

from __future__ import annotations

import functools
import json

import pandas as pd
import pyarrow as pa

from okra_dash import charts
from okra_dash.ui import drawn
from tests.test_app import app

STREAMS = pd.DataFrame({"value_stream": ["Stores", "Online"], "cycle": ["2026-Q1", "2026-Q1"],
                        "progress": [0.25, 0.75], "expected": [0.5, 0.5], "status": ["off track", "on track"],
                        "key_results": [3, 2], "breached": [0, 1]})


def rows(payload: bytes) -> list[dict]:
    return pa.ipc.open_stream(payload).read_all().to_pylist()


def test_a_spec_is_what_altair_describes_with_the_data_as_arrow():
    spec = drawn.spec.__wrapped__("value_stream_progress", (), (STREAMS,))  # the function itself, without the cache
    chart = charts.value_stream_progress(STREAMS).to_dict()
    assert spec["title"] == chart["title"] and spec["layer"][0]["mark"] == chart["layer"][0]["mark"]
    assert spec["layer"][0]["encoding"] == chart["layer"][0]["encoding"]
    (name,) = {part["data"]["name"] for part in (spec, *spec["layer"]) if "data" in part}
    drawn_rows = rows(spec["datasets"][name])
    assert [(r["label"], r["progress"], r["status"]) for r in drawn_rows] == [
        ("Stores", 0.25, "off track"), ("Online", 0.75, "on track")]
    assert "config" not in spec or "view" not in spec["config"]  # the "none" theme: Streamlit's theme sizes it


def test_a_page_rerun_on_the_same_data_draws_the_chart_without_building_it_again(review_db, monkeypatch):
    built = []
    original = charts.value_stream_progress

    @functools.wraps(original)
    def counted(*args):
        built.append(args)
        return original(*args)

    monkeypatch.setattr(charts, "value_stream_progress", counted)
    drawn.spec.clear()
    at = app(review_db, monkeypatch)
    first = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    at.run()
    again = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert len(built) == 1
    assert first == again and "expected pace" in again["title"]["subtitle"]
    data = rows(at.get("vega_lite_chart")[0].proto.datasets[0].data.data)
    assert sorted(row["value_stream"] for row in data) == ["Customer experience", "Stores"]
