"""Runs for the app: a warm worker pool, a cache of repeated settings, and the points of
the trade-off chart.

One :class:`Runner` serves every browser session of a server. Its worker processes are
started once (spawned, with the engine imported) and lent to every run; a run of settings
already simulated (the same scenario and replications) is answered from a bounded cache
of its measures.
Results are the same as ``sim run`` gives for the scenario, whatever the workers.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.analysis.compare import Comparison, compare
from sim.analysis.sizing import SizingQuestion, SizingResult, size
from sim.analysis.sweep import GridRun
from sim.analysis.tables import summarise
from sim.analysis.tradeoff import tradeoff_table
from sim.config.loader import scenario_yaml
from sim.config.schema import Scenario
from sim.runner.pool import WorkerPool, resolve_jobs
from sim.runner.replications import Results, run_scenario

OVER_TIME = ("waiting", "forced_moves", "hospits_nights")
"""Metrics drawn over time beside the trade-off chart (totals)."""

CACHE_SIZE = 1000
"""Runs whose measures are remembered (a few kilobytes each)."""


@dataclass(frozen=True)
class Point:
    """One run on the trade-off chart."""

    label: str
    settings: tuple[str, ...]
    measures: dict[str, Any]  # a row of :func:`sim.analysis.tradeoff.tradeoff_table`
    over_time: pd.DataFrame  # metric, year, mean, ci_low, ci_high (totals)
    replications: int
    seconds: float
    cached: bool


def over_time(results: Results) -> pd.DataFrame:
    """Yearly means with 95 % intervals of :data:`OVER_TIME`, totals only."""
    yearly = results.yearly
    rows = yearly[(yearly.group == "") & (yearly.category == "") & yearly.metric.isin(OVER_TIME)]
    table = summarise(rows)
    return table[["metric", "year", "mean", "ci_low", "ci_high"]].reset_index(drop=True)


class Runner:
    """Runs scenarios on a pool kept warm between runs, remembering recent results."""

    def __init__(self, jobs: int = 0) -> None:
        self.workers = min(resolve_jobs(0), 2) if jobs == 0 else resolve_jobs(jobs)
        self._pool: WorkerPool | None = None
        self._cache: OrderedDict[tuple[str, int], tuple[dict[str, Any], pd.DataFrame]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    @property
    def pool(self) -> WorkerPool | int:
        """The open pool (started on first use), or 1 for runs in this process."""
        if self.workers <= 1:
            return 1
        with self._lock:
            if self._pool is None:
                self._pool = WorkerPool(self.workers).open()
            return self._pool

    def close(self) -> None:
        """Stop the workers."""
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    def results(
        self,
        scenario: Scenario,
        replications: int,
        on_replication_done: Callable[[int], None] | None = None,
    ) -> Results:
        """The scenario's results with household records, from the warm workers."""
        return run_scenario(scenario, replications, self.pool, True, on_replication_done)

    def point(
        self,
        scenario: Scenario,
        label: str,
        settings: tuple[str, ...],
        replications: int,
        on_replication_done: Callable[[int], None] | None = None,
    ) -> Point:
        """Run the scenario and measure it as ``sim tradeoff`` does; settings run before
        (the same scenario and replications) are answered from the cache, which keeps
        the measures only (a few kilobytes a run, not the results)."""
        started = time.perf_counter()
        key = (scenario_yaml(scenario), replications)
        with self._lock:
            known = self._cache.get(key)
            if known is not None:
                self._cache.move_to_end(key)
        if known is None:
            results = self.results(scenario, replications, on_replication_done)
            table = tradeoff_table([GridRun({"settings": label}, scenario, results)])
            known = (table.iloc[0].to_dict(), over_time(results))
            with self._lock:
                self._cache[key] = known
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            cached = False
        else:
            cached = True
        measures, series = known
        return Point(
            label,
            settings,
            dict(measures),
            series.copy(),
            replications,
            time.perf_counter() - started,
            cached,
        )

    def compare(self, base: Scenario, alternative: Scenario, replications: int) -> Comparison:
        """Paired comparison of ``alternative`` with ``base`` (``sim compare``)."""
        return compare(base, [alternative], replications, self.pool)

    def size(self, scenario: Scenario, question: SizingQuestion, replications: int) -> SizingResult:
        """The simulated answer of ``sim size``."""
        return size(scenario, question, replications, self.pool)
