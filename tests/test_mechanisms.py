"""The model's mechanisms, each in a small scenario: homelessness pathways, leaving when
able under any contract, where non-renewed tenants go, allocation by assessed need.

Statistical checks name their tolerance; seeds are fixed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from helpers import per_replication, scenario, total

from sim.runner.replications import run_scenario


def run(data: dict[str, Any], **changes: Any) -> pd.DataFrame:
    return run_scenario(scenario(data, **changes), jobs=1).yearly


def overflow(**group: Any) -> dict[str, Any]:
    """Homeless applicants and a full stock that never turns over: everyone waits."""
    return {
        "name": "overflow",
        "time": {"start": 2010, "years": 20, "warmup_years": 0},
        "replications": 2,
        "seed": 5,
        "stock": {"flats": {"units": 1}},
        "groups": {
            "homeless": {
                "applications_per_year": 50,
                "eligible": ["flats"],
                "homeless_while_waiting": 1.0,
                **group,
            }
        },
    }


def year_end(yearly: pd.DataFrame, metric: str, group: str = "") -> Any:
    return total(yearly, metric, group)["value"].to_numpy()


# --- 1. homelessness pathways -----------------------------------------------------------


def test_without_pathway_keys_every_homeless_household_waits_in_emergency_or_hospits() -> None:
    yearly = run(overflow(), **{"emergency.units": 5})
    assert year_end(yearly, "own_solution").sum() == 0
    homeless = year_end(yearly, "homeless_waiting")
    assert (homeless == year_end(yearly, "in_emergency") + year_end(yearly, "in_hospits")).all()
    assert (year_end(yearly, "in_emergency") == 5).all()


def test_hospits_share_sends_the_rest_to_their_own_solution() -> None:
    # 50 households a year wait for ever; half go to hospits (binomial: 1,000 draws per
    # replication, sd of the share 0.016; tolerance 0.06 is 3.7 sd)
    yearly = run(overflow(), **{"homelessness.hospits_share": 0.5})
    last = total(yearly, "homeless_waiting").groupby("replication")["value"].last()
    hospits = total(yearly, "in_hospits").groupby("replication")["value"].last()
    own = total(yearly, "own_solution").groupby("replication")["value"].last()
    assert ((hospits + own) == last).all()
    assert ((hospits / last - 0.5).abs() < 0.06).all()


def test_hospits_capacity_is_never_exceeded_and_is_used() -> None:
    yearly = run(overflow(), **{"homelessness.hospits_capacity": {2010: 3, 2020: 8}})
    in_hospits = total(yearly, "in_hospits")
    assert (in_hospits[in_hospits.year < 2020]["value"] == 3).all()
    assert (in_hospits[in_hospits.year >= 2020]["value"] == 8).all()
    nights = total(yearly, "hospits_nights")
    assert (nights[nights.year < 2020]["value"] <= 3 * 365 + 1e-6).all()


def test_hospits_stays_have_the_given_mean_length() -> None:
    # nobody is housed: every stay ends by its length (exponential, mean 30 days); about
    # 2 x 1,000 stays, the standard error of the mean is about 0.7 days; tolerance 3 days
    yearly = run(overflow(), **{"homelessness.hospits_stay_days": 30.0})
    nights = per_replication(yearly, "hospits_nights").sum()
    stays = per_replication(yearly, "hospits_stays").sum()
    assert nights / stays == pytest.approx(30.0, abs=3.0)
    # after its stay a household is in its own solution, still on the list
    assert year_end(yearly, "own_solution")[-1] > 900


def test_homeless_outside_the_list_follow_littles_law() -> None:
    # homeless applicants withdraw at 1 a year: about 50 leave the list homeless each year
    # and are counted for 2 years on average, so about 100 are outside at a year end
    # (Little's law); 2 x 15 year ends, tolerance 12 %
    data = overflow(withdraw_per_year=1.0)
    yearly = run(data, **{"homelessness.outside_years": 2.0})
    entries = total(yearly, "homeless_outside_entries")
    rate = entries[entries.year >= 2015]["value"].mean()
    stock = total(yearly, "homeless_outside")
    level = stock[stock.year >= 2015]["value"].mean()
    assert rate == pytest.approx(50, rel=0.15)  # Poisson, 10 year-counts: sd 4.5 %
    assert level == pytest.approx(rate * 2.0, rel=0.12)


def test_refused_applicants_who_are_homeless_count_outside_the_list() -> None:
    yearly = run(overflow(approval=0.0), **{"homelessness.outside_years": 0.5})
    refusals = per_replication(yearly, "refusals")
    outside = per_replication(yearly, "homeless_outside_entries")
    assert (refusals == outside).all() and (refusals > 0).all()


# --- 2. leaving when able, under any contract ---------------------------------------------


def able_tenants(leave: float) -> dict[str, Any]:
    data = overflow(homeless_while_waiting=0.0, applications_per_year=300, withdraw_per_year=2.0)
    data["time"]["years"] = 10
    data["stock"] = {"flats": {"units": 200, "contract_years": 5, "renewal": "needs_based"}}
    data["groups"]["homeless"].update(
        self_sufficient_years=0.5, leave_when_able_per_year=leave, other_exit_per_year=0.05
    )
    return data


def test_self_sufficient_tenants_leave_before_their_contract_ends() -> None:
    staying, leaving = run(able_tenants(0.0)), run(able_tenants(20.0))
    # with a leaving rate of 20 a year, a self-sufficient tenant stays about 18 days instead
    # of up to 5 years: few contracts reach their end, and the units house more households
    ends = per_replication(leaving, "contract_ends").sum()
    assert ends < 0.3 * per_replication(staying, "contract_ends").sum()
    housed = per_replication(leaving, "allocations").sum()
    assert housed > 1.5 * per_replication(staying, "allocations").sum()


# --- 3. where non-renewed tenants go ------------------------------------------------------


def strict(after: Any, **policy: Any) -> dict[str, Any]:
    return {
        "name": "strict",
        "time": {"start": 2010, "years": 8, "warmup_years": 4},
        "replications": 2,
        "seed": 3,
        "stock": {"flats": {"units": 300, "contract_years": 1, "renewal": "strict"}},
        "groups": {
            "g": {
                "applications_per_year": 60,
                "eligible": ["flats"],
                "other_exit_per_year": 0.1,
                "withdraw_per_year": 0.5,
            }
        },
        "policy": {"after_nonrenewal": after, **policy},
    }


def test_nonrenewal_destination_shares() -> None:
    # about 2 x 2,000 forced moves; the share to each destination has an sd of about 0.007
    shares = {"transfer": 0.5, "private_rental": 0.25, "homeless": 0.25}
    yearly = run(strict(shares, reapply_after_homeless=0.0))
    forced = per_replication(yearly, "forced_moves").sum()
    assert forced > 1000
    private = per_replication(yearly, "exits_private_rental").sum()
    homeless = per_replication(yearly, "exits_homeless").sum()
    assert private / forced == pytest.approx(0.25, abs=0.03)
    assert homeless / forced == pytest.approx(0.25, abs=0.03)
    assert per_replication(yearly, "homeless_outside_entries").sum() >= homeless


def test_one_destination_is_a_share_of_one() -> None:
    a = run(strict("homeless"))
    b = run(strict({"homeless": 1.0}))
    pd.testing.assert_frame_equal(a, b)


def test_the_revolving_door_reapplies_after_a_delay() -> None:
    yearly = run(strict({"homeless": 1.0}, reapply_delay_years=0.5))
    outside = total(yearly, "homeless_outside")["value"]
    assert outside.mean() > 10  # non-renewed households off the list for half a year
    # each reapplies: nobody leaves to homelessness for good
    assert per_replication(yearly, "exits_homeless").sum() == 0


def test_forced_movers_with_a_new_date_wait_behind_the_applicants() -> None:
    def transfers(place: str) -> tuple[float, float]:
        data = strict("transfer", forced_mover_place=place)
        data["groups"]["g"].update(applications_per_year=200, withdraw_per_year=2.0)
        yearly = run(data)
        return (
            per_replication(yearly, "transfers").mean(),
            per_replication(yearly, "transfer_waiting").mean(),
        )

    keep, new_date, first = transfers("keep"), transfers("new_date"), transfers("priority")
    assert new_date[0] < 0.5 * keep[0] and new_date[1] > 5 * keep[1]
    # under seniority a forced mover's first approval is older than every applicant's
    # (those approved before it were housed before it): first in line changes nothing
    assert first == keep


# --- 4. allocation by assessed need -------------------------------------------------------


def two_groups(**policy: Any) -> dict[str, Any]:
    common = {"applications_per_year": 30, "eligible": ["flats"], "withdraw_per_year": 0.2}
    return {
        "name": "need",
        "time": {"start": 2010, "years": 10, "warmup_years": 10},
        "replications": 2,
        "seed": 9,
        "stock": {"flats": {"units": 100}},
        "groups": {
            "homeless": {**common, "homeless_while_waiting": 1.0, "other_exit_per_year": 0.4},
            "housed": {**common, "other_exit_per_year": 0.4},
        },
        "policy": policy,
    }


def mean_wait(yearly: pd.DataFrame, group: str) -> float:
    rows = total(yearly, "wait_years_mean", group)
    return float(rows["value"].mean())


def test_allocation_by_need_houses_the_homeless_first() -> None:
    by_seniority = run(two_groups())
    by_need = run(two_groups(allocation="need"))
    ratio_seniority = mean_wait(by_seniority, "homeless") / mean_wait(by_seniority, "housed")
    ratio_need = mean_wait(by_need, "homeless") / mean_wait(by_need, "housed")
    assert 0.7 < ratio_seniority < 1.4
    assert ratio_need < 0.3


def test_years_waited_weigh_against_homelessness() -> None:
    # one homeless point is worth one year on the list: the housed are no longer last
    strong = run(two_groups(allocation="need", need_weights={"homeless": 1.0}))
    mixed = run(two_groups(allocation="need", need_weights={"homeless": 1.0, "years_waited": 1.0}))
    assert mean_wait(mixed, "housed") < mean_wait(strong, "housed")
