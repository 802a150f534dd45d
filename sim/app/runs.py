"""Runs for the app: a warm worker pool, a cache of repeated settings, and the points of
the trade-off chart.

One :class:`Runner` serves every browser session of a server. Its worker processes are
started once (spawned, with the engine imported) and lent to every run; a run of settings
already simulated (the same scenario and replications) is answered from a bounded cache
of its measures. A run waits for its workers in a thread of its own while the page's
thread calls ``tick``; when the page is stopped (its Cancel button, another click, the
browser gone), the run's tasks are cancelled (:meth:`WorkerPool.cancel`) and the pool
serves the next run.
Results are the same as ``sim run`` gives for the scenario, whatever the workers.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd

from sim import api
from sim.analysis.sizing_question import SizingQuestion
from sim.analysis.sweep import GridRun
from sim.analysis.tradeoff import tradeoff_table
from sim.api import Comparison, Results, Scenario, SizingResult
from sim.config.loader import scenario_yaml
from sim.runner.pool import Cancelled, WorkerPool, resolve_jobs

OVER_TIME = ("waiting", "forced_moves", "hospits_nights")
"""Metrics drawn over time beside the trade-off chart (totals)."""

CACHE_SIZE = 1000
"""Runs whose measures are remembered (a few kilobytes each)."""

TICK_SECONDS = 0.25
"""How often a waiting page is ticked (and so may be stopped) during a run."""

T = TypeVar("T")
Tick = Callable[[float], None]
"""Called with the seconds since the run started, in the page's thread."""


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
    table = api.summarise(rows)
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
    def pool(self) -> WorkerPool:
        """The open pool (started on first use; no process for one worker: runs in
        this process)."""
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

    def cancel(self) -> None:
        """Stop every run's tasks now; the pool stays usable."""
        self.pool.cancel()

    def guarded(self, work: Callable[[], T], tick: Tick | None = None) -> T:
        """``work()`` (a run on :attr:`pool`), in a thread of its own, while this thread
        calls ``tick`` every :data:`TICK_SECONDS`.

        If ``tick`` raises (the page was stopped), the run's tasks are cancelled and the
        exception goes on. A run cancelled by another session (the pool is shared)
        starts again: its results are the same."""
        if tick is None:
            return self._again(work, threading.Event())
        outcome: dict[str, Any] = {}
        stopped = threading.Event()

        def body() -> None:
            try:
                outcome["value"] = self._again(work, stopped)
            except BaseException as error:  # handed to the page's thread
                outcome["error"] = error

        thread = threading.Thread(target=body, name="sim-app-run", daemon=True)
        started = time.perf_counter()
        thread.start()
        try:
            while thread.is_alive():
                thread.join(TICK_SECONDS)
                if thread.is_alive():
                    tick(time.perf_counter() - started)
        except BaseException:
            stopped.set()
            self.cancel()
            raise
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]  # type: ignore[no-any-return]

    @staticmethod
    def _again(work: Callable[[], T], stopped: threading.Event) -> T:
        while True:
            try:
                return work()
            except Cancelled:
                if stopped.is_set():
                    raise

    def results(
        self,
        scenario: Scenario,
        replications: int,
        on_progress: Callable[[int], None] | None = None,
    ) -> Results:
        """The scenario's results with household records, from the warm workers."""
        return api.run(
            scenario,
            replications=replications,
            jobs=self.pool,
            households=True,
            on_progress=on_progress,
        )

    def point(
        self,
        scenario: Scenario,
        label: str,
        settings: tuple[str, ...],
        replications: int,
        on_progress: Callable[[int], None] | None = None,
        tick: Tick | None = None,
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
            results = self.guarded(lambda: self.results(scenario, replications, on_progress), tick)
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

    def compare(
        self, base: Scenario, alternative: Scenario, replications: int, tick: Tick | None = None
    ) -> Comparison:
        """Paired comparison of ``alternative`` with ``base`` (``sim compare``)."""
        return self.guarded(
            lambda: api.compare(
                base, alternatives=[alternative], replications=replications, jobs=self.pool
            ),
            tick,
        )

    def size(
        self,
        scenario: Scenario,
        question: SizingQuestion,
        replications: int,
        tick: Tick | None = None,
    ) -> SizingResult:
        """The simulated answer of ``sim size``."""
        return self.guarded(
            lambda: api.size(
                scenario,
                category=question.category,
                target=question.target,
                from_year=question.from_year,
                to_year=question.to_year,
                confidence=question.confidence,
                max_units=question.max_units,
                once=question.once,
                replications=replications,
                jobs=self.pool,
            ),
            tick,
        )
