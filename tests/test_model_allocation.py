"""Unit tests: ``Allocation`` (``sim/model/allocation.py``) with chosen households and
dwellings: who is offered a unit, what a refusal costs, who looks at the units available.

Each test builds a small state (``model_parts``), brings it to a chosen situation, makes
one call and asserts on what changed.
"""

from __future__ import annotations

import pytest
from model_parts import START, build


def test_an_accepted_offer_moves_the_household_in_and_takes_the_unit() -> None:
    parts = build()
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.joined(household)
    assert parts.allocation.offer(unit, household)
    assert household.dwelling is unit and not household.on_list
    assert not unit.available and parts.category("ordinary").available == []
    assert parts.counted("allocations") == 1 and household.offers == 1


@pytest.mark.parametrize(("draw", "refused"), [(0.29, True), (0.3, False)])
def test_an_offer_is_refused_by_the_households_draw(draw, refused) -> None:
    parts = build(**{"refusal.probability": 0.3})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", draws={"refusal": draw})
    parts.joined(household)
    assert parts.allocation.offer(unit, household) == (not refused)
    assert parts.counted("offer_refusals", "a") == (1 if refused else 0)
    assert (household.dwelling is None) == refused
    assert unit.available == refused
    assert household.offers == 1


def test_under_keep_a_refusing_household_keeps_its_place() -> None:
    parts = build(**{"refusal.probability": 1.0, "groups.a.withdraw_per_year": 1.0})
    (unit,) = parts.dwellings("ordinary", 1)
    first, second = parts.household("a"), parts.household("a")
    parts.joined(first, START - 2)
    parts.joined(second, START - 1)
    parts.at(START + 1)
    assert not parts.allocation.offer(unit, first)
    assert parts.waiting("ordinary") == [first, second]
    assert first.seniority == START - 2 and first.on_list
    assert len(parts.timers_of("_on_withdraw")) == 2  # its clock was not started again


def test_under_back_of_queue_a_refusing_household_goes_to_the_back() -> None:
    parts = build(**{"refusal.probability": 1.0, "refusal.penalty": "back_of_queue"})
    (unit,) = parts.dwellings("ordinary", 1)
    first, second = parts.household("a"), parts.household("a")
    parts.joined(first, START - 2)
    parts.joined(second, START - 1)
    parts.at(START + 1)
    assert not parts.allocation.offer(unit, first)
    assert parts.waiting("ordinary") == [second, first]
    assert first.seniority == START + 1 and first.wait_start == START  # (when it joined)
    assert first.on_list and parts.level("waiting") == 2
    assert parts.placing() == []  # it waits at once, it does not look again


def test_under_removed_a_refusing_household_leaves_the_system() -> None:
    changes = {"refusal.probability": 1.0, "refusal.penalty": "removed", "emergency.units": 1}
    parts = build(track=True, **changes)
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", homeless_flag=True)
    parts.joined(household)
    assert household.shelter == "emergency"
    assert not parts.allocation.offer(unit, household)
    assert not household.on_list and household.shelter is None and parts.shelter.in_use == 0
    assert parts.counted("removed_after_refusal", "a") == 1
    assert parts.counted("homeless_outside_entries", "a") == 1 and household.outside == 1
    assert parts.waiting("ordinary") == [] and parts.level("waiting") == 0
    assert household.record["destination"] == "removed_after_refusal"


def test_a_removed_household_with_a_home_is_not_counted_outside() -> None:
    parts = build(**{"refusal.probability": 1.0, "refusal.penalty": "removed"})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.joined(household)
    parts.allocation.offer(unit, household)
    assert parts.counted("removed_after_refusal") == 1
    assert parts.counted("homeless_outside_entries") == 0 and household.outside == 0


def test_a_transfer_never_refuses() -> None:
    parts = build(**{"refusal.probability": 1.0})
    old, new = parts.dwellings("ordinary", 2)
    household = parts.household("a")
    parts.housed(household, old)
    household.transfer = True
    parts.joined(household)
    assert parts.allocation.offer(new, household)
    assert household.dwelling is new and parts.counted("offer_refusals") == 0
    assert household.offers == 1


def test_a_unit_is_let_to_the_first_in_line() -> None:
    parts = build()
    (unit,) = parts.dwellings("ordinary", 1)
    parts.take(unit)
    later, earlier = parts.household("a"), parts.household("a")
    parts.joined(later, START - 1)
    parts.joined(earlier, START - 3)
    parts.allocation.let(unit)
    assert earlier.dwelling is unit and later.dwelling is None
    assert parts.waiting("ordinary") == [later]


def test_a_refused_unit_goes_on_down_the_list_and_is_not_offered_twice() -> None:
    parts = build(**{"refusal.probability": 0.5})
    (unit,) = parts.dwellings("ordinary", 1)
    parts.take(unit)
    first = parts.household("a", draws={"refusal": 0.1})
    second = parts.household("a", draws={"refusal": 0.9})
    parts.joined(first, START - 2)
    parts.joined(second, START - 1)
    parts.allocation.let(unit)
    assert second.dwelling is unit and first.dwelling is None
    assert first.offers == 1 and second.offers == 1
    assert parts.waiting("ordinary") == [first]


def test_a_unit_nobody_takes_becomes_available() -> None:
    parts = build(**{"refusal.probability": 1.0})
    (unit,) = parts.dwellings("ordinary", 1)
    parts.take(unit)
    refusing = parts.household("a")
    parts.joined(refusing)
    parts.allocation.let(unit)
    assert unit.available and parts.category("ordinary").available == [unit]
    assert refusing.offers == 1 and refusing.on_list


def test_a_unit_with_an_empty_list_becomes_available() -> None:
    parts = build()
    (unit,) = parts.dwellings("ordinary", 1)
    parts.take(unit)
    parts.allocation.let(unit)
    assert unit.available and parts.category("ordinary").available == [unit]


def test_a_household_joining_takes_a_fitting_unit_available_now() -> None:
    parts = build(**{"policy.size_match": True, "policy.max_extra_rooms": 0})
    small, large = parts.dwellings("ordinary", 2, rooms={1: 0.5, 3: 0.5})
    assert (small.rooms, large.rooms) == (1, 3)
    household = parts.household("a", rooms=3)
    parts.lists.join(household, START)
    assert parts.placing() == [household]
    parts.allocation.place(household)
    assert household.dwelling is large and small.available


def test_a_household_that_finds_nothing_waits() -> None:
    parts = build(**{"policy.size_match": True, "groups.a.withdraw_per_year": 1.0})
    parts.dwellings("ordinary", 1, rooms=1)
    household = parts.household("a", rooms=2)
    parts.lists.join(household, START)
    parts.allocation.place(household)
    assert household.on_list and household.dwelling is None
    assert len(parts.timers_of("_on_withdraw")) == 1  # its withdrawal clock runs


def test_a_household_no_longer_on_the_list_does_not_look() -> None:
    parts = build()
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.allocation.place(household)
    assert household.dwelling is None and unit.available


def test_a_household_removed_after_refusing_stops_looking() -> None:
    parts = build(**{"refusal.probability": 1.0, "refusal.penalty": "removed"})
    first, second = parts.dwellings("ordinary", 2)
    household = parts.household("a")
    parts.lists.join(household, START)
    parts.allocation.place(household)
    assert household.offers == 1 and not household.on_list
    assert first.available and second.available


def test_a_household_that_refuses_looks_at_the_next_unit() -> None:
    parts = build(**{"refusal.probability": 0.5})
    first, second = parts.dwellings("ordinary", 2)
    household = parts.household("a", draws={"refusal": 0.1, "refusal_1": 0.9})
    parts.lists.join(household, START)
    parts.allocation.place(household)
    assert household.offers == 2 and household.dwelling is second and first.available


def test_a_household_looks_at_every_category_it_may_have() -> None:
    parts = build()
    (care,) = parts.dwellings("care", 1)
    household = parts.household("b")
    parts.lists.join(household, START)
    parts.allocation.place(household)
    assert household.dwelling is care


def test_a_transfer_that_finds_nothing_waits_in_its_unit_with_its_clocks_running() -> None:
    parts = build(**{"groups.a.breakdown_per_year": 0.5})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    household.transfer = True
    household.contract_end = None
    household.epoch += 1
    parts.lists.join(household, START)
    before = len(parts.timers_of("_on_tenancy_event"))
    parts.allocation.place(household)
    assert household.dwelling is unit and household.on_list
    timers = parts.timers_of("_on_tenancy_event")
    assert len(timers) == before + 1 and timers[-1].token == household.epoch
    assert parts.timers_of("_on_withdraw") == []  # a transfer has no withdrawal clock
