"""Run the replications of a scenario, serially or in worker processes.

Replication ``r`` draws from streams seeded by ``(seed, r, name)`` and knows nothing of
the others, so results are identical whatever the number of workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.config.schema import Scenario
from sim.model.housing import run_replication
from sim.runner.pool import Jobs, pool_for

YEARLY_COLUMNS = ["replication", "year", "group", "category", "metric", "value"]

RowTuple = tuple[int, int, str, str, str, float]


@dataclass
class Results:
    """What a run produced: the tidy yearly table and, optionally, household records."""

    scenario: Scenario
    replications: int
    seed: int
    yearly: pd.DataFrame
    households: pd.DataFrame | None = None
    wall_seconds: float = 0.0
    started: float = 0.0
    finished: float = 0.0


def _one(args: tuple[Scenario, int, bool]) -> tuple[int, list[RowTuple], list[dict[str, Any]]]:
    scenario, replication, track = args
    rows, records = run_replication(scenario, replication, track)
    table = [(replication, r.year, r.group, r.category, r.metric, r.value) for r in rows]
    return replication, table, records


def run_scenario(
    scenario: Scenario,
    replications: int | None = None,
    jobs: Jobs = 1,
    track_households: bool = False,
    on_replication_done: Callable[[int], None] | None = None,
    first: int = 0,
) -> Results:
    """Simulate ``replications`` replications (default: the scenario's own number).

    ``jobs`` > 1 runs them in that many worker processes; ``jobs`` = 0 uses every core;
    an open :class:`~sim.runner.pool.WorkerPool` lends its workers.
    ``on_replication_done`` is called after each finished replication (for progress bars).
    """
    count = replications if replications is not None else scenario.replications
    if count < 1:
        raise ValueError("replications must be at least 1")
    started = time.time()
    tasks = [(scenario, r, track_households) for r in range(first, first + count)]
    outputs: dict[int, tuple[list[RowTuple], list[dict[str, Any]]]] = {}
    with pool_for(jobs, len(tasks)) as pool:
        for replication, table, records in pool.imap(_one, tasks):
            outputs[replication] = (table, records)
            if on_replication_done is not None:
                on_replication_done(replication)
    return _results(scenario, outputs, track_households, started, time.time())


def run_scenarios(
    scenarios: Sequence[Scenario],
    jobs: Jobs = 1,
    track_households: bool = False,
    on_replication_done: Callable[[int], None] | None = None,
) -> list[Results]:
    """Simulate each scenario's own replications, as :func:`run_scenario` does, with every
    replication of every scenario in one queue of tasks: the workers start once and
    none waits for another scenario's last replication."""
    started = time.time()
    tasks = [(s, r, track_households) for s in scenarios for r in range(s.replications)]
    results: list[Results] = []
    outputs: dict[int, tuple[list[RowTuple], list[dict[str, Any]]]] = {}
    with pool_for(jobs, len(tasks)) as pool:
        for replication, table, records in pool.imap(_one, tasks):
            outputs[replication] = (table, records)
            if on_replication_done is not None:
                on_replication_done(replication)
            scenario = scenarios[len(results)]
            if len(outputs) == scenario.replications:  # tasks come back in order
                results.append(_results(scenario, outputs, track_households, started))
                outputs = {}
    return results


def _results(
    scenario: Scenario,
    outputs: dict[int, tuple[list[RowTuple], list[dict[str, Any]]]],
    track_households: bool,
    started: float,
    finished: float | None = None,
) -> Results:
    rows: list[RowTuple] = []
    records_all: list[dict[str, Any]] = []
    for replication in sorted(outputs):
        table, records = outputs[replication]
        rows.extend(table)
        records_all.extend(records)
    yearly = pd.DataFrame(rows, columns=YEARLY_COLUMNS)
    households = household_table(records_all) if track_households else None
    finished = time.time() if finished is None else finished
    return Results(
        scenario,
        len(outputs),
        scenario.seed,
        yearly,
        households,
        finished - started,
        started,
        finished,
    )


def household_table(records: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per household; ``moves`` is a list of {time, dwelling, category, kind}."""
    columns = [
        "replication",
        "household",
        "group",
        "arrival",
        "approved",
        "approval",
        "permanent_need",
        "followup_need",
        "moves",
        "exit_time",
        "destination",
    ]
    table = pd.DataFrame(records, columns=columns)
    for column in ("arrival", "approval", "exit_time"):
        table[column] = pd.to_numeric(table[column], errors="coerce")
    return table
