"""Functional tests: stock-flow conservation, extreme values, monotonicity, renewal policies."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from helpers import municipality, per_replication, scenario, total

from sim.runner import run_scenario


def wide(yearly: pd.DataFrame) -> pd.DataFrame:
    """Totals as a (replication, year) x metric table."""
    rows = yearly[(yearly.group == "") & (yearly.category == "")]
    return rows.pivot_table(index=["replication", "year"], columns="metric", values="value")


def previous(table: pd.DataFrame, metric: str) -> pd.Series:
    return table[metric].groupby(level="replication").shift(1)


@pytest.mark.parametrize("after", ["transfer", "homeless"])
@pytest.mark.parametrize("renewal", ["needs_based", "strict"])
def test_stocks_and_flows_balance_every_year(after: str, renewal: str) -> None:
    data = municipality(**{"policy.renewal": renewal, "policy.after_nonrenewal": after})
    table = wide(run_scenario(scenario(data)).yearly)
    forced_out = table.forced_moves if after == "homeless" else 0.0
    reapplied = table.breakdowns - table.exits_homeless

    units = previous(table, "units") + table.units_built - table.units_removed
    tenants = (
        previous(table, "tenants")
        + table.allocations
        - table.exits_ownership
        - table.exits_private_rental
        - table.exits_other
        - table.breakdowns
        - forced_out
    )
    waiting = (
        previous(table, "waiting")
        + table.approvals
        + reapplied
        + forced_out
        - table.allocations
        - table.withdrawals
        - table.removed_after_refusal
    )
    checked = units.notna()
    assert checked.sum() == 4 * 7
    pd.testing.assert_series_equal(units[checked], table.units[checked], check_names=False)
    pd.testing.assert_series_equal(tenants[checked], table.tenants[checked], check_names=False)
    pd.testing.assert_series_equal(waiting[checked], table.waiting[checked], check_names=False)
    pd.testing.assert_series_equal(table.tenants + table.vacant, table.units, check_names=False)
    assert (table.applications == table.approvals + table.refusals).all()
    assert (table.homeless_waiting == table.in_emergency + table.in_hospits).all()
    assert (table.in_emergency <= 4).all()
    # the mechanisms all ran
    for metric in [
        "allocations",
        "withdrawals",
        "breakdowns",
        "exits_ownership",
        "hospits_stays",
        "emergency_stays",
        "offer_refusals",
        "followup_active",
    ]:
        assert table[metric].sum() > 0, metric


def test_group_and_category_rows_add_up_to_totals() -> None:
    yearly = run_scenario(scenario(municipality())).yearly
    for metric in ["allocations", "tenants", "waiting", "units", "hospits_nights"]:
        rows = yearly[yearly.metric == metric]
        totals = (
            rows[(rows.group == "") & (rows.category == "")]
            .set_index(["replication", "year"])
            .value
        )
        by_group = (
            rows[(rows.group != "") & (rows.category == "")]
            .groupby(["replication", "year"])
            .value.sum()
        )
        by_category = (
            rows[(rows.group == "") & (rows.category != "")]
            .groupby(["replication", "year"])
            .value.sum()
        )
        if not by_group.empty:
            pd.testing.assert_series_equal(by_group, totals, check_names=False)
        if not by_category.empty:
            pd.testing.assert_series_equal(by_category, totals, check_names=False)


def test_no_applications_means_no_allocations() -> None:
    data = municipality(
        **{
            "groups.disadvantaged.applications_per_year": 0,
            "groups.disadvantaged.initial_waiting": 0,
            "groups.elderly.applications_per_year": 0,
        }
    )
    yearly = run_scenario(scenario(data)).yearly
    assert (total(yearly, "allocations").value == 0).all()
    assert (total(yearly, "applications").value == 0).all()
    assert (total(yearly, "waiting").value == 0).all()


def test_huge_stock_gives_near_zero_waits() -> None:
    data = municipality(
        **{"stock.ordinary.units": 5000, "stock.care.units": 2000, "refusal.probability": 0.0}
    )
    yearly = run_scenario(scenario(data)).yearly
    waits = total(yearly, "wait_years_mean").value
    assert waits.max() < 1e-9
    assert (total(yearly, "waiting").value == 0).all()


def test_zero_followup_capacity_makes_every_need_wait() -> None:
    data = municipality(
        **{
            "followup.capacity": 0,
            "groups.disadvantaged.followup_need": 1.0,
            "groups.disadvantaged.self_sufficient_years": None,
            "groups.elderly.followup_need": 1.0,
        }
    )
    table = wide(run_scenario(scenario(data)).yearly)
    assert (table.followup_active == 0).all()
    assert (table.followup_waiting == table.tenants).all()
    assert table.followup_waiting.min() > 100


def test_more_units_never_raise_the_mean_wait() -> None:
    """Common random numbers: the same seeds for every stock size."""
    means = []
    for units in [100, 110, 120, 140, 170]:
        data = municipality(**{"stock.ordinary.units": units, "replications": 8})
        yearly = run_scenario(scenario(data)).yearly
        waits = total(yearly, "wait_years_mean", "disadvantaged")
        means.append(waits.value.mean())
    assert all(np.diff(means) <= 0), means
    assert means[0] > 2 * means[-1], means


def test_strict_renewal_forces_moves_and_always_none() -> None:
    strict = run_scenario(scenario(municipality(**{"policy.renewal": "strict"}))).yearly
    always = run_scenario(scenario(municipality(**{"policy.renewal": "always"}))).yearly
    assert per_replication(strict, "forced_moves").min() > 50
    assert per_replication(always, "forced_moves").max() == 0
    assert per_replication(always, "renewals").min() > 0
    assert per_replication(strict, "renewals").max() == 0
    assert per_replication(strict, "transfers").min() > 0


@pytest.mark.parametrize("cap", [1, 2])
def test_max_renewals_turns_later_renewals_strict(cap: int) -> None:
    """Under "always" with a cap of ``cap`` renewals and 1-year contracts, a tenant is
    forced to move at its contract end ``cap + 1`` years after it moved in, never
    sooner nor later (those who moved in during the run: the initial tenants start
    somewhere in their contracts); and every year has forced moves."""
    changes = {"policy.renewal": "always", "policy.max_renewals": cap, "replications": 2}
    results = run_scenario(scenario(municipality(**changes)), track_households=True)
    assert results.households is not None
    start = results.scenario.time.start - results.scenario.time.warmup_years
    gaps = []
    for moves in results.households.moves:
        moved_in = None
        for move in moves:
            if move["kind"] == "forced_move":
                if moved_in is not None and moved_in > start:
                    gaps.append(move["time"] - moved_in)
                moved_in = None  # (as a transfer it waits in its unit, without a contract)
            else:
                moved_in = move["time"]
    assert len(gaps) > 100
    assert min(gaps) == pytest.approx(cap + 1.0) and max(gaps) == pytest.approx(cap + 1.0)
    forced = total(results.yearly, "forced_moves")
    assert len(forced) == 2 * 8 and forced.value.min() > 0


def test_max_renewals_zero_is_strict_from_the_first_contract_end() -> None:
    """With a cap of 0 renewals, "always" renews no contract: the run is the strict one
    (the same draws, so the same tables), and a cap of 1 lets renewals through again."""
    policy = {"policy.renewal": "always"}
    capped = run_scenario(scenario(municipality(**policy, **{"policy.max_renewals": 0}))).yearly
    strict = run_scenario(scenario(municipality(**{"policy.renewal": "strict"}))).yearly
    pd.testing.assert_frame_equal(capped, strict)
    assert per_replication(capped, "renewals").max() == 0
    once = run_scenario(scenario(municipality(**policy, **{"policy.max_renewals": 1}))).yearly
    assert per_replication(once, "renewals").min() > 0


def test_differentiated_gives_permanent_need_households_permanent_contracts() -> None:
    data = municipality(
        **{"policy.renewal": "differentiated", "groups.disadvantaged.permanent_need": 1.0}
    )
    yearly = run_scenario(scenario(data)).yearly
    assert per_replication(yearly, "contract_ends").max() == 0
    assert per_replication(yearly, "forced_moves").max() == 0


def test_builds_and_removals_change_the_stock() -> None:
    yearly = run_scenario(scenario(municipality())).yearly
    units = total(yearly, "units", category="ordinary").groupby("year").value.mean()
    assert units[2012] == 120 and units[2013] == 130
    # -2 a year from 2014 to 2016: a vacant unit goes at once, otherwise the next unit to
    # fall vacant, so a removal may be pending for a while, but never lost
    care = total(yearly, "units", category="care").pivot_table(
        index="year", columns="replication", values="value"
    )
    assert (care.loc[2013] == 30).all() and (care.loc[2017] == 24).all()
    assert (care.diff().dropna() <= 0).all().all()  # the stock only shrinks
    removed = total(yearly, "units_removed", category="care").groupby("replication").value.sum()
    assert (removed == 6).all()


def test_emergency_units_take_hospits_guests() -> None:
    without = run_scenario(scenario(municipality(**{"emergency.units": 0}))).yearly
    more = run_scenario(scenario(municipality(**{"emergency.units": 30}))).yearly
    assert (
        per_replication(more, "hospits_nights").mean()
        < per_replication(without, "hospits_nights").mean()
    )
    assert per_replication(without, "emergency_nights").max() == 0


@pytest.mark.parametrize("penalty", ["keep", "back_of_queue", "removed"])
def test_refusal_penalties(penalty: str) -> None:
    data = municipality(**{"refusal.probability": 0.5, "refusal.penalty": penalty})
    yearly = run_scenario(scenario(data)).yearly
    assert per_replication(yearly, "offer_refusals").min() > 0
    removed = per_replication(yearly, "removed_after_refusal")
    if penalty == "removed":
        assert removed.min() > 0
    else:
        assert removed.max() == 0


def test_lottery_allocation_runs_and_houses() -> None:
    yearly = run_scenario(scenario(municipality(**{"policy.allocation": "lottery"}))).yearly
    assert per_replication(yearly, "allocations").min() > 0


def test_costs_are_prices_times_quantities() -> None:
    data = municipality()
    data["costs"] = {"hospits_per_night": 900, "followup_per_year": 150000}
    table = wide(run_scenario(scenario(data)).yearly)
    np.testing.assert_allclose(table.cost_hospits, 900 * table.hospits_nights)
    np.testing.assert_allclose(table.cost_followup, 150000 * table.followup_years)
    np.testing.assert_allclose(table.cost_total, table.cost_hospits + table.cost_followup)


def test_scenario_is_not_mutated_by_a_run() -> None:
    loaded = scenario(municipality())
    before = copy.deepcopy(loaded.model_dump())
    run_scenario(loaded, replications=1)
    assert loaded.model_dump() == before


def test_households_housed_at_once_do_not_count_shelter_stays() -> None:
    """A homeless applicant who finds a vacant unit on approval never enters hospits."""
    data = {
        "name": "vacant",
        "time": {"start": 2010, "years": 1, "warmup_years": 0},
        "stock": {"flats": {"units": 0}},
        "groups": {
            "homeless": {
                "applications_per_year": 5,
                "eligible": ["flats"],
                "homeless_while_waiting": 1.0,
            }
        },
        "builds": [{"year": 2010, "category": "flats", "units": 50}],
    }
    yearly = run_scenario(scenario(data), replications=3).yearly
    assert per_replication(yearly, "approvals").min() > 0
    assert per_replication(yearly, "hospits_stays").max() == 0
    assert per_replication(yearly, "hospits_nights").max() == 0


def test_events_at_new_year_count_in_the_new_year() -> None:
    """Units built at 2011.0 are let at once; their 2-year contracts end at 2013.0, 2015.0."""
    data = {
        "name": "newyear",
        "time": {"start": 2010, "years": 6, "warmup_years": 0},
        "stock": {"flats": {"units": 0, "contract_years": 2}},
        "groups": {
            "tenants": {"applications_per_year": 50, "eligible": ["flats"], "initial_waiting": 20}
        },
        "policy": {"renewal": "always"},
        "builds": [{"year": 2011, "category": "flats", "units": 10}],
    }
    yearly = run_scenario(scenario(data), replications=1).yearly
    allocations = total(yearly, "allocations").set_index("year").value
    renewals = total(yearly, "renewals").set_index("year").value
    assert allocations[2011] == 10 and allocations[2010] == 0
    assert list(renewals) == [0, 0, 0, 10, 0, 10]


def test_initial_contracts_do_not_fall_due_together() -> None:
    """Initial tenants are at uniform points of their contracts: no spike every T years."""
    data = {
        "name": "phases",
        "time": {"start": 2010, "years": 6, "warmup_years": 30},
        "stock": {"flats": {"units": 300, "contract_years": 3}},
        "groups": {"tenants": {"applications_per_year": 10, "eligible": ["flats"]}},
        "policy": {"renewal": "always"},
    }
    yearly = run_scenario(scenario(data), replications=2).yearly
    ends = total(yearly, "contract_ends").value
    assert ends.sum() == pytest.approx(2 * 6 * 100, rel=0.05)
    assert ends.between(70, 130).all(), list(ends)
