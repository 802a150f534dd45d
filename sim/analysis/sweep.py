"""Grids of scenario variants (``sim sweep``; the trade-off in :mod:`sim.analysis.tradeoff`).

Every grid point runs with the scenario's seed, so replication r of each point shares its
random numbers with replication r of every other point (common random numbers).

>>> grid_axes({"policy.renewal": ["strict", "always"], "stock.ordinary.units": [20]})
[('policy.renewal', ['strict', 'always']), ('stock.ordinary.units', [20])]
>>> grid_axes({"policy.renewal": "strict"})
[('policy.renewal', ['strict'])]
>>> grid_axes(["stock.ordinary.contract_years=1,null"])
[('stock.ordinary.contract_years', [1, None])]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.grid_text import shown_value
from sim.analysis.labels import check_metrics
from sim.analysis.output import atomic_folder, write_resolved
from sim.analysis.provenance import write_manifest
from sim.analysis.statistics import mean_interval, parameter_share
from sim.analysis.tables import SHARE, per_draw
from sim.config.errors import InputError, Problem, brief_text
from sim.config.loader import ScenarioSource, option_overrides, scenario_from, setting
from sim.config.option_limits import check_points
from sim.config.schema import Scenario
from sim.config.yaml_io import parse_yaml
from sim.runner.pool import Jobs
from sim.runner.replications import Replications, run_scenarios

Axes = list[tuple[str, list[Any]]]
"""The varied keys with their values, in order: ``[("policy.renewal", ["strict"]), ...]``."""

SWEEP_METRICS = [
    "waiting",
    "allocations",
    "wait_years_mean",
    "hospits_nights",
    "forced_moves",
    "moves_per_100_tenant_years",
    "new_allocations_per_100_units",
]


def parse_vary(texts: Sequence[str]) -> Axes:
    """``KEY=V1,V2,...`` or ``KEY=[V1, V2, ...]`` → (key, [values]), values read as YAML.

    The bracketed form is one YAML list, so its values may themselves hold commas: a
    yearly series, ``groups.g.applications_per_year=[{2010: 5, 2012: 8}, 10]``.
    """
    axes: Axes = []
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


def grid_axes(vary: Mapping[str, Sequence[Any]] | Iterable[str] | str) -> Axes:
    """The axes of a grid from ``{key: [values]}`` or from ``--vary`` texts (``KEY=V1,V2``).

    A single value (text or number) in the mapping is a list of one.
    """
    if isinstance(vary, str):
        return parse_vary([vary])
    if not isinstance(vary, Mapping):
        return parse_vary(list(vary))
    axes = [
        (str(key), list(values) if isinstance(values, list | tuple) else [values])
        for key, values in vary.items()
    ]
    if not axes:
        raise _vary_error("", "give at least one --vary KEY=V1,V2,...")
    for key, values in axes:
        if not values:
            raise _vary_error(brief_text(key, 80), "needs a non-empty list of values")
    return axes


def check_grid(axes: Axes, replications: int) -> int:
    """The number of points of the grid, if it and its replications in all are within
    the limits (:func:`~sim.config.option_limits.check_points`); checked before any point
    is made."""
    points = math.prod(len(values) for _, values in axes)
    check_points(points, replications, "--vary", "the product of the numbers of values")
    return points


def expand_grid(axes: Axes) -> list[dict[str, Any]]:
    """The full grid, the first axis varying slowest (as nested loops in the given order)."""
    keys = [key for key, _ in axes]
    return [
        dict(zip(keys, combo, strict=True))
        for combo in itertools.product(*(values for _, values in axes))
    ]


def point_label(point: dict[str, Any]) -> str:
    """A short policy name: the last part of each key and its value."""
    return ", ".join(
        f"{key.split('.')[-1]}={shown_value(key, value)}" for key, value in point.items()
    )


@dataclass
class GridRun:
    """One grid point: its settings, the scenario they make, and its results."""

    point: dict[str, Any]
    scenario: Scenario
    results: Replications


def run_grid(
    source: ScenarioSource,
    axes: Axes,
    replications: int | None = None,
    jobs: Jobs = 1,
    households: bool = False,
    overrides: Iterable[str] = (),
    on_replication_done: Callable[[int], None] | None = None,
) -> list[GridRun]:
    """Validate every grid point first (so no run starts on a bad grid), then run them."""
    base_overrides = option_overrides(overrides, None, None, replications)
    check_grid(axes, scenario_from(source, base_overrides)[0].replications)
    points = expand_grid(axes)
    scenarios = []
    problems: list[Problem] = []
    for point in points:
        settings = [setting(key, value) for key, value in point.items()]
        try:
            scenarios.append(scenario_from(source, [*base_overrides, *settings])[0])
        except InputError as error:
            problems.extend(p for p in error.problems if p not in problems)
    if problems:
        raise InputError(problems)
    results = run_scenarios(scenarios, jobs, households, on_replication_done)
    return [
        GridRun(point, scenario, result)
        for point, scenario, result in zip(points, scenarios, results, strict=True)
    ]


def sweep_table(runs: list[GridRun], metrics: list[str]) -> pd.DataFrame:
    """One row per grid point, metric and year (and ``all``: mean over the years); over a
    posterior with ``parameter_share``, the share of the variance from the parameters."""
    rows = []
    for run in runs:
        draws = per_draw(run.scenario)
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
            numbers = block.index.to_numpy()
            for year, values in columns:
                mean, low, high = mean_interval(values, 0.95, draws, numbers, metric)
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
                if draws is not None:
                    rows[-1][SHARE] = parameter_share(values, draws, numbers)
    return pd.DataFrame(rows)


SWEEP_COLUMNS = ("metric", "year", "mean", "ci_low", "ci_high", "n", SHARE)
"""The columns of ``sweep.csv`` after the varied keys (``parameter_share`` only over a
posterior)."""


def point_labels(table: pd.DataFrame, keys: list[str]) -> list[str]:
    """:func:`point_label` of every row of a table whose ``keys`` columns hold a point."""
    return [
        point_label(dict(zip(keys, row, strict=True)))
        for row in table[keys].itertuples(index=False)
    ]


def sweep_figure(
    table: pd.DataFrame, path: Path, name: str, replications: int, language: str = "en"
) -> Path:
    """One panel per metric: every grid point's mean by year with its 95 % interval.
    Texts in English (``en``) or Norwegian (``nb``)."""
    from sim.analysis.figures import new_figure, say, year_axis
    from sim.analysis.labels import label

    keys = [c for c in table.columns if c not in SWEEP_COLUMNS]
    yearly = table[table.year.astype(str) != "all"].copy()
    yearly["year"] = yearly.year.astype(int)
    yearly["point"] = point_labels(yearly, keys)
    metrics = list(dict.fromkeys(yearly.metric))
    columns = min(2, len(metrics))
    rows = (len(metrics) + columns - 1) // columns
    fig, axes = new_figure(
        rows, columns, figsize=(6.5 * columns, 3.4 * rows), language=language, squeeze=False
    )
    for ax, metric in zip(axes.flat, metrics, strict=False):
        for point, block in yearly[yearly.metric == metric].groupby("point", sort=False):
            line = ax.plot(block.year, block["mean"], marker="o", markersize=3, label=point)[0]
            ax.fill_between(
                block.year, block.ci_low, block.ci_high, alpha=0.15, color=line.get_color()
            )
        ax.set_title(label(metric, language, with_unit=True), fontsize=9)
        ax.grid(alpha=0.3)
        year_axis(ax.xaxis)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(name, fontsize=10)
    fig.text(0.01, 0.005, say("sweep_note", language, n=replications), fontsize=7, color="0.35")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    fig.savefig(path, dpi=100)
    return path


@dataclass
class Sweep:
    """A grid of scenario variants run with the same random numbers, and its table."""

    base: Scenario  # the scenario with its overrides, before the grid's settings
    axes: Axes
    runs: list[GridRun]
    metrics: list[str]
    table: pd.DataFrame  # sweep_table
    scenario_file: Path | None = None

    def horizon(self) -> pd.DataFrame:
        """Means over the reported years: one row per grid point, one column per metric."""
        rows = self.table[self.table.year == "all"]
        keys = [key for key, _ in self.axes]
        return rows.pivot_table(index=keys, columns="metric", values="mean", sort=False)

    def summary(self) -> str:
        """The means over the reported years with their 95 % intervals, per metric and
        point by display names, as text (what ``sim sweep`` prints)."""
        from sim.analysis.grid_text import measures_text, point_name
        from sim.analysis.labels import label, scenario_label

        rows = self.table[self.table.year == "all"]
        keys = [key for key, _ in self.axes]
        split = SHARE in rows.columns
        blocks = []
        for metric in self.metrics:
            chosen = rows[rows.metric == metric]
            entries = [
                (
                    point_name({k: row[k] for k in keys}, self.base),
                    float(row["mean"]),
                    float(row["ci_low"]),
                    float(row["ci_high"]),
                    float(row[SHARE]) if split else None,
                )
                for _, row in chosen.iterrows()
            ]
            if entries:
                blocks.append((label(metric, with_unit=True), entries))
        span = self.base.time
        heading = (
            f"{scenario_label(self.base, 'en')} ({self.base.name}): mean over "
            f"{span.start}–{span.end - 1} [95 % CI] at every point of the grid, "
            f"{self.base.replications} replications a point with the same random numbers"
        )
        return measures_text(heading, blocks)

    def write(
        self, out: str | Path, force: bool = False, *, command: Sequence[str] | None = None
    ) -> Path:
        """Write the result folder of ``sim sweep`` (:func:`write_sweep`); return it."""
        return write_sweep(self, out, force, command)


def sweep(
    scenario: ScenarioSource,
    vary: Mapping[str, Sequence[Any]] | Iterable[str],
    replications: int | None = None,
    jobs: Jobs = 1,
    metrics: Sequence[str] | None = None,
    overrides: Iterable[str] = (),
    on_replication_done: Callable[[int], None] | None = None,
) -> Sweep:
    """Run every point of the grid ``vary`` (see :func:`grid_axes`); tabulate ``metrics``
    (totals; default :data:`SWEEP_METRICS`) with 95 % t-intervals."""
    chosen = check_metrics(list(metrics) if metrics is not None else SWEEP_METRICS)
    axes = grid_axes(vary)
    overrides = list(overrides)
    base, file = scenario_from(scenario, option_overrides(overrides, None, None, replications))
    runs = run_grid(scenario, axes, replications, jobs, False, overrides, on_replication_done)
    return Sweep(base, axes, runs, chosen, sweep_table(runs, chosen), file)


def write_sweep(
    sweep: Sweep, out: str | Path, force: bool = False, command: Sequence[str] | None = None
) -> Path:
    """``sweep.csv``, ``figures/sweep.png`` (with its data) and ``manifest.json`` at
    ``out``, written atomically; return ``out``."""
    out = Path(out)
    with atomic_folder(out, force) as folder:
        sweep.table.to_csv(folder / "sweep.csv", index=False)
        (folder / "figures").mkdir()
        figure = folder / "figures" / "sweep.png"
        sweep_figure(sweep.table, figure, sweep.base.name, sweep.base.replications)
        sweep.table.to_csv(figure.with_suffix(".csv"), index=False)
        write_grid_manifest(
            folder,
            "sweep",
            sweep.base,
            sweep.scenario_file,
            sweep.axes,
            sweep.runs,
            command,
            {"metrics": sweep.metrics},
        )
    return out


def write_grid_manifest(
    folder: Path,
    kind: str,
    base: Scenario,
    scenario_file: Path | None,
    axes: Axes,
    runs: list[GridRun],
    command: Sequence[str] | None,
    extra: Mapping[str, Any],
) -> None:
    """The manifest of a grid's folder (and its base scenario as run): the base
    scenario, and the grid under ``extra``."""
    write_resolved(folder, base)
    write_manifest(
        folder,
        kind=kind,
        scenario=base,
        scenario_file=scenario_file,
        seed=base.seed,
        replications=base.replications,
        started=min(run.results.started for run in runs),
        finished=max(run.results.finished for run in runs),
        command=command,
        scheduler=runs[0].results.scheduler,
        extra={"vary": dict(axes), "points": len(runs), **extra},
    )
