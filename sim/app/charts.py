"""The app's charts as Vega-Lite specifications (which Streamlit draws): throughput
against stability with 95 % intervals, one point per run; the full grid as a frontier, a
line per renewal rule through the contract lengths; and the runs over time.

Every measure drawn is a count, rate or share, never below zero: axes start at 0 and an
interval's lower end is cut at 0 (the caption says so). Numbers on the axes and in the
tooltips are formatted in the page's language (``config.locale``, which Streamlit's
Vega-Lite renderer passes on to Vega).

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
from sim.app.text import TEXT, contract, metric, say

THROUGHPUT = "first_housed_per_100_units"  # households housed for the first time
STABILITY = ("forced_moves_per_100_tenant_years", "share_permanent_need_moved")
MEASURES = (THROUGHPUT, *STABILITY, "wait_years_mean", "hospits_nights_per_year")

Spec = dict[str, Any]

NUMBER_LOCALE: dict[str, Spec] = {
    "nb": {
        "decimal": ",",
        "thousands": "\u00a0",
        "grouping": [3],
        "currency": ["", "\u00a0kr"],
        "percent": "\u00a0%",
        "minus": "\u2212",
    },
}
"""Vega's number locale per language (d3-format's definition); English uses Vega's own."""

AXIS_FROM_ZERO: Spec = {"zero": True, "domainMin": 0, "nice": True}
"""A scale for a measure that cannot be negative: from 0, no negative ticks."""


def chart_config(language: str) -> Spec:
    """The top-level ``config`` of a chart in ``language``: its number locale."""
    number = NUMBER_LOCALE.get(language)
    return {"locale": {"number": number}} if number else {}


def _with_config(spec: Spec, language: str) -> Spec:
    config = chart_config(language)
    return {**spec, "config": config} if config else spec


def clip_intervals(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``frame`` with each ``<column>_ci_low`` (or ``ci_low``) raised to 0 where below:
    the measures are counts, rates and shares, and an interval of one does not cross 0."""
    frame = frame.copy()
    for name in columns:
        if name in frame:
            frame[name] = frame[name].clip(lower=0.0)
    return frame


def points_frame(points: Sequence[Point]) -> pd.DataFrame:
    """One row per run: its number, label and the measures with their intervals."""
    rows = []
    for number, point in enumerate(points, start=1):
        row: dict[str, Any] = {"run": number, "label": f"{number}. {point.label}"}
        for name in MEASURES:
            for suffix in ("", "_ci_low", "_ci_high"):
                row[name + suffix] = float(point.measures[name + suffix])
        rows.append(row)
    frame = pd.DataFrame(rows)
    return clip_intervals(frame, [f"{name}_ci_low" for name in MEASURES])


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
    y_scale = AXIS_FROM_ZERO
    panels = []
    for stability in STABILITY:
        share = stability == STABILITY[1]
        title = measure_label(stability, language, STABILITY_YEARS)
        x = _quantity(
            stability,
            title=title,
            scale=AXIS_FROM_ZERO,
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
    spec = {"title": say("chart_title", language), "hconcat": panels}
    return data, _with_config(spec, language)


def over_time_frame(points: Sequence[Point]) -> pd.DataFrame:
    """The runs' yearly series, stacked: run, label, metric, year, mean, ci_low, ci_high."""
    frames = []
    for number, point in enumerate(points, start=1):
        frame = point.over_time.copy()
        frame.insert(0, "label", f"{number}. {point.label}")
        frame.insert(0, "run", number)
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    return clip_intervals(pd.concat(frames, ignore_index=True), ["ci_low"])


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
                "y": _quantity(
                    "mean", title=metric(name, language, with_unit=True), scale=AXIS_FROM_ZERO
                ),
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
    spec = {"hconcat": panels, "resolve": {"scale": {"color": "shared"}}}
    return data, _with_config(spec, language)


PERMANENT_ORDER = 1000.0
"""Where permanent contracts come in a rule's line: after every time limit."""

RULE_ORDER = ("strict", "discretionary", "needs_based", "differentiated", "always")
"""Renewal rules from the strictest: the order of the legend and of the lines."""

GRID_KEYS = frozenset({"contract_years", "renewal"})
"""The changes a point of the full grid may have (any other makes it no grid point)."""


def grid_place(
    found: Sequence[Any], contract_years: float | None, renewal: str
) -> tuple[float | None, str] | None:
    """A run's contract length and renewal rule: its changes' (``found``, each with
    ``key`` and ``value``), else the baseline's ``contract_years`` and ``renewal``;
    ``None`` for a run that changed anything else (it is no point of the grid)."""
    if any(change.key not in GRID_KEYS for change in found):
        return None
    for change in found:
        if change.key == "contract_years":
            contract_years = change.value
        elif change.key == "renewal":
            renewal = str(change.value[0] if isinstance(change.value, tuple) else change.value)
    return contract_years, renewal


def rule_name(rule: str, language: str) -> str:
    """A renewal rule's short name: ``strict``, ``streng``."""
    return say(f"rule_{rule}", language) if f"rule_{rule}" in TEXT else rule


def _tags(frame: pd.DataFrame, x: str, y: str, near: float = 0.03) -> list[str]:
    """The contract length to write beside each point, left out where an earlier point
    already labelled lies within ``near`` of the axes' ranges (labels would overlap)."""
    width = max(float(frame[x].max()), 1e-9)
    height = max(float(frame[y].max()), 1e-9)
    placed: list[tuple[float, float]] = []
    tags = []
    for row in frame.itertuples(index=False):
        at = (float(getattr(row, x)) / width, float(getattr(row, y)) / height)
        if any(abs(at[0] - p[0]) < near and abs(at[1] - p[1]) < near for p in placed):
            tags.append("")
            continue
        placed.append(at)
        tags.append(str(row.contract))
    return tags


def frontier_frame(
    history: Sequence[tuple[Sequence[Any], Point]],
    contract_years: float | None,
    renewal: str,
    language: str,
) -> pd.DataFrame:
    """The grid points of ``history`` (pairs of a run's changes and its point), one row
    per contract length and renewal rule (the last run of each), the baseline's place
    from ``contract_years`` and ``renewal``: rule, renewal (its name), contract (text),
    order (years; permanent last), baseline (the run changed nothing), the measures with
    their intervals (cut at 0) and a label per panel (``tag_<measure>``)."""
    places = [grid_place(found, contract_years, renewal) for found, _ in history]
    kept = [
        (place, found, point)
        for place, (found, point) in zip(places, history, strict=True)
        if place
    ]
    if not kept:
        return pd.DataFrame()
    frame = points_frame([point for _, _, point in kept])
    frame["rule"] = [rule for (_, rule), _, _ in kept]
    frame["renewal"] = [rule_name(rule, language) for rule in frame.rule]
    years = [years for (years, _), _, _ in kept]
    frame["contract"] = [contract(value, language) for value in years]
    frame["order"] = [PERMANENT_ORDER if value is None else float(value) for value in years]
    frame["baseline"] = [not found for _, found, _ in kept]
    frame = frame.drop_duplicates(["rule", "order"], keep="last")
    rank = frame.rule.map(lambda rule: RULE_ORDER.index(rule) if rule in RULE_ORDER else 99)
    frame = frame.assign(rank=rank).sort_values(["rank", "order"])
    frame = frame.drop(columns="rank").reset_index(drop=True)
    for stability in STABILITY:
        frame[f"tag_{stability}"] = _tags(frame, stability, THROUGHPUT)
    return frame


def frontier_chart(
    history: Sequence[tuple[Sequence[Any], Point]],
    contract_years: float | None,
    renewal: str,
    language: str,
) -> tuple[pd.DataFrame, Spec]:
    """Data and specification of the full grid as a frontier: throughput against each
    stability measure, one colour and one line per renewal rule through the contract
    lengths in order (1, 3, 5 years, permanent), each point named by its contract length,
    the baseline once as a black diamond, 95 % intervals cut at 0 and axes from 0.

    ``history`` is the trade-off page's runs (each run's list of changes, with ``key``
    and ``value``, and its point); ``contract_years`` and ``renewal`` are the baseline's
    for the chosen dwellings (``baseline_controls(...).contract_years`` and
    ``.renewal``). Runs that changed anything besides contract length and renewal rule
    are left out."""
    data = frontier_frame(history, contract_years, renewal, language)
    rules = list(dict.fromkeys(data.renewal)) if len(data) else []
    colour: Spec = {
        "field": "renewal",
        "type": "nominal",
        "title": say("rule_title", language),
        "sort": rules,
        "legend": {"orient": "bottom", "labelLimit": 400},
    }
    throughput = measure_label(THROUGHPUT, language)
    panels = []
    for stability in STABILITY:
        share = stability == STABILITY[1]
        title = measure_label(stability, language, STABILITY_YEARS)
        x = _quantity(
            stability, title=title, scale=AXIS_FROM_ZERO, axis={"format": "%" if share else "~g"}
        )
        y = _quantity(THROUGHPUT, title=throughput, scale=AXIS_FROM_ZERO)
        tooltip = [
            {"field": "renewal", "type": "nominal", "title": say("rule_title", language)},
            {"field": "contract", "type": "nominal", "title": say("contract", language)},
            _quantity(THROUGHPUT, title=throughput, format=".1f"),
            _quantity(stability, title=title, format=".1%" if share else ".1f"),
        ]
        whiskers = {"type": "rule", "opacity": 0.45}
        layers: list[Spec] = [
            {
                "mark": whiskers,
                "encoding": {
                    "x": _quantity(f"{stability}_ci_low"),
                    "x2": {"field": f"{stability}_ci_high"},
                    "y": y,
                    "color": colour,
                },
            },
            {
                "mark": whiskers,
                "encoding": {
                    "x": x,
                    "y": _quantity(f"{THROUGHPUT}_ci_low"),
                    "y2": {"field": f"{THROUGHPUT}_ci_high"},
                    "color": colour,
                },
            },
            {
                "mark": {"type": "line", "strokeWidth": 2},
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": colour,
                    "detail": {"field": "renewal", "type": "nominal"},
                    "order": {"field": "order", "type": "quantitative"},
                },
            },
            {
                "mark": {"type": "circle", "size": 70, "opacity": 1},
                "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip},
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 7, "dy": -7, "fontSize": 11},
                "encoding": {
                    "x": x,
                    "y": y,
                    "text": {"field": f"tag_{stability}", "type": "nominal"},
                    "color": colour,
                },
            },
            {
                "transform": [{"filter": "datum.baseline"}],
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "filled": True,
                    "size": 170,
                    "color": "black",
                },
                "encoding": {"x": x, "y": y, "tooltip": tooltip},
            },
            {
                "transform": [{"filter": "datum.baseline"}],
                "mark": {
                    "type": "text",
                    "align": "right",
                    "dx": -10,
                    "dy": 10,
                    "fontSize": 11,
                    "fontWeight": "bold",
                    "color": "black",
                },
                "encoding": {"x": x, "y": y, "text": {"value": say("label_baseline", language)}},
            },
        ]
        panels.append({"width": 330, "height": 300, "layer": layers})
    spec = {"title": say("frontier_title", language), "hconcat": panels}
    return data, _with_config(spec, language)
