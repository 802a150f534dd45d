"""Units needed per year (``sim size``): an analytic first estimate, then the simulation.

The question: the smallest whole number of units a year, added to one category every
year from ``from_year`` (or once, in that year), such that a target (``waiting[group=x]
<= 10``) holds in every year from ``to_year`` to the end of the horizon with probability
at least ``confidence`` over replications.

1. **Analytic estimate** (:mod:`sim.analysis.sizing_estimate`). The category as an
   M/M/c queue: for a wait or list-length target the smallest c whose Erlang-C mean wait
   or list length meets it (searched from λ / μ up to a million servers); for any
   other target the fluid condition c ≥ λ / μ. The
   units to add are c minus the units the category has, spread evenly over the years
   from ``from_year`` to ``to_year``.
2. **Simulation search.** Every candidate runs with the scenario's seed (common random
   numbers), so the probability of meeting the target is, replication by replication, in
   practice monotone in the number of units. A bisection over whole units finds the
   smallest success. Each candidate starts with ``replications`` replications; while the
   95 % Wilson interval of its success probability still contains ``confidence``, its
   replications are doubled (up to four times), then the point estimate decides.

Over a posterior (``calibration.posterior``) the probability is over chance and the
parameters' uncertainty together (each block of replications runs with a particle drawn
from the posterior); the same search at the scenario's own fixed values (chance only)
is made too and given beside it (:attr:`SizingResult.fixed`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.labels import scenario_label, short
from sim.analysis.output import atomic_folder, write_resolved
from sim.analysis.provenance import recorded_command, write_manifest
from sim.analysis.sizing_estimate import analytic_units
from sim.analysis.sizing_figure import size_caption, size_figure
from sim.analysis.sizing_question import SizingQuestion
from sim.analysis.statistics import design_effect, mean_interval, wilson_interval
from sim.analysis.tables import per_draw
from sim.analysis.target import Target
from sim.config.errors import InputError, Problem
from sim.config.loader import comment_line, plain_data, scenario_yaml, validate_data
from sim.config.option_limits import MAX_POINT_REPLICATIONS, check_number
from sim.config.schema import Scenario
from sim.deprecation import callable_frame
from sim.runner.pool import Jobs, scheduler_of
from sim.runner.posterior import without_posterior
from sim.runner.replications import run_scenario

MAX_DOUBLINGS = 2  # replications grow to at most four times the start


def with_units(scenario: Scenario, question: SizingQuestion, units: int) -> Scenario:
    """The scenario with ``units`` a year (or once) added to the question's category."""
    data = plain_data(scenario)
    builds = list(data.get("builds", []))
    if units > 0:
        if question.once:
            builds.append(
                {"year": question.from_year, "category": question.category, "units": units}
            )
        else:
            builds.append(
                {
                    "from": question.from_year,
                    "to": scenario.time.end - 1,
                    "category": question.category,
                    "units_per_year": units,
                }
            )
    data["builds"] = builds
    data["name"] = f"{scenario.name}-sized"
    return validate_data(data, f"<{scenario.name} + {units} units>", room=False)


@dataclass
class Evaluation:
    units: int
    replications: int
    successes: int
    values: np.ndarray  # per replication: the target metric in the last year checked
    met: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per replication: 1 if met
    fixed: bool = False  # of the search at the fixed values beside one over a posterior

    @property
    def probability(self) -> float:
        return self.successes / self.replications

    def interval(self, draws: int | None) -> tuple[float, float]:
        """The 95 % Wilson interval of the probability; over a posterior (``draws``
        replications a draw) with the replications' design effect."""
        effect = design_effect(self.met, draws) if len(self.met) else 1.0
        return wilson_interval(self.successes, self.replications, design_effect=effect)


@dataclass
class SizingResult:
    """The answer (``None``: not reached within ``max_units``), the analytic estimate and
    every candidate tried."""

    question: SizingQuestion
    analytic: dict[str, Any]
    evaluations: dict[int, Evaluation] = field(default_factory=dict)
    answer: int | None = None
    replications: int = 0  # each candidate's first replications
    started: float = 0.0  # Unix times of the search
    finished: float = 0.0
    scenario: Scenario | None = None  # the scenario the units are added to
    scenario_file: Path | None = None
    scheduler: str | None = None  # the Dask scheduler it ran on (None: this machine)
    fixed: SizingResult | None = None  # over a posterior: the search at the fixed values

    @property
    def table(self) -> pd.DataFrame:
        """Every candidate tried: the target metric's mean and the probability of meeting
        the target, with their 95 % intervals. (``table()`` still works, with a warning.)"""
        return callable_frame(self.candidate_table(), "SizingResult.table")

    def candidate_table(self) -> pd.DataFrame:
        rows = []
        draws = per_draw(self.scenario) if self.scenario is not None else None
        for units in sorted(self.evaluations):
            e = self.evaluations[units]
            mean, mean_low, mean_high = mean_interval(
                e.values, 0.95, draws, metric=self.question.target.metric
            )
            low, high = e.interval(draws)
            rows.append(
                {
                    "units": units,
                    "metric": str(self.question.target),
                    "metric_mean": mean,
                    "metric_ci_low": mean_low,
                    "metric_ci_high": mean_high,
                    "probability": e.probability,
                    "probability_ci_low": low,
                    "probability_ci_high": high,
                    "replications": e.replications,
                    "chosen": units == self.answer,
                }
            )
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """The analytic estimate and the simulated answer, one line each (what ``sim size``
        prints)."""
        analytic = self.analytic
        question = self.question
        what = "once" if question.once else "a year"
        tenancy = 1 / analytic["service_rate"] if analytic["service_rate"] else math.inf
        lines = [
            f"analytic estimate (M/M/c, Erlang C): {analytic['units']} units {what} "
            f"({analytic['arrivals_per_year']:.1f} approved applications a year, mean "
            f"tenancy {tenancy:.1f} years, {analytic['servers']} units needed, "
            f"{analytic['units_now']} now)"
        ]
        over = " over chance and the calibration's uncertainty" if self.fixed else ""
        if self.answer is None:
            lines.append(f"simulation: not reached with up to {question.max_units} units {what}")
        else:
            lines.append(
                f"simulation: {self.answer} units {what} from {question.from_year} "
                f"(target met in every year from {question.to_year} with probability >= "
                f"{short(question.confidence, 'en')}{over}); {self.finished - self.started:.0f} s"
            )
        if self.fixed is not None:

            def shown(answer: int | None) -> str:
                return f"{answer} units {what}" if answer is not None else "not reached"

            lines.append(
                f"answer: {shown(self.answer)} (over chance and the calibration's "
                f"uncertainty); {shown(self.fixed.answer)} at the fixed calibrated values "
                "(chance only)"
            )
        return "\n".join(lines)

    def write(
        self, out: str | Path, force: bool = False, *, command: Sequence[str] | None = None
    ) -> Path:
        """Write the result folder of ``sim size`` (:func:`write_sizing`); return it."""
        return write_sizing(self, out, force, command)


def target_values(yearly: pd.DataFrame, target: Target, years: range) -> pd.DataFrame:
    """Replication x year table of the target metric."""
    rows = yearly[
        (yearly.metric == target.metric)
        & (yearly.group == target.group)
        & (yearly.category == target.category)
        & yearly.year.isin(list(years))
    ]
    return rows.pivot_table(index="replication", columns="year", values="value", dropna=False)


def evaluate(
    scenario: Scenario,
    question: SizingQuestion,
    units: int,
    replications: int,
    jobs: Jobs,
    previous: Evaluation | None = None,
) -> Evaluation:
    """Run (more) replications with ``units`` and count those that meet the target."""
    sized = with_units(scenario, question, units)
    years = range(question.to_year, scenario.time.end)
    start = previous.replications if previous else 0
    results = run_scenario(sized, replications - start, jobs, first=start)
    yearly = results.yearly
    table = target_values(yearly, question.target, years)
    success = table.apply(lambda row: all(question.target.holds(v) for v in row), axis=1)
    values = table[years[-1]].to_numpy(dtype=float) if len(table.columns) else np.array([])
    met = np.asarray(success, dtype=float)
    if previous is not None:
        return Evaluation(
            units,
            replications,
            previous.successes + int(success.sum()),
            np.concatenate([previous.values, values]),
            np.concatenate([previous.met, met]),
            previous.fixed,
        )
    return Evaluation(units, replications, int(success.sum()), values, met)


def size(
    scenario: Scenario,
    question: SizingQuestion,
    replications: int,
    jobs: Jobs = 1,
    on_step: Callable[[Evaluation], None] | None = None,
) -> SizingResult:
    """The smallest units a year (or once) meeting the target; ``None`` if not within max."""
    if not scenario.time.start <= question.from_year <= question.to_year <= scenario.time.end - 1:
        raise InputError(
            [
                Problem(
                    "--from/--to",
                    f"{question.from_year}/{question.to_year}",
                    f"need {scenario.time.start} <= from <= to <= {scenario.time.end - 1}",
                )
            ]
        )
    most = MAX_POINT_REPLICATIONS // 2**MAX_DOUBLINGS  # a candidate may run 4 times as many
    check_number("--replications", replications, 1, most, whole=True)
    result = SizingResult(
        question, analytic_units(scenario, question), replications=replications, scenario=scenario
    )
    result.started = time.time()
    result.scheduler = scheduler_of(jobs)
    _search(scenario, question, result, jobs, on_step)
    result.finished = time.time()
    if scenario.posterior is not None:
        fixed = without_posterior(scenario)
        result.fixed = SizingResult(
            question, result.analytic, replications=replications, scenario=fixed
        )
        result.fixed.started = time.time()
        result.fixed.scheduler = result.scheduler
        step = None if on_step is None else lambda e: on_step(replace(e, fixed=True))
        _search(fixed, question, result.fixed, jobs, step)
        result.fixed.finished = time.time()
    return result


def _search(
    scenario: Scenario,
    question: SizingQuestion,
    result: SizingResult,
    jobs: Jobs,
    on_step: Callable[[Evaluation], None] | None,
) -> None:
    """The bisection of the module's docstring; fills ``result`` in place."""
    replications = result.replications

    def decided(units: int) -> bool:
        """Whether ``units`` meets the target, adding replications while undecided."""
        evaluation = result.evaluations.get(units)
        if evaluation is None:
            evaluation = evaluate(scenario, question, units, replications, jobs)
        for _ in range(MAX_DOUBLINGS):
            low, high = evaluation.interval(per_draw(scenario))
            if not low <= question.confidence <= high:
                break
            evaluation = evaluate(
                scenario, question, units, 2 * evaluation.replications, jobs, evaluation
            )
        result.evaluations[units] = evaluation
        if on_step is not None:
            on_step(evaluation)
        return evaluation.probability >= question.confidence

    if decided(0):
        result.answer = 0
        return
    guess = result.analytic["units"]
    high = min(question.max_units, guess) if isinstance(guess, int) and guess > 0 else 1
    while not decided(high):
        if high >= question.max_units:
            return  # not reachable within --max-units
        high = min(question.max_units, high * 2)
    low = max(
        (
            u
            for u, e in result.evaluations.items()
            if e.probability < question.confidence and u < high
        ),
        default=0,
    )
    while high - low > 1:
        middle = (low + high) // 2
        if decided(middle):
            high = middle
        else:
            low = middle
    result.answer = high


def write_sizing(
    result: SizingResult,
    out: str | Path,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Path:
    """size.csv, figures/size.png (+ its data), sized.yaml and manifest.json at ``out``,
    written atomically; return ``out``."""
    out = Path(out)
    scenario = result.scenario
    assert scenario is not None, "a result of size() knows its scenario"
    question = result.question
    table = result.candidate_table()
    caption = size_caption(scenario_label(scenario, "en"), table)
    with atomic_folder(out, force) as folder:
        table.to_csv(folder / "size.csv", index=False)
        write_resolved(folder, scenario)
        (folder / "figures").mkdir()
        size_figure(table, folder / "figures" / "size.png", question, caption, scenario=scenario)
        table.to_csv(folder / "figures" / "size.csv", index=False)
        if result.fixed is not None:  # the search at the fixed values, beside
            result.fixed.candidate_table().to_csv(folder / "size_fixed.csv", index=False)
        if result.answer is not None:
            sized = with_units(scenario, question, result.answer)
            with open(folder / "sized.yaml", "w", encoding="utf-8") as handle:
                for line in (
                    f"Made by `{recorded_command(command)}`:",
                    f"{result.answer} units {'once' if question.once else 'a year'}"
                    f" added to {question.category} from {question.from_year}, the "
                    f"smallest number for which {question.target} holds in every "
                    f"year from {question.to_year} with probability >= "
                    f"{short(question.confidence, 'en')}.",
                ):
                    handle.write(comment_line(line))
                handle.write(scenario_yaml(sized))
        write_manifest(
            folder,
            kind="size",
            scenario=scenario,
            scenario_file=result.scenario_file,
            seed=scenario.seed,
            replications=result.replications,
            started=result.started,
            finished=result.finished,
            command=command,
            scheduler=result.scheduler,
            extra={
                "category": question.category,
                "target": str(question.target),
                "from": question.from_year,
                "to": question.to_year,
                "confidence": question.confidence,
                "max_units": question.max_units,
                "once": question.once,
                "answer": result.answer,
                **(
                    {"answer_fixed": result.fixed.answer, "fixed_file": "size_fixed.csv"}
                    if result.fixed is not None
                    else {}
                ),
                "analytic": {
                    k: (v if isinstance(v, int | float) and math.isfinite(v) else str(v))
                    for k, v in result.analytic.items()
                },
            },
        )
    return out
