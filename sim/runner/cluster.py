"""Replications on a Dask cluster (the ``dask`` extra): :class:`DaskPool`.

A :class:`DaskPool` does what :class:`~sim.runner.pool.WorkerPool` does (an ordered or
unordered map of a task function over tasks) on the workers of a ``dask.distributed``
cluster: one already running (``tcp://HOST:PORT``, started with ``dask scheduler`` and
``dask worker``), or a ``LocalCluster`` of ``jobs`` worker processes on this machine
(``"local"``). Replication ``r`` draws from streams seeded by ``(seed, r, name)``
wherever it runs, so the results are those of one process, value for value.

Opening the pool checks that the scheduler and every worker run this version of
``sim-housing`` with the same source (a hash of its ``.py`` files): the task functions
are sent by name and run there. Tasks are never retried nor merged (``pure=False``).

Only imported when ``--scheduler`` is given: ``import sim`` does not import Dask.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from distributed import Client, Future, LocalCluster, as_completed

from sim.config.errors import InputError, Problem
from sim.runner.pool import LOCAL, prepare_worker, resolve_jobs, scheduler_address

T = TypeVar("T")
R = TypeVar("R")

CONNECT_SECONDS = 5.0
"""How long to try to reach a scheduler, and to wait for its first worker."""


@cache
def source_hash() -> str:
    """SHA-256 of this package's ``.py`` files (their paths and bytes), first 12 digits."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def identity() -> str:
    """``VERSION (source HASH)`` of the sim-housing this process runs."""
    return f"{metadata.version('sim-housing')} (source {source_hash()})"


class DaskPool:
    """``with DaskPool("tcp://host:8786") as pool: for r in pool.imap(fn, tasks): ...``

    ``scheduler`` is a scheduler's address or ``"local"`` (a ``LocalCluster`` of
    ``jobs`` worker processes, 0 meaning every core, listening on 127.0.0.1 only).
    Pass the open pool wherever ``jobs`` is taken; :meth:`close` disconnects (and stops
    a local cluster); a remote cluster keeps running.
    """

    def __init__(self, scheduler: str, jobs: int = 1) -> None:
        self.scheduler = scheduler_address(scheduler)
        self.jobs = jobs
        self.processes = 0  # worker threads, known once open
        self._cluster: Any = None
        self._client: Any = None
        self._futures: set[Future] = set()

    def open(self) -> DaskPool:
        """Connect (or start the local cluster), check versions, prepare the workers."""
        if self._client is not None:
            return self
        try:
            if self.scheduler == LOCAL:
                self._cluster = LocalCluster(
                    n_workers=resolve_jobs(self.jobs),
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    memory_limit=0,  # as the process pool: no worker is paused or killed
                    silence_logs=logging.ERROR,
                )
                self._client = Client(self._cluster, set_as_default=False)
            else:
                self._client = _connect(self.scheduler)
            self._check_versions()
            self._client.run(prepare_worker)
            self.processes = sum(
                int(w.get("nthreads", 1)) for w in self._client.scheduler_info()["workers"].values()
            )
        except BaseException:
            self._shutdown()
            raise
        return self

    @property
    def address(self) -> str:
        """The scheduler's address (a local cluster's too, on 127.0.0.1), once open."""
        if self._client is None:
            raise RuntimeError("the pool is not open")
        return str(self._client.scheduler.address)

    def close(self) -> None:
        """Cancel what is still queued, disconnect, and stop a local cluster."""
        self._shutdown()

    def __enter__(self) -> DaskPool:
        return self.open()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._shutdown()

    def imap(self, function: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """``function`` over ``tasks`` on the cluster, results in task order."""
        waiting: dict[int, R] = {}
        following = 0
        for index, result in self._completed(function, tasks):
            waiting[index] = result
            while following in waiting:
                yield waiting.pop(following)
                following += 1

    def imap_unordered(self, function: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """``function`` over ``tasks`` on the cluster, each result as soon as it is done."""
        for _, result in self._completed(function, tasks):
            yield result

    def _completed(self, function: Callable[[T], R], tasks: Iterable[T]) -> Iterator[tuple[int, R]]:
        if self._client is None:
            raise RuntimeError("open the pool first: with DaskPool(...) as pool: ...")
        futures = self._client.map(function, list(tasks), pure=False, retries=0)
        index = {future.key: i for i, future in enumerate(futures)}
        self._futures.update(futures)
        try:
            done = as_completed(futures, loop=self._client.loop, with_results=True)
            for future, result in done:
                self._futures.discard(future)
                yield index[future.key], result
        finally:
            left = [f for f in futures if f in self._futures]
            if left:
                with contextlib.suppress(Exception):
                    self._client.cancel(left)
                self._futures.difference_update(left)

    def _check_versions(self) -> None:
        """An input error naming every process whose sim-housing is not this one's."""
        mine = identity()
        where = "the scheduler" if self.scheduler == LOCAL else self.scheduler
        try:
            found = {f"scheduler {where}": self._client.run_on_scheduler(identity)}
            self._wait_for_workers()
            found.update(
                (f"worker {name}", str(value)) for name, value in self._client.run(identity).items()
            )
        except InputError:
            raise
        except Exception as error:
            raise InputError(
                [
                    Problem(
                        "--scheduler",
                        self.scheduler,
                        f"cannot run sim on the cluster ({type(error).__name__}: {error}); "
                        "install the same sim-housing on the scheduler and every worker",
                    )
                ]
            ) from None
        problems = [
            Problem("--scheduler", self.scheduler, f"{name} runs sim-housing {value}, not {mine}")
            for name, value in sorted(found.items())
            if value != mine
        ]
        if problems:
            problems.append(
                Problem(
                    "--scheduler",
                    self.scheduler,
                    "install this sim-housing on the scheduler and every worker (pip install "
                    "the same folder or version), then restart them",
                )
            )
            raise InputError(problems)

    def _wait_for_workers(self) -> None:
        try:
            self._client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except TimeoutError:
            raise InputError(
                [
                    Problem(
                        "--scheduler",
                        self.scheduler,
                        f"has no worker after {CONNECT_SECONDS:g} s; start one on each "
                        f"machine: dask worker {self.scheduler}",
                    )
                ]
            ) from None

    def _shutdown(self) -> None:
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        if client is not None:
            if self._futures:
                with contextlib.suppress(Exception):
                    client.cancel(list(self._futures))
            self._futures.clear()
            with contextlib.suppress(Exception):
                client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()


def _connect(address: str) -> Any:
    """A client of the scheduler at ``address``; an input error if it cannot be reached."""
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except Exception as error:  # OSError, TimeoutError, or a handshake that is not Dask's
        raise InputError(
            [
                Problem(
                    "--scheduler",
                    address,
                    f"cannot be reached in {CONNECT_SECONDS:g} s ({type(error).__name__}); "
                    "is a scheduler running there (dask scheduler --port PORT), is the "
                    "port right and open?",
                )
            ]
        ) from None
