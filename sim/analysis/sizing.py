"""Units needed per year (``sim size``): an analytic first estimate, then the simulation.

The question: the smallest whole number of units a year, added to one category every
year from ``from_year`` (or once, in that year), such that a target (``waiting[group=x]
<= 10``) holds in every year from ``to_year`` to the end of the horizon with probability
at least ``confidence`` over replications.

1. **Analytic estimate.** The category as an M/M/c queue: arrivals are the approved
   applications of the groups eligible for it (shared equally where a group has several
   categories), service is one tenancy, whose mean follows from the groups' exit hazards,
   self-sufficiency and contract length (below). For a wait or list-length target the
   smallest c whose Erlang-C mean wait or list length meets it; for any other target the
   fluid condition c ≥ λ / μ. The units to add are c minus the units the category has,
   spread evenly over the years from ``from_year`` to ``to_year``.
2. **Simulation search.** Every candidate runs with the scenario's seed (common random
   numbers), so the probability of meeting the target is, replication by replication, in
   practice monotone in the number of units. A bisection over whole units finds the
   smallest success. Each candidate starts with ``replications`` replications; while the
   95 % Wilson interval of its success probability still contains ``confidence``, its
   replications are doubled (up to four times), then the point estimate decides.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.provenance import recorded_command
from sim.analysis.statistics import mean_interval, wilson_interval
from sim.analysis.target import Target
from sim.config.errors import InputError, Problem
from sim.config.loader import validate_data
from sim.config.schema import Scenario
from sim.runner.replications import run_scenario

MAX_DOUBLINGS = 2  # replications grow to at most four times the start


@dataclass(frozen=True)
class SizingQuestion:
    category: str
    target: Target
    from_year: int
    to_year: int
    confidence: float
    max_units: int
    once: bool = False


def with_units(scenario: Scenario, question: SizingQuestion, units: int) -> Scenario:
    """The scenario with ``units`` a year (or once) added to the question's category."""
    from sim.config.loader import plain_data

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
    return validate_data(data, f"<{scenario.name} + {units} units>")


# --- analytic estimate -----------------------------------------------------------------


def mean_tenancy(scenario: Scenario, group_id: str, category: str) -> float:
    """Approximate mean tenancy (years) of a group's household in a category."""
    group = scenario.groups[group_id]
    cat = scenario.stock[category]
    base = group.breakdown_per_year + group.other_exit_per_year
    s = 1.0 / group.self_sufficient_years if group.self_sufficient_years else 0.0
    if cat.contract_years is not None:
        after = cat.contract_years / 2  # self-sufficient: leaves at the contract's end
    elif group.leave_when_able_per_year > 0:
        after = 1.0 / group.leave_when_able_per_year
    else:
        after = math.inf
    permanent = 1.0 / base if base > 0 else math.inf
    first = 1.0 / (base + s) if base + s > 0 else math.inf
    temporary = (
        first + (s / (base + s)) * min(after, 1.0 / base if base > 0 else math.inf)
        if base + s > 0
        else math.inf
    )
    p = group.permanent_need
    if p == 0:
        return temporary
    if p == 1:
        return permanent
    return p * permanent + (1 - p) * temporary


def arrival_and_service(scenario: Scenario, category: str, year: int) -> tuple[float, float]:
    """Approved applications a year for the category, and its mean service rate per unit."""
    arrivals = 0.0
    tenancy_weighted = 0.0
    for group_id, group in scenario.groups.items():
        if category not in group.eligible:
            continue
        share = 1.0 / len(group.eligible)
        rate = group.applications_per_year.at_year(year) * group.approval * share
        arrivals += rate
        tenancy_weighted += rate * mean_tenancy(scenario, group_id, category)
    if arrivals == 0:
        return 0.0, math.inf
    tenancy = tenancy_weighted / arrivals
    return arrivals, (1.0 / tenancy if tenancy > 0 and math.isfinite(tenancy) else 0.0)


def erlang_c_wait(c: int, arrival: float, service: float) -> float:
    """Mean wait in queue of M/M/c (years); infinite when c·μ ≤ λ."""
    if c <= 0 or c * service <= arrival:
        return math.inf
    a = arrival / service
    # Erlang B by recursion, then Erlang C
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    erlang_c = b / (1 - rho + rho * b)
    return erlang_c / (c * service - arrival)


def analytic_units(scenario: Scenario, question: SizingQuestion) -> dict[str, Any]:
    """The analytic first estimate: servers c needed and units a year to add."""
    arrival, service = arrival_and_service(scenario, question.category, question.to_year)
    have = scenario.stock[question.category].units + sum(
        units
        for build in scenario.builds
        if build.category == question.category
        for year, units in build.schedule()
        if year <= question.from_year
    )
    target = question.target
    if arrival == 0:
        c = 0
    elif service == 0:
        c = math.inf  # type: ignore[assignment]
    else:
        c = max(1, math.ceil(arrival / service))
        limit = 100 * c + 1000
        metric = target.metric
        if metric.startswith("wait_years") or metric in ("waiting", "waiting_mean"):
            while c < limit:
                wait = erlang_c_wait(c, arrival, service)
                value = wait if metric.startswith("wait_years") else arrival * wait
                if target.holds(value):
                    break
                c += 1
    years = 1 if question.once else max(1, question.to_year - question.from_year + 1)
    needed = (c - have) if math.isfinite(c) else math.inf
    per_year = max(0, math.ceil(needed / years)) if math.isfinite(needed) else math.inf
    return {
        "arrivals_per_year": arrival,
        "service_rate": service,
        "servers": c,
        "units_now": have,
        "units": per_year,
    }


# --- simulation search -------------------------------------------------------------------


@dataclass
class Evaluation:
    units: int
    replications: int
    successes: int
    values: np.ndarray  # per replication: the target metric in the last year checked

    @property
    def probability(self) -> float:
        return self.successes / self.replications


@dataclass
class SizingResult:
    question: SizingQuestion
    analytic: dict[str, Any]
    evaluations: dict[int, Evaluation] = field(default_factory=dict)
    answer: int | None = None
    replications: int = 0  # each candidate's first replications
    started: float = 0.0  # Unix times of the search
    finished: float = 0.0

    def table(self) -> pd.DataFrame:
        rows = []
        for units in sorted(self.evaluations):
            e = self.evaluations[units]
            mean, mean_low, mean_high = mean_interval(e.values)
            low, high = wilson_interval(e.successes, e.replications)
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
    jobs: int,
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
    if previous is not None:
        return Evaluation(
            units,
            replications,
            previous.successes + int(success.sum()),
            np.concatenate([previous.values, values]),
        )
    return Evaluation(units, replications, int(success.sum()), values)


def size(
    scenario: Scenario,
    question: SizingQuestion,
    replications: int,
    jobs: int = 1,
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
    result = SizingResult(question, analytic_units(scenario, question), replications=replications)
    result.started = time.time()
    _search(scenario, question, result, jobs, on_step)
    result.finished = time.time()
    return result


def _search(
    scenario: Scenario,
    question: SizingQuestion,
    result: SizingResult,
    jobs: int,
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
            low, high = wilson_interval(evaluation.successes, evaluation.replications)
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


def size_figure(table: pd.DataFrame, path: Any, question: SizingQuestion, caption: str) -> None:
    """Probability of meeting the target against units, the chosen value marked."""
    from sim.analysis.figures import new_figure

    fig, ax = new_figure(figsize=(8, 4.8))
    ax.errorbar(
        table.units,
        table.probability,
        yerr=[
            table.probability - table.probability_ci_low,
            table.probability_ci_high - table.probability,
        ],
        fmt="o-",
        capsize=3,
        label="probability of meeting the target (95 % interval)",
    )
    ax.axhline(
        question.confidence,
        color="tab:red",
        linestyle="--",
        label=f"required probability {question.confidence:g}",
    )
    chosen = table[table.chosen]
    if not chosen.empty:
        ax.scatter(
            chosen.units,
            chosen.probability,
            s=160,
            facecolors="none",
            edgecolors="tab:red",
            zorder=3,
            label=f"chosen: {int(chosen.units.iloc[0])}",
        )
    what = "once" if question.once else "a year"
    ax.set_xlabel(f"Units added to {question.category} {what} from {question.from_year}")
    ax.set_ylabel("Share of replications meeting the target")
    ax.set_ylim(-0.03, 1.03)
    ax.set_title(f"{question.target} in every year from {question.to_year}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.text(0.01, 0.01, caption, fontsize=7, color="0.3")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=110)


def write_sizing(
    result: SizingResult,
    scenario: Scenario,
    out: Any,
    force: bool = False,
    command: list[str] | None = None,
    scenario_file: str | Path | None = None,
) -> Path:
    """size.csv, figures/size.png (+ its data), sized.yaml and manifest.json, atomically."""
    from sim.analysis.output import atomic_folder
    from sim.analysis.provenance import write_manifest
    from sim.config.loader import scenario_yaml

    question = result.question
    table = result.table()
    caption = (
        f"{scenario.name}: each point is {int(table.replications.min())}+ replications "
        "with the same random numbers; bars: 95 % Wilson intervals."
    )
    with atomic_folder(out, force) as folder:
        table.to_csv(folder / "size.csv", index=False)
        (folder / "figures").mkdir()
        size_figure(table, folder / "figures" / "size.png", question, caption)
        table.to_csv(folder / "figures" / "size.csv", index=False)
        if result.answer is not None:
            sized = with_units(scenario, question, result.answer)
            with open(folder / "sized.yaml", "w", encoding="utf-8") as handle:
                handle.write(
                    f"# Made by `{recorded_command(command)}`:\n"
                    f"# {result.answer} units {'once' if question.once else 'a year'}"
                    f" added to {question.category} from {question.from_year}, the "
                    f"smallest number for which {question.target} holds in every "
                    f"year from {question.to_year} with probability >= "
                    f"{question.confidence:g}.\n"
                )
                handle.write(scenario_yaml(sized))
        write_manifest(
            folder,
            kind="size",
            scenario=scenario,
            scenario_file=scenario_file,
            seed=scenario.seed,
            replications=result.replications,
            started=result.started,
            finished=result.finished,
            command=command,
            extra={
                "category": question.category,
                "target": str(question.target),
                "from": question.from_year,
                "to": question.to_year,
                "confidence": question.confidence,
                "max_units": question.max_units,
                "once": question.once,
                "answer": result.answer,
                "analytic": {
                    k: (v if isinstance(v, int | float) and math.isfinite(v) else str(v))
                    for k, v in result.analytic.items()
                },
            },
        )
    return Path(out)
