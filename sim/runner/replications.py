"""Run the replications of a scenario, serially or in worker processes.

Replication ``r`` draws from streams seeded by ``(seed, r, name)`` and knows nothing of
the others, so results are identical whatever the number of workers. A scenario with a
posterior (``calibration.posterior``) runs each replication with the parameters of the
particle drawn for its block (:mod:`sim.runner.posterior`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.config.schema import Scenario
from sim.model import check_engine
from sim.model.housing import run_replication
from sim.runner.blocks import YEARLY_COLUMNS, Block, encode, yearly_table
from sim.runner.pool import Jobs, pool_for, scheduler_of
from sim.runner.posterior import replication_scenarios

__all__ = [
    "YEARLY_COLUMNS",
    "Block",
    "Replications",
    "household_table",
    "run_scenario",
    "run_scenarios",
]


@dataclass
class Replications:
    """What a run produced: the tidy yearly table and, optionally, household records.

    ``yearly`` is empty when the rows went to a ``sink`` as they arrived (``sim run``
    streams them to its result folder); ``streamed`` then says how many rows there were.
    What the runner returns; the Python API returns it as
    :class:`sim.analysis.results.Results`, which adds the summary table, its text and the
    result folder.
    """

    scenario: Scenario
    replications: int
    seed: int
    yearly: pd.DataFrame
    households: pd.DataFrame | None = None
    wall_seconds: float = 0.0
    started: float = 0.0
    finished: float = 0.0
    streamed: int | None = None
    scheduler: str | None = None  # the Dask scheduler it ran on (None: this machine)
    scenario_file: Path | None = None  # None: a scenario made in Python


def _one(args: tuple[Scenario, int, bool]) -> Block:
    scenario, replication, track = args
    rows, records = run_replication(scenario, replication, track)
    return encode(replication, rows, records)


def run_scenario(
    scenario: Scenario,
    replications: int | None = None,
    jobs: Jobs = 1,
    track_households: bool = False,
    on_replication_done: Callable[[int], None] | None = None,
    first: int = 0,
    sink: Callable[[Block], None] | None = None,
) -> Replications:
    """Simulate ``replications`` replications (default: the scenario's own number).

    ``jobs`` > 1 runs them in that many worker processes; ``jobs`` = 0 uses every core;
    an open :class:`~sim.runner.pool.WorkerPool` or
    :class:`~sim.runner.cluster.DaskPool` lends its workers.
    ``on_replication_done`` is called after each finished replication (for progress bars).
    With ``sink``, each replication's rows go to it in replication order as they arrive
    and are not kept (``results.yearly`` stays empty): memory does not grow with the
    replications.
    """
    count = replications if replications is not None else scenario.replications
    if count < 1:
        raise ValueError("replications must be at least 1")
    check_engine()
    started = time.time()
    numbers = range(first, first + count)
    runs = replication_scenarios(scenario, numbers)
    tasks = [(run, r, track_households) for run, r in zip(runs, numbers, strict=True)]
    blocks: list[Block] = []
    records: list[dict[str, Any]] = []
    streamed = 0
    with pool_for(jobs, len(tasks)) as pool:
        waiting: dict[int, Block] = {}  # finished early: held until their turn
        turn = first
        for done in pool.imap_unordered(_one, tasks):
            if on_replication_done is not None:
                on_replication_done(done.replication)
            waiting[done.replication] = done
            while turn in waiting:  # in replication order from here on
                block = waiting.pop(turn)
                turn += 1
                records.extend(block.records)
                block.records = []
                if sink is not None:
                    sink(block)
                    streamed += len(block)
                else:
                    blocks.append(block)
    rows = streamed if sink is not None else None
    return _results(scenario, count, blocks, records, track_households, jobs, started, rows)


def run_scenarios(
    scenarios: Sequence[Scenario],
    jobs: Jobs = 1,
    track_households: bool = False,
    on_replication_done: Callable[[int], None] | None = None,
) -> list[Replications]:
    """Simulate each scenario's own replications, as :func:`run_scenario` does, with every
    replication of every scenario in one queue of tasks: the workers start once and
    none waits for another scenario's last replication."""
    check_engine()
    started = time.time()
    tasks = [
        (run, r, track_households)
        for s in scenarios
        for r, run in enumerate(replication_scenarios(s, range(s.replications)))
    ]
    results: list[Replications] = []
    blocks: list[Block] = []
    records: list[dict[str, Any]] = []
    with pool_for(jobs, len(tasks)) as pool:
        for block in pool.imap(_one, tasks):  # tasks come back in order
            if on_replication_done is not None:
                on_replication_done(block.replication)
            records.extend(block.records)
            block.records = []
            blocks.append(block)
            scenario = scenarios[len(results)]
            if len(blocks) == scenario.replications:
                results.append(
                    _results(
                        scenario, len(blocks), blocks, records, track_households, jobs, started
                    )
                )
                blocks, records = [], []
    return results


def _results(
    scenario: Scenario,
    count: int,
    blocks: list[Block],
    records: list[dict[str, Any]],
    track_households: bool,
    jobs: Jobs,
    started: float,
    streamed: int | None = None,
) -> Replications:
    households = household_table(records) if track_households else None
    finished = time.time()
    return Replications(
        scenario,
        count,
        scenario.seed,
        yearly_table(blocks),
        households,
        finished - started,
        started,
        finished,
        streamed,
        scheduler_of(jobs),
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
