"""Global sensitivity analysis (``sim sensitivity``) with SALib, an optional extra.

The factors (:mod:`sim.analysis.factors`) are sampled with a fixed seed: Morris
trajectories (screening many factors: ``mu_star``, the mean absolute change of a metric
when a factor moves across its whole range, with a bootstrap 95 % interval; ``mu``, its
signed mean; ``sigma``, its spread, a sign of interactions) or Sobol's sequence with
Saltelli's scheme (few factors: first-order ``S1`` and total ``ST`` shares of the
variance, with bootstrap 95 % intervals). Every sample point runs with the scenario's
seed, so replication r of each point shares its random numbers with replication r of
every other (common random numbers): differences between points are the factors', not
the dice's. A point's value of a metric is its mean over the reported years of the
yearly total, averaged over the replications; the trade-off's throughput and forced moves
per 100 tenant-years are ratios of sums over the reported years, averaged likewise.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.factors import Factor, Skipped, assumption_factors, varied_factors
from sim.analysis.labels import check_metrics
from sim.analysis.output import atomic_folder, write_resolved
from sim.analysis.provenance import write_manifest
from sim.analysis.sensitivity_figure import sensitivity_figure
from sim.analysis.tradeoff import RATE_MEASURES, rate_measures
from sim.config.errors import InputError, Problem
from sim.config.loader import ScenarioSource, option_overrides, scenario_from, setting
from sim.config.option_limits import check_number, check_points
from sim.config.schema import Scenario
from sim.config.types import MAX_SEED
from sim.runner.pool import Jobs, scheduler_of
from sim.runner.replications import Replications, run_scenarios

METHODS = ("morris", "sobol")
DEFAULT_SAMPLES = {"morris": 10, "sobol": 64}
"""Morris trajectories; Sobol base samples (a power of two)."""
MAIN_INDEX = {"morris": "mu_star", "sobol": "ST"}
"""The index that ranks the factors, by method."""
INDICES = {"morris": ("mu_star", "mu", "sigma"), "sobol": ("ST", "S1")}
NUM_LEVELS = 4
"""Levels of the Morris grid (SALib's default); a step is 2/3 of a factor's range."""
BOOTSTRAP = 1000
"""Resamples of the bootstrap intervals."""
DEFAULT_METRICS = ["first_housed_per_100_units", "forced_moves_per_100_tenant_years"]
INSTALL = 'python -m pip install ".[sensitivity]"'


def require_salib() -> None:
    """An input error (exit 2) with the install command if SALib is missing."""
    try:
        import SALib  # noqa: F401
    except ImportError:
        raise InputError(
            [Problem("sim sensitivity", "", f"needs SALib, an optional extra: {INSTALL}")]
        ) from None


def _problem(factors: Sequence[Factor]) -> dict[str, Any]:
    return {
        "num_vars": len(factors),
        "names": [f.key for f in factors],
        "bounds": [[f.low, f.high] for f in factors],
    }


def check_samples(method: str, samples: int | None) -> int:
    """The sample size of ``method`` (its default if ``None``), else an input error."""
    if method not in METHODS:
        raise InputError([Problem("--method", method, f"allowed: {', '.join(METHODS)}")])
    n = DEFAULT_SAMPLES[method] if samples is None else samples
    if method == "morris" and n < 2:
        raise InputError([Problem("--samples", str(n), "Morris needs at least 2 trajectories")])
    if method == "sobol" and (n < 2 or n & (n - 1)):
        raise InputError(
            [Problem("--samples", str(n), "Sobol needs a power of two, e.g. 32, 64, 128")]
        )
    return n


def sample(factors: Sequence[Factor], method: str, samples: int, seed: int) -> np.ndarray:
    """SALib's sample matrix: one row per point, one column per factor (not rounded)."""
    problem = _problem(factors)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, samples, num_levels=NUM_LEVELS, seed=seed)
    from SALib.sample import sobol

    return sobol.sample(problem, samples, calc_second_order=False, seed=seed)


def point_value(results: Replications, metric: str) -> float:
    """A metric at one point: the mean over replications of its mean over the reported
    years (a catalogue metric's yearly total), or of a trade-off measure."""
    yearly = results.yearly
    if metric in RATE_MEASURES:
        return float(np.nanmean(np.asarray(rate_measures(yearly)[metric], dtype=float)))
    rows = yearly[(yearly.group == "") & (yearly.category == "") & (yearly.metric == metric)]
    wide = rows.pivot_table(index="replication", columns="year", values="value", dropna=False)
    return float(np.nanmean(wide.mean(axis=1).to_numpy(dtype=float)))


def analyse(
    factors: Sequence[Factor],
    method: str,
    points: np.ndarray,
    outputs: pd.DataFrame,
    metrics: Sequence[str],
    seed: int,
) -> pd.DataFrame:
    """The indices of every factor for every metric, with 95 % bootstrap intervals
    (``ci_low``, ``ci_high``; none for ``mu`` and ``sigma``) and the factor's ``rank``
    by the method's main index (1: most influential)."""
    problem = _problem(factors)
    rows = []
    for metric in metrics:
        y = outputs[metric].to_numpy(dtype=float)
        indices = _indices(problem, method, points, y, seed)
        main = indices[MAIN_INDEX[method]][0]
        order = np.argsort(-np.nan_to_num(main, nan=-np.inf), kind="stable")
        rank = np.empty(len(factors), dtype=int)
        rank[order] = np.arange(1, len(factors) + 1)
        for i, factor in enumerate(factors):
            for name in INDICES[method]:
                value, half = indices[name][0][i], indices[name][1][i]
                rows.append(
                    {
                        "metric": metric,
                        "parameter": factor.key,
                        "low": factor.low,
                        "high": factor.high,
                        "index": name,
                        "value": value,
                        "ci_low": value - half,
                        "ci_high": value + half,
                        "rank": rank[i],
                    }
                )
    return pd.DataFrame(rows)


def _indices(
    problem: dict[str, Any], method: str, points: np.ndarray, y: np.ndarray, seed: int
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Index name → (values, interval half-widths) of one output."""
    k = problem["num_vars"]
    nan = np.full(k, np.nan)
    if not np.all(np.isfinite(y)):  # a metric undefined at some point (e.g. no allocation)
        return {name: (nan, nan) for name in INDICES[method]}
    if np.ptp(y) == 0:  # an output no factor changes: every effect is nil
        zero = np.zeros(k)
        return {name: (zero, zero) for name in INDICES[method]}
    if method == "morris":
        from SALib.analyze import morris

        found = morris.analyze(
            problem, points, y, num_resamples=BOOTSTRAP, num_levels=NUM_LEVELS, seed=seed
        )
        return {
            "mu_star": (np.asarray(found["mu_star"]), np.asarray(found["mu_star_conf"])),
            "mu": (np.asarray(found["mu"]), nan),
            "sigma": (np.asarray(found["sigma"]), nan),
        }
    from SALib.analyze import sobol

    found = sobol.analyze(problem, y, calc_second_order=False, num_resamples=BOOTSTRAP, seed=seed)
    return {
        "ST": (np.asarray(found["ST"]), np.asarray(found["ST_conf"])),
        "S1": (np.asarray(found["S1"]), np.asarray(found["S1_conf"])),
    }


@dataclass
class SensitivityPlan:
    """What a sensitivity analysis will run: its factors and sample points."""

    base: Scenario  # the scenario with its overrides, before any factor is set
    scenario_file: Path | None
    factors: list[Factor]
    skipped: list[Skipped]
    method: str
    samples: int
    sample_seed: int
    metrics: list[str]
    points: np.ndarray  # SALib's sample matrix
    overrides: list[str] = field(default_factory=list)
    relative: float | None = None  # with --from-assumptions

    def settings(self) -> list[dict[str, float | int]]:
        """Each point's factor values as run (whole numbers rounded)."""
        return [
            {f.key: f.at(x) for f, x in zip(self.factors, row, strict=True)} for row in self.points
        ]

    def replications(self) -> int:
        """Replications in all: the points times the replications of each."""
        return len(self.points) * self.base.replications


def plan_sensitivity(
    scenario: ScenarioSource,
    vary: Iterable[str] = (),
    from_assumptions: bool = False,
    relative: float = 0.2,
    method: str = "morris",
    samples: int | None = None,
    sample_seed: int = 1,
    metrics: Sequence[str] | None = None,
    replications: int | None = None,
    overrides: Iterable[str] = (),
) -> SensitivityPlan:
    """Check the factors (``--vary KEY=LOW:HIGH`` texts and, with ``from_assumptions``,
    every assumption ± ``relative``) and draw the sample points; nothing runs."""
    require_salib()
    n = check_samples(method, samples)
    check_number("--sample-seed", sample_seed, 0, MAX_SEED, whole=True)
    chosen = check_metrics(
        list(metrics) if metrics is not None else DEFAULT_METRICS, measures=RATE_MEASURES
    )
    overrides = option_overrides(overrides, None, None, replications)
    base, file = scenario_from(scenario, overrides)
    vary = list(vary)
    if not vary and not from_assumptions:
        raise InputError(
            [Problem("--vary", "", "give --vary KEY=LOW:HIGH (repeatable) or --from-assumptions")]
        )
    factors = varied_factors(scenario, vary, overrides) if vary else []
    skipped: list[Skipped] = []
    if from_assumptions:
        if file is None:
            raise InputError(
                [Problem("--from-assumptions", base.name, "needs a scenario file (its comments)")]
            )
        found, skipped = assumption_factors(file, relative, overrides)
        given = {f.key for f in factors}
        factors += [f for f in found if f.key not in given]  # --vary's range wins
    if method == "sobol" and len(factors) < 2:
        raise InputError([Problem("--vary", "", "Sobol indices need at least two factors")])
    extra = 1 if method == "morris" else 2
    check_points(
        n * (len(factors) + extra),
        base.replications,
        "--samples",
        f"{method}: samples × (factors + {extra}), here {n:,} × {len(factors) + extra:,}",
    )
    points = sample(factors, method, n, sample_seed)
    return SensitivityPlan(
        base,
        file,
        factors,
        skipped,
        method,
        n,
        sample_seed,
        chosen,
        points,
        overrides,
        relative if from_assumptions else None,
    )


@dataclass
class Sensitivity:
    """A sensitivity analysis: its plan, every point's metrics, and the indices."""

    plan: SensitivityPlan
    outputs: pd.DataFrame  # samples.csv: point, factor values as run, metrics
    table: pd.DataFrame  # sensitivity.csv
    started: float
    finished: float
    scheduler: str | None = None  # the Dask scheduler it ran on (None: this machine)

    def ranking(self, top: int = 5) -> pd.DataFrame:
        """The ``top`` factors of each metric by the main index, with their intervals."""
        main = MAIN_INDEX[self.plan.method]
        rows = self.table[(self.table["index"] == main) & (self.table["rank"] <= top)]
        order = {metric: i for i, metric in enumerate(self.plan.metrics)}
        rows = rows.assign(order=rows.metric.map(order)).sort_values(["order", "rank"])
        columns = ["metric", "rank", "parameter", "value", "ci_low", "ci_high"]
        return rows[columns].rename(columns={"value": main}).reset_index(drop=True)

    def summary(self) -> str:
        """The ranking as text (what ``sim sensitivity`` prints)."""
        return str(self.ranking().round(4).to_string(index=False))

    def write(
        self, out: str | Path, force: bool = False, *, command: Sequence[str] | None = None
    ) -> Path:
        """Write the result folder of ``sim sensitivity`` (``write_sensitivity``); return it."""
        return write_sensitivity(self, out, force, command)


def run_sensitivity(
    plan: SensitivityPlan,
    scenario: ScenarioSource,
    jobs: Jobs = 1,
    on_replication_done: Callable[[int], None] | None = None,
) -> Sensitivity:
    """Run every point of ``plan`` (all validated first) and compute the indices."""
    settings = plan.settings()
    scenarios = []
    problems: list[Problem] = []
    for point in settings:
        texts = [setting(key, value) for key, value in point.items()]
        try:
            scenarios.append(scenario_from(scenario, [*plan.overrides, *texts])[0])
        except InputError as error:
            problems.extend(p for p in error.problems if p not in problems)
    if problems:
        raise InputError(problems)
    started = time.time()
    results = run_scenarios(scenarios, jobs, False, on_replication_done)
    outputs = pd.DataFrame(settings)
    for metric in plan.metrics:
        outputs[metric] = [point_value(result, metric) for result in results]
    outputs.insert(0, "point", range(len(outputs)))
    table = analyse(plan.factors, plan.method, plan.points, outputs, plan.metrics, plan.sample_seed)
    return Sensitivity(plan, outputs, table, started, time.time(), scheduler_of(jobs))


def write_sensitivity(
    result: Sensitivity,
    out: str | Path,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Path:
    """``sensitivity.csv``, ``samples.csv``, ``figures/sensitivity.png`` (with its
    data), ``scenario.resolved.yaml`` and ``manifest.json`` at ``out``, written
    atomically; return ``out``."""
    plan = result.plan
    out = Path(out)
    with atomic_folder(out, force) as folder:
        result.table.to_csv(folder / "sensitivity.csv", index=False)
        result.outputs.to_csv(folder / "samples.csv", index=False)
        (folder / "figures").mkdir()
        figure = folder / "figures" / "sensitivity.png"
        drawn = sensitivity_figure(result, figure)
        drawn.to_csv(figure.with_suffix(".csv"), index=False)
        write_resolved(folder, plan.base)
        write_manifest(
            folder,
            kind="sensitivity",
            scenario=plan.base,
            scenario_file=plan.scenario_file,
            seed=plan.base.seed,
            replications=plan.base.replications,
            started=result.started,
            finished=result.finished,
            command=command,
            scheduler=result.scheduler,
            extra={
                "method": plan.method,
                "samples": plan.samples,
                "sample_seed": plan.sample_seed,
                "points": len(plan.points),
                "num_levels": NUM_LEVELS if plan.method == "morris" else None,
                "bootstrap_resamples": BOOTSTRAP,
                "metrics": plan.metrics,
                "relative_range": plan.relative,
                "factors": [
                    {
                        "key": f.key,
                        "low": f.low,
                        "high": f.high,
                        "integer": f.integer,
                        "value": f.value,
                        "source": f.source,
                    }
                    for f in plan.factors
                ],
                "not_varied": [{"key": s.key, "reason": s.reason} for s in plan.skipped],
            },
        )
    return out
