"""Calibration: fit scenario parameters to reported counts.

Method (documented in calibration/README.md):

* Each evaluation runs the scenario with the candidate parameters for ``replications``
  replications with the *same* seeds every time (common random numbers), so the
  objective is a deterministic, fairly smooth function of the parameters.
* The loss is a weighted sum over targets: a Poisson deviance for counts given as a
  number, a squared relative error for non-count metrics (shares, waits), and for targets
  given as a range a squared distance outside the range, scaled by the range's width
  (zero inside).
* Search: a scrambled Sobol design over the parameter box (the guess is its first point),
  then Nelder–Mead from the best design point, on the unit cube (log scale where asked),
  until the evaluation budget is spent.
* The best parameters are then run with ``fit_replications`` replications to check the
  fit: per target the simulated mean and 90 % interval, and whether the observation lies
  inside it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.stats import qmc

from sim.calibration.holdout import holdout_check
from sim.calibration.result import CalibrationResult, Trial
from sim.calibration.spec import PROFILE_OFFSETS, Calibration, Parameter, fit_scenario
from sim.calibration.targets import NON_COUNT_METRICS
from sim.config.schema import Scenario
from sim.model.housing import run_replication
from sim.runner.pool import Jobs, Pool, WorkerPool, pool_for, scheduler_of

TargetKey = tuple[int, str, str, str]  # year, metric, group, category
# Trials count as "near best" when their loss is within 10 % of the best or within one
# unit of it (a deviance difference of 1 is about one standard error for one parameter),
# whichever is wider.
NEAR_BEST_RELATIVE = 0.10
NEAR_BEST_ABSOLUTE = 1.0


def target_keys(targets: pd.DataFrame) -> list[TargetKey]:
    return [
        (int(r.year), str(r.metric), str(r.group), str(r.category))
        for r in targets.itertuples(index=False)
    ]


def _replication_values(args: tuple[Scenario, int, list[TargetKey]]) -> list[float]:
    """Run one replication and read the target metrics from its yearly rows."""
    scenario, replication, keys = args
    rows, _ = run_replication(scenario, replication)
    values = {(r.year, r.metric, r.group, r.category): r.value for r in rows}
    out = []
    for year, metric, group, category in keys:
        if metric == "nonrenewal_exits":
            value = values.get((year, "contract_ends", group, category), math.nan) - values.get(
                (year, "renewals", group, category), math.nan
            )
        elif metric == "homeless_total":
            value = values.get((year, "homeless_waiting", group, category), math.nan) + values.get(
                (year, "homeless_outside", group, category), math.nan
            )
        elif metric == "vacancy_share":
            units = values.get((year, "units", group, category), math.nan)
            vacant = values.get((year, "vacant", group, category), math.nan)
            value = vacant / units if units else math.nan
        else:
            value = values.get((year, metric, group, category), math.nan)
        out.append(value)
    return out


def simulate(
    scenarios: list[Scenario],
    replications: int,
    keys: list[TargetKey],
    pool: Pool | None = None,
) -> list[np.ndarray]:
    """Target values per scenario: arrays of shape (targets, replications).

    Without a pool the replications run in this process."""
    tasks = [(s, r, keys) for s in scenarios for r in range(replications)]
    results = list((pool or WorkerPool(1)).imap(_replication_values, tasks))
    out = []
    for index in range(len(scenarios)):
        block = results[index * replications : (index + 1) * replications]
        out.append(np.array(block, dtype=float).T)
    return out


def target_losses(targets: pd.DataFrame, simulated_mean: np.ndarray) -> np.ndarray:
    """Weighted loss of each target given the simulated means (see the module docstring)."""
    losses = np.zeros(len(targets))
    for i, row in enumerate(targets.itertuples(index=False)):
        s = float(simulated_mean[i])
        if math.isnan(s):
            losses[i] = math.inf
            continue
        if not math.isnan(row.low) and not math.isnan(row.high):
            scale = max(row.high - row.low, 0.01 * max(abs(row.low), abs(row.high)), 1e-9)
            outside = max(row.low - s, 0.0, s - row.high)
            loss = (outside / scale) ** 2
        elif row.metric in NON_COUNT_METRICS:
            loss = ((s - row.observed) / max(abs(row.observed), 1e-9)) ** 2
        else:
            loss = poisson_deviance(row.observed, s)
        losses[i] = row.weight * loss
    return losses


def poisson_deviance(observed: float, simulated: float) -> float:
    """2 (o log(o/s) − (o − s)), with the simulated count floored at 0.001."""
    s = max(simulated, 1e-3)
    if observed <= 0:
        return 2.0 * s
    return 2.0 * (observed * math.log(observed / s) - (observed - s))


def calibrate(
    calibration: Calibration, jobs: Jobs = 1, on_trial: Callable[[Trial, Trial], None] | None = None
) -> CalibrationResult:
    """Fit the spec's parameters; ``on_trial(trial, best)`` is called after each evaluation.

    ``jobs``: worker processes (0: every core) or an open pool; the design points are
    evaluated as many at a time as the pool runs tasks at once (the results do not
    depend on it)."""
    started = time.time()
    spec = calibration.spec
    names = list(spec.parameters)
    parameters = [spec.parameters[name] for name in names]
    holdout = set(spec.holdout_years)
    targets = calibration.targets
    fitted = targets[~targets.year.isin(holdout)].reset_index(drop=True)
    keys = target_keys(fitted)
    result = CalibrationResult(calibration, fitted, started=started, scheduler=scheduler_of(jobs))
    cache: dict[tuple[float, ...], Trial] = {}

    def values_at(unit: np.ndarray) -> dict[str, float]:
        return {
            name: p.from_unit(float(u)) for name, p, u in zip(names, parameters, unit, strict=True)
        }

    def record(values: dict[str, float], simulated: np.ndarray, phase: str) -> Trial:
        mean = np.nanmean(simulated, axis=1) if simulated.size else np.array([])
        losses = target_losses(fitted, mean)
        trial = Trial(len(result.trials), phase, values, float(np.sum(losses)), losses, mean)
        result.trials.append(trial)
        if result.best is None or trial.loss < result.best.loss:
            result.best = trial
        if on_trial is not None:
            on_trial(trial, result.best)
        return trial

    with pool_for(jobs) as pool:
        budget = spec.budget
        initial = spec.optimiser.initial or max(min(budget, 2 * len(names) + 1), budget // 3)
        initial = min(initial, budget)
        design = [np.array([p.to_unit(p.guess) for p in parameters])]
        if initial > 1:
            # a power of two keeps the balance properties of Sobol points
            power = int(math.log2(initial - 1))
            sobol = qmc.Sobol(len(names), scramble=True, seed=spec.seed)
            design += list(sobol.random_base2(power))
        design_values = [values_at(unit) for unit in design]
        chunk = max(pool.processes, 1)
        for first in range(0, len(design_values), chunk):
            batch = design_values[first : first + chunk]
            scenarios = [fit_scenario(calibration, v) for v in batch]
            for values, simulated in zip(
                batch, simulate(scenarios, spec.replications, keys, pool), strict=True
            ):
                trial = record(values, simulated, "design")
                cache[_cache_key(values)] = trial

        def objective(unit: np.ndarray) -> float:
            values = values_at(unit)
            key = _cache_key(values)
            if key in cache:
                return cache[key].loss
            if len(result.trials) >= budget:
                raise _BudgetSpent
            simulated = simulate(
                [fit_scenario(calibration, values)], spec.replications, keys, pool
            )[0]
            trial = record(values, simulated, "nelder-mead")
            cache[key] = trial
            return trial.loss

        remaining = budget - len(result.trials)
        if remaining > 0:
            assert result.best is not None
            start = np.array(
                [p.to_unit(result.best.values[n]) for n, p in zip(names, parameters, strict=True)]
            )
            simplex = [start] + [
                np.clip(start + 0.1 * np.eye(len(names))[i] * (1 if start[i] < 0.9 else -1), 0, 1)
                for i in range(len(names))
            ]
            with suppress(_BudgetSpent):
                optimize.minimize(
                    objective,
                    start,
                    method="Nelder-Mead",
                    bounds=[(0.0, 1.0)] * len(names),
                    options={
                        "maxfev": remaining * 2,
                        "xatol": 1e-3,
                        "fatol": 1e-6,
                        "initial_simplex": np.array(simplex),
                    },
                )

        assert result.best is not None
        best = result.best
        profiles = []
        for index, (name, parameter) in enumerate(zip(names, parameters, strict=True)):
            centre = parameter.to_unit(best.values[name])
            for offset in PROFILE_OFFSETS if spec.profile else ():
                unit = min(max(centre + offset, 0.0), 1.0)
                values = dict(best.values)
                values[name] = parameter.from_unit(unit)
                profiles.append((index, offset, values))
        profile_runs = simulate(
            [fit_scenario(calibration, v) for _, _, v in profiles], spec.replications, keys, pool
        )
        for (index, offset, values), simulated in zip(profiles, profile_runs, strict=True):
            record(values, simulated, f"profile {names[index]} {offset:+.2f}")
        result.best = best  # the profile explores around the best; it does not move it
        best_scenario = fit_scenario(calibration, result.best.values)
        all_keys = target_keys(targets)
        check = simulate([best_scenario], spec.fit_replications, all_keys, pool)[0]
    result.fit = fit_table(targets, check, holdout)
    result.identifiability = identifiability(result, names, parameters)
    if holdout:
        result.holdout = result.fit[result.fit.year.isin(holdout)].reset_index(drop=True)
        result.holdout_check = holdout_check(targets, result.fit, holdout)
    result.finished = time.time()
    result.wall_seconds = result.finished - started
    return result


class _BudgetSpent(Exception):
    """The evaluation budget is used up (stops the local search)."""


def _cache_key(values: dict[str, float]) -> tuple[float, ...]:
    return tuple(round(v, 12) for v in values.values())


def fit_table(targets: pd.DataFrame, simulated: np.ndarray, holdout: set[int]) -> pd.DataFrame:
    """Per target: observed, simulated mean and 90 % interval, inside or not; plus sums.

    A sum row adds up, per replication, the targets of one metric and year that split a
    total by group or by category (e.g. Table 7's categories), so totals are checked too.
    """
    rows = []
    for i, row in enumerate(targets.itertuples(index=False)):
        rows.append(
            _fit_row(
                row.target,
                row.year,
                row.metric,
                row.group,
                row.category,
                row.observed,
                row.low,
                row.high,
                simulated[i],
                row.source,
            )
        )
    table = targets.reset_index(drop=True)
    for (year, metric), block in table.groupby(["year", "metric"]):
        by_group = block[(block.group != "") & (block.category == "")]
        by_category = block[(block.group == "") & (block.category != "")]
        for part, label in ((by_group, "all groups"), (by_category, "all categories")):
            if len(part) < 2 or part.observed.isna().any():
                continue
            total = simulated[part.index.to_numpy()].sum(axis=0)
            rows.append(
                _fit_row(
                    f"sum_{metric}_{year}",
                    year,
                    metric,
                    label if label == "all groups" else "",
                    label if label == "all categories" else "",
                    float(part.observed.sum()),
                    math.nan,
                    math.nan,
                    total,
                    "sum of the targets above",
                )
            )
    fit = pd.DataFrame(rows)
    used = ~fit.year.isin(holdout).to_numpy()
    if "weight" in targets:  # a target of weight 0 is reported, not fitted
        used[: len(targets)] &= targets.weight.to_numpy(dtype=float) > 0
    fit["used_in_fit"] = used
    return fit


def _fit_row(
    target: str,
    year: int,
    metric: str,
    group: str,
    category: str,
    observed: float,
    low: float,
    high: float,
    values: np.ndarray,
    source: str,
) -> dict[str, Any]:
    values = values[~np.isnan(values)]
    mean = float(values.mean()) if values.size else math.nan
    p05, p95 = np.percentile(values, [5, 95]) if values.size else (math.nan, math.nan)
    if not math.isnan(observed):
        inside = bool(p05 <= observed <= p95)
        relative = (mean - observed) / observed if observed else math.nan
    else:
        inside = bool(p05 <= high and p95 >= low)
        relative = math.nan
    return {
        "target": target,
        "year": year,
        "metric": metric,
        "group": group,
        "category": category,
        "observed": observed,
        "low": low,
        "high": high,
        "simulated_mean": mean,
        "simulated_p05": float(p05),
        "simulated_p95": float(p95),
        "inside": inside,
        "relative_error": relative,
        "source": source,
    }


def identifiability(
    result: CalibrationResult, names: list[str], parameters: list[Parameter]
) -> pd.DataFrame:
    """Per parameter: how far it can move from the best before the loss rises.

    ``near_best_min``/``max``: the range of the parameter among all trials whose loss is
    near the best (within 10 % or one unit, whichever is wider). ``profile_low``/``high``:
    from the profile (the parameter moved alone, the others at the best), the interval in
    which the loss stays near the best, interpolated linearly between profile points.
    """
    assert result.best is not None
    best = result.best
    limit = best.loss + max(NEAR_BEST_RELATIVE * best.loss, NEAR_BEST_ABSOLUTE)
    near = [t for t in result.trials if t.loss <= limit]
    rows = []
    for name, parameter in zip(names, parameters, strict=True):
        values = [t.values[name] for t in near]
        centre = parameter.to_unit(best.values[name])
        profile = [
            (parameter.to_unit(t.values[name]) - centre, t.loss)
            for t in result.trials
            if t.phase.startswith(f"profile {name} ")
        ]
        points = sorted([*profile, (0.0, best.loss)])
        low_unit = _profile_edge([p for p in points if p[0] <= 0][::-1], limit)
        high_unit = _profile_edge([p for p in points if p[0] >= 0], limit)
        share = high_unit - low_unit
        reached_end = max(-low_unit, high_unit) >= max(PROFILE_OFFSETS) - 1e-9
        if share < 0.1:
            verdict = "pinned down"
        elif share < 0.25 and not reached_end:
            verdict = "weakly identified"
        else:
            verdict = "not identified by these targets"
        rows.append(
            {
                "parameter": name,
                "best": best.values[name],
                "search_low": parameter.low,
                "search_high": parameter.high,
                "log_scale": parameter.log,
                "near_best_min": min(values),
                "near_best_max": max(values),
                "near_best_trials": len(near),
                "profile_low": parameter.from_unit(centre + low_unit),
                "profile_high": parameter.from_unit(centre + high_unit),
                "share_of_search_range": share,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)


def _profile_edge(points: list[tuple[float, float]], limit: float) -> float:
    """Offset from the best, going outward, at which the profile loss reaches ``limit``."""
    previous_offset, previous_loss = 0.0, points[0][1] if points else 0.0
    for offset, loss in points:
        if loss > limit:
            if loss == previous_loss:
                return previous_offset
            fraction = (limit - previous_loss) / (loss - previous_loss)
            if previous_offset == 0.0:
                fraction = math.sqrt(fraction)  # the loss rises about quadratically from a minimum
            return previous_offset + (offset - previous_offset) * fraction
        previous_offset, previous_loss = offset, loss
    return previous_offset
