"""The Python API: every command of the command line, as a function.

Each takes what its command takes (a scenario file or :class:`Scenario`, replications,
jobs, a progress callback) and returns a result a Python user can work with; given
``out``, it also writes the command's result folder (checked before anything runs;
an existing one is replaced only with ``force`` and only if it is a result folder:
:mod:`sim.analysis.replace`). The folders can be written later too, with
:func:`write_results`, :func:`write_comparison`, :func:`write_sweep`,
:func:`write_tradeoff`, :func:`write_sizing`, :func:`write_sensitivity` and
:func:`write_calibration`.

>>> import sim
>>> scenario = sim.load_scenario("scenarios/lorenskog.yaml")    # doctest: +SKIP
>>> results = sim.run(scenario, replications=4, jobs=2)        # doctest: +SKIP
>>> sim.summarise(results).query("metric == 'waiting'")         # doctest: +SKIP
>>> sim.compare(scenario, ["scenarios/flexbo.yaml"], replications=4).text()  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.analysis.compare import Comparison, write_comparison
from sim.analysis.compare import compare as compare_scenarios
from sim.analysis.output import write_results
from sim.analysis.replace import check_out_dir
from sim.analysis.sensitivity import Sensitivity, SensitivityPlan, plan_sensitivity
from sim.analysis.sensitivity import run_sensitivity as run_plan
from sim.analysis.sensitivity_figure import write_sensitivity
from sim.analysis.sizing import Evaluation, SizingResult, sizing_question, write_sizing
from sim.analysis.sizing import size as size_search
from sim.analysis.sweep import Sweep, write_sweep
from sim.analysis.sweep import sweep as sweep_grid
from sim.analysis.tables import summarise as summarise_yearly
from sim.analysis.target import Target
from sim.analysis.tradeoff import Tradeoff, write_tradeoff
from sim.analysis.tradeoff import tradeoff as tradeoff_grid
from sim.config.errors import InputError, Problem
from sim.config.loader import ScenarioSource, load_scenario, option_overrides, scenario_from
from sim.config.schema import Scenario
from sim.runner.pool import Jobs
from sim.runner.replications import Block, Results, run_scenario

if TYPE_CHECKING:  # the calibration package is imported when it is used
    from sim.calibration import Calibration, CalibrationResult
    from sim.calibration.engine import Trial


def run(
    scenario: ScenarioSource,
    replications: int | None = None,
    seed: int | None = None,
    years: int | None = None,
    jobs: Jobs = 1,
    households: bool = False,
    overrides: Iterable[str] = (),
    on_replication_done: Callable[[int], None] | None = None,
    *,
    out: str | Path | None = None,
    force: bool = False,
    command: Sequence[str] | None = None,
    sink: Callable[[Block], None] | None = None,
) -> Results:
    """Run a scenario (an object or a file path) and return its results (``sim run``).

    ``seed``, ``years`` and ``replications`` replace the scenario's own; ``overrides``
    are ``KEY=VALUE`` strings as for ``--set``. ``households`` keeps one record per
    household (``results.households``). ``jobs`` worker processes (0: every core) give
    the same results as one. With ``out`` the result folder is written there too. With
    ``sink`` each replication's rows go to it as they arrive instead of into
    ``results.yearly`` (see :class:`sim.analysis.stream.YearlyStream`); ``out`` is then
    not written here.
    """
    loaded, file = scenario_from(scenario, option_overrides(overrides, seed, years, replications))
    _check(out, force, scenario)
    results = run_scenario(loaded, None, jobs, households, on_replication_done, sink=sink)
    if out is not None and sink is None:
        write_results(results, out, force, scenario_file=file, command=command)
    return results


def summarise(results: Results | pd.DataFrame) -> pd.DataFrame:
    """Summary over replications (mean, sd, 95 % t-interval, p10/p50/p90, n)."""
    yearly = results.yearly if isinstance(results, Results) else results
    return summarise_yearly(yearly)


@dataclass
class Validation:
    """The valid scenarios with their files, in the order given, and every problem of
    the others."""

    scenarios: list[tuple[Path, Scenario]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def validate(files: Iterable[str | Path], overrides: Iterable[str] = ()) -> Validation:
    """Load and check every file (``sim validate``), collecting every problem."""
    overrides = list(overrides)
    validation = Validation()
    for file in files:
        try:
            validation.scenarios.append((Path(file), load_scenario(file, overrides)))
        except InputError as error:
            validation.problems.extend(error.problems)
    return validation


def compare(
    base: ScenarioSource,
    alternatives: Sequence[ScenarioSource],
    replications: int | None = None,
    jobs: Jobs = 1,
    metrics: Sequence[str] | None = None,
    on_replication_done: Callable[[int], None] | None = None,
    *,
    out: str | Path | None = None,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Comparison:
    """Compare alternatives with a base, paired by replication (``sim compare``).

    Every scenario runs with the base's seed and replications (common random numbers);
    ``.table`` has the paired differences with 95 % intervals, ``.text()`` a summary.
    """
    _check(out, force, base, *alternatives)
    comparison = compare_scenarios(
        base, alternatives, replications, jobs, metrics, on_replication_done
    )
    if out is not None:
        write_comparison(comparison, out, force, command)
    return comparison


def sweep(
    scenario: ScenarioSource,
    vary: Mapping[str, Sequence[Any]] | Iterable[str],
    replications: int | None = None,
    jobs: Jobs = 1,
    metrics: Sequence[str] | None = None,
    overrides: Iterable[str] = (),
    on_replication_done: Callable[[int], None] | None = None,
    *,
    out: str | Path | None = None,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Sweep:
    """Run a grid of variants with the same random numbers (``sim sweep``).

    ``vary`` is ``{key: [values]}`` or ``--vary`` texts (``"policy.renewal=strict,always"``);
    the full grid runs. ``.table`` has every metric per point and year, ``.horizon()``
    the means over the reported years.
    """
    _check(out, force, scenario)
    result = sweep_grid(scenario, vary, replications, jobs, metrics, overrides, on_replication_done)
    if out is not None:
        write_sweep(result, out, force, command)
    return result


def tradeoff(
    scenario: ScenarioSource,
    vary: Mapping[str, Sequence[Any]] | Iterable[str],
    replications: int | None = None,
    jobs: Jobs = 1,
    overrides: Iterable[str] = (),
    on_replication_done: Callable[[int], None] | None = None,
    *,
    out: str | Path | None = None,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Tradeoff:
    """Throughput against stability over a grid of policies (``sim tradeoff``).

    ``.table`` has, per policy, the measures with their 95 % intervals; ``.overview()``
    the means.
    """
    _check(out, force, scenario)
    result = tradeoff_grid(scenario, vary, replications, jobs, overrides, on_replication_done)
    if out is not None:
        write_tradeoff(result, out, force, command)
    return result


def run_sensitivity(
    plan: SensitivityPlan,
    scenario: ScenarioSource,
    jobs: Jobs = 1,
    on_replication_done: Callable[[int], None] | None = None,
    *,
    out: str | Path | None = None,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Sensitivity:
    """Run the points of a plan made by :func:`plan_sensitivity` from ``scenario``
    (``sim sensitivity``)."""
    _check(out, force, scenario)
    result = run_plan(plan, scenario, jobs, on_replication_done)
    if out is not None:
        write_sensitivity(result, out, force, command)
    return result


def sensitivity(
    scenario: ScenarioSource,
    vary: Iterable[str] = (),
    from_assumptions: bool = False,
    relative: float = 0.2,
    method: str = "morris",
    samples: int | None = None,
    sample_seed: int = 1,
    metrics: Sequence[str] | None = None,
    replications: int | None = None,
    jobs: Jobs = 1,
    overrides: Iterable[str] = (),
    on_replication_done: Callable[[int], None] | None = None,
    *,
    out: str | Path | None = None,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Sensitivity:
    """Global sensitivity of ``metrics`` to scenario numbers (``sim sensitivity``; needs
    SALib, the ``sensitivity`` extra).

    ``vary`` holds ``KEY=LOW:HIGH`` texts; ``from_assumptions`` adds every number whose
    comment says "assumption", ± ``relative``. ``method`` is ``morris`` (``samples``
    trajectories) or ``sobol`` (``samples`` base samples, a power of two).
    ``.table`` has every index with its 95 % interval, ``.ranking()`` the top factors.
    """
    _check(out, force, scenario)
    plan = plan_sensitivity(
        scenario,
        vary,
        from_assumptions,
        relative,
        method,
        samples,
        sample_seed,
        metrics,
        replications,
        overrides,
    )
    return run_sensitivity(
        plan, scenario, jobs, on_replication_done, out=out, force=force, command=command
    )


def size(
    scenario: ScenarioSource,
    category: str,
    target: str | Target,
    from_year: int | None = None,
    to_year: int | None = None,
    confidence: float = 0.8,
    max_units: int = 200,
    once: bool = False,
    replications: int | None = None,
    jobs: Jobs = 1,
    overrides: Iterable[str] = (),
    on_step: Callable[[Evaluation], None] | None = None,
    *,
    out: str | Path | None = None,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> SizingResult:
    """The smallest number of units a year (or ``once``) in ``category`` for which
    ``target`` (e.g. ``"waiting[group=rus] <= 5"``) holds in every year from ``to_year``
    in at least ``confidence`` of the replications (``sim size``).

    ``.answer`` is the number (``None`` if not reached within ``max_units``),
    ``.analytic`` the Erlang-C estimate, ``.table()`` every candidate tried;
    ``on_step`` is called after each candidate.
    """
    loaded, file = scenario_from(scenario, option_overrides(overrides, None, None, replications))
    question = sizing_question(
        loaded, category, target, from_year, to_year, confidence, max_units, once
    )
    _check(out, force, scenario)
    result = size_search(loaded, question, loaded.replications, jobs, on_step)
    result.scenario_file = file
    if out is not None:
        write_sizing(result, out, force, command)
    return result


def calibrate(
    spec: Calibration | str | Path,
    budget: int | None = None,
    seed: int | None = None,
    holdout: Iterable[int] = (),
    overrides: Iterable[str] = (),
    jobs: Jobs = 1,
    on_trial: Callable[[Trial, Trial], None] | None = None,
    *,
    out: str | Path | None = None,
    force: bool = False,
    scenario_out: str | Path | None = None,
    command: Sequence[str] | None = None,
) -> CalibrationResult:
    """Fit a scenario's parameters to reported counts (``sim calibrate``).

    ``spec`` is a calibration spec file (or one loaded with
    :func:`sim.calibration.load_calibration`); ``budget``, ``seed`` (of the search),
    ``holdout`` years and ``overrides`` of spec keys replace the spec's own (only with a
    file). ``on_trial(trial, best)`` is called after each evaluation. With
    ``scenario_out`` the calibrated scenario (extending the base) is written there (an
    existing one is replaced only with ``force``, and only if it is such a scenario);
    both are checked before calibrating.
    """
    from sim.calibration import calibrate as fit
    from sim.calibration import check_overlay, input_files, load_calibration, write_overlay

    if isinstance(spec, str | Path):
        held = tuple(holdout)
        spec = load_calibration(spec, budget, seed, held or None, overrides)
    _check(out, force, *input_files(spec))
    if scenario_out is not None:
        check_overlay(scenario_out, force, spec)
    result = fit(spec, jobs, on_trial)
    if out is not None:
        write_calibration(result, out, force, command=command)
    if scenario_out is not None:
        write_overlay(result, scenario_out, command=command, force=force)
    return result


def write_calibration(
    result: CalibrationResult,
    out: str | Path,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Path:
    """The result folder of a calibration (fit, trials, identifiability, best scenario)."""
    from sim.calibration import write_calibration as write

    return write(result, out, force, command)


def _check(out: str | Path | None, force: bool, *inputs: ScenarioSource) -> None:
    """Fail before any simulation if ``out`` may not or cannot be written (or holds an
    input file)."""
    if out is not None:
        check_out_dir(Path(out), force, [i for i in inputs if isinstance(i, str | Path)])


__all__ = [
    "Comparison",
    "Evaluation",
    "Results",
    "Scenario",
    "Sensitivity",
    "SensitivityPlan",
    "SizingResult",
    "Sweep",
    "Tradeoff",
    "Validation",
    "calibrate",
    "compare",
    "load_scenario",
    "plan_sensitivity",
    "run",
    "run_sensitivity",
    "sensitivity",
    "size",
    "summarise",
    "sweep",
    "tradeoff",
    "validate",
    "write_calibration",
    "write_comparison",
    "write_results",
    "write_sensitivity",
    "write_sizing",
    "write_sweep",
    "write_tradeoff",
]
