"""The app's charts (Vega-Altair, which Streamlit draws): throughput against stability
with 95 % intervals, one point per run, and the runs over time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from sim.analysis.tradeoff import STABILITY_YEARS
from sim.app.runs import OVER_TIME, Point
from sim.app.text import metric, say

THROUGHPUT = "throughput_per_100_units"
STABILITY = ("forced_moves_per_100_tenant_years", "share_permanent_need_moved")


def points_frame(points: Sequence[Point]) -> pd.DataFrame:
    """One row per run: its number, label and the measures with their intervals."""
    rows = []
    for number, point in enumerate(points, start=1):
        row = {"run": number, "label": f"{number}. {point.label}"}
        for name in (THROUGHPUT, *STABILITY, "wait_years_mean", "hospits_nights_per_year"):
            for suffix in ("", "_ci_low", "_ci_high"):
                row[name + suffix] = float(point.measures[name + suffix])
        rows.append(row)
    return pd.DataFrame(rows)


def _axis_title(stability: str, language: str) -> str:
    if stability == STABILITY[0]:
        return say("forced_per_100", language)
    return say("share_moved", language, years=STABILITY_YEARS)


def tradeoff_chart(points: Sequence[Point], language: str) -> Any:
    """Two panels side by side: throughput against each stability measure."""
    data = points_frame(points)
    throughput = say("throughput", language)
    panels = []
    for stability in STABILITY:
        base = alt.Chart(data)
        x_title = _axis_title(stability, language)
        share = stability == STABILITY[1]
        x = alt.X(
            f"{stability}:Q",
            title=x_title,
            scale=alt.Scale(zero=False, padding=20),
            axis=alt.Axis(format="%" if share else "~g"),
        )
        y = alt.Y(f"{THROUGHPUT}:Q", title=throughput, scale=alt.Scale(zero=False, padding=20))
        colour = alt.Color("label:N", title=say("run_label", language), legend=None)
        tooltip = [
            alt.Tooltip("label:N", title=say("run_label", language)),
            alt.Tooltip(f"{THROUGHPUT}:Q", title=throughput, format=".1f"),
            alt.Tooltip(f"{stability}:Q", title=x_title, format=".1%" if share else ".1f"),
        ]
        dots = base.mark_circle(size=90, opacity=1).encode(x=x, y=y, color=colour, tooltip=tooltip)
        x_bar = base.mark_rule().encode(
            x=alt.X(f"{stability}_ci_low:Q"), x2=f"{stability}_ci_high:Q", y=y, color=colour
        )
        y_bar = base.mark_rule().encode(
            x=x, y=alt.Y(f"{THROUGHPUT}_ci_low:Q"), y2=f"{THROUGHPUT}_ci_high:Q", color=colour
        )
        names = base.mark_text(align="left", dx=8, dy=-8, fontSize=11).encode(
            x=x, y=y, text="run:N", color=colour
        )
        panels.append((x_bar + y_bar + dots + names).properties(width=330, height=300))
    return alt.hconcat(*panels).properties(title=say("chart_title", language))


def over_time_frame(points: Sequence[Point]) -> pd.DataFrame:
    """The runs' yearly series, stacked: run, label, metric, year, mean, ci_low, ci_high."""
    frames = []
    for number, point in enumerate(points, start=1):
        frame = point.over_time.copy()
        frame.insert(0, "label", f"{number}. {point.label}")
        frame.insert(0, "run", number)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def over_time_chart(points: Sequence[Point], language: str) -> Any:
    """Waiting list, forced moves and hospits nights by year: a line per run with its
    95 % band."""
    data = over_time_frame(points)
    charts = []
    for name in OVER_TIME:
        rows = data[data.metric == name]
        base = alt.Chart(rows).encode(
            x=alt.X("year:O", title=say("year", language)),
            color=alt.Color("label:N", title=say("run_label", language)),
        )
        band = base.mark_area(opacity=0.15).encode(y="ci_low:Q", y2="ci_high:Q")
        line = base.mark_line(point=True).encode(
            y=alt.Y("mean:Q", title=metric(name, language, with_unit=True)),
            tooltip=[
                alt.Tooltip("label:N", title=say("run_label", language)),
                alt.Tooltip("year:O", title=say("year", language)),
                alt.Tooltip("mean:Q", format=".1f"),
                alt.Tooltip("ci_low:Q", format=".1f"),
                alt.Tooltip("ci_high:Q", format=".1f"),
            ],
        )
        charts.append((band + line).properties(width=250, height=200, title=metric(name, language)))
    return alt.hconcat(*charts).resolve_scale(color="shared")
