"""The one worker pool: an ordered map over spawned worker processes, or in this process.

``jobs`` <= 1 runs every task here (no process is started); ``jobs`` = 0 means every core.
Results come back in task order whatever the number of workers. On any exception, an
interrupt (Ctrl-C) or a termination signal turned into one, the workers are stopped at
once rather than left to finish their queue.

A long-lived pool (the app keeps one warm between runs) is opened once with
:meth:`WorkerPool.open` and passed wherever ``jobs`` is taken (:data:`Jobs`): the runs
use its workers and leave it open. A :class:`~sim.runner.cluster.DaskPool` (the ``dask``
extra; :func:`sim.runner.scheduling.workers` opens one for ``--scheduler``) is passed the
same way and runs the tasks on a Dask cluster.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from types import TracebackType
from typing import Any, Protocol, TypeVar

from sim.config.errors import InputError, Problem
from sim.config.option_limits import MAX_JOBS, check_number

T = TypeVar("T")
R = TypeVar("R")


def resolve_jobs(jobs: int) -> int:
    """Worker processes for ``--jobs``: 0 means every core; at most
    :data:`~sim.config.option_limits.MAX_JOBS`."""
    check_number("--jobs", jobs, 0, MAX_JOBS, whole=True)
    return (os.cpu_count() or 1) if jobs == 0 else max(1, jobs)


WORKER_GC_THRESHOLD = 50_000
"""Allocations between young-generation collections in a worker (Python's default: 700).

A worker only simulates: the model makes many short-lived objects and, with household
records, keeps every household alive, so the default thresholds collect (and re-scan
the records) far more often than needed. Results do not depend on it (the garbage
collector only frees memory); benchmarks/app_speed.py measures the effect."""


def prepare_worker() -> None:
    """Worker initializer: import the engine before the first task arrives, and collect
    cycles less often (this process is the pool's own; a Dask worker is told so when the
    pool connects)."""
    import gc

    import sim.model.housing  # noqa: F401

    _, older, oldest = gc.get_threshold()
    gc.set_threshold(WORKER_GC_THRESHOLD, older, oldest)


def _start_pool(processes: int) -> Any:
    return multiprocessing.get_context("spawn").Pool(processes, initializer=prepare_worker)


class Cancelled(Exception):
    """The tasks were stopped by :meth:`WorkerPool.cancel`."""


POLL_SECONDS = 0.2
"""How often a wait for a worker's result looks whether the pool was cancelled."""


class WorkerPool:
    """``with WorkerPool(jobs) as pool: for result in pool.imap(fn, tasks): ...``"""

    scheduler: str | None = None  # this machine's processes (see DaskPool)

    def __init__(self, jobs: int, tasks: int | None = None) -> None:
        wanted = resolve_jobs(jobs)
        self.processes = min(wanted, tasks) if tasks is not None else wanted
        self._pool: Any = None
        self._generation = 0  # raised by each cancel: the tasks given before it stop
        self._lock = threading.Lock()

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
        with self._lock:
            if self._pool is None:
                return self._watch(map(function, tasks), self._generation)
            return self._watch(self._pool.imap(function, tasks), self._generation)

    def imap_unordered(self, function: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """``function`` over ``tasks``, each result as soon as it is done."""
        with self._lock:
            if self._pool is None:
                return self._watch(map(function, tasks), self._generation)
            return self._watch(self._pool.imap_unordered(function, tasks), self._generation)

    def _watch(self, results: Iterator[R], generation: int) -> Iterator[R]:
        """The results, until :meth:`cancel` is called (then :class:`Cancelled`): a
        worker's result is waited for in short polls, a task of this process is checked
        before it starts."""
        wait = getattr(results, "next", None)  # multiprocessing's iterator: next(timeout)
        while True:
            if self._generation != generation:
                raise Cancelled("the run was cancelled")
            try:
                result = next(results) if wait is None else wait(POLL_SECONDS)
            except multiprocessing.TimeoutError:
                continue
            except StopIteration:
                return
            if self._generation != generation:
                raise Cancelled("the run was cancelled")
            yield result

    def cancel(self) -> None:
        """Stop every task given so far: the workers are terminated at once and fresh ones
        started (the pool stays open for the next tasks); whoever waits for a result of
        the stopped tasks gets :class:`Cancelled`. A task running in this process stops
        before its next item."""
        with self._lock:
            self._generation += 1
            if self._pool is not None:
                self._pool.terminate()
                self._pool.join()
                self._pool = _start_pool(self.processes)

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


class Pool(Protocol):
    """What runs tasks: an open :class:`WorkerPool` or :class:`~sim.runner.cluster.DaskPool`."""

    @property
    def processes(self) -> int:
        """How many tasks run at once."""

    @property
    def scheduler(self) -> str | None:
        """A Dask scheduler's address or ``"local"``; ``None``: this machine's processes."""

    def imap(self, function: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]: ...

    def imap_unordered(self, function: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]: ...


Jobs = int | Pool
"""Worker processes (``--jobs``: 0 means every core), or an open pool (:class:`Pool`)."""


def pool_for(jobs: Jobs, tasks: int | None = None) -> AbstractContextManager[Pool]:
    """``with pool_for(jobs, n) as pool``: a pool of ``jobs`` workers that is closed after
    the block, or the open pool given as ``jobs``, which stays open."""
    if isinstance(jobs, int):
        return WorkerPool(jobs, tasks)
    return nullcontext(jobs)


def scheduler_of(jobs: Jobs) -> str | None:
    """The Dask scheduler ``jobs`` runs on (its address, or ``"local"``); ``None`` for
    this machine's worker processes. Result folders record it (``manifest.json``)."""
    return None if isinstance(jobs, int) else jobs.scheduler


DASK_INSTALL = 'python -m pip install ".[dask]"'
LOCAL = "local"
"""``--scheduler local``: a Dask ``LocalCluster`` of ``--jobs`` workers on this machine."""

_ADDRESS = re.compile(r"(?:tcp://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.\-_]*):(\d{1,5})")


def scheduler_address(text: str) -> str:
    """``tcp://HOST:PORT`` for ``HOST:PORT`` or ``tcp://HOST:PORT``; ``"local"`` as is.

    An input error for anything else (another protocol, no port, a port above 65535);
    checked without Dask."""
    text = text.strip()
    if text == LOCAL:
        return LOCAL
    found = _ADDRESS.fullmatch(text)
    if found is None or not 0 < int(found.group(2)) <= 65535:
        raise InputError(
            [
                Problem(
                    "--scheduler",
                    text,
                    "is not a scheduler address: give tcp://HOST:PORT (e.g. "
                    "tcp://10.0.0.5:8786, the address `dask scheduler` prints) or local",
                )
            ]
        )
    return f"tcp://{found.group(1)}:{int(found.group(2))}"
