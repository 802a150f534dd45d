"""The one worker pool: an ordered map over spawned worker processes, or in this process.

``jobs`` <= 1 runs every task here (no process is started); ``jobs`` = 0 means every core.
Results come back in task order whatever the number of workers. On any exception, an
interrupt (Ctrl-C) or a termination signal turned into one, the workers are stopped at
once rather than left to finish their queue.

A long-lived pool (the app keeps one warm between runs) is opened once with
:meth:`WorkerPool.open` and passed wherever ``jobs`` is taken (:data:`Jobs`): the runs
use its workers and leave it open.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def resolve_jobs(jobs: int) -> int:
    """Worker processes for ``--jobs``: 0 means every core."""
    return (os.cpu_count() or 1) if jobs == 0 else max(1, jobs)


WORKER_GC_THRESHOLD = 50_000
"""Allocations between young-generation collections in a worker (Python's default: 700).

A worker only simulates: the model makes many short-lived objects and, with household
records, keeps every household alive, so the default thresholds collect (and re-scan
the records) far more often than needed. Results do not depend on it (the garbage
collector only frees memory); benchmarks/app_speed.py measures the effect."""


def _prepare_worker() -> None:
    """Worker initializer: import the engine before the first task arrives, and collect
    cycles less often (this process is the pool's own)."""
    import gc

    import sim.model.housing  # noqa: F401

    _, older, oldest = gc.get_threshold()
    gc.set_threshold(WORKER_GC_THRESHOLD, older, oldest)


def _start_pool(processes: int) -> Any:
    return multiprocessing.get_context("spawn").Pool(processes, initializer=_prepare_worker)


class WorkerPool:
    """``with WorkerPool(jobs) as pool: for result in pool.imap(fn, tasks): ...``"""

    def __init__(self, jobs: int, tasks: int | None = None) -> None:
        wanted = resolve_jobs(jobs)
        self.processes = min(wanted, tasks) if tasks is not None else wanted
        self._pool: Any = None

    def open(self) -> WorkerPool:
        """Start the workers (none for one process); :meth:`close` stops them."""
        if self.processes > 1 and self._pool is None:
            self._pool = _start_pool(self.processes)
        return self

    def close(self) -> None:
        """Stop the workers at once (their queue is dropped)."""
        self.__exit__(RuntimeError, None, None)

    def __enter__(self) -> WorkerPool:
        return self.open()

    def imap(self, function: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """``function`` over ``tasks``, results in task order."""
        if self._pool is None:
            return map(function, tasks)
        return self._pool.imap(function, tasks)  # type: ignore[no-any-return]

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is None:
            return
        if kind is None:
            self._pool.close()
        else:
            self._pool.terminate()
        self._pool.join()
        self._pool = None


Jobs = int | WorkerPool
"""Worker processes (``--jobs``: 0 means every core), or an open :class:`WorkerPool`."""


def pool_for(jobs: Jobs, tasks: int | None = None) -> AbstractContextManager[WorkerPool]:
    """``with pool_for(jobs, n) as pool``: a pool of ``jobs`` workers that is closed after
    the block, or the open pool given as ``jobs``, which stays open."""
    if isinstance(jobs, WorkerPool):
        return nullcontext(jobs)
    return WorkerPool(jobs, tasks)
