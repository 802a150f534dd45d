"""Mechanisms in time: policies that change over the years, changes at a date, and
durations drawn from a distribution (with exact reductions where renewal theory gives
one). Statistical checks name their tolerance; seeds are fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from helpers import per_replication, scenario, total

from sim.config.loader import load_scenario
from sim.runner.replications import run_scenario


def run(data: dict[str, Any], **changes: Any) -> pd.DataFrame:
    return run_scenario(scenario(data, **changes), jobs=1).yearly


def by_year(yearly: pd.DataFrame, metric: str, group: str = "") -> pd.Series:
    return total(yearly, metric, group).groupby("year")["value"].sum()


def full_stock(**group: Any) -> dict[str, Any]:
    """A stock that is always full: many more applicants than units, nobody withdraws."""
    return {
        "name": "full",
        "time": {"start": 2010, "years": 10, "warmup_years": 0},
        "replications": 2,
        "seed": 21,
        "stock": {"flats": {"units": 400}},
        "groups": {
            "g": {
                "applications_per_year": 300,
                "eligible": ["flats"],
                "withdraw_per_year": 2.0,
                **group,
            }
        },
    }


# --- 5. policies that change over time ------------------------------------------------------


def test_a_renewal_rule_changes_in_the_year_given() -> None:
    data = full_stock(tenancy_years=20.0)
    data["stock"]["flats"].update(contract_years=1, renewal={2010: "always", 2014: "strict"})
    yearly = run(data, **{"policy.after_nonrenewal": "private_rental"})
    renewals, forced = by_year(yearly, "renewals"), by_year(yearly, "forced_moves")
    assert (renewals.loc[:2013] > 300).all() and (forced.loc[:2013] == 0).all()
    assert (renewals.loc[2014:] == 0).all() and (forced.loc[2014:] > 300).all()


def test_a_contract_length_changes_for_contracts_signed_from_then() -> None:
    data = full_stock(tenancy_years=20.0)
    data["stock"]["flats"].update(contract_years={2010: 1, 2014: 5}, renewal="always")
    yearly = run(data)
    ends = by_year(yearly, "contract_ends")
    # one-year contracts end about 400 times a year; five-year ones about 80 times
    assert (ends.loc[2011:2013] > 600).all()  # 2 replications
    assert ends.loc[2016:].mean() < 0.3 * ends.loc[2011:2013].mean()


def test_the_allocation_rule_changes_and_the_lists_are_reordered() -> None:
    common = {"applications_per_year": 30, "eligible": ["flats"], "withdraw_per_year": 0.2}
    data = {
        "name": "switch",
        "time": {"start": 2010, "years": 10, "warmup_years": 10},
        "replications": 2,
        "seed": 9,
        "stock": {"flats": {"units": 100}},
        "groups": {
            "homeless": {**common, "homeless_while_waiting": 1.0, "other_exit_per_year": 0.4},
            "housed": {**common, "other_exit_per_year": 0.4},
        },
        "policy": {"allocation": {2000: "seniority", 2015: "need"}},
    }
    yearly = run(data)
    homeless = by_year(yearly, "wait_years_mean", "homeless") / 2
    # under seniority the homeless wait as long as anyone (about a year and a half);
    # from 2015 they go first: those already waiting are re-ranked at once (most
    # lettings of 2015 go to them), and the waits of those who came later are short
    assert homeless.loc[2011:2014].min() > 1.0
    assert homeless.loc[2018:].max() < 0.3 * homeless.loc[2011:2014].mean()
    share = by_year(yearly, "allocations", "homeless") / by_year(yearly, "allocations")
    assert share.loc[2011:2014].max() < 0.65 and share.loc[2015] > 0.7


def test_destinations_after_nonrenewal_change_over_time() -> None:
    data = full_stock(tenancy_years=20.0)
    data["stock"]["flats"].update(contract_years=1, renewal="strict")
    shares = {2010: "private_rental", 2015: {"ownership": 1.0}}
    yearly = run(data, **{"policy.after_nonrenewal": shares})
    private, owners = by_year(yearly, "exits_private_rental"), by_year(yearly, "exits_ownership")
    assert (owners.loc[:2014] == 0).all() and (private.loc[2015:] == 0).all()
    assert (private.loc[:2014] > 0).all() and (owners.loc[2015:] > 0).all()


# --- 6. dated events ---------------------------------------------------------------------------


def homeless_overflow() -> dict[str, Any]:
    return {
        "name": "dated",
        "time": {"start": 2010, "years": 4, "warmup_years": 0},
        "replications": 1,
        "seed": 2,
        "stock": {"flats": {"units": 1}},
        "groups": {
            "g": {
                "applications_per_year": 100,
                "eligible": ["flats"],
                "homeless_while_waiting": 1.0,
            }
        },
    }


def test_emergency_units_open_at_a_date() -> None:
    # 1 July 2012 is model time 2012 + 182/366; from then 10 units are full every night
    yearly = run(homeless_overflow(), **{"emergency.units": {2010: 0, "2012-07-01": 10}})
    nights = by_year(yearly, "emergency_nights")
    assert nights.loc[2011] == 0
    assert nights.loc[2012] == pytest.approx(10 * 365 * 184 / 366, rel=1e-9)
    assert nights.loc[2013] == pytest.approx(10 * 365, rel=1e-9)


def test_a_build_arrives_at_its_date() -> None:
    data = homeless_overflow()
    data["builds"] = [{"date": "2011-04-01", "category": "flats", "units": 20}]
    yearly = run(data)
    unit_years = by_year(yearly, "unit_years")
    # 1 April 2011: 90 days into the year; the 20 units count for the rest of it
    assert unit_years.loc[2011] == pytest.approx(1 + 20 * 275 / 365, rel=1e-9)
    assert by_year(yearly, "units").loc[2011] == 21


def test_a_dated_build_with_lead_time_and_a_dated_policy_validate() -> None:
    data = homeless_overflow()
    data["builds"] = [{"date": "2010-09-01", "category": "flats", "units": 5, "lead_time_years": 1}]
    data["policy"] = {"renewal": {2010: "always", "2012-03-01": "strict"}}
    built = scenario(data)
    assert built.builds[0].schedule() == [(2011 + 243 / 365, 5)]
    assert str(built.policy.renewal.at_time(2012.2)) == "strict"


# --- 7. durations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tenancy",
    [
        {"distribution": "fixed", "mean": 5},
        {"distribution": "gamma", "mean": 5, "cv": 0.5},
        {"distribution": "lognormal", "mean": 5, "cv": 1.5},
        {"distribution": "triangular", "min": 1, "mode": 4, "max": 10},
        5.0,
    ],
    ids=["fixed", "gamma", "lognormal", "triangular", "exponential"],
)
def test_a_full_stock_turns_over_at_units_over_mean_tenancy_from_the_first_year(
    tenancy: Any,
) -> None:
    # renewal theory: a full stock of N units with tenancies of mean L lets N / L units a
    # year; the initial tenants' residual durations make that hold from the first year
    # (with fresh durations, a fixed tenancy of 5 years would let nothing for 5 years).
    # 400 units, 2 replications x 10 years: about 800 lettings a year-pair; tolerance 8 %
    # on the first year alone, 4 % on the ten-year mean.
    yearly = run(full_stock(tenancy_years=tenancy))
    allocations = by_year(yearly, "allocations") / 2
    assert allocations.loc[2010] == pytest.approx(400 / 5, rel=0.08 * 2)
    assert allocations.mean() == pytest.approx(400 / 5, rel=0.04)


def test_a_fixed_hospits_stay_lasts_exactly_its_length() -> None:
    data = homeless_overflow()
    data["time"]["years"] = 3
    yearly = run(data, **{"homelessness.hospits_stay_days": {"distribution": "fixed", "mean": 30}})
    stays = per_replication(yearly, "hospits_stays").sum()
    nights = per_replication(yearly, "hospits_nights").sum()
    # every stay lasts 30 days, except those still running at the end of the run
    assert stays > 250
    assert 30 * (stays - 10) <= nights <= 30 * stays + 1e-6


def test_self_sufficiency_after_a_fixed_time() -> None:
    # permanent contracts and an immediate departure when able: a tenancy lasts the fixed
    # two years to self-sufficiency plus an exponential of mean 1/50 year
    data = full_stock(
        self_sufficient_years={"distribution": "fixed", "mean": 2}, leave_when_able_per_year=50
    )
    yearly = run(data)
    allocations = by_year(yearly, "allocations").loc[2012:] / 2
    assert allocations.mean() == pytest.approx(400 / 2.02, rel=0.04)


def test_followup_spells_of_a_given_length_free_their_slots() -> None:
    data = full_stock(tenancy_years=20.0, followup_need=1.0)
    data["followup"] = {"capacity": 20}
    unlimited = run(data)
    limited = run(data, **{"followup.length_years": 0.5})
    # without a length a slot is held for the whole tenancy (20 years); with half a year
    # about 40 spells a year start on 20 slots, so the queue is served much faster
    assert by_year(limited, "followup_active").min() == 2 * 20  # 2 replications
    waiting = by_year(limited, "followup_waiting").iloc[-1]
    assert waiting < 0.7 * by_year(unlimited, "followup_waiting").iloc[-1]


def test_observed_durations_are_read_from_a_file_beside_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "stays.csv").write_text("years\n1\n2\n3\n4\n")
    file = tmp_path / "s.yaml"
    file.write_text(
        "name: s\nstock: {flats: {units: 10}}\n"
        "groups: {g: {applications_per_year: 5, eligible: [flats],\n"
        "  tenancy_years: {distribution: empirical, file: stays.csv, column: years}}}\n"
    )
    loaded = load_scenario(file)
    spec = loaded.groups["g"].tenancy_years
    assert spec is not None and not isinstance(spec, float)
    assert spec.values == (1.0, 2.0, 3.0, 4.0) and spec.mean == 2.5
