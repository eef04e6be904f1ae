"""Altair charts as pure functions of DataFrames: colour means status, one palette everywhere."""

from __future__ import annotations

import altair as alt
import pandas as pd

from okra_dash.words import (
    BAND_COLORS,
    HABIT_COLORS,
    HABITS,
    MODE_COLORS,
    MODES,
    SPLIT_MEASURES,
    STATUS_COLORS,
    STATUSES,
    format_number,
)
from okra_dash.words import BANDS as BAND_LIMITS

BANDS = [band for band, _ in BAND_LIMITS]
STATUS_SCALE = alt.Scale(domain=list(STATUSES), range=list(STATUS_COLORS))


def _title(text: str, subtitle: str) -> alt.TitleParams:
    """A chart's title as two short lines: Vega cuts a line longer than its chart with "…" and never wraps it, and
    on a phone a chart is about 330 px wide."""
    return alt.TitleParams(text, subtitle=subtitle)


def value_stream_progress(streams: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of progress per value stream, a black tick at the expected pace."""
    several = streams["cycle"].nunique() > 1
    data = streams.assign(label=streams["value_stream"] + (" · " + streams["cycle"] if several else ""))
    y = alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=260))
    bars = alt.Chart(data).mark_bar(height=22).encode(
        x=alt.X("progress:Q", title="Progress (% of the way from Start to Target)",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=y,
        color=alt.Color("status:N", scale=STATUS_SCALE, title="Status"),
        tooltip=[alt.Tooltip("value_stream:N", title="Value stream"), alt.Tooltip("progress:Q", format=".0%"),
                 alt.Tooltip("expected:Q", format=".0%", title="Expected pace"), "key_results:Q",
                 alt.Tooltip("breached:Q", title="Health KRs breached")],
    )
    pace = alt.Chart(data).mark_tick(color="black", thickness=3, size=30).encode(
        x="expected:Q", y=y, tooltip=[alt.Tooltip("expected:Q", format=".0%", title="Expected pace")])
    return alt.layer(bars, pace).properties(
        title=_title("Value-stream progress", "against the expected pace (black tick)"), height=alt.Step(40))


def habits(weeks: pd.DataFrame) -> alt.Chart:
    """Teams by weeks: green checked in, amber no movement, red missing (the status palette)."""
    return alt.Chart(weeks).mark_rect(stroke="white", strokeWidth=2).encode(
        x=alt.X("yearmonthdate(week):O", title="Week of", axis=alt.Axis(format="%d %b", labelAngle=0)),
        y=alt.Y("team:N", title=None, axis=alt.Axis(labelLimit=220)),
        color=alt.Color("habit:N", title="Week", scale=alt.Scale(domain=list(HABITS), range=list(HABIT_COLORS))),
        tooltip=["team:N", alt.Tooltip("week:T", title="Week of"), "habit:N",
                 alt.Tooltip("checked:Q", title="Key results checked in"),
                 alt.Tooltip("key_results:Q", title="Key results"), alt.Tooltip("moved:Q", title="Values moved")],
    ).properties(title=_title("Check-in habits", "team by team and week by week"), height=alt.Step(26))


def trajectory(weeks: pd.DataFrame, title: str, subtitle: str) -> alt.Chart:
    """Progress week by week (solid, one line per cycle) against the expected pace (dashed)."""
    ids = ["cycle", "week", "running"] if "running" in weeks else ["cycle", "week"]
    long = weeks.melt(id_vars=ids, value_vars=["progress", "expected"], var_name="line",
                      value_name="share").dropna(subset=["share"])
    long["line"] = long["line"].map({"progress": "Progress", "expected": "Expected pace"})
    # The week still running is measured so far, not at its Sunday: its point is hollow, and says so.
    long["measured"] = (long["running"].map({True: "so far: the week is still running", False: "at its Sunday"})
                        if "running" in long else "at its Sunday")
    # One label per week, the week's Monday as the habits chart writes it: a time axis put its ticks between the
    # points and named them by weekday ("Tue 13").
    x = alt.X("yearmonthdate(week):O", title="Week of", axis=alt.Axis(format="%d %b", labelAngle=0))
    # A short axis title: Streamlit fits the whole chart into its height, and a title longer than the plot
    # made Vega shrink the plot to a strip and push the chart's own title out of view.
    y = alt.Y("share:Q", title="Progress (% of the way)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    tooltip = [alt.Tooltip("week:T", title="Week of"), "line:N", alt.Tooltip("share:Q", format=".0%"), "cycle:N",
               alt.Tooltip("measured:N", title="Measured")]
    lines = alt.Chart(long).mark_line(point=True).encode(
        x=x, y=y, color=alt.Color("cycle:N", title="Cycle"),
        strokeDash=alt.StrokeDash("line:N", title=None, sort=["Progress", "Expected pace"],
                                  # the legend draws each line's dash, not two dots without a colour
                                  legend=alt.Legend(symbolType="stroke", symbolStrokeColor="gray",
                                                    symbolFillColor="gray", symbolStrokeWidth=2)),
        tooltip=tooltip)
    running = alt.Chart(long[long["measured"] != "at its Sunday"]).mark_point(filled=True, fill="white", size=60)
    running = running.encode(x=x, y=y, color=alt.Color("cycle:N", title="Cycle"), tooltip=tooltip)
    return alt.layer(lines, running).properties(title=_title(title, subtitle), height=300)


def burn_up(checkins: pd.DataFrame, kr: dict, as_of) -> alt.Chart:
    """Weekly values against the straight pace line from Start (cycle start) to Target (cycle end), or, for a
    health KR, against its Target line held all cycle; a rule at the as-of date, and, while the cycle runs,
    where a pace KR's value lands at the cycle's end at its rate so far."""
    # A missing Unit arrives as None, or as NaN from a DataFrame's text column: both are no unit.
    unit = f" ({kr['unit']})" if isinstance(kr.get("unit"), str) and kr["unit"] else ""
    health = bool(kr.get("health"))
    line = "Line to hold" if health else "Pace line"
    pace = pd.DataFrame({"week": [kr["start_date"], kr["end_date"]],
                         "value": [kr["target"] if health else kr["start_value"], kr["target"]]})
    # The axis spans Start, Target and every value typed, so the pace line runs corner to corner within it;
    # the "at this rate" line may point far past either (a fall projected below zero) and is cut at the edge.
    current = kr.get("current")
    seen = [*pace["value"], *checkins["value"].dropna(), *([current] if current == current and current is not None
                                                          else [])]
    low, high = float(min(seen)), float(max(seen))
    span = [low, high] if low < high else [low - 1, high + 1]  # a flat line, held mid-chart
    y = alt.Y("value:Q", title=f"Value{unit}", scale=alt.Scale(domain=span))
    # One date format on every chart's axis ("05 Oct"): Vega's default mixed "November" and "Nov 08".
    x = alt.X("week:T", title="Week", scale=alt.Scale(domain=[pace["week"][0], pace["week"][1]]),
              axis=alt.Axis(format="%d %b"))
    layers = [alt.Chart(pace).mark_line(strokeDash=[6, 4], color="gray").encode(
        x=x, y=y, tooltip=[alt.Tooltip("value:Q", title=f"{line}{unit}")])]
    color = STATUS_COLORS[STATUSES.index(kr["status"])] if kr.get("status") in STATUSES else "gray"
    layers.append(alt.Chart(checkins).mark_line(point=alt.OverlayMarkDef(color=color), color=color).encode(
        x=x, y=y, tooltip=[alt.Tooltip("week:T", title="Week of"), alt.Tooltip("value:Q", title=f"Value{unit}"),
                           alt.Tooltip("confidence:Q", title="Confidence (0-10)"),
                           alt.Tooltip("note:N", title="Note")]))
    today = pd.DataFrame({"week": [pd.Timestamp(as_of)], "label": [f"as of {as_of:%d %b}"]})
    layers.append(alt.Chart(today).mark_rule(color="#455a64", strokeWidth=1).encode(x=x))
    layers.append(alt.Chart(today).mark_text(align="left", dx=4, dy=-6, color="#455a64").encode(
        x=x, y=alt.value(12), text="label:N"))
    projected = kr.get("projected_end")
    if projected is not None and projected == projected:
        trend = pd.DataFrame({"week": [pd.Timestamp(as_of), pd.Timestamp(kr["end_date"])],
                              "value": [kr["current"], projected]})
        layers.append(alt.Chart(trend).mark_line(strokeDash=[2, 3], color=color, clip=True).encode(
            x=x, y=y, tooltip=[alt.Tooltip("value:Q", title=f"At this rate by the cycle's end{unit}", format=".3~g")]))
    subtitle = (f"dashed: the line to hold ({kr['type']} {format_number(kr['target'])})" if health
                else "dashed: the pace line; dotted: at this rate")
    return alt.layer(*layers).properties(title=_title(f"{kr['kr_id']}: weekly values", subtitle), height=300)


def split_comparison(split: pd.DataFrame) -> alt.Chart:
    """OKR and KPI teams side by side on progress, on-track share and check-in discipline."""
    long = split.melt(id_vars="mode", value_vars=list(SPLIT_MEASURES), var_name="measure", value_name="share")
    long["measure"] = long["measure"].map(SPLIT_MEASURES)
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("mode:N", title=None, sort=list(MODES)),  # as the cards above: OKR, KPI, Unknown
        y=alt.Y("share:Q", title="Share (%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("mode:N", title="Mode", scale=alt.Scale(domain=list(MODES), range=list(MODE_COLORS))),
        column=alt.Column("measure:N", title=None, sort=list(SPLIT_MEASURES.values())),  # the cards' order too
        tooltip=["mode:N", "measure:N", alt.Tooltip("share:Q", format=".0%")],
    ).properties(title="OKR-driven and KPI-driven teams, side by side", width=140)


def achievement_distribution(retro: pd.DataFrame, by: str, title: str, subtitle: str) -> alt.Chart:
    """How many key results ended in each achievement band, per team or value stream."""
    return alt.Chart(retro).mark_bar().encode(
        y=alt.Y(f"{by}:N", title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("count():Q", title="Key results", axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("band:N", scale=alt.Scale(domain=BANDS, range=list(BAND_COLORS)), title="Final achievement",
                        sort=BANDS),
        order=alt.Order("band_order:Q"),
        tooltip=[f"{by}:N", "band:N", "count():Q"],
    ).transform_calculate(band_order=f"indexof({BANDS}, datum.band)").properties(title=_title(title, subtitle))
