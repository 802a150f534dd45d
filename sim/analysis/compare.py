"""Paired comparison of scenarios run with common random numbers.

Replication r of every scenario uses the streams of (seed, r, name), so the difference
alternative − base in replication r removes the noise the two runs share. For each
metric and year (and over the whole horizon: the mean over the reported years) the
comparison reports the mean paired difference with its 95 % t-interval, and the
unpaired (Welch) interval the same runs would give if their random numbers were
independent, with the ratio of the two widths.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.analysis.figures import new_figure, say, year_axis
from sim.analysis.labels import check_metrics, kroner, label, unit
from sim.analysis.output import atomic_folder, write_resolved
from sim.analysis.provenance import Input, write_manifest
from sim.analysis.statistics import paired_interval, parameter_share, welch_interval
from sim.analysis.tables import SHARE, per_draw, share_cell
from sim.config.errors import InputError, Problem
from sim.config.loader import ScenarioSource, option_overrides, scenario_from
from sim.config.option_limits import check_points
from sim.config.schema import Scenario
from sim.deprecation import deprecated
from sim.model.catalogue import of_kind
from sim.runner.pool import Jobs
from sim.runner.replications import Replications, run_scenario

DEFAULT_METRICS = [
    "waiting",
    "allocations",
    "wait_years_mean",
    "homeless_waiting",
    "in_hospits",
    "own_solution",
    "homeless_outside",
    "homeless_persons",
    "hospits_nights",
    "forced_moves",
    "transfers",
    "followup_waiting",
    "tenants",
]
COST_METRICS = of_kind("cost")
"""The money metrics (costs, rent income, net cost): compared by default where the base
prices them, and shown year by year."""
HORIZON = "all"
COLUMNS = [
    "alternative",
    "metric",
    "year",
    "base_mean",
    "alternative_mean",
    "difference",
    "ci_low",
    "ci_high",
    "unpaired_ci_low",
    "unpaired_ci_high",
    "width_ratio",
    "n",
]


def per_replication(yearly: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """Totals (all groups and categories) as replication x (metric, year), plus horizon means."""
    rows = yearly[(yearly.group == "") & (yearly.category == "") & yearly.metric.isin(metrics)]
    table = rows.pivot_table(
        index="replication", columns=["metric", "year"], values="value", dropna=False
    )
    horizon = table.T.groupby(level="metric").mean().T  # mean over the reported years
    horizon.columns = pd.MultiIndex.from_tuples(
        [(m, HORIZON) for m in horizon.columns], names=["metric", "year"]
    )
    return pd.concat([table, horizon], axis=1)


def compare_tables(
    base: pd.DataFrame,
    alternatives: dict[str, pd.DataFrame],
    metrics: list[str],
    draws: int | None = None,
) -> pd.DataFrame:
    """The comparison table: one row per alternative, metric and year (and ``all``).

    Over a posterior whose draws ``draws`` replications share, ``parameter_share`` is the
    share of the paired differences' variance that comes from the parameters."""
    base_wide = per_replication(base, metrics)
    rows = []
    for name, yearly in alternatives.items():
        alt_wide = per_replication(yearly, metrics)
        for column in base_wide.columns:
            if column not in alt_wide.columns:
                continue
            pair = pd.concat(
                [base_wide[column], alt_wide[column]], axis=1, keys=["base", "alt"]
            ).dropna()
            b, a = pair["base"].to_numpy(), pair["alt"].to_numpy()
            numbers = pair.index.to_numpy()
            difference, low, high = paired_interval(b, a, 0.95, draws, numbers)
            unpaired_low, unpaired_high = welch_interval(b, a, 0.95, draws, numbers)
            paired_width = high - low
            unpaired_width = unpaired_high - unpaired_low
            ratio = (
                paired_width / unpaired_width
                if unpaired_width > 0
                else (1.0 if paired_width == 0 else math.nan)
            )
            rows.append(
                {
                    "alternative": name,
                    "metric": column[0],
                    "year": column[1],
                    "base_mean": float(b.mean()) if len(b) else math.nan,
                    "alternative_mean": float(a.mean()) if len(a) else math.nan,
                    "difference": difference,
                    "ci_low": low,
                    "ci_high": high,
                    "unpaired_ci_low": unpaired_low,
                    "unpaired_ci_high": unpaired_high,
                    "width_ratio": ratio,
                    "n": len(pair),
                }
            )
            if draws is not None:
                rows[-1][SHARE] = parameter_share(a - b, draws, numbers)
    table = pd.DataFrame(rows, columns=COLUMNS if draws is None else [*COLUMNS, SHARE])
    table["year"] = table["year"].astype(str)
    return table


def comparison_figures(
    table: pd.DataFrame, folder: Path, base_name: str, language: str = "en"
) -> list[Path]:
    """Per metric: the paired difference by year with its 95 % interval; CSV beside PNG.
    Texts in English (``en``) or Norwegian (``nb``)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    yearly = table[table.year != HORIZON].copy()
    yearly["year"] = yearly["year"].astype(int)
    for metric, block in yearly.groupby("metric", sort=False):
        fig, ax = new_figure(language=language)
        year_axis(ax.xaxis)
        for name, rows in block.groupby("alternative", sort=False):
            line = ax.plot(rows.year, rows.difference, marker="o", markersize=3, label=name)[0]
            ax.fill_between(rows.year, rows.ci_low, rows.ci_high, alpha=0.2, color=line.get_color())
        ax.axhline(0, color="0.3", linewidth=0.8)
        name = label(str(metric), language)
        ax.set_title(say("difference_title", language, metric=name, base=base_name))
        ax.set_xlabel(say("year", language))
        shown_unit = unit(str(metric), language)
        difference = say("difference", language)
        ax.set_ylabel(f"{difference} ({shown_unit})" if shown_unit else difference)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.text(0.01, 0.01, say("difference_note", language), fontsize=7, color="0.35")
        fig.tight_layout(rect=(0, 0.03, 1, 1))
        path = folder / f"difference_{metric}.png"
        fig.savefig(path, dpi=110)
        block.to_csv(path.with_suffix(".csv"), index=False)
        written.append(path)
    return written


def terminal_table(table: pd.DataFrame, base_name: str) -> str:
    """Whole-horizon differences, readable in a terminal."""
    horizon = table[table.year == HORIZON]
    lines = [
        f"\nDifferences from {base_name}, mean over the reported years "
        "(95 % CI, paired by replication)"
    ]
    header = [
        "alternative",
        "metric",
        "base",
        "alternative",
        "difference [95 % CI]",
        "paired/unpaired width",
    ]
    split = SHARE in table.columns
    if split:
        header.append("from parameters")
        lines[0] += (
            "; over chance and the posterior of the parameters, from parameters: the share "
            "of the difference's variance that their uncertainty makes"
        )
    body = []
    for row in horizon.itertuples():
        digits = 2 if max(abs(row.base_mean), abs(row.alternative_mean)) < 10 else 0
        body.append(
            [
                row.alternative,
                label(row.metric),
                f"{row.base_mean:,.{digits}f}",
                f"{row.alternative_mean:,.{digits}f}",
                f"{row.difference:+,.{digits}f} [{row.ci_low:+,.{digits}f}, "
                f"{row.ci_high:+,.{digits}f}]"
                if not math.isnan(row.ci_low)
                else f"{row.difference:+,.{digits}f}",
                f"{row.width_ratio:.2f}" if not math.isnan(row.width_ratio) else "–",
                *([share_cell(getattr(row, SHARE))] if split else []),
            ]
        )
    lines += _aligned(header, body)
    costs = cost_text(table, base_name)
    return "\n".join(lines) + (f"\n{costs}" if costs else "")


def _aligned(header: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in body]
    return lines


def cost_text(table: pd.DataFrame, base_name: str) -> str:
    """The money metrics' paired differences year by year (and over the reported years),
    in kroner with their 95 % intervals; empty where nothing is priced."""
    money = table[table.metric.isin(COST_METRICS)]
    if money.empty:
        return ""
    header = ["alternative", "metric", "year", "base", "alternative", "difference [95 % CI]"]
    body = []
    order = {name: i for i, name in enumerate(COST_METRICS)}
    money = money.assign(_order=money.metric.map(order)).sort_values(
        ["alternative", "_order"], kind="stable"
    )
    for row in money.itertuples():
        difference = kroner(row.difference, "en", signed=True)
        if not math.isnan(row.ci_low):
            low, high = (
                kroner(row.ci_low, "en", signed=True),
                kroner(row.ci_high, "en", signed=True),
            )
            difference += f" [{low}, {high}]"
        year = "mean" if row.year == HORIZON else str(row.year)
        body.append(
            [
                str(row.alternative),
                label(str(row.metric)),
                year,
                kroner(row.base_mean, "en"),
                kroner(row.alternative_mean, "en"),
                difference,
            ]
        )
    lines = [
        f"\nCost differences from {base_name} per year, NOK a year "
        "(95 % CI, paired by replication; income_rent is income, cost_net the costs less it)"
    ]
    return "\n".join(lines + _aligned(header, body))


@dataclass
class Comparison:
    """Base and alternatives run with the same random numbers, and their differences."""

    base: Replications
    alternatives: dict[str, Replications]  # by the name the table uses (unique: "name'")
    metrics: list[str]
    table: pd.DataFrame  # compare_tables: one row per alternative, metric and year
    base_file: Path | None = None
    alternative_files: dict[str, Path | None] = field(default_factory=dict)

    def summary(self) -> str:
        """Whole-horizon differences, readable in a terminal (what ``sim compare`` prints)."""
        return terminal_table(self.table, self.base.scenario.name)

    def text(self) -> str:
        """Deprecated name of :meth:`summary`."""
        deprecated("Comparison.text()", "Comparison.summary()")
        return self.summary()

    def write(
        self, out: str | Path, force: bool = False, *, command: Sequence[str] | None = None
    ) -> Path:
        """Write the result folder of ``sim compare`` (:func:`write_comparison`); return it."""
        return write_comparison(self, out, force, command)


def load_alternatives(
    base: Scenario, alternatives: Sequence[ScenarioSource], overrides: Sequence[str] = ()
) -> tuple[dict[str, Scenario], dict[str, Path | None]]:
    """The alternatives with ``overrides`` and the base's seed and replications, by
    unique name, and their files; an input error unless every one has the base's years."""
    shared = [*overrides, f"seed={base.seed}", f"replications={base.replications}"]
    scenarios: dict[str, Scenario] = {}
    files: dict[str, Path | None] = {}
    problems = []
    for source in alternatives:
        scenario, file = scenario_from(source, shared)
        if scenario.time != base.time:
            problems.append(
                Problem(
                    str(file) if file is not None else f"<{scenario.name}>",
                    "time",
                    "must equal the base's time "
                    f"({base.time.start}, {base.time.years} years, warm-up "
                    f"{base.time.warmup_years:g}) to be compared year by year",
                )
            )
        if _draws(scenario) != _draws(base):
            problems.append(
                Problem(
                    str(file) if file is not None else f"<{scenario.name}>",
                    "calibration",
                    f"runs over {_shown_draws(scenario)}, the base over "
                    f"{_shown_draws(base)}: to be paired replication by replication every "
                    "scenario needs the base's (extend the base, or give --posterior FILE "
                    "or --posterior none for all)",
                )
            )
        name = scenario.name
        while name in scenarios or name == base.name:
            name += "'"
        scenarios[name] = scenario
        files[name] = file
    if problems:
        raise InputError(problems)
    return scenarios, files


def _draws(scenario: Scenario) -> tuple[str, int] | None:
    """What decides a scenario's particle draws besides the seed: its posterior's content
    and the replications per draw (``None``: no posterior)."""
    posterior = scenario.posterior
    return None if posterior is None else (posterior.sha256, scenario.replications_per_draw)


def _shown_draws(scenario: Scenario) -> str:
    posterior = scenario.posterior
    if posterior is None:
        return "no posterior (its fixed values)"
    return f"the posterior {posterior.file} ({scenario.replications_per_draw} replications a draw)"


def compare(
    base: ScenarioSource,
    alternatives: Sequence[ScenarioSource],
    replications: int | None = None,
    jobs: Jobs = 1,
    metrics: Sequence[str] | None = None,
    on_replication_done: Callable[[int], None] | None = None,
    overrides: Sequence[str] = (),
) -> Comparison:
    """Run base and alternatives with the base's seed and replications; compare them.

    ``metrics`` are totals over groups and categories (default :data:`DEFAULT_METRICS`,
    then the money metrics the base prices, :data:`COST_METRICS`);
    ``overrides`` (``KEY=VALUE``) apply to every scenario. Every input is checked before
    the first replication runs.
    """
    overrides = list(overrides)
    extra = option_overrides(overrides, None, None, replications)
    base_scenario, base_file = scenario_from(base, extra)
    chosen = check_metrics(list(metrics) if metrics is not None else DEFAULT_METRICS)
    check_points(
        1 + len(alternatives),
        base_scenario.replications,
        "ALTERNATIVES",
        "the base and the alternatives",
        "scenarios",
    )
    scenarios, files = load_alternatives(base_scenario, alternatives, overrides)
    base_run = run_scenario(base_scenario, None, jobs, False, on_replication_done)
    if metrics is None:  # the money metrics the base prices, after the default ones
        priced = set(base_run.yearly.metric.unique())
        chosen = [*chosen, *(m for m in COST_METRICS if m in priced)]
    runs = {
        name: run_scenario(scenario, None, jobs, False, on_replication_done)
        for name, scenario in scenarios.items()
    }
    alternative_rows = {n: r.yearly for n, r in runs.items()}
    table = compare_tables(base_run.yearly, alternative_rows, chosen, per_draw(base_scenario))
    return Comparison(base_run, runs, chosen, table, base_file, files)


def write_comparison(
    comparison: Comparison,
    out: str | Path,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Path:
    """``comparison.csv``, ``yearly.parquet`` (every scenario), ``figures/`` and
    ``manifest.json`` at ``out``, written atomically; return ``out``."""
    out = Path(out)
    base = comparison.base
    runs = [base, *comparison.alternatives.values()]
    with atomic_folder(out, force) as folder:
        comparison.table.to_csv(folder / "comparison.csv", index=False)
        write_resolved(folder, base.scenario)
        every = pd.concat(
            [base.yearly.assign(scenario=base.scenario.name)]
            + [r.yearly.assign(scenario=n) for n, r in comparison.alternatives.items()]
        )
        every.to_parquet(folder / "yearly.parquet", index=False)
        comparison_figures(comparison.table, folder / "figures", base.scenario.name)
        write_manifest(
            folder,
            kind="compare",
            scenario=base.scenario,
            scenario_file=comparison.base_file,
            seed=base.seed,
            replications=base.replications,
            started=min(r.started for r in runs),
            finished=max(r.finished for r in runs),
            command=command,
            scheduler=base.scheduler,
            inputs=[
                Input("alternative", name, comparison.alternative_files.get(name))
                for name in comparison.alternatives
            ],
            extra={"metrics": comparison.metrics},
        )
    return out
