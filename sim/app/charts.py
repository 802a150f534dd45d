"""The app's charts as Vega-Lite specifications (which Streamlit draws): throughput
against stability with 95 % intervals, one point per run, and the runs over time.

The specifications are written as plain data, not built with Altair: building and
validating Altair objects took about 0.3 s per redraw, a tenth of a run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from sim.analysis.labels import measure_label
from sim.analysis.tradeoff import STABILITY_YEARS
from sim.app.runs import OVER_TIME, Point
from sim.app.text import metric, say

THROUGHPUT = "first_housed_per_100_units"  # households housed for the first time
STABILITY = ("forced_moves_per_100_tenant_years", "share_permanent_need_moved")
MEASURES = (THROUGHPUT, *STABILITY, "wait_years_mean", "hospits_nights_per_year")

Spec = dict[str, Any]


def points_frame(points: Sequence[Point]) -> pd.DataFrame:
    """One row per run: its number, label and the measures with their intervals."""
    rows = []
    for number, point in enumerate(points, start=1):
        row: dict[str, Any] = {"run": number, "label": f"{number}. {point.label}"}
        for name in MEASURES:
            for suffix in ("", "_ci_low", "_ci_high"):
                row[name + suffix] = float(point.measures[name + suffix])
        rows.append(row)
    return pd.DataFrame(rows)


def _quantity(field: str, **more: Any) -> Spec:
    return {"field": field, "type": "quantitative", **more}


def _colour(labels: list[str], language: str, legend: bool) -> Spec:
    colour: Spec = {
        "field": "label",
        "type": "nominal",
        "title": say("run_label", language),
        "sort": labels,
    }
    colour["legend"] = {"orient": "bottom", "columns": 2, "labelLimit": 500} if legend else None
    return colour


def tradeoff_chart(points: Sequence[Point], language: str) -> tuple[pd.DataFrame, Spec]:
    """Data and specification: throughput against each stability measure, side by side,
    every point with its 95 % intervals both ways and its run number."""
    data = points_frame(points)
    colour = _colour(list(data.label), language, legend=True)
    throughput = measure_label(THROUGHPUT, language)
    y_scale = {"zero": False, "padding": 20}
    panels = []
    for stability in STABILITY:
        share = stability == STABILITY[1]
        title = measure_label(stability, language, STABILITY_YEARS)
        x = _quantity(
            stability,
            title=title,
            scale={"zero": False, "padding": 20},
            axis={"format": "%" if share else "~g"},
        )
        y = _quantity(THROUGHPUT, title=throughput, scale=y_scale)
        tooltip = [
            {"field": "label", "type": "nominal", "title": say("run_label", language)},
            _quantity(THROUGHPUT, title=throughput, format=".1f"),
            _quantity(stability, title=title, format=".1%" if share else ".1f"),
        ]
        layers = [
            {
                "mark": "rule",
                "encoding": {
                    "x": _quantity(f"{stability}_ci_low"),
                    "x2": {"field": f"{stability}_ci_high"},
                    "y": y,
                    "color": colour,
                },
            },
            {
                "mark": "rule",
                "encoding": {
                    "x": x,
                    "y": _quantity(f"{THROUGHPUT}_ci_low"),
                    "y2": {"field": f"{THROUGHPUT}_ci_high"},
                    "color": colour,
                },
            },
            {
                "mark": {"type": "circle", "size": 90, "opacity": 1},
                "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip},
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 8, "dy": -8, "fontSize": 11},
                "encoding": {
                    "x": x,
                    "y": y,
                    "text": {"field": "run", "type": "nominal"},
                    "color": colour,
                },
            },
        ]
        panels.append({"width": 330, "height": 300, "layer": layers})
    return data, {"title": say("chart_title", language), "hconcat": panels}


def over_time_frame(points: Sequence[Point]) -> pd.DataFrame:
    """The runs' yearly series, stacked: run, label, metric, year, mean, ci_low, ci_high."""
    frames = []
    for number, point in enumerate(points, start=1):
        frame = point.over_time.copy()
        frame.insert(0, "label", f"{number}. {point.label}")
        frame.insert(0, "run", number)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def over_time_chart(points: Sequence[Point], language: str) -> tuple[pd.DataFrame, Spec]:
    """Data and specification: waiting list, forced moves and hospits nights by year, a
    line per run with its 95 % band."""
    data = over_time_frame(points)
    colour = _colour(list(dict.fromkeys(data.label)), language, legend=False)
    year = {"field": "year", "type": "ordinal", "title": say("year", language)}
    panels = []
    for name in OVER_TIME:
        tooltip = [
            {"field": "label", "type": "nominal", "title": say("run_label", language)},
            {"field": "year", "type": "ordinal", "title": say("year", language)},
            _quantity("mean", format=".1f"),
            _quantity("ci_low", format=".1f"),
            _quantity("ci_high", format=".1f"),
        ]
        band = {
            "mark": {"type": "area", "opacity": 0.15},
            "encoding": {
                "x": year,
                "y": _quantity("ci_low"),
                "y2": {"field": "ci_high"},
                "color": colour,
            },
        }
        line = {
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": year,
                "y": _quantity("mean", title=metric(name, language, with_unit=True)),
                "color": colour,
                "tooltip": tooltip,
            },
        }
        panels.append(
            {
                "title": metric(name, language),
                "width": 190,
                "height": 190,
                "transform": [{"filter": {"field": "metric", "equal": name}}],
                "layer": [band, line],
            }
        )
    return data, {"hconcat": panels, "resolve": {"scale": {"color": "shared"}}}
