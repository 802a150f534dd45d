"""Unit tests: the analytic formulas the theory tests rely on, and the package's own
Erlang C (``sim.analysis.sizing_estimate``, sizing's analytic estimate) against them.

Time unit: years; all rates are per year.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

# tests/ has no __init__.py, so pytest's default "prepend" import mode puts
# tests/ itself on sys.path and the helper module imports by its bare name.
from queueing_theory import (
    erlang_a,
    erlang_c_wait_probability,
    mmc_mean_queue_length,
    mmc_mean_wait,
    mmc_priority_mean_waits,
    time_limited_mean_tenancy,
)
from scipy.stats import poisson

from sim.analysis.sizing_estimate import erlang_c_wait


@pytest.mark.parametrize(("lam", "mu"), [(0.3, 1.0), (4.0, 5.0), (0.95, 1.0), (12.0, 40.0)])
def test_erlang_c_single_server_equals_rho(lam: float, mu: float) -> None:
    assert erlang_c_wait_probability(1, lam, mu) == pytest.approx(lam / mu, rel=1e-12)


@pytest.mark.parametrize(("lam", "mu"), [(0.3, 1.0), (4.0, 5.0), (0.95, 1.0), (12.0, 40.0)])
def test_mm1_mean_wait(lam: float, mu: float) -> None:
    rho = lam / mu
    assert mmc_mean_wait(1, lam, mu) == pytest.approx(rho / (mu - lam), rel=1e-12)
    assert mmc_mean_queue_length(1, lam, mu) == pytest.approx(rho**2 / (1 - rho), rel=1e-12)


def test_mm2_textbook_value() -> None:
    # c=2, lambda=1, mu=1: a=1, rho=1/2, P(wait)=1/3, Wq=(1/3)/(2-1)=1/3.
    assert erlang_c_wait_probability(2, 1.0, 1.0) == pytest.approx(1 / 3, rel=1e-12)
    assert mmc_mean_wait(2, 1.0, 1.0) == pytest.approx(1 / 3, rel=1e-12)
    assert mmc_mean_queue_length(2, 1.0, 1.0) == pytest.approx(1 / 3, rel=1e-12)


def test_erlang_c_large_c_stable_and_in_unit_interval() -> None:
    for c in (50, 100, 200):
        for rho in (0.5, 0.9, 0.99):
            p = erlang_c_wait_probability(c, rho * c * 2.0, 2.0)
            assert 0.0 < p < 1.0 and math.isfinite(p)
    # Direct-sum cross-check at moderate c (log space).
    c, a = 120, 110.0
    log_terms = np.array([k * math.log(a) - math.lgamma(k + 1) for k in range(c)])
    log_last = c * math.log(a) - math.lgamma(c + 1) + math.log(c / (c - a))
    m = max(log_terms.max(), log_last)
    direct = math.exp(log_last - m) / (np.exp(log_terms - m).sum() + math.exp(log_last - m))
    assert erlang_c_wait_probability(c, a, 1.0) == pytest.approx(direct, rel=1e-10)


@pytest.mark.parametrize(("c", "lam", "mu"), [(1, 0.8, 1.0), (3, 2.5, 1.0), (20, 90.0, 5.0)])
def test_erlang_a_small_theta_approaches_erlang_c(c: int, lam: float, mu: float) -> None:
    res = erlang_a(c, lam, mu, 1e-9)
    assert res["mean_wait"] == pytest.approx(mmc_mean_wait(c, lam, mu), rel=1e-5)
    assert res["p_wait"] == pytest.approx(erlang_c_wait_probability(c, lam, mu), rel=1e-5)
    assert res["mean_queue_length"] == pytest.approx(mmc_mean_queue_length(c, lam, mu), rel=1e-5)
    assert res["p_abandon"] < 1e-6


@pytest.mark.parametrize(("c", "lam", "mu"), [(1, 0.8, 1.0), (3, 5.0, 1.0), (10, 30.0, 2.0)])
def test_erlang_a_theta_equal_mu_is_poisson(c: int, lam: float, mu: float) -> None:
    # With theta == mu every customer leaves at rate mu: M/M/inf, N ~ Poisson(lambda/mu).
    res = erlang_a(c, lam, mu, mu)
    a = lam / mu
    n = np.arange(0, 2000)
    pmf = poisson.pmf(n, a)
    e_lq = float(np.dot(pmf, np.maximum(n - c, 0)))
    assert res["mean_queue_length"] == pytest.approx(e_lq, rel=1e-10)
    assert res["p_abandon"] == pytest.approx(mu * e_lq / lam, rel=1e-10)
    assert res["mean_wait"] == pytest.approx(e_lq / lam, rel=1e-10)
    assert res["p_wait"] == pytest.approx(float(poisson.sf(c - 1, a)), rel=1e-10)


def test_erlang_a_overloaded_is_finite() -> None:
    res = erlang_a(5, 20.0, 1.0, 0.5)  # lambda > c mu: abandonment keeps it stable
    # Rate balance: served + abandoned = lambda, served = mu E[busy servers] <= c mu.
    assert 0.0 < res["p_abandon"] < 1.0
    assert res["p_abandon"] >= 1.0 - 5.0 / 20.0 - 1e-12


@pytest.mark.parametrize(
    ("c", "rates", "mu"),
    [
        (1, [0.3, 0.5], 1.0),
        (4, [1.0, 2.0], 1.0),
        (3, [0.5, 1.0, 1.2], 1.0),
        (10, [5.0, 20.0, 12.0], 4.0),
    ],
)
def test_priority_conservation_law(c: int, rates: list[float], mu: float) -> None:
    waits = mmc_priority_mean_waits(c, rates, mu)
    total = sum(rates)
    weighted = sum(lam * w for lam, w in zip(rates, waits, strict=True)) / total
    assert weighted == pytest.approx(mmc_mean_wait(c, total, mu), rel=1e-12)
    assert waits == sorted(waits)  # higher priority never waits longer


def test_priority_single_class_reduces_to_fcfs() -> None:
    assert mmc_priority_mean_waits(3, [2.4], 1.0)[0] == pytest.approx(
        mmc_mean_wait(3, 2.4, 1.0), rel=1e-12
    )


def _simulate_tenancy(t: float, r: float, h: float, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    total = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        x = rng.exponential(1.0 / h, size=idx.size)
        exits = x < t
        total[idx] += np.where(exits, x, t)
        renew = ~exits & (rng.random(idx.size) < r)
        active[idx] = renew
    return total


@pytest.mark.parametrize(("t", "r", "h"), [(5.0, 0.7, 0.1), (2.0, 0.9, 0.25), (10.0, 0.0, 0.05)])
def test_time_limited_tenancy_monte_carlo(t: float, r: float, h: float) -> None:
    sim = _simulate_tenancy(t, r, h, 200_000, seed=12345)
    assert sim.mean() == pytest.approx(time_limited_mean_tenancy(t, r, h), rel=0.01)


@pytest.mark.parametrize(("t", "h"), [(5.0, 0.1), (1.0, 2.0), (30.0, 0.02)])
def test_time_limited_tenancy_no_renewal(t: float, h: float) -> None:
    assert time_limited_mean_tenancy(t, 0.0, h) == pytest.approx(
        (1 - math.exp(-h * t)) / h, rel=1e-12
    )


def test_time_limited_tenancy_limits() -> None:
    assert time_limited_mean_tenancy(5.0, 0.6, 0.0) == pytest.approx(5.0 / 0.4)
    assert time_limited_mean_tenancy(5.0, 1.0, 0.0) == math.inf
    assert time_limited_mean_tenancy(5.0, 1.0, 0.2) == pytest.approx(1 / 0.2, rel=1e-12)
    assert time_limited_mean_tenancy(5.0, 0.6, 1e-12) == pytest.approx(5.0 / 0.4, rel=1e-9)


ERLANG_LOADS = [0.01, 0.2, 0.5, 0.8, 0.95, 0.99, 0.999]
ERLANG_ARRIVALS = [0.5, 12.0, 400.0]  # applications per year


def textbook_mean_wait(c: int, arrival: float, service: float) -> float:
    """M/M/c mean wait from the textbook sum (a third opinion, for small c only)."""
    a = arrival / service
    rho = a / c
    tail = a**c / math.factorial(c) / (1 - rho)
    p_wait = tail / (math.fsum(a**k / math.factorial(k) for k in range(c)) + tail)
    return p_wait / (c * service - arrival)


@pytest.mark.parametrize("arrival", ERLANG_ARRIVALS)
def test_the_packages_erlang_c_matches_the_oracle(arrival: float) -> None:
    """Sizing's Erlang C mean wait and the theory tests' agree to 1e-12 (relative) for
    1 to 50 servers, loads from 0.01 to just under 1 and three arrival rates; both
    match the textbook sum to 1e-9 up to 20 servers."""
    for c in range(1, 51):
        for load in ERLANG_LOADS:
            service = arrival / (load * c)
            package = erlang_c_wait(c, arrival, service)
            oracle = mmc_mean_wait(c, arrival, service)
            assert package == pytest.approx(oracle, rel=1e-12, abs=0.0), (c, load)
            assert 0.0 < package < math.inf
            if c <= 20:
                assert package == pytest.approx(
                    textbook_mean_wait(c, arrival, service), rel=1e-9
                ), (c, load)


@pytest.mark.parametrize("c", [1, 7, 50])
def test_the_packages_erlang_c_is_infinite_where_the_oracle_is_unstable(c: int) -> None:
    for load in [1.0, 1.5]:
        service = 12.0 / (load * c)
        assert erlang_c_wait(c, 12.0, service) == math.inf
        with pytest.raises(ValueError, match="unstable"):
            mmc_mean_wait(c, 12.0, service)
