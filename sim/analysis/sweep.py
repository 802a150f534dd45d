"""Grids of scenario variants (``sim sweep``) and the throughput–stability trade-off.

Every grid point runs with the scenario's seed, so replication r of each point shares its
random numbers with replication r of every other point (common random numbers).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import yaml
from matplotlib.ticker import MaxNLocator

from sim.analysis.figures import new_figure
from sim.analysis.statistics import mean_interval
from sim.config.errors import InputError, Problem, brief_text
from sim.config.loader import load_scenario, option_overrides
from sim.config.schema import Scenario
from sim.config.yaml_io import parse_yaml
from sim.runner.replications import Results, run_scenario

SWEEP_METRICS = [
    "waiting",
    "allocations",
    "wait_years_mean",
    "hospits_nights",
    "forced_moves",
    "moves_per_100_tenant_years",
    "new_allocations_per_100_units",
]


def parse_vary(texts: list[str] | tuple[str, ...]) -> list[tuple[str, list[Any]]]:
    """``KEY=V1,V2,...`` or ``KEY=[V1, V2, ...]`` → (key, [values]), values read as YAML.

    The bracketed form is one YAML list, so its values may themselves hold commas: a
    yearly series, ``groups.g.applications_per_year=[{2010: 5, 2012: 8}, 10]``.
    """
    axes: list[tuple[str, list[Any]]] = []
    for text in texts:
        key, sep, raw = text.partition("=")
        key = key.strip()
        if not sep or not key or any(not part.strip() for part in key.split(".")):
            raise _vary_error(
                brief_text(text),
                "must look like KEY=V1,V2,... or KEY=[V1, V2, ...], "
                "e.g. stock.ordinary.contract_years=1,3,5",
            )
        values = _vary_values(key, raw)
        if key in [k for k, _ in axes]:
            raise _vary_error(key, "is varied twice; give each key once")
        axes.append((key, values))
    if not axes:
        raise _vary_error("", "give at least one --vary KEY=V1,V2,...")
    return axes


def _vary_values(key: str, raw: str) -> list[Any]:
    empty = "needs a non-empty list of values, e.g. policy.renewal=strict,always"
    shown = brief_text(key, 80)
    if raw.lstrip().startswith("["):
        values = parse_yaml(raw, "--vary", InputError, shown)
        if not isinstance(values, list):
            raise _vary_error(shown, "a bracketed list must be one YAML list, e.g. [1, 3, 5]")
        if not values:
            raise _vary_error(shown, empty)
        return values
    pieces = raw.split(",")
    if any(not piece.strip() for piece in pieces):
        raise _vary_error(shown, empty)
    return [parse_yaml(piece, "--vary", InputError, shown) for piece in pieces]


def _vary_error(key: str, message: str) -> InputError:
    return InputError([Problem("--vary", key, message)])


def expand_grid(axes: list[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
    """The full grid, the first axis varying slowest (as nested loops in the given order)."""
    keys = [key for key, _ in axes]
    return [
        dict(zip(keys, combo, strict=True))
        for combo in itertools.product(*(values for _, values in axes))
    ]


def _setting(key: str, value: Any) -> str:
    text = "null" if value is None else yaml.safe_dump(value, default_flow_style=True).strip()
    return f"{key}={text.removesuffix(chr(10) + '...')}"


def shown_value(key: str, value: Any) -> str:
    """A varied value as policy names show it: a missing contract length is "permanent".

    Also reads values back from a table, where a missing value is NaN and whole numbers
    may have become floats.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "permanent" if key.split(".")[-1] == "contract_years" else "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def point_label(point: dict[str, Any]) -> str:
    """A short policy name: the last part of each key and its value."""
    return ", ".join(
        f"{key.split('.')[-1]}={shown_value(key, value)}" for key, value in point.items()
    )


@dataclass
class GridRun:
    point: dict[str, Any]
    scenario: Scenario
    results: Results


def run_grid(
    path: Path,
    axes: list[tuple[str, list[Any]]],
    replications: int | None,
    jobs: int,
    households: bool = False,
    overrides: tuple[str, ...] = (),
    on_replication_done: Callable[[int], None] | None = None,
) -> list[GridRun]:
    """Validate every grid point first (so no run starts on a bad grid), then run them."""
    base_overrides = option_overrides(overrides, None, None, replications)
    points = expand_grid(axes)
    scenarios = []
    problems: list[Problem] = []
    for point in points:
        settings = [_setting(key, value) for key, value in point.items()]
        try:
            scenarios.append(load_scenario(path, [*base_overrides, *settings]))
        except InputError as error:
            problems.extend(p for p in error.problems if p not in problems)
    if problems:
        raise InputError(problems)
    return [
        GridRun(
            point, scenario, run_scenario(scenario, None, jobs, households, on_replication_done)
        )
        for point, scenario in zip(points, scenarios, strict=True)
    ]


def sweep_table(runs: list[GridRun], metrics: list[str]) -> pd.DataFrame:
    """One row per grid point, metric and year (and ``all``: mean over the years)."""
    rows = []
    for run in runs:
        yearly = run.results.yearly
        totals = yearly[
            (yearly.group == "") & (yearly.category == "") & yearly.metric.isin(metrics)
        ]
        wide = totals.pivot_table(
            index="replication", columns=["metric", "year"], values="value", dropna=False
        )
        for metric in metrics:
            if metric not in wide.columns.get_level_values(0):
                continue
            block = wide[metric]
            columns = [
                *((str(y), block[y].to_numpy(dtype=float)) for y in block.columns),
                ("all", block.mean(axis=1).to_numpy(dtype=float)),
            ]
            for year, values in columns:
                mean, low, high = mean_interval(values)
                rows.append(
                    {
                        **run.point,
                        "metric": metric,
                        "year": year,
                        "mean": mean,
                        "ci_low": low,
                        "ci_high": high,
                        "n": int(np.sum(~np.isnan(values))),
                    }
                )
    return pd.DataFrame(rows)


# --- the throughput–stability trade-off ------------------------------------------------

STABILITY_YEARS = 10


def tradeoff_table(runs: list[GridRun]) -> pd.DataFrame:
    """Per policy: throughput, stability (two measures), mean wait and hospits nights.

    Per replication, over the reported years: throughput = 100 × new allocations / unit-
    years; forced moves per 100 tenant-years = 100 × forced moves / tenant-years; the share
    of permanent-need tenants (tenants at some time in the first ten reported years) with
    at least one forced move in those years; the mean wait of households housed and the
    hospits nights per year. Means with 95 % t-intervals over replications.
    """
    rows = []
    for run in runs:
        yearly = run.results.yearly
        totals = yearly[(yearly.group == "") & (yearly.category == "")]
        sums = totals.pivot_table(
            index="replication", columns="metric", values="value", aggfunc="sum"
        )
        years = run.scenario.time.years
        allocations = (
            totals[totals.metric == "allocations"].set_index(["replication", "year"]).value
        )
        waits = (
            totals[totals.metric == "wait_years_mean"]
            .set_index(["replication", "year"])
            .value.fillna(0.0)
        )
        mean_wait = (waits * allocations).groupby("replication").sum() / allocations.groupby(
            "replication"
        ).sum()
        measures = {
            "throughput_per_100_units": 100 * sums.allocations / sums.unit_years,
            "forced_moves_per_100_tenant_years": 100 * sums.forced_moves / sums.tenant_years,
            "share_permanent_need_moved": _share_moved(run),
            "wait_years_mean": mean_wait,
            "hospits_nights_per_year": sums.hospits_nights / years,
        }
        row: dict[str, Any] = {"policy": point_label(run.point), **run.point}
        for name, series in measures.items():
            mean, low, high = mean_interval(np.asarray(series, dtype=float))
            row.update({name: mean, f"{name}_ci_low": low, f"{name}_ci_high": high})
        rows.append(row)
    return pd.DataFrame(rows)


def _share_moved(run: GridRun) -> pd.Series:
    households = run.results.households
    if households is None:
        return pd.Series(dtype=float)
    start = run.scenario.time.start
    end = start + min(STABILITY_YEARS, run.scenario.time.years)
    shares = {}
    for replication, block in households[households.permanent_need].groupby("replication"):
        tenants = 0
        moved = 0
        for moves in block.moves:
            housed = [m for m in moves if m["kind"] in ("allocation", "transfer")]
            if not housed:
                continue
            first = housed[0]["time"]
            exits = [m["time"] for m in moves if m["kind"] == "forced_move"]
            tenants += 1 if first < end else 0
            moved += 1 if first < end and any(start <= t < end for t in exits) else 0
        shares[replication] = moved / tenants if tenants else math.nan
    return pd.Series(shares)


def _point_keys(table: pd.DataFrame) -> list[str]:
    """The varied keys: the columns between ``policy`` and the first measure."""
    columns = list(table.columns)
    return columns[columns.index("policy") + 1 : columns.index("throughput_per_100_units")]


def _name_points(ax: Any, table: pd.DataFrame, stability: str) -> None:
    """Write each policy's values beside its point, moved apart so that no two overlap.

    Policies with the same point (e.g. every renewal rule under permanent contracts) share
    one label, with their differing values joined by "/".
    """
    from adjustText import adjust_text  # imports pyplot: only when a figure is drawn

    keys = _point_keys(table)
    spots: dict[tuple[float, float], list[int]] = {}
    for i, row in enumerate(table.itertuples()):
        spot = (float(getattr(row, stability)), float(row.throughput_per_100_units))
        spots.setdefault(spot, []).append(i)
    low, high = ax.get_xlim()
    shift = 0.02 * (high - low)  # start right of the point, clear of its marker
    texts = []
    for (x, y), rows in spots.items():
        parts = []
        for key in keys:
            values = dict.fromkeys(shown_value(key, table[key].iloc[i]) for i in rows)
            parts.append("/".join(values))
        texts.append(
            ax.text(x + shift, y, ", ".join(parts), fontsize=7.5, color="0.1", va="center")
        )
    points = list(spots)
    adjust_text(
        texts,
        x=[x for x, _ in points],
        y=[y for _, y in points],
        ax=ax,
        arrowprops={"arrowstyle": "-", "color": "0.45", "lw": 0.6},
    )


def tradeoff_figure(table: pd.DataFrame, path: Path, caption: str) -> Path:
    """Throughput against stability, with intervals; mean wait and hospits nights below."""

    fig, axes = new_figure(2, 2, figsize=(15, 9.5))
    palette = matplotlib.colormaps["tab10" if len(table) <= 10 else "tab20"]
    colours = [palette(i % palette.N) for i in range(len(table))]
    for ax, stability, xlabel in (
        (axes[0, 0], "forced_moves_per_100_tenant_years", "Forced moves per 100 tenant-years"),
        (
            axes[0, 1],
            "share_permanent_need_moved",
            f"Share of permanent-need tenants moved at least once in {STABILITY_YEARS} years",
        ),
    ):
        for i, row in enumerate(table.itertuples()):
            x, y = getattr(row, stability), row.throughput_per_100_units
            xerr = [
                [x - getattr(row, f"{stability}_ci_low")],
                [getattr(row, f"{stability}_ci_high") - x],
            ]
            yerr = [
                [y - row.throughput_per_100_units_ci_low],
                [row.throughput_per_100_units_ci_high - y],
            ]
            ax.errorbar(
                x,
                y,
                xerr=xerr,
                yerr=yerr,
                fmt="o",
                color=colours[i % len(colours)],
                capsize=3,
            )
        ax.set_xlabel(xlabel, fontsize=9)
        ax.set_ylabel("Throughput: new households housed\nper 100 units per year", fontsize=9)
        ax.grid(alpha=0.3)
        low, high = ax.get_xlim()
        ax.set_xlim(low, high + 0.12 * (high - low))  # room for the labels of the last points
    names = ", ".join(key.split(".")[-1] for key in _point_keys(table))
    axes[0, 0].set_title(
        f"Throughput against stability (up and left is better)\npoints labelled {names}",
        fontsize=10,
    )
    axes[0, 1].set_title(
        f"… for tenants whose need is permanent\npoints labelled {names}", fontsize=10
    )
    positions = np.arange(len(table))
    for ax, column, xlabel in (
        (axes[1, 0], "wait_years_mean", "Mean wait of those housed (years)"),
        (axes[1, 1], "hospits_nights_per_year", "Hospits nights per year"),
    ):
        ax.barh(
            positions,
            table[column],
            xerr=[
                table[column] - table[f"{column}_ci_low"],
                table[f"{column}_ci_high"] - table[column],
            ],
            color=[colours[i % len(colours)] for i in positions],
            capsize=2,
            alpha=0.8,
        )
        ax.set_yticks(positions)
        ax.set_yticklabels(table.policy, fontsize=7)
        ax.set_xlabel(xlabel, fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.grid(alpha=0.3, axis="x")
        ax.invert_yaxis()
    axes[1, 0].set_title("Beside: waiting", fontsize=10)
    axes[1, 1].set_title("Beside: hospits", fontsize=10)
    fig.text(
        0.01,
        0.005,
        caption + " Points and bars: means over replications; whiskers: 95 % intervals.",
        fontsize=8,
        color="0.25",
        wrap=True,
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    for ax, stability in (
        (axes[0, 0], "forced_moves_per_100_tenant_years"),
        (axes[0, 1], "share_permanent_need_moved"),
    ):
        _name_points(ax, table, stability)  # after the layout: labels are placed on screen
    fig.savefig(path, dpi=110)
    return path
