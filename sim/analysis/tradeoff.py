"""The throughput–stability trade-off (``sim tradeoff``) over a grid of policies.

Every policy (grid point) runs with the scenario's seed and household records, so the
policies share their random numbers. Per policy: throughput as planners count it
(households housed for the first time, per 100 units a year) against stability (forced
moves per 100 tenant-years, and the share of permanent-need tenants moved at least once),
with the mean wait and hospits nights beside; and what the throughput rests on: former
tenants re-housed, returns from the private market and units left vacant at year end.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from sim.analysis.figures import new_figure, say
from sim.analysis.grid_text import shown_value
from sim.analysis.labels import measure_label
from sim.analysis.output import atomic_folder
from sim.analysis.statistics import mean_interval, parameter_share
from sim.analysis.sweep import (
    Axes,
    GridRun,
    grid_axes,
    point_label,
    run_grid,
    write_grid_manifest,
)
from sim.analysis.tables import SHARE, per_draw
from sim.config.loader import ScenarioSource, option_overrides, scenario_from
from sim.config.schema import Scenario
from sim.runner.pool import Jobs

STABILITY_YEARS = 10


RATE_MEASURES = (
    "first_housed_per_100_units",
    "throughput_per_100_units",
    "rehoused_per_100_units",
    "forced_moves_per_100_tenant_years",
)
"""The trade-off's measures that the yearly table alone gives (``sim sensitivity`` too)."""


def rate_measures(yearly: pd.DataFrame) -> dict[str, pd.Series]:
    """Throughput and forced moves per replication, over the reported years of a run's
    yearly table: 100 × allocations / unit-years (every letting from the list), 100 ×
    first-time allocations / unit-years, 100 × allocations to former tenants / unit-years,
    100 × forced moves / tenant-years."""
    totals = yearly[(yearly.group == "") & (yearly.category == "")]
    sums = totals.pivot_table(index="replication", columns="metric", values="value", aggfunc="sum")
    missing = pd.Series(math.nan, index=sums.index)  # a table made before these metrics
    return {
        "throughput_per_100_units": 100 * sums.allocations / sums.unit_years,
        "first_housed_per_100_units": 100
        * sums.get("first_allocations", missing)
        / sums.unit_years,
        "rehoused_per_100_units": 100 * sums.get("rehousings", missing) / sums.unit_years,
        "forced_moves_per_100_tenant_years": 100 * sums.forced_moves / sums.tenant_years,
    }


def vacant_share(yearly: pd.DataFrame) -> pd.Series:
    """Per replication, the mean over the reported years of the share of the units
    vacant at year end (all categories)."""
    totals = yearly[(yearly.group == "") & (yearly.category == "")]
    table = totals.pivot_table(index=["replication", "year"], columns="metric", values="value")
    return (table.vacant / table.units).groupby("replication").mean()


def varied_vacant_share(yearly: pd.DataFrame, point: dict[str, Any]) -> pd.Series:
    """Per replication, the mean over the reported years of the share of the units of the
    categories the grid varies (``stock.<id>.*`` keys) vacant at year end; none when the
    grid varies no category."""
    varied = {key.split(".")[1] for key in point if key.startswith("stock.")}
    rows = yearly[(yearly.group == "") & yearly.category.isin(varied)]
    if rows.empty:
        return pd.Series(dtype=float)
    table = rows.pivot_table(
        index=["replication", "year"], columns="metric", values="value", aggfunc="sum"
    )
    return (table.vacant / table.units).groupby("replication").mean()


def tradeoff_table(runs: list[GridRun]) -> pd.DataFrame:
    """Per policy: throughput, stability (two measures), mean wait and hospits nights, and
    what the throughput rests on.

    Per replication, over the reported years: throughput = 100 × first-time allocations
    (households never a municipal tenant before) / unit-years; beside it the re-housed
    (100 × allocations to former tenants / unit-years), every letting from the list
    (``throughput_per_100_units``: 100 × allocations / unit-years), the returns from the
    private market per year and the share of units vacant at year end (of all units, and
    of the categories the grid varies); forced moves per
    100 tenant-years = 100 × forced moves / tenant-years; the share of permanent-need
    tenants (tenants at some time in the first ten reported years) with
    at least one forced move in those years; the mean wait of households housed and the
    hospits nights per year. Means with 95 % t-intervals over replications; over a
    posterior also ``<measure>_parameter_share``, the share of the measure's variance
    that the parameters' uncertainty makes.
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
        rates = rate_measures(yearly)
        first = rates.pop("first_housed_per_100_units")
        returns = sums.get("returns_from_private", pd.Series(math.nan, index=sums.index))
        measures = {
            "first_housed_per_100_units": first,
            **rates,
            "share_permanent_need_moved": _share_moved(run),
            "wait_years_mean": mean_wait,
            "hospits_nights_per_year": sums.hospits_nights / years,
            "returns_from_private_per_year": returns / years,
            "vacant_share_year_end": vacant_share(yearly),
            "vacant_share_varied_year_end": varied_vacant_share(yearly, run.point),
        }
        row: dict[str, Any] = {"policy": point_label(run.point), **run.point}
        draws = per_draw(run.scenario)
        for name, series in measures.items():
            values = np.asarray(series, dtype=float)
            numbers = series.index.to_numpy(dtype=int)
            mean, low, high = mean_interval(values, 0.95, draws, numbers, name)
            row.update({name: mean, f"{name}_ci_low": low, f"{name}_ci_high": high})
            if draws is not None:
                row[f"{name}_{SHARE}"] = parameter_share(values, draws, numbers)
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


def throughput_column(table: pd.DataFrame) -> str:
    """The throughput a trade-off table holds: households housed for the first time, or in
    a table written before that measure, every letting from the list."""
    if "first_housed_per_100_units" in table.columns:
        return "first_housed_per_100_units"
    return "throughput_per_100_units"


def _point_keys(table: pd.DataFrame) -> list[str]:
    """The varied keys: the columns between ``policy`` and the first measure."""
    columns = list(table.columns)
    return columns[columns.index("policy") + 1 : columns.index(throughput_column(table))]


def _name_points(ax: Any, table: pd.DataFrame, stability: str) -> None:
    """Write each policy's values beside its point, moved apart so that no two overlap.

    Policies with the same point (e.g. every renewal rule under permanent contracts) share
    one label, with their differing values joined by "/".
    """
    from adjustText import adjust_text  # imports pyplot: only when a figure is drawn

    keys = _point_keys(table)
    through = throughput_column(table)
    spots: dict[tuple[float, float], list[int]] = {}
    for i, row in enumerate(table.itertuples()):
        spot = (float(getattr(row, stability)), float(getattr(row, through)))
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


def tradeoff_figure(table: pd.DataFrame, path: Path, caption: str, language: str = "en") -> Path:
    """Throughput against stability, with intervals; mean wait and hospits nights below.
    Texts in English (``en``) or Norwegian (``nb``)."""

    fig, axes = new_figure(2, 2, figsize=(15, 9.5), language=language)
    palette = matplotlib.colormaps["tab10" if len(table) <= 10 else "tab20"]
    colours = [palette(i % palette.N) for i in range(len(table))]
    through = throughput_column(table)
    throughput = measure_label(through, language).replace(": ", ":\n", 1)
    for ax, stability in (
        (axes[0, 0], "forced_moves_per_100_tenant_years"),
        (axes[0, 1], "share_permanent_need_moved"),
    ):
        xlabel = measure_label(stability, language, STABILITY_YEARS)
        for i, row in enumerate(table.itertuples()):
            x, y = getattr(row, stability), getattr(row, through)
            xerr = [
                [x - getattr(row, f"{stability}_ci_low")],
                [getattr(row, f"{stability}_ci_high") - x],
            ]
            yerr = [
                [y - getattr(row, f"{through}_ci_low")],
                [getattr(row, f"{through}_ci_high") - y],
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
        ax.set_ylabel(throughput, fontsize=9)
        ax.grid(alpha=0.3)
        low, high = ax.get_xlim()
        ax.set_xlim(low, high + 0.12 * (high - low))  # room for the labels of the last points
    names = ", ".join(key.split(".")[-1] for key in _point_keys(table))
    axes[0, 0].set_title(say("tradeoff_title", language, names=names), fontsize=10)
    axes[0, 1].set_title(say("tradeoff_permanent", language, names=names), fontsize=10)
    positions = np.arange(len(table))
    for ax, column in ((axes[1, 0], "wait_years_mean"), (axes[1, 1], "hospits_nights_per_year")):
        xlabel = measure_label(column, language)
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
    axes[1, 0].set_title(say("beside_waiting", language), fontsize=10)
    axes[1, 1].set_title(say("beside_hospits", language), fontsize=10)
    fig.text(
        0.01,
        0.005,
        caption + " " + say("tradeoff_note", language),
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


OVERVIEW_COLUMNS = [
    "policy",
    "first_housed_per_100_units",
    "rehoused_per_100_units",
    "forced_moves_per_100_tenant_years",
    "share_permanent_need_moved",
    "wait_years_mean",
    "hospits_nights_per_year",
    "vacant_share_year_end",
    "vacant_share_varied_year_end",
]


SPLIT_MEASURES = ("first_housed_per_100_units", "forced_moves_per_100_tenant_years")
"""The headline measures whose split of the variance the overview shows."""


@dataclass
class Tradeoff:
    """Policies (grid points) run with the same random numbers, and their measures."""

    base: Scenario  # the scenario with its overrides, before the grid's settings
    axes: Axes
    runs: list[GridRun]
    table: pd.DataFrame  # tradeoff_table
    scenario_file: Path | None = None

    def overview(self) -> pd.DataFrame:
        """The policy names and the means of the main measures (over a posterior, with
        the share of the throughput's and the forced moves' variance from the parameters)."""
        shares = [f"{m}_{SHARE}" for m in SPLIT_MEASURES if f"{m}_{SHARE}" in self.table]
        return self.table[OVERVIEW_COLUMNS + shares]

    def summary(self) -> str:
        """Per measure, every policy by display names with its mean and 95 % interval
        (what ``sim tradeoff`` prints); over a posterior the share of the throughput's
        and the forced moves' variance from the parameters."""
        from sim.analysis.grid_text import measures_text, point_name
        from sim.analysis.labels import scenario_label

        keys = [key for key, _ in self.axes]
        names = [
            point_name({k: row[k] for k in keys}, self.base) for _, row in self.table.iterrows()
        ]
        blocks = []
        for measure in OVERVIEW_COLUMNS[1:]:
            if measure not in self.table:
                continue
            share = f"{measure}_{SHARE}"
            entries = [
                (
                    name,
                    float(row[measure]),
                    float(row[f"{measure}_ci_low"]),
                    float(row[f"{measure}_ci_high"]),
                    float(row[share])
                    if share in self.table and measure in SPLIT_MEASURES
                    else None,
                )
                for name, (_, row) in zip(names, self.table.iterrows(), strict=True)
            ]
            blocks.append((measure_label(measure, "en", STABILITY_YEARS), entries))
        span = self.base.time
        heading = (
            f"{scenario_label(self.base, 'en')} ({self.base.name}): every policy over "
            f"{span.start}–{span.end - 1}, mean [95 % CI] over {self.base.replications} "
            "replications a policy with the same random numbers"
        )
        return measures_text(heading, blocks)

    def write(
        self, out: str | Path, force: bool = False, *, command: Sequence[str] | None = None
    ) -> Path:
        """Write the result folder of ``sim tradeoff`` (:func:`write_tradeoff`); return it."""
        return write_tradeoff(self, out, force, command)

    def caption(self, language: str = "en") -> str:
        """What the figure shows: scenario, replications, years and the varied keys."""
        base = self.runs[0].scenario
        return say(
            "tradeoff_caption",
            language,
            name=base.name,
            n=base.replications,
            first=base.time.start,
            last=base.time.end - 1,
            keys=", ".join(key for key, _ in self.axes),
        )


def tradeoff(
    scenario: ScenarioSource,
    vary: Mapping[str, Sequence[Any]] | Iterable[str],
    replications: int | None = None,
    jobs: Jobs = 1,
    overrides: Iterable[str] = (),
    on_replication_done: Callable[[int], None] | None = None,
) -> Tradeoff:
    """Run every policy of the grid ``vary`` (see :func:`sim.analysis.sweep.grid_axes`)
    with household records, and measure throughput against stability."""
    axes = grid_axes(vary)
    overrides = list(overrides)
    base, file = scenario_from(scenario, option_overrides(overrides, None, None, replications))
    runs = run_grid(scenario, axes, replications, jobs, True, overrides, on_replication_done)
    return Tradeoff(base, axes, runs, tradeoff_table(runs), file)


def write_tradeoff(
    result: Tradeoff,
    out: str | Path,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Path:
    """``tradeoff.csv``, ``figures/tradeoff.png`` (with its data) and ``manifest.json`` at
    ``out``, written atomically; return ``out``."""
    out = Path(out)
    with atomic_folder(out, force) as folder:
        result.table.to_csv(folder / "tradeoff.csv", index=False)
        (folder / "figures").mkdir()
        tradeoff_figure(result.table, folder / "figures" / "tradeoff.png", result.caption())
        result.table.to_csv(folder / "figures" / "tradeoff.csv", index=False)
        write_grid_manifest(
            folder,
            "tradeoff",
            result.base,
            result.scenario_file,
            result.axes,
            result.runs,
            command,
            {"stability_years": STABILITY_YEARS},
        )
    return out
