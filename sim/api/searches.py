"""``sim sensitivity``, ``size`` and ``calibrate`` as functions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sim.analysis.sensitivity import Sensitivity, SensitivityPlan
from sim.analysis.sensitivity import plan_sensitivity as plan_points
from sim.analysis.sensitivity import run_sensitivity as run_plan
from sim.analysis.sizing import Evaluation, SizingResult
from sim.analysis.sizing import size as size_search
from sim.analysis.sizing_question import sizing_question
from sim.analysis.target import Target
from sim.api.folders import check as _check
from sim.api.folders import written as _written
from sim.api.runs import PROGRESS, Progress
from sim.config.loader import ScenarioSource, option_overrides, scenario_from
from sim.deprecation import keyword_first
from sim.runner.pool import Jobs

if TYPE_CHECKING:  # the calibration package is imported when it is used
    from sim.calibration import Calibration, CalibrationResult
    from sim.calibration.abc_result import AbcResult


SENSITIVITY_OPTIONS: tuple[str, ...] = ("vary", "from_assumptions", "relative", "method")
SENSITIVITY_OPTIONS += ("samples", "sample_seed", "metrics", "replications")


@keyword_first(positional=(*SENSITIVITY_OPTIONS, "overrides"))
def plan_sensitivity(
    scenario: ScenarioSource,
    *,
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
    """The factors and sample points of :func:`sensitivity`, checked; nothing runs."""
    return plan_points(
        scenario, vary, from_assumptions, relative, method, samples, sample_seed, metrics,
        replications, overrides,
    )  # fmt: skip


@keyword_first(positional=("scenario", "jobs", "on_progress"), renamed=PROGRESS)
def run_sensitivity(
    plan: SensitivityPlan,
    *,
    scenario: ScenarioSource,
    jobs: Jobs = 1,
    on_progress: Progress | None = None,
    out: str | Path | None = None,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Sensitivity:
    """Run the points of a plan made by :func:`plan_sensitivity` from ``scenario``
    (``sim sensitivity``)."""
    _check(out, force, scenario)
    result = run_plan(plan, scenario, jobs, on_progress)
    return _written(result, out, force, command)


@keyword_first(
    positional=(*SENSITIVITY_OPTIONS, "jobs", "overrides", "on_progress"), renamed=PROGRESS
)
def sensitivity(
    scenario: ScenarioSource,
    *,
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
    on_progress: Progress | None = None,
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
        vary=vary,
        from_assumptions=from_assumptions,
        relative=relative,
        method=method,
        samples=samples,
        sample_seed=sample_seed,
        metrics=metrics,
        replications=replications,
        overrides=overrides,
    )
    return run_sensitivity(
        plan,
        scenario=scenario,
        jobs=jobs,
        on_progress=on_progress,
        out=out,
        force=force,
        command=command,
    )


SIZE_OPTIONS = ("category", "target", "from_year", "to_year", "confidence", "max_units", "once")


@keyword_first(
    positional=(*SIZE_OPTIONS, "replications", "jobs", "overrides", "on_progress"),
    renamed={"on_step": "on_progress"},
)
def size(
    scenario: ScenarioSource,
    *,
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
    on_progress: Callable[[Evaluation], None] | None = None,
    out: str | Path | None = None,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> SizingResult:
    """The smallest number of units a year (or ``once``) in ``category`` for which
    ``target`` (e.g. ``"waiting[group=rus] <= 5"``) holds in every year from ``to_year``
    in at least ``confidence`` of the replications (``sim size``).

    ``.answer`` is the number (``None`` if not reached within ``max_units``),
    ``.analytic`` the Erlang-C estimate, ``.table`` every candidate tried;
    ``on_progress`` is called with each candidate's :class:`Evaluation`.
    """
    loaded, file = scenario_from(scenario, option_overrides(overrides, None, None, replications))
    question = sizing_question(
        loaded, category, target, from_year, to_year, confidence, max_units, once
    )
    _check(out, force, scenario)
    result = size_search(loaded, question, loaded.replications, jobs, on_progress)
    result.scenario_file = file
    return _written(result, out, force, command)


@keyword_first(
    positional=("budget", "search_seed", "holdout", "overrides", "jobs", "on_progress"),
    renamed={"seed": "search_seed", "on_trial": "on_progress"},
)
def calibrate(
    spec: Calibration | str | Path,
    *,
    budget: int | None = None,
    search_seed: int | None = None,
    holdout: Iterable[int] = (),
    overrides: Iterable[str] = (),
    jobs: Jobs = 1,
    on_progress: Callable[..., None] | None = None,
    out: str | Path | None = None,
    force: bool = False,
    scenario_out: str | Path | None = None,
    command: Sequence[str] | None = None,
    method: str | None = None,
    resume: str | Path | None = None,
) -> CalibrationResult | AbcResult:
    """Fit a scenario's parameters to reported counts (``sim calibrate``).

    ``spec`` is a calibration spec file (or one loaded with
    :func:`sim.calibration.load_calibration`); ``budget``, ``search_seed`` (the seed of
    the search, not of the simulations), ``holdout`` years, ``method`` (``optimise`` or
    ``abc``) and ``overrides`` of spec keys replace the spec's own (only with a file).
    ``on_progress(trial, best)`` is called after each evaluation of the optimiser,
    ``on_progress(generation, candidates)`` after each generation of ``abc``. With
    ``scenario_out`` the calibrated scenario (extending the base) is written there (an
    existing one is replaced only with ``force``, and only if it is such a scenario);
    both are checked before calibrating. ``resume``: the result folder of an earlier
    ``abc`` fit of the same spec, continued for the spec's remaining generations.
    """
    from sim.calibration import calibrate as fit
    from sim.calibration import check_overlay, input_files, load_calibration, write_overlay

    if isinstance(spec, str | Path):
        held = tuple(holdout)
        spec = load_calibration(spec, budget, search_seed, held or None, overrides, method)
    _check(out, force, *input_files(spec))
    if scenario_out is not None:
        check_overlay(scenario_out, force, spec)
    if spec.spec.method == "abc":
        from sim.calibration.abc_result import calibrate_abc, write_abc_overlay

        bayes = calibrate_abc(spec, jobs, on_progress, resume)
        _written(bayes, out, force, command)
        if scenario_out is not None:
            write_abc_overlay(bayes, scenario_out, out, command=command, force=force)
        return bayes
    result = fit(spec, jobs, on_progress)
    _written(result, out, force, command)
    if scenario_out is not None:
        write_overlay(result, scenario_out, command=command, force=force)
    return result
