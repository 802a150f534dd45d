"""Unit tests: who is housed for the first time and who again, returns from the private
market (``policy.return_from_private``), differentiated renewal, and need beyond the list
(``stock.<id>.latent_demand``), with chosen households and dwellings (``model_parts``)."""

from __future__ import annotations

import math

import pytest
from model_parts import NORMAL, START, build

from sim.model.rules import CONTRACT_END, RETURN
from sim.model.streams import RETURN_DELAY, RETURN_PRIVATE


def tenancy_timers(parts):
    return parts.timers_of("_on_tenancy_event")


# --- first-time and re-housed allocations ------------------------------------------------


def test_an_applicant_is_housed_for_the_first_time_and_after_a_breakdown_again() -> None:
    parts = build(**{"groups.a.reapply_after_breakdown": 1.0})
    first, second = parts.dwellings("ordinary", 2)
    household = parts.household("a")
    parts.housed(household, first)
    assert parts.counted("first_allocations", "a") == 1 and parts.counted("rehousings") == 0
    parts.tenancies.breakdown(household)
    assert household.on_list
    parts.housed(household, second)
    assert parts.counted("first_allocations") == 1 and parts.counted("rehousings", "a") == 1
    assert parts.counted("allocations") == 2


def test_a_transfer_is_neither_and_an_initial_tenant_housed_again_is_re_housed() -> None:
    parts = build(**{"groups.a.reapply_after_breakdown": 1.0})
    old, new, again = parts.dwellings("ordinary", 3)
    initial = parts.household("a")
    parts.state.populating = True
    parts.housed(initial, old)
    parts.state.populating = False
    assert parts.counted("first_allocations") == 0 and parts.counted("rehousings") == 0
    initial.transfer = True
    parts.lists.join(initial, START, try_vacant=False)
    parts.housed(initial, new)
    assert parts.counted("transfers") == 1
    assert parts.counted("first_allocations") == 0 and parts.counted("rehousings") == 0
    parts.tenancies.breakdown(initial)
    parts.housed(initial, again)
    assert parts.counted("rehousings") == 1 and parts.counted("first_allocations") == 0


# --- returns from the private market -------------------------------------------------------


def private_parts(track: bool = False, **changes):
    policy = {"policy.renewal": "strict", "policy.after_nonrenewal": "private_rental"}
    return build(track=track, **policy, **changes)


def test_without_returns_a_tenant_sent_to_the_private_market_is_gone() -> None:
    parts = private_parts()
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    parts.tenancies.contract_end(household)
    assert parts.counted("exits_private_rental") == 1
    assert all(t.kind != RETURN for t in tenancy_timers(parts))


def test_a_tenant_sent_to_the_private_market_returns_homeless_and_is_re_housed() -> None:
    back = {"probability": 1.0, "delay_years": 0.5, "homeless": 1.0}
    parts = private_parts(track=True, **{"policy.return_from_private": back})
    first, second = parts.dwellings("ordinary", 2)
    household = parts.household("a", seniority=START)
    parts.housed(household, first)
    parts.at(START + 2)
    parts.tenancies.contract_end(household)
    assert parts.counted("exits_private_rental") == 1 and household.dwelling is None
    assert household.record["destination"] == "private_rental"
    timer = tenancy_timers(parts)[-1]
    expected = 0.5 * -math.log(1.0 - household.hashed(RETURN_DELAY, 0))
    assert timer.kind == RETURN and timer.token == household.epoch
    assert timer.time == pytest.approx(START + 2 + expected) and timer.priority == NORMAL
    parts.tenancies.fire(household, timer.token + 1, RETURN)  # stale: nothing
    assert not household.on_list
    parts.at(timer.time)
    parts.tenancies.fire(household, timer.token, RETURN)
    assert household.on_list and household.homeless_flag and household.seniority == timer.time
    assert parts.counted("returns_from_private", "a") == 1
    assert household.record["exit_time"] is None and household.record["destination"] is None
    parts.housed(household, second)
    assert parts.counted("rehousings", "a") == 1 and parts.counted("first_allocations") == 1


def test_each_tenant_returns_by_its_own_draw_after_an_exponential_delay() -> None:
    back = {"probability": 0.4, "delay_years": 2.0}
    parts = private_parts(**{"policy.return_from_private": back})
    units = parts.dwellings("ordinary", 400)
    drawn = []  # the delays the households' own draws give
    for i, unit in enumerate(units):
        household = parts.household("a")
        household.u_key = (i + 0.5) / 400  # its own hashed draws
        if household.hashed(RETURN_PRIVATE, 0) < 0.4:
            drawn.append(2.0 * -math.log(1.0 - household.hashed(RETURN_DELAY, 0)))
        parts.housed(household, unit)
        parts.tenancies.contract_end(household)
    delays = sorted(t.time - START for t in tenancy_timers(parts) if t.kind == RETURN)
    # a return due after the run's end (10 years) is not queued
    assert delays == pytest.approx(sorted(d for d in drawn if d < 10.0))
    # 400 draws of a share 0.4: sd 9.8 households; 4 sd
    assert abs(len(drawn) - 160) < 40
    # the median of an exponential with mean 2 is 2 ln 2 (within 25 %: ~160 delays)
    assert 2 * math.log(2) * 0.75 < sorted(drawn)[len(drawn) // 2] < 2 * math.log(2) * 1.25


# --- differentiated against needs-based renewal ---------------------------------------------


@pytest.mark.parametrize(("rule", "renewed"), [("needs_based", True), ("differentiated", False)])
def test_a_tenant_with_temporary_need_is_renewed_only_under_needs_based(rule, renewed) -> None:
    changes = {"stock.ordinary.renewal": rule, "policy.after_nonrenewal": "private_rental"}
    parts = build(**changes)
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", permanent=False)
    parts.housed(household, unit)
    assert household.contract_end == START + 2
    parts.at(START + 2)
    parts.tenancies.contract_end(household)
    assert parts.counted("renewals") == (1 if renewed else 0)
    assert parts.counted("forced_moves") == (0 if renewed else 1)
    assert (household.dwelling is unit) is renewed


def test_differentiated_renews_permanent_need_into_a_permanent_contract() -> None:
    parts = build(**{"stock.ordinary.renewal": {2020: "needs_based", 2021: "differentiated"}})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", permanent=True)
    parts.housed(household, unit)  # under needs_based: a time-limited contract
    assert household.contract_end == START + 2
    parts.at(START + 2)
    parts.state.set_policy(parts.state.scenario.policy, START + 2)
    parts.tenancies.contract_end(household)
    assert parts.counted("renewals") == 1 and household.contract_end is None
    assert all(t.kind != CONTRACT_END for t in tenancy_timers(parts)[1:])


# --- need beyond the list ------------------------------------------------------------------


def latent_parts(**changes):
    latent = {"group": "a", "delay_days": 36.5}
    return build(**{"stock.ordinary.latent_demand": latent, **changes})


def test_a_unit_nobody_on_the_list_takes_calls_forth_a_household_in_need() -> None:
    parts = latent_parts()
    (unit,) = parts.dwellings("ordinary", 1, rooms=3)
    parts.take(unit)
    parts.allocation.let(unit)
    assert unit.available and unit.latent == 1
    (timer,) = parts.timers_of("_on_latent")
    assert timer.value is unit and timer.token == 1 and timer.time > START
    parts.run_until(timer.time + 1e-9)
    assert parts.counted("latent_applications", "a") == 1
    assert parts.counted("applications") == 0
    assert not unit.available and parts.level("tenants") == 1
    assert parts.counted("first_allocations", "a") == 1


def test_the_latent_household_needs_the_units_size_and_a_taken_unit_calls_no_one() -> None:
    parts = latent_parts(**{"policy.size_match": True})
    (unit,) = parts.dwellings("ordinary", 1, rooms=4)
    parts.take(unit)
    parts.allocation.let(unit)
    (timer,) = parts.timers_of("_on_latent")
    assert parts.allocation.latent_application(unit, timer.token + 1) is False  # stale
    assert parts.allocation.latent_application(unit, timer.token) is True
    (household,) = parts.placing()
    assert household.rooms == 4 and household.g == parts.group("a").g
    parts.settle()
    assert household.dwelling is unit
    assert parts.allocation.latent_application(unit, timer.token) is False  # taken


def test_without_latent_demand_a_unit_stays_vacant_and_calls_no_one() -> None:
    parts = build()
    (unit,) = parts.dwellings("ordinary", 1)
    parts.take(unit)
    parts.allocation.let(unit)
    assert unit.available and parts.timers_of("_on_latent") == []


def test_latent_demand_must_name_an_eligible_group() -> None:
    from helpers import scenario
    from model_parts import BASE

    from sim.config.errors import ScenarioError

    with pytest.raises(ScenarioError, match="'a' is not a group eligible for 'care'; allowed: b"):
        scenario(BASE, **{"stock.care.latent_demand": {"group": "a"}})
