"""Exact analytic queueing formulas used by the theory tests of the housing-queue simulation.

Conventions (all functions):

* Time unit: **years**.  All rates (``arrival_rate``, ``service_rate``,
  ``abandonment_rate``, ``exit_hazard``) are **per year**; all returned times
  are in **years**; queue lengths are dimensionless counts of households.
* ``c`` is the number of servers (e.g. dwellings that turn over independently).
* ``arrival_rate`` = lambda (arrivals / year), ``service_rate`` = mu
  (completions / year per busy server), offered load ``a = lambda / mu``
  (Erlangs), utilisation ``rho = a / c``.

Only numpy/scipy are used; everything is deterministic and exact up to floating
point (Erlang A uses a truncated birth-death chain whose discarded tail mass is
bounded below 1e-15 relative to the retained mass).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.special import logsumexp

__all__ = [
    "erlang_a",
    "erlang_b",
    "erlang_c_wait_probability",
    "mmc_mean_queue_length",
    "mmc_mean_wait",
    "mmc_priority_mean_waits",
    "time_limited_mean_tenancy",
]


def _check_mmc_args(c: int, arrival_rate: float, service_rate: float) -> None:
    if int(c) != c or c < 1:
        raise ValueError(f"c must be a positive integer, got {c!r}")
    if not arrival_rate > 0.0 or not math.isfinite(arrival_rate):
        raise ValueError(
            f"arrival_rate must be a finite positive rate per year, got {arrival_rate!r}"
        )
    if not service_rate > 0.0 or not math.isfinite(service_rate):
        raise ValueError(
            f"service_rate must be a finite positive rate per year, got {service_rate!r}"
        )


def _check_stable(c: int, arrival_rate: float, service_rate: float) -> None:
    if arrival_rate >= c * service_rate:
        raise ValueError(
            "unstable M/M/c queue: need arrival_rate < c * service_rate "
            f"(got lambda={arrival_rate} /yr, c*mu={c * service_rate} /yr)"
        )


def erlang_b(c: int, offered_load: float) -> float:
    """Erlang B blocking probability B(c, a) for ``c`` servers and load ``a`` (Erlangs).

    Uses the numerically stable recursion ``B(0)=1``,
    ``B(k) = a B(k-1) / (k + a B(k-1))``; no factorials or powers, so it is
    stable for large ``c`` (hundreds or more).  Dimensionless.
    """
    if int(c) != c or c < 0:
        raise ValueError(f"c must be a non-negative integer, got {c!r}")
    if offered_load < 0.0:
        raise ValueError(f"offered_load must be >= 0, got {offered_load!r}")
    b = 1.0
    for k in range(1, int(c) + 1):
        b = offered_load * b / (k + offered_load * b)
    return b


def erlang_c_wait_probability(c: int, arrival_rate: float, service_rate: float) -> float:
    """Erlang C: probability that an arrival has to wait in an M/M/c queue.

    Args:
        c: number of servers.
        arrival_rate: Poisson arrival rate lambda, per year.
        service_rate: exponential service rate mu of one server, per year.

    Returns:
        P(wait > 0) = C(c, a), dimensionless, with ``a = lambda/mu``.
        Computed from Erlang B: ``C = c B / (c - a (1 - B))``.  Requires
        ``lambda < c mu``.
    """
    _check_mmc_args(c, arrival_rate, service_rate)
    _check_stable(c, arrival_rate, service_rate)
    a = arrival_rate / service_rate
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def mmc_mean_wait(c: int, arrival_rate: float, service_rate: float) -> float:
    """Mean waiting time in queue (excluding service) of an M/M/c FCFS queue, in years.

    ``Wq = C(c, a) / (c mu - lambda)`` with rates per year.
    """
    p_wait = erlang_c_wait_probability(c, arrival_rate, service_rate)
    return p_wait / (c * service_rate - arrival_rate)


def mmc_mean_queue_length(c: int, arrival_rate: float, service_rate: float) -> float:
    """Mean number of customers waiting (not in service) in an M/M/c queue.

    By Little's law ``Lq = lambda * Wq`` (lambda per year, Wq in years); a count.
    """
    return arrival_rate * mmc_mean_wait(c, arrival_rate, service_rate)


def erlang_a(
    c: int,
    arrival_rate: float,
    service_rate: float,
    abandonment_rate: float,
    *,
    tail_tolerance: float = 1e-15,
    min_extra_states: int = 1000,
    max_states: int = 50_000_000,
) -> dict[str, float]:
    """Exact M/M/c+M (Erlang A) performance measures from the birth-death chain.

    State ``n`` = number in system (in service + waiting).  Birth rate
    ``lambda``; death rate ``min(n, c) mu + max(n - c, 0) theta`` where
    ``theta`` is the per-waiting-customer abandonment (reneging) rate.
    Patience is exponential with mean ``1/theta`` years.

    The stationary distribution is computed in log space
    (``log pi_n = sum_{i<=n} log(lambda / death_i) - log Z``) and truncated at a
    state ``N >= c + min_extra_states`` beyond which the death rates exceed
    lambda and the geometric bound on the remaining tail is below
    ``tail_tolerance`` times the retained mass.

    Args:
        c: number of servers.
        arrival_rate: lambda, per year.
        service_rate: mu, per year per server.
        abandonment_rate: theta, per year per waiting customer (``>= 0``; with
            ``theta == 0`` the queue must be stable, ``lambda < c mu``).

    Returns:
        dict with
          * ``p_abandon``: probability an arrival abandons before service,
            ``theta E[Lq] / lambda`` (rate balance);
          * ``mean_wait``: mean time in queue over *all* arrivals, including the
            abandoners' time until abandoning, ``E[Lq] / lambda`` (Little), years;
          * ``mean_queue_length``: ``E[Lq] = E[max(N - c, 0)]``, a count;
          * ``p_wait``: probability an arrival finds all servers busy,
            ``P(N >= c)`` (PASTA).
    """
    _check_mmc_args(c, arrival_rate, service_rate)
    theta = float(abandonment_rate)
    if theta < 0.0 or not math.isfinite(theta):
        raise ValueError(f"abandonment_rate must be finite and >= 0, got {abandonment_rate!r}")
    if theta == 0.0:
        _check_stable(c, arrival_rate, service_rate)
    c = int(c)
    lam, mu = float(arrival_rate), float(service_rate)
    log_lam = math.log(lam)
    log_tol = math.log(tail_tolerance)

    def death(n: np.ndarray) -> np.ndarray:
        rates: np.ndarray = np.minimum(n, c) * mu + np.maximum(n - c, 0) * theta
        return rates

    chunks: list[np.ndarray] = [np.zeros(1)]  # log weight of state 0
    last_log = 0.0
    n_done = 0  # highest state whose log weight is computed
    chunk = max(4096, c + min_extra_states + 1)
    while True:
        n = np.arange(n_done + 1, n_done + chunk + 1, dtype=np.float64)
        log_terms = last_log + np.cumsum(log_lam - np.log(death(n)))
        chunks.append(log_terms)
        n_done += chunk
        last_log = float(log_terms[-1])
        if n_done >= c + min_extra_states:
            ratio = lam / float(death(np.array([n_done + 1.0]))[0])
            if ratio < 1.0:
                log_mass = float(logsumexp(np.concatenate(chunks)))
                # Tail beyond n_done <= pi_{n_done} * ratio / (1 - ratio).
                log_tail = last_log + math.log(ratio) - math.log1p(-ratio)
                if log_tail - log_mass < log_tol:
                    break
        if n_done >= max_states:
            raise RuntimeError(
                f"Erlang A truncation did not converge within {max_states} states "
                f"(lambda={lam}, c={c}, mu={mu}, theta={theta})"
            )
        chunk = min(2 * chunk, 1 << 22)

    log_w = np.concatenate(chunks)
    log_pi = log_w - logsumexp(log_w)
    pi = np.exp(log_pi)
    states = np.arange(log_w.size, dtype=np.float64)
    queue = np.maximum(states - c, 0.0)
    mean_lq = float(np.dot(pi, queue))
    p_wait = float(pi[c:].sum())
    return {
        "p_abandon": theta * mean_lq / lam,
        "mean_wait": mean_lq / lam,
        "mean_queue_length": mean_lq,
        "p_wait": p_wait,
    }


def mmc_priority_mean_waits(
    c: int, arrival_rates: Sequence[float], service_rate: float
) -> list[float]:
    """Mean queueing delay per class in an M/M/c non-preemptive priority queue (Cobham).

    Class 0 has the highest priority; all classes share the exponential service
    rate mu (per year); arrivals of class k are Poisson with rate ``lambda_k``
    (per year).  Returns the mean waits in years:

        ``W_k = W0 / ((1 - sigma_{k-1}) (1 - sigma_k))``,
        ``sigma_k = sum_{i<=k} lambda_i / (c mu)``, ``sigma_{-1} = 0``,

    where ``W0 = C(c, a) / (c mu)`` is the mean residual time until the next
    server becomes free as seen by an arrival (it waits with probability
    ``C(c, a)``, total ``a = sum lambda_i / mu``, and while all ``c`` servers
    are busy departures occur at rate ``c mu``, memorylessly).

    Derivation check: with one class, ``W_0 = C / (c mu (1 - rho)) =
    C / (c mu - lambda)``, i.e. :func:`mmc_mean_wait`.  The arrival-weighted
    average of ``W_k`` equals the FCFS M/M/c wait (Kleinrock's conservation
    law; the number-in-system process is the same birth-death chain for every
    work-conserving non-preemptive order that ignores service times).
    """
    rates = [float(x) for x in arrival_rates]
    if not rates:
        raise ValueError("arrival_rates must contain at least one class")
    if any(r < 0.0 or not math.isfinite(r) for r in rates):
        raise ValueError(f"arrival rates must be finite and >= 0, got {rates!r}")
    total = sum(rates)
    p_wait = erlang_c_wait_probability(c, total, service_rate)
    capacity = c * service_rate
    w0 = p_wait / capacity
    waits: list[float] = []
    sigma_prev = 0.0
    for lam_k in rates:
        sigma_k = sigma_prev + lam_k / capacity
        waits.append(w0 / ((1.0 - sigma_prev) * (1.0 - sigma_k)))
        sigma_prev = sigma_k
    return waits


def time_limited_mean_tenancy(
    contract_years: float, renewal_probability: float, exit_hazard: float
) -> float:
    """Mean total tenancy length (years) under renewable fixed-term contracts.

    A tenancy is a sequence of contracts of length ``T`` years.  During a
    contract the tenant leaves voluntarily with constant hazard ``h`` per year
    (exponential); a tenant still present at the end of a contract is renewed
    with probability ``r`` independently, otherwise leaves at that moment.

        ``E[tenancy] = E[min(X, T)] / (1 - r P(X > T))
                     = (1 - e^{-hT}) / (h (1 - r e^{-hT}))``.

    Limits: ``h == 0`` gives ``T / (1 - r)``, infinite when also ``r == 1``.
    """
    t = float(contract_years)
    r = float(renewal_probability)
    h = float(exit_hazard)
    if not t > 0.0 or not math.isfinite(t):
        raise ValueError(f"contract_years must be finite and > 0, got {contract_years!r}")
    if not 0.0 <= r <= 1.0:
        raise ValueError(f"renewal_probability must be in [0, 1], got {renewal_probability!r}")
    if h < 0.0 or not math.isfinite(h):
        raise ValueError(f"exit_hazard must be finite and >= 0, got {exit_hazard!r}")
    if h == 0.0:
        return math.inf if r == 1.0 else t / (1.0 - r)
    # 1 - e^{-hT} = -expm1(-hT), and 1 - r e^{-hT} = (1 - r) + r (1 - e^{-hT}),
    # both free of cancellation for small hT.
    exit_within = -math.expm1(-h * t)
    return exit_within / (h * ((1.0 - r) + r * exit_within))
