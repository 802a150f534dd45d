"""Bayesian calibration (``sim calibrate --method abc``): approximate Bayesian computation
by sequential Monte Carlo, with pyabc (the ``calibration`` extra).

* Priors from the spec (:mod:`sim.calibration.priors`), the likelihood of the targets
  with chance and a model-discrepancy term (:mod:`sim.calibration.likelihood`), accepted
  stochastically by that likelihood (pyabc's ``StochasticAcceptor``) under a temperature
  that falls generation by generation to 1, where the sample is the posterior.
* Each particle runs ``abc.replications`` replications with its own random numbers: a
  particle's draws come from a seed drawn for it, so chance is part of the likelihood
  (one fixed set of seeds for every particle, as the optimiser uses, would make the
  posterior the one of a single draw of chance and too narrow).
* Reproducible from the spec's seed for any number of workers or a Dask cluster: the
  candidates of a generation are numbered, candidate ``i`` of generation ``t`` draws
  everything from a seed made of (seed, t, i), and the first ``population`` accepted in
  that numbering form the generation, however many ran at once.
* The history is kept in SQLite (``history.db`` in the result folder): pyabc's tools read
  it, and ``--resume`` continues it.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sim.calibration.engine import _replication_values, target_keys
from sim.calibration.likelihood import Likelihood, terms_of
from sim.calibration.priors import pyabc_prior
from sim.calibration.spec import Calibration, fit_scenario
from sim.config.errors import InputError, Problem
from sim.config.types import MAX_SEED
from sim.runner.pool import Pool

CALIBRATION_INSTALL = 'python -m pip install ".[calibration]"'
CHUNK = 4
"""Candidates per task sent to a worker (results do not depend on it)."""


def require_pyabc(file: str) -> Any:
    """pyabc, or a clear error naming the extra that installs it."""
    try:
        import pyabc
    except ImportError:
        raise InputError(
            [
                Problem(
                    file,
                    "--method",
                    f"abc needs pyabc, in the calibration extra: {CALIBRATION_INSTALL}",
                )
            ]
        ) from None
    for name in ("ABC", "Sampler", "Epsilon", "Acceptor", "Distance", "Transition"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return pyabc


def candidate_seed(seed: int, generation: int, index: int) -> int:
    """The seed of candidate ``index`` of ``generation`` (the calibration sample from the
    prior is generation -1; the main process's own draws use generation -2)."""
    sequence = np.random.SeedSequence([seed, generation + 2, index])
    return int(sequence.generate_state(1, dtype=np.uint32)[0])


class Simulator:
    """pyabc's model: a particle's parameters → its targets' values in each replication."""

    def __init__(self, calibration: Calibration, replications: int) -> None:
        self.calibration = calibration
        self.replications = replications
        holdout = set(calibration.spec.holdout_years)
        fitted = calibration.targets[~calibration.targets.year.isin(holdout)]
        self.keys = target_keys(fitted.reset_index(drop=True))

    def __call__(self, parameters: dict[str, float]) -> dict[str, np.ndarray]:
        seed = int(np.random.randint(0, min(MAX_SEED, 2**62)))  # seeded per candidate
        scenario = fit_scenario(self.calibration, {k: float(v) for k, v in parameters.items()})
        scenario = scenario.model_copy(update={"seed": seed})
        columns = [_replication_values((scenario, r, self.keys)) for r in range(self.replications)]
        return {"values": np.array(columns, dtype=float).T}


def _kernel(likelihood: Likelihood) -> Any:
    import pyabc
    from pyabc.distance import SCALE_LOG

    class TargetKernel(pyabc.StochasticKernel):  # type: ignore[misc]
        """The targets' log-likelihood (pyabc compares it with the best seen so far)."""

        def __init__(self) -> None:
            super().__init__(ret_scale=SCALE_LOG)
            self.likelihood = likelihood

        def __call__(self, x: dict, x_0: dict, t: int | None = None, par: Any = None) -> float:
            return self.likelihood.log(np.asarray(x["values"], dtype=float))

    return TargetKernel()


def _transition() -> Any:
    """pyabc's default proposal (a multivariate normal kernel around the last
    generation's particles), also when that generation's weight sits on one particle:
    the weighted covariance is then 0/0 (numpy's aweights correction, 1 - sum w², is 0)
    and scipy refuses it ("array must not contain infs or NaNs"). The kernel then takes
    its covariance from the particles' unweighted spread; it still draws the particles
    by their weights, and the weights of the next generation use this same kernel's
    density, so the posterior stays correct."""
    import pyabc

    class Transition(pyabc.MultivariateNormalTransition):  # type: ignore[misc]
        def fit(self, X: Any, w: np.ndarray) -> None:
            total = float(w.sum())
            if len(X) < 2 or total - float((w * w).sum()) / total > 0:
                super().fit(X, w)
                return
            super().fit(X, np.full(len(X), 1 / len(X)))
            self.w = w / total  # draw the particles as weighted; pdf weighs them so too

    return Transition()


_WORKER_FUNCTIONS: dict[int, Callable[[], Any]] = {}


def _simulate_candidates(task: tuple[bytes, list[int]]) -> list[Any]:
    """Run numbered candidates in a worker: each seeds numpy's global generator (which
    pyabc draws proposals and acceptances from) with its own seed first."""
    import random

    import cloudpickle

    payload, seeds = task
    key = hash(payload)
    if key not in _WORKER_FUNCTIONS:
        _WORKER_FUNCTIONS.clear()
        _WORKER_FUNCTIONS[key] = cloudpickle.loads(payload)
    simulate_one = _WORKER_FUNCTIONS[key]
    out = []
    for seed in seeds:
        np.random.seed(seed)
        random.seed(seed)
        out.append(simulate_one())
    return out


def sampler_for(pool: Pool, seed: int, on_generation: Callable[[int, int], None] | None) -> Any:
    """A pyabc sampler that runs numbered candidates on ``pool`` (module docstring)."""
    import cloudpickle
    import pyabc

    class NumberedSampler(pyabc.Sampler):  # type: ignore[misc]
        def sample_until_n_accepted(
            self,
            n: int,
            simulate_one: Callable[[], Any],
            t: int,
            *,
            max_eval: float = np.inf,
            all_accepted: bool = False,
            ana_vars: Any = None,
        ) -> Any:
            payload = cloudpickle.dumps(simulate_one)
            sample = self._create_empty_sample()
            accepted = evaluated = 0
            batch = n
            while accepted < n and evaluated < max_eval:
                indices = range(evaluated, evaluated + batch)
                seeds = [candidate_seed(seed, t, i) for i in indices]
                tasks = [(payload, seeds[i : i + CHUNK]) for i in range(0, len(seeds), CHUNK)]
                for particles in pool.imap(_simulate_candidates, tasks):
                    for particle in particles:
                        if accepted >= n:
                            break
                        sample.append(particle)
                        evaluated += 1
                        accepted += bool(particle.accepted)
                # the next batch: as many as the rate so far says are still needed
                rate = max(accepted / max(evaluated, 1), 0.002)
                batch = int(min(max((n - accepted) / rate * 1.1, CHUNK), 20 * n))
            self.nr_evaluations_ = evaluated
            if accepted < n:
                sample.ok = False
            if on_generation is not None:
                on_generation(t, evaluated)
            return sample

    return NumberedSampler()


def _pdf_norm(file: str) -> Callable[..., float]:
    """pyabc's normalisation of the likelihood (the highest found so far), or a clear
    error when no particle so far has any likelihood: exact targets (a count with
    discrepancy 0) that no draw from the prior reproduced, where pyabc would fail on
    ``-inf - -inf``."""
    from pyabc.acceptor import pdf_norm_max_found

    def pdf_norm(**kwargs: Any) -> float:
        value = float(pdf_norm_max_found(**kwargs))
        if value == -math.inf:
            raise InputError(
                [
                    Problem(
                        file,
                        "abc.discrepancy",
                        "no particle drawn from the prior reproduced the exact targets "
                        "(counts with discrepancy 0 must be produced exactly by a "
                        "replication): give them a discrepancy "
                        "(abc.discrepancy.minimum or abc.discrepancy.targets), more "
                        "abc.replications, or priors that reach the observed counts",
                    )
                ]
            )
        return value

    return pdf_norm


def run_abc(
    calibration: Calibration,
    pool: Pool,
    database: Path,
    on_generation: Callable[[int, int], None] | None = None,
    resume: bool = False,
) -> Any:
    """Run (or with ``resume`` continue) the fit into the SQLite file ``database``;
    return pyabc's ``History``."""
    pyabc = require_pyabc(calibration.file)
    spec = calibration.spec
    settings = spec.abc
    priors = {name: p.bounded_prior() for name, p in spec.parameters.items()}
    simulator = Simulator(calibration, settings.replications)
    holdout = set(spec.holdout_years)
    fitted = calibration.targets[~calibration.targets.year.isin(holdout)].reset_index(drop=True)
    likelihood = Likelihood(terms_of(fitted, settings.discrepancy))
    np.random.seed(candidate_seed(spec.seed, -2, 0))  # the main process's own draws
    abc = pyabc.ABCSMC(
        models=simulator,
        parameter_priors=pyabc_prior(priors),
        distance_function=_kernel(likelihood),
        transitions=_transition(),
        population_size=settings.population,
        eps=pyabc.Temperature(),
        acceptor=pyabc.StochasticAcceptor(pdf_norm_method=_pdf_norm(calibration.file)),
        sampler=sampler_for(pool, spec.seed, on_generation),
    )
    observed = {"values": fitted.observed.to_numpy(dtype=float)}
    url = f"sqlite:///{database.resolve()}"
    remaining = settings.generations
    if resume:
        # abc.generations counts the whole fit: continue with the generations still to go
        # (pyabc's own count is of generations added by this run)
        done = int(abc.load(url, 1, observed).max_t) + 1
        remaining = settings.generations - done
        if remaining < 1:
            raise InputError(
                [
                    Problem(
                        calibration.file,
                        "abc.generations",
                        f"the fit to resume has {done} generations already; ask for more "
                        f"to continue it (--set abc.generations={done + 1})",
                    )
                ]
            )
    else:
        abc.new(url, observed)
    started = time.time()
    history = abc.run(
        max_nr_populations=remaining,
        min_acceptance_rate=settings.min_acceptance_rate,
        max_total_nr_simulations=settings.max_simulations,
    )
    history.wall_seconds = time.time() - started
    return history
