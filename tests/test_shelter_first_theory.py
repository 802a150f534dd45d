"""Theory tests of a shelter-then-housing system (``docs/model.md``, "Shelter then
housing", and "Validation anchors"), with the tolerance of ``tests/test_theory.py``
(within 4 standard errors of the replication mean plus 0.001 of the scale; the standard
error below 5 % of the exact value); fixed seeds.

* Poisson applications at rate λ, each with a pre-housing stay of fixed length D, then c
  dwellings with exponential tenancies (other exit at rate μ), no other mechanism: the
  mean number in pre-housing stays is λ·D (Little's law), and the wait for a dwelling
  after the stay is the M/M/c (Erlang C) wait, since applications shifted by a fixed D
  are again Poisson at rate λ and their order is kept. With a drawn stay (independent
  lengths) the queue after the stays is still fed by a Poisson process (the output of an
  M/G/∞ system), and the order of service does not depend on the tenancies, so the mean
  wait after the stay is again Erlang C's.
* Re-entry with tenancy lengths drawn per tenancy: a household's second tenancy has the
  configured mean and is uncorrelated with its first.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from helpers import mmc_data, scenario, total
from queueing_theory import mmc_mean_wait
from test_theory import assert_matches, mean_wait_per_replication

from sim.runner import run_scenario

ARRIVALS = 3000.0  # applications a year: many households a simulated year


def shelter_then_housing(
    c: int,
    utilisation: float,
    stay_days: float,
    years: int,
    replications: int,
    seed: int,
    distribution: str = "fixed",
) -> dict:
    service = ARRIVALS / (utilisation * c)
    data = mmc_data(
        c, ARRIVALS, service, years=years, warmup=2, replications=replications, seed=seed
    )
    data["groups"]["applicants"]["stay_before_housing_days"] = {
        "distribution": distribution,
        "mean": stay_days,
    }
    return data


def check_little_and_erlang_c(
    c: int,
    utilisation: float,
    stay_days: float,
    years: int,
    replications: int,
    seed: int,
    distribution: str = "fixed",
) -> None:
    data = shelter_then_housing(c, utilisation, stay_days, years, replications, seed, distribution)
    yearly = run_scenario(scenario(data)).yearly
    service = ARRIVALS / (utilisation * c)
    stay = stay_days / 365.0
    held = total(yearly, "pre_housing").groupby("replication").value.mean()
    assert_matches(held, ARRIVALS * stay, 1.0, f"Little: households in a stay, c={c}")
    after_stay = mean_wait_per_replication(yearly) - stay
    exact = mmc_mean_wait(c, ARRIVALS, service)
    assert_matches(after_stay, exact, 1.0 / service, f"M/M/{c} after a stay at {utilisation}")


def test_a_fixed_stay_then_housing_matches_little_and_erlang_c() -> None:
    # λ·D = 30 households in a stay; about 30,000 households a replication
    check_little_and_erlang_c(2, 0.7, 3.65, years=10, replications=4, seed=261)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("c", "utilisation", "distribution", "stay_days"),
    [
        (1, 0.5, "fixed", 10.0),
        (10, 0.8, "fixed", 10.0),
        (50, 0.9, "fixed", 10.0),
        # a drawn stay adds its own spread to each wait: a short one keeps the standard
        # error of (wait - mean stay) within 5 % of W_q
        (10, 0.8, "exponential", 1.0),
    ],
)
def test_a_stay_then_housing_matches_little_and_erlang_c_slow(
    c: int, utilisation: float, distribution: str, stay_days: float
) -> None:
    check_little_and_erlang_c(
        c, utilisation, stay_days, years=30, replications=6, seed=262, distribution=distribution
    )


# --- tenancy lengths drawn per tenancy ------------------------------------------------------

TENANCY_MEAN = 1.0
TENANCY_CV = 0.5
CENSOR = 4.0  # years: a gamma(mean 1, cv 0.5) tenancy is longer with probability < 1e-5


def successive_tenancies(replications: int, seed: int) -> pd.DataFrame:
    """Per household that applied in the run: the lengths of its first two tenancies,
    when its second began at least ``CENSOR`` years before the end (so it has ended)."""
    data = {
        "name": "per-tenancy",
        "time": {"start": 2000, "years": 15, "warmup_years": 0},
        "seed": seed,
        "stock": {"units": {"units": 300}},
        "groups": {
            "applicants": {
                "applications_per_year": 150.0,
                "eligible": ["units"],
                "tenancy_years": {
                    "distribution": "gamma",
                    "mean": TENANCY_MEAN,
                    "cv": TENANCY_CV,
                },
                "tenancy_draw": "per_tenancy",
                "reenter_after_tenancy": 1.0,
            }
        },
    }
    loaded = scenario(data)
    results = run_scenario(loaded, replications=replications, track_households=True)
    end = float(loaded.time.end)
    pairs = []
    for row in results.households.itertuples():
        if row.arrival <= 2000.0:  # an initial tenant: its first tenancy is a residual
            continue
        housed = [m["time"] for m in row.moves if m["kind"] == "allocation"]
        ended = [m["time"] for m in row.moves if m["kind"] == "reentry"]
        if len(housed) >= 2 and housed[1] <= end - CENSOR:
            pairs.append((row.replication, ended[0] - housed[0], ended[1] - housed[1]))
    return pd.DataFrame(pairs, columns=["replication", "first", "second"])


def test_per_tenancy_successive_tenancies_are_independent_draws() -> None:
    pairs = successive_tenancies(replications=4, seed=263)
    assert len(pairs) > 2000
    second = pairs.groupby("replication").second.mean()
    assert_matches(second, TENANCY_MEAN, 1.0, "mean of the second tenancy")
    # independent: the correlation's standard error is about 1 / sqrt(n)
    correlation = float(np.corrcoef(pairs["first"], pairs["second"])[0, 1])
    assert abs(correlation) < 4.0 / math.sqrt(len(pairs)), correlation
    # and the second has the configured spread (cv 0.5: sd 0.5), within 5 %
    assert float(pairs["second"].std()) == pytest.approx(TENANCY_MEAN * TENANCY_CV, rel=0.05)


@pytest.mark.parametrize(
    ("tenancy_draw", "exact"),
    [
        # one clock: the household is housed for exactly D over all its tenancies
        ("per_household", 2.0),
        # a new clock each tenancy: tenancies of min(Exp(b), D) until one lasts D,
        # e^{bD} of them on average: (e^{bD} - 1) / b in all
        ("per_tenancy", (math.exp(0.5 * 2.0) - 1.0) / 0.5),
    ],
)
def test_housed_time_with_breakdowns_per_household_or_per_tenancy(
    tenancy_draw: str, exact: float
) -> None:
    """A fixed tenancy of D = 2 years, breakdowns at b = 0.5 a year, every broken-down
    household re-applies: the mean time a household is housed over all its tenancies
    (tenant-years over households leaving, Little's law) is D with one clock per
    household, (e^{bD} - 1) / b with a clock per tenancy."""
    data = {
        "name": "housed-time",
        "time": {"start": 2010, "years": 20, "warmup_years": 15},
        "replications": 4,
        "seed": 264,
        "stock": {"units": {"units": 400}},
        "groups": {
            "applicants": {
                "applications_per_year": 80.0,
                "eligible": ["units"],
                "tenancy_years": {"distribution": "fixed", "mean": 2.0},
                "tenancy_draw": tenancy_draw,
                "breakdown_per_year": 0.5,
                "reapply_after_breakdown": 1.0,
            }
        },
    }
    yearly = run_scenario(scenario(data)).yearly

    def per_replication(metric: str) -> pd.Series:
        return total(yearly, metric).groupby("replication").value.sum()

    housed = per_replication("tenant_years") / per_replication("exits_other")
    assert_matches(housed, exact, 1.0, f"housed time per household, {tenancy_draw}")
