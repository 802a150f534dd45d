"""Theory tests: the model's exact reductions against queueing formulas (``docs/model.md``,
"Validation anchors").

Each test runs independent replications with fixed seeds and compares the mean over
replications with the analytic value. Tolerance, stated once: the difference must lie
within 4 standard errors of the replication mean (a model error larger than that is
caught) plus 0.001 mean service times (for cases where the exact value is ~0 and the
simulation sees no waiting at all); and the standard error itself must be below 5 % of
the analytic value (where that is not ~0), so a test cannot pass by being noisy.
Long tests are marked ``slow``; CI runs them.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from helpers import mmc_data, per_replication, scenario, total
from queueing_theory import (
    erlang_a,
    mmc_mean_wait,
    mmc_priority_mean_waits,
    time_limited_mean_tenancy,
)

from sim.runner import run_scenario

STANDARD_ERRORS = 4.0
ABSOLUTE = 1e-3  # in mean service times
MAX_RELATIVE_SE = 0.05


def mean_wait_per_replication(yearly: pd.DataFrame, group: str = "") -> pd.Series:
    """Mean wait of all households housed over the horizon, one value per replication."""
    waits = total(yearly, "wait_years_mean", group).set_index(["replication", "year"]).value
    counts = total(yearly, "allocations", group).set_index(["replication", "year"]).value
    return (waits.fillna(0.0) * counts).groupby("replication").sum() / counts.groupby(
        "replication"
    ).sum()


def assert_matches(values: pd.Series, exact: float, scale: float, what: str) -> None:
    """Replication mean within 4 SE (+ 0.001 x scale) of ``exact``; SE below 5 %."""
    mean = float(values.mean())
    se = float(values.std(ddof=1) / math.sqrt(len(values)))
    tolerance = STANDARD_ERRORS * se + ABSOLUTE * scale
    assert abs(mean - exact) <= tolerance, (
        f"{what}: simulated {mean:.5g} ± {se:.2g} (SE), exact {exact:.5g}"
    )
    if exact > 0.01 * scale:
        assert se <= MAX_RELATIVE_SE * exact, f"{what}: too noisy to be a test (SE {se:.3g})"


# Arrival rate per year; the service rate follows from c and utilisation. A high rate
# gives many households per simulated year, so fewer yearly rows for the same precision.
ARRIVALS = 3000.0


@pytest.mark.slow
@pytest.mark.parametrize("c", [1, 10, 50])
@pytest.mark.parametrize("utilisation", [0.5, 0.8, 0.95])
def test_mmc_mean_wait_matches_erlang_c(c: int, utilisation: float) -> None:
    service = ARRIVALS / (utilisation * c)
    # near saturation the yearly means vary most: more years and replications keep the
    # standard error within MAX_RELATIVE_SE of the exact value
    years, replications = (120, 12) if utilisation >= 0.95 else (30, 6)
    data = mmc_data(
        c, ARRIVALS, service, years=years, warmup=2, replications=replications, seed=101
    )
    results = run_scenario(scenario(data))
    waits = mean_wait_per_replication(results.yearly)
    exact = mmc_mean_wait(c, ARRIVALS, service)
    assert_matches(waits, exact, 1.0 / service, f"M/M/{c} at {utilisation}")


@pytest.mark.slow
@pytest.mark.parametrize(("c", "utilisation", "patience_ratio"), [(10, 1.1, 0.5), (5, 0.9, 2.0)])
def test_abandonment_matches_erlang_a(c: int, utilisation: float, patience_ratio: float) -> None:
    service = ARRIVALS / (utilisation * c)
    withdraw = patience_ratio * service
    data = mmc_data(c, ARRIVALS, service, years=20, warmup=2, replications=6, seed=202)
    data["groups"]["applicants"]["withdraw_per_year"] = withdraw
    results = run_scenario(scenario(data))
    withdrawn = per_replication(results.yearly, "withdrawals")
    approved = per_replication(results.yearly, "approvals")
    exact = erlang_a(c, ARRIVALS, service, withdraw)["p_abandon"]
    assert_matches(withdrawn / approved, exact, 1.0, f"Erlang A c={c}")


@pytest.mark.slow
def test_priority_classes_match_cobham() -> None:
    c, service = 5, 600.0
    rates = [900.0, 1650.0]  # utilisation 0.85 in all
    data = mmc_data(c, rates[0], service, years=40, warmup=2, replications=6, seed=303)
    data["groups"] = {
        "urgent": {
            "applications_per_year": rates[0],
            "eligible": ["units"],
            "other_exit_per_year": service,
            "priority": 1,
        },
        "ordinary": {
            "applications_per_year": rates[1],
            "eligible": ["units"],
            "other_exit_per_year": service,
            "priority": 2,
        },
    }
    data["policy"] = {"allocation": "priority"}
    results = run_scenario(scenario(data))
    exact = mmc_priority_mean_waits(c, rates, service)
    for group, wait in zip(["urgent", "ordinary"], exact, strict=True):
        simulated = mean_wait_per_replication(results.yearly, group)
        assert_matches(simulated, wait, 1.0 / service, f"priority class {group}")
    assert exact[0] < exact[1]


@pytest.mark.parametrize(("contract", "renewal", "hazard"), [(1.0, 0.6, 0.5), (3.0, 0.8, 0.1)])
def test_mean_tenancy_of_time_limited_contract(
    contract: float, renewal: float, hazard: float
) -> None:
    """Renewal with probability r at each contract end, early exit at hazard h.

    Mean tenancy = tenant-years / tenancies ended (steady state, stock always full: a
    non-renewed household is forced out homeless and waits for another unit).
    """
    data = {
        "name": "tenancy",
        "time": {"start": 2000, "years": 40, "warmup_years": 30},
        "seed": 404,
        "stock": {"flats": {"units": 400, "contract_years": contract}},
        "groups": {
            "tenants": {
                "applications_per_year": 400.0,
                "eligible": ["flats"],
                "other_exit_per_year": hazard,
            }
        },
        "policy": {
            "renewal": "discretionary",
            "renewal_probability": renewal,
            "after_nonrenewal": "homeless",
        },
    }
    results = run_scenario(scenario(data), replications=6)
    yearly = results.yearly
    ended = per_replication(yearly, "forced_moves") + per_replication(yearly, "exits_other")
    exposure = per_replication(yearly, "tenant_years")
    assert (total(yearly, "vacant").value < 20).all(), "stock must stay (nearly) full"
    exact = time_limited_mean_tenancy(contract, renewal, hazard)
    assert_matches(exposure / ended, exact, contract, "mean tenancy")


def test_littles_law_on_the_waiting_list() -> None:
    """Time-average list length = approvals per year x mean time on the list (no withdrawal)."""
    service = 100.0
    data = mmc_data(20, 1800.0, service, years=30, warmup=2, replications=4, seed=505)
    results = run_scenario(scenario(data))
    yearly = results.yearly
    for replication in range(4):
        rows = yearly[yearly.replication == replication]
        length = total(rows, "waiting_mean").value.mean()
        arrivals = total(rows, "approvals").value.mean()
        wait = float(mean_wait_per_replication(rows).iloc[0])
        # exact up to the households on the list at the ends of the horizon
        assert length == pytest.approx(arrivals * wait, rel=0.02)
        assert length > 1.0


@pytest.mark.parametrize("c", [1, 10, 50])
@pytest.mark.parametrize("utilisation", [0.5, 0.8, 0.95])
def test_formulas_agree_with_their_inputs(c: int, utilisation: float) -> None:
    """The exact values the theory tests compare with, checked against the textbook sum
    form of Erlang C at the very parameters used above (and M/M/1's closed form)."""
    service = ARRIVALS / (utilisation * c)
    a = ARRIVALS / service
    assert a / c == pytest.approx(utilisation)  # the queue is stable, at the stated load
    terms = sum(a**k / math.factorial(k) for k in range(c))
    top = a**c / math.factorial(c) * c / (c - a)
    expected_wait = top / (terms + top) / (c * service - ARRIVALS)
    assert mmc_mean_wait(c, ARRIVALS, service) == pytest.approx(expected_wait, rel=1e-9)
    if c == 1:
        assert mmc_mean_wait(1, ARRIVALS, service) == pytest.approx(
            utilisation / (service - ARRIVALS), rel=1e-12
        )
