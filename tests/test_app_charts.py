"""The app's charts read as specifications: the full grid as a frontier (a colour and a
line per renewal rule, contract lengths in order, the baseline once), axes from 0,
intervals cut at 0 and Norwegian number formatting."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest

from sim.app.charts import (
    MEASURES,
    STABILITY,
    THROUGHPUT,
    frontier_chart,
    grid_place,
    over_time_chart,
    tradeoff_chart,
)
from sim.app.runs import Point

CONTRACTS: tuple[float | None, ...] = (1.0, 3.0, 5.0, None)
RULES = ("strict", "discretionary", "needs_based", "differentiated")


@dataclass(frozen=True)
class Change:
    key: str
    value: Any


def point(throughput: float, moves: float, share: float, low: float = -0.5) -> Point:
    """A run with the given means; every interval reaches ``low`` below its mean."""
    means = {THROUGHPUT: throughput, STABILITY[0]: moves, STABILITY[1]: share}
    measures: dict[str, float] = {}
    for name in MEASURES:
        mean = means.get(name, 1.0)
        measures.update({name: mean, f"{name}_ci_low": mean + low, f"{name}_ci_high": mean + 1})
    over_time = pd.DataFrame(
        {
            "metric": ["waiting", "forced_moves", "hospits_nights"],
            "year": [2010, 2010, 2010],
            "mean": [0.75, 2.5, 1234.5],
            "ci_low": [-0.77, 1.0, 1000.0],
            "ci_high": [2.27, 4.0, 1500.0],
        }
    )
    return Point("run", (), measures, over_time, 2, 0.1, False)


def grid_history(
    base_years: float | None = 3.0, base_rule: str = "needs_based"
) -> list[tuple[list[Change], Point]]:
    """A baseline run, the 16 grid runs (as the page makes them: only what differs from
    the baseline is a change) and one run with another change."""
    history: list[tuple[list[Change], Point]] = [([], point(20.0, 2.0, 0.2))]
    for years in CONTRACTS:
        for i, rule in enumerate(RULES):
            found = []
            if years != base_years:
                found.append(Change("contract_years", years))
            if rule != base_rule:
                found.append(Change("renewal", (rule, 0.5 if rule == "discretionary" else None)))
            length = 0.0 if years is None else 10 / years
            throughput = 10 + length * (1 + i / 5)  # with permanent contracts, rules agree
            history.append((found, point(throughput, length * (i + 1) / 4, 0.02 * length)))
    history.append(([Change("flexbo_units", (10, "rus"))], point(30.0, 1.0, 0.1)))
    return history


def layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [layer for panel in spec["hconcat"] for layer in panel["layer"]]


def test_grid_place_reads_changes_over_the_baselines_values() -> None:
    assert grid_place([], 3.0, "needs_based") == (3.0, "needs_based")
    assert grid_place([Change("renewal", ("strict", None))], None, "always") == (None, "strict")
    assert grid_place([Change("contract_years", 1.0)], 3.0, "strict") == (1.0, "strict")
    assert grid_place([Change("followup_capacity", 20)], 3.0, "strict") is None


def test_frontier_has_a_colour_and_a_line_per_rule_in_contract_order() -> None:
    data, spec = frontier_chart(grid_history(), 3.0, "needs_based", "nb")
    assert len(data) == 16  # the baseline run is the grid's (3 years, needs-based) point
    assert set(data.rule) == set(RULES)
    for rule in RULES:
        rows = data[data.rule == rule].sort_values("order")
        assert list(rows.contract) == ["1 år", "3 år", "5 år", "fast"]
    assert data.baseline.sum() == 1
    base = data[data.baseline].iloc[0]
    assert (base.rule, base.contract) == ("needs_based", "3 år")
    assert len(spec["hconcat"]) == 2
    for panel in spec["hconcat"]:
        colours = {
            layer["encoding"]["color"]["field"]
            for layer in panel["layer"]
            if "color" in layer["encoding"]
        }
        assert colours == {"renewal"}
        lines = [layer for layer in panel["layer"] if layer["mark"]["type"] == "line"]
        assert len(lines) == 1
        encoding = lines[0]["encoding"]
        assert encoding["detail"]["field"] == "renewal" == encoding["color"]["field"]
        assert encoding["order"]["field"] == "order"
        diamonds = [layer for layer in panel["layer"] if layer["mark"].get("shape") == "diamond"]
        assert len(diamonds) == 1 and diamonds[0]["transform"] == [{"filter": "datum.baseline"}]
    assert set(data.renewal) == {"streng", "etter skjønn", "behovsbasert", "differensiert"}
    assert list(data.sort_values("order").order.unique()) == [1.0, 3.0, 5.0, 1000.0]


def test_frontier_baseline_off_the_grid_is_drawn_once() -> None:
    history = grid_history(2.0, "always")
    history.append(([], point(20.0, 2.0, 0.2)))  # the baseline run again
    data, _ = frontier_chart(history, 2.0, "always", "en")
    assert len(data) == 17 and data.baseline.sum() == 1
    assert data[data.baseline].iloc[0].contract == "2 years"


def test_frontier_labels_points_without_repeating_a_place() -> None:
    data, _ = frontier_chart(grid_history(), 3.0, "needs_based", "en")
    for stability in STABILITY:
        tags = data[f"tag_{stability}"]
        permanent = tags[data.order == 1000.0]
        # permanent contracts are the same whatever the rule: one label, not four
        assert list(permanent).count("permanent") == 1
        assert set(tags[data.order == 1.0]) == {"1 year"}


@pytest.mark.parametrize("make", ["tradeoff", "frontier", "over_time"])
def test_axes_start_at_zero_and_intervals_do_not_cross_it(make: str) -> None:
    history = grid_history()
    if make == "tradeoff":
        data, spec = tradeoff_chart([p for _, p in history], "en")
    elif make == "frontier":
        data, spec = frontier_chart(history, 3.0, "needs_based", "en")
    else:
        data, spec = over_time_chart([p for _, p in history], "en")
    low = [column for column in data.columns if column.endswith("ci_low")]
    assert low and all((data[column] >= 0).all() for column in low)
    if make != "over_time":
        assert (data[f"{THROUGHPUT}_ci_low"] == data[THROUGHPUT] - 0.5).all()  # not cut
    scales = [
        channel["scale"]
        for layer in layers(spec)
        for name, channel in layer["encoding"].items()
        if name in ("x", "y") and "scale" in channel
    ]
    assert scales and all(s["domainMin"] == 0 and s["zero"] is True for s in scales)
    assert "padding" not in json.dumps(scales)


def test_norwegian_charts_format_numbers_with_a_decimal_comma() -> None:
    history = grid_history()
    points = [p for _, p in history]
    for _, spec in (
        tradeoff_chart(points, "nb"),
        frontier_chart(history, 3.0, "needs_based", "nb"),
        over_time_chart(points, "nb"),
    ):
        number = spec["config"]["locale"]["number"]
        assert number["decimal"] == "," and number["thousands"] == "\u00a0"
        assert number["grouping"] == [3]
    for _, spec in (tradeoff_chart(points, "en"), over_time_chart(points, "en")):
        assert "locale" not in spec.get("config", {})


def test_frontier_legend_runs_from_the_strictest_rule() -> None:
    _, spec = frontier_chart(grid_history(), 3.0, "needs_based", "en")
    colour = spec["hconcat"][0]["layer"][0]["encoding"]["color"]
    assert colour["sort"] == ["strict", "at discretion", "needs-based", "differentiated"]


def test_frontier_of_the_pages_grid_runs() -> None:
    """The runs as the trade-off page's full grid makes them (its changes from the
    baseline's controls), the baseline's place from its controls."""
    from pathlib import Path

    from sim.app import controls as ctl
    from sim.config.loader import load_scenario

    base = load_scenario(Path(__file__).parent / "data" / "app-small.yaml")
    start = ctl.baseline_controls(base)
    history = []
    for n, (years, rule) in enumerate((y, r) for y in CONTRACTS for r in RULES):
        found = ctl.changes(base, ctl.replace(start, contract_years=years, renewal=rule))
        history.append((found, point(10.0 + n, 1.0 + n % 4, 0.1)))
    data, _ = frontier_chart(history, start.contract_years, start.renewal, "nb")
    assert len(data) == 16 and data.groupby("rule").size().to_dict() == dict.fromkeys(RULES, 4)
    on_grid = (start.contract_years in CONTRACTS) and (start.renewal in RULES)
    assert data.baseline.sum() == int(on_grid)
