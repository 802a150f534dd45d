"""The workers a command runs on: this machine's (``--jobs``) or, with ``--scheduler``, a
Dask cluster's (:class:`~sim.runner.cluster.DaskPool`, imported only then: ``import sim``
does not import Dask)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sim.config.errors import InputError, Problem
from sim.runner.pool import DASK_INSTALL, Jobs, scheduler_address


@contextmanager
def workers(jobs: int, scheduler: str | None = None) -> Iterator[Jobs]:
    """``with workers(jobs, scheduler) as pool``: ``jobs`` itself without a scheduler,
    else an open :class:`~sim.runner.cluster.DaskPool` (closed after the block).

    Input errors: Dask not installed, a bad address, an unreachable scheduler, a
    different sim-housing on the cluster."""
    if scheduler is None:
        yield jobs
        return
    scheduler = scheduler_address(scheduler)
    try:
        from sim.runner.cluster import DaskPool
    except ImportError as error:
        if (error.name or "").split(".")[0] not in {"dask", "distributed"}:
            raise
        raise InputError(
            [
                Problem(
                    "--scheduler",
                    scheduler,
                    f"needs Dask (dask.distributed), an optional extra: {DASK_INSTALL}",
                )
            ]
        ) from None
    with DaskPool(scheduler, jobs) as pool:
        yield pool
