"""Unit tests: ``Shelter`` (``sim/model/shelter.py``) and ``Stock`` (``sim/model/stock.py``)
with chosen households and dwellings: where a homeless household on the list stays and
who moves up when a place frees; units built, removed, vacated and turned around.

Each test builds a small state (``model_parts``), brings it to a chosen situation, makes
one call and asserts on what changed.
"""

from __future__ import annotations

import math

import pytest
from model_parts import NORMAL, START, build

# --- Shelter ----------------------------------------------------------------------------


def homeless(parts, count, group="a"):
    return [parts.household(group, homeless_flag=True) for _ in range(count)]


def test_a_free_emergency_unit_comes_first() -> None:
    parts = build(**{"emergency.units": 1})
    (household,) = homeless(parts, 1)
    parts.shelter.enter(household)
    assert household.shelter == "emergency" and parts.shelter.in_use == 1
    assert parts.level("emergency") == 1 and parts.counted("emergency_stays", "a") == 1
    assert parts.counted("hospits_stays") == 0 and household.episodes == 1


def test_without_an_emergency_unit_hospits_then_own_solution_when_full() -> None:
    parts = build(**{"homelessness.hospits_capacity": 1})
    first, second = homeless(parts, 2)
    parts.shelter.enter(first)
    parts.shelter.enter(second)
    assert first.shelter == "hospits" and second.shelter == "own"
    assert list(parts.shelter.hospits_queue) == [first]
    assert list(parts.shelter.wanting) == [second] and list(parts.shelter.own) == [second]
    assert parts.level("hospits") == 1 and parts.counted("hospits_stays") == 1
    assert parts.state.own_solution == [1, 0]


@pytest.mark.parametrize(("draws", "share"), [(0, 0.0), (40, 0.5)])
def test_hospits_or_own_solution_by_the_households_draw(draws, share) -> None:
    parts = build(**{"homelessness.hospits_share": share})
    households = homeless(parts, max(draws, 1))
    for i, household in enumerate(households):
        household.u_key = i / len(households)
        parts.shelter.enter(household)
    in_hospits = sum(h.shelter == "hospits" for h in households)
    if share == 0.0:
        assert in_hospits == 0 and parts.state.own_solution == [1, 0]
    else:
        assert 10 <= in_hospits <= 30
        assert in_hospits + parts.state.own_solution[0] == draws
    assert parts.shelter.wanting.__len__() == 0  # hospits was never full


def test_a_freed_emergency_unit_takes_the_longest_in_hospits_first() -> None:
    parts = build(**{"emergency.units": 1, "homelessness.hospits_capacity": 2})
    in_emergency, first, second, own = homeless(parts, 4)
    for household in (in_emergency, first, second, own):
        parts.shelter.enter(household)
    assert [h.shelter for h in (first, second, own)] == ["hospits", "hospits", "own"]
    parts.shelter.leave(in_emergency)
    assert in_emergency.shelter is None
    assert first.shelter == "emergency" and parts.shelter.in_use == 1
    assert own.shelter == "hospits"  # the freed hospits place goes to who wanted one
    assert list(parts.shelter.hospits_queue) == [second, own]
    assert parts.shelter.wanting.__len__() == 0 and parts.state.own_solution == [0, 0]


def test_a_freed_emergency_unit_takes_the_longest_in_own_solution_without_hospits() -> None:
    parts = build(**{"emergency.units": 1, "homelessness.hospits_share": 0.0})
    in_emergency, first, second = homeless(parts, 3)
    for household in (in_emergency, first, second):
        parts.shelter.enter(household)
    parts.shelter.leave(in_emergency)
    assert first.shelter == "emergency" and second.shelter == "own"
    assert list(parts.shelter.own) == [second] and parts.state.own_solution == [1, 0]
    assert parts.counted("emergency_stays") == 2


def test_more_emergency_units_take_those_waiting() -> None:
    parts = build(**{"homelessness.hospits_capacity": 1})
    first, second, third = homeless(parts, 3)
    for household in (first, second, third):
        parts.shelter.enter(household)
    parts.shelter.set_capacity(2)
    assert first.shelter == "emergency" and second.shelter == "emergency"
    assert third.shelter == "hospits" and parts.shelter.in_use == 2
    parts.shelter.set_capacity(5)
    assert third.shelter == "emergency" and parts.shelter.in_use == 3
    assert parts.level("emergency") == 3 and parts.level("hospits") == 0


def test_more_hospits_places_take_those_who_wanted_one_in_turn() -> None:
    parts = build(**{"homelessness.hospits_capacity": 0})
    first, second, third = homeless(parts, 3)
    for household in (first, second, third):
        parts.shelter.enter(household)
    assert [h.shelter for h in (first, second, third)] == ["own", "own", "own"]
    parts.shelter.set_hospits_capacity(2)
    assert [h.shelter for h in (first, second, third)] == ["hospits", "hospits", "own"]
    assert list(parts.shelter.wanting) == [third] and parts.state.own_solution == [1, 0]


def test_leaving_hospits_frees_the_place_for_the_next() -> None:
    parts = build(**{"homelessness.hospits_capacity": 1})
    first, second = homeless(parts, 2)
    parts.shelter.enter(first)
    parts.shelter.enter(second)
    parts.shelter.leave(first)
    assert first.shelter is None and second.shelter == "hospits"
    assert parts.level("hospits") == 1 and parts.counted("hospits_stays") == 2
    parts.shelter.leave(first)  # nowhere: nothing
    assert second.shelter == "hospits"


def test_leaving_own_solution_leaves_the_queue_for_hospits() -> None:
    parts = build(**{"homelessness.hospits_capacity": 0})
    (household,) = homeless(parts, 1)
    parts.shelter.enter(household)
    parts.shelter.leave(household)
    assert parts.shelter.wanting.__len__() == 0 and parts.state.own_solution == [0, 0]
    parts.shelter.set_hospits_capacity(1)
    assert household.shelter is None


def test_a_hospits_stay_ends_after_its_length() -> None:
    changes = {
        "homelessness.hospits_stay_days": {"distribution": "fixed", "mean": 73},
        "homelessness.hospits_capacity": 1,
    }
    parts = build(**changes)
    first, second = homeless(parts, 2)
    parts.shelter.enter(first)
    parts.shelter.enter(second)
    (stay,) = parts.timers_of("_on_stay_end")
    assert stay.value is first and stay.time == pytest.approx(START + 0.2)
    assert stay.token == first.shelter_epoch
    parts.run_until(START + 0.21)
    assert first.shelter == "own" and second.shelter == "hospits"
    assert list(parts.shelter.own) == [first] and parts.state.own_solution == [1, 0]


def test_the_timers_of_earlier_stays_do_not_end_a_later_one() -> None:
    parts = build(**{"homelessness.hospits_stay_days": {"distribution": "fixed", "mean": 73}})
    (household,) = homeless(parts, 1)
    for start in (START, START + 0.05):
        parts.at(start)
        parts.shelter.enter(household)
        parts.shelter.leave(household)
    parts.at(START + 0.1)
    parts.shelter.enter(household)  # a third episode, in hospits again
    first, second, third = parts.timers_of("_on_stay_end")
    assert household.shelter_epoch == third.token
    assert len({first.token, second.token, third.token}) == 3
    assert first.priority == second.priority == third.priority == NORMAL
    parts.run_until(START + 0.29)
    assert household.shelter == "hospits"
    parts.run_until(START + 0.31)
    assert household.shelter == "own"


def test_each_hospits_stay_has_its_own_drawn_length() -> None:
    days = {"distribution": "exponential", "mean": 73}
    parts = build(**{"homelessness.hospits_stay_days": days})
    (household,) = homeless(parts, 1)
    for _ in range(3):
        parts.shelter.enter(household)
        parts.shelter.leave(household)
    lengths = [t.time - START for t in parts.timers_of("_on_stay_end")]
    expected = [
        0.2 * -math.log(1.0 - parts.hashed(household, "hospits_stay", episode))
        for episode in range(3)
    ]
    assert lengths == pytest.approx(expected, rel=1e-12)
    assert len(set(lengths)) == 3


def test_a_hospits_stay_timer_after_leaving_does_nothing() -> None:
    parts = build(**{"homelessness.hospits_stay_days": {"distribution": "fixed", "mean": 73}})
    (household,) = homeless(parts, 1)
    parts.shelter.enter(household)
    parts.shelter.leave(household)
    parts.run_until(START + 0.3)
    assert household.shelter is None and parts.state.own_solution == [0, 0]


def test_no_stay_timer_without_a_stay_length() -> None:
    parts = build()
    (household,) = homeless(parts, 1)
    parts.shelter.enter(household)
    assert household.shelter == "hospits" and parts.timers_of("_on_stay_end") == []


# --- Stock ------------------------------------------------------------------------------


def test_built_units_are_counted_and_offered() -> None:
    parts = build()
    cat = parts.category("ordinary")
    parts.at(START + 0.5)
    parts.stock.add_units(cat, 3, {1: 0.34, 2: 0.66})
    assert cat.units == 3 and parts.level("units") == 3
    assert parts.counted("units_built") == 3
    vacancies = parts.vacancies()
    assert [d.rooms for d in vacancies] == [1, 2, 2]
    assert [d.id for d in vacancies] == ["ordinary-1", "ordinary-2", "ordinary-3"]
    assert cat.available == []


def test_initial_units_are_available_and_not_counted_as_built() -> None:
    parts = build(**{"stock.ordinary.rooms": 2})
    cat = parts.category("ordinary")
    parts.stock.add_units(cat, 2, None, populate=True)
    assert [d.rooms for d in cat.available] == [2, 2] and all(d.available for d in cat.available)
    assert parts.counted("units_built") == 0 and parts.vacancies() == []
    assert cat.units == 2 and cat.serial == 2


def test_removals_take_available_then_turnaround_units_then_the_next_vacated() -> None:
    parts = build(**{"stock.ordinary.turnaround_days": 30})
    cat = parts.category("ordinary")
    available, turning, let = parts.dwellings("ordinary", 3)
    tenant, other = parts.household("a"), parts.household("a")
    parts.housed(tenant, turning)
    parts.tenancies.vacate(tenant)
    parts.housed(other, let)
    assert list(cat.in_turnaround) == [turning]
    parts.stock.remove_units(cat, 4)
    assert available.removed and turning.removed and not let.removed
    assert cat.available == [] and cat.in_turnaround == {}
    assert cat.units == 1 and cat.pending_removals == 2
    assert parts.counted("units_removed") == 2 and parts.level("units") == 1
    parts.tenancies.vacate(other)
    assert let.removed and cat.units == 0 and cat.pending_removals == 1
    assert parts.vacancies() == [] and parts.counted("units_removed") == 3


def test_a_removed_unit_in_turnaround_does_not_come_back() -> None:
    parts = build(**{"stock.ordinary.turnaround_days": 30})
    cat = parts.category("ordinary")
    (unit,) = parts.dwellings("ordinary", 1)
    tenant = parts.household("a")
    parts.housed(tenant, unit)
    parts.tenancies.vacate(tenant)
    parts.stock.remove_units(cat, 1)
    parts.stock.turnaround_done(unit)
    assert parts.vacancies() == []


def test_a_vacated_unit_without_turnaround_is_offered_at_once() -> None:
    parts = build()
    (unit,) = parts.dwellings("ordinary", 1)
    parts.take(unit)
    parts.stock.vacated(unit)
    assert parts.vacancies() == [unit] and parts.timers_of("_on_turnaround_done") == []


def test_a_turnaround_takes_its_time_then_the_unit_is_offered() -> None:
    parts = build(**{"stock.ordinary.turnaround_days": 73, "stock.ordinary.turnaround_cv": 0})
    (unit,) = parts.dwellings("ordinary", 1)
    parts.take(unit)
    parts.at(START + 1)
    parts.stock.vacated(unit)
    (timer,) = parts.timers_of("_on_turnaround_done")
    assert timer.value is unit and timer.time == pytest.approx(START + 1.2)
    assert unit in parts.category("ordinary").in_turnaround and unit.turnarounds == 1
    parts.stock.turnaround_done(unit)
    assert parts.vacancies() == [unit] and unit not in parts.category("ordinary").in_turnaround


def test_turnarounds_vary_with_the_units_own_draws() -> None:
    parts = build(**{"stock.ordinary.turnaround_days": 73, "stock.ordinary.turnaround_cv": 1.0})
    (unit,) = parts.dwellings("ordinary", 1)
    parts.take(unit)
    for turn in range(40):
        parts.stock.vacated(unit)
        parts.stock.turnaround_done(unit)
        assert unit.turnarounds == turn + 1
    delays = [t.time - START for t in parts.timers_of("_on_turnaround_done")]
    assert len(set(delays)) == 40  # the first 32 from its normals, then hashed
    sigma = math.sqrt(math.log(2.0))  # a cv of 1
    first = 0.2 * math.exp(sigma * unit.normals[0] - sigma**2 / 2)
    assert delays[0] == pytest.approx(first, rel=1e-9)
    assert 0.05 < sum(delays) / 40 < 0.5
