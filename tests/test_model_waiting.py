"""Unit tests: ``WaitingLists`` (``sim/model/waiting.py``) with chosen households and
dwellings: joining and leaving, the withdrawal clock, the order of the lists, who is
first in line for a unit.

Each test builds a small state (``model_parts``), brings it to a chosen situation, makes
one call and asserts on what changed.
"""

from __future__ import annotations

import math

import pytest
from model_parts import NORMAL, START, build


def withdraw_timers(parts):
    return parts.timers_of("_on_withdraw")


def test_joining_puts_a_household_on_the_lists_of_its_categories() -> None:
    parts = build()
    household = parts.household("b")
    parts.at(START + 0.5)
    parts.lists.join(household, START - 1)
    assert parts.waiting("ordinary") == [household] and parts.waiting("care") == [household]
    assert household.on_list and household.seniority == START - 1
    assert household.wait_start == START + 0.5
    assert parts.level("waiting") == 1 and parts.state.transfer_waiting == [0, 0]
    assert parts.placing() == [household]  # it looks at the units available now
    assert withdraw_timers(parts) == []  # its clock starts when it waits


def test_joining_with_a_wait_start_keeps_it() -> None:
    parts = build()
    household = parts.household("a")
    parts.lists.join(household, START, wait_start=START - 3)
    assert household.wait_start == START - 3


def test_a_transfer_joins_the_lists_it_may_move_to_and_is_counted_apart() -> None:
    parts = build(**{"groups.b.transfer_to": ["care"]})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("b")
    parts.housed(household, unit)
    household.transfer = True
    parts.lists.join(household, START)
    assert parts.waiting("care") == [household] and parts.waiting("ordinary") == []
    assert parts.state.transfer_waiting == [0, 1] and parts.level("waiting") == 0
    assert parts.lists.categories_of(household) == [parts.category("care").k]


def test_joining_without_looking_starts_the_withdrawal_clock() -> None:
    parts = build(**{"groups.a.withdraw_per_year": 0.5})
    household = parts.household("a", draws={"withdraw": 1 - math.exp(-1.0)})
    parts.at(START + 1)
    parts.joined(household)
    assert parts.placing() == []
    (timer,) = withdraw_timers(parts)
    assert timer.value is household and timer.token == household.wait_epoch
    assert timer.time == pytest.approx(START + 3)
    assert household.withdraw_left == pytest.approx(1.0) and household.withdraw_rate == 0.5
    assert household.waiting_since == START + 1


def test_no_withdrawal_timer_at_a_rate_of_zero() -> None:
    parts = build()
    household = parts.household("a")
    parts.joined(household)
    assert withdraw_timers(parts) == [] and household.withdraw_rate == 0.0


def test_a_homeless_household_that_waits_needs_a_bed() -> None:
    parts = build(**{"emergency.units": 1})
    household = parts.household("a", homeless_flag=True)
    parts.joined(household)
    assert household.shelter == "emergency" and parts.shelter.in_use == 1
    parts.lists.wait(household)  # again: it has a bed already
    assert parts.shelter.in_use == 1 and parts.counted("emergency_stays") == 1


def test_a_transfer_that_waits_has_no_bed_nor_clock() -> None:
    parts = build(**{"emergency.units": 1, "groups.a.withdraw_per_year": 1.0})
    household = parts.household("a", homeless_flag=True, transfer=True)
    parts.joined(household)
    assert household.shelter is None and withdraw_timers(parts) == []


def test_a_household_not_on_the_list_does_not_wait() -> None:
    parts = build(**{"emergency.units": 1, "groups.a.withdraw_per_year": 1.0})
    household = parts.household("a", homeless_flag=True)
    parts.lists.wait(household)
    assert household.shelter is None and withdraw_timers(parts) == []


def test_the_withdrawal_clock_runs_only_while_waiting() -> None:
    parts = build(**{"groups.a.withdraw_per_year": 0.5})
    household = parts.household("a", draws={"withdraw": 1 - math.exp(-1.0)})
    parts.joined(household)
    (first,) = withdraw_timers(parts)
    parts.at(START + 1)
    parts.lists.leave(household)
    assert household.withdraw_left == pytest.approx(0.5) and household.withdraw_rate == 0.0
    assert household.wait_epoch == first.token + 1
    assert household.withdraw_timer is None
    parts.at(START + 5)
    parts.joined(household)  # the clock goes on from where it stopped, not drawn again
    second = withdraw_timers(parts)[-1]
    assert second.time == pytest.approx(START + 6)
    assert second.token == household.wait_epoch != first.token
    assert first.priority == second.priority == NORMAL
    parts.lists.withdraw(household, first.token)  # the first clock's timer: stale
    assert household.on_list


def test_a_stopped_clock_lets_go_of_its_household() -> None:
    parts = build(**{"groups.a.withdraw_per_year": 1.0})
    household = parts.household("a")
    parts.joined(household)
    timer = household.withdraw_timer
    assert timer is not None and timer.value is household
    parts.lists.stop_clock(household)
    assert timer.value is None and household.withdraw_timer is None


def test_a_running_clock_is_not_started_twice() -> None:
    parts = build(**{"groups.a.withdraw_per_year": 1.0})
    household = parts.household("a")
    parts.joined(household)
    epoch = household.wait_epoch
    parts.lists.start_clock(household)
    assert len(withdraw_timers(parts)) == 1 and household.wait_epoch == epoch


def test_leaving_takes_a_household_off_every_list() -> None:
    parts = build()
    household, other = parts.household("b"), parts.household("b")
    parts.joined(household, START - 1)
    parts.joined(other, START)
    household.first_in_line = True
    parts.at(START + 1)
    parts.lists.leave(household)
    assert parts.waiting("ordinary") == [other] and parts.waiting("care") == [other]
    assert not household.on_list and household.entry is None and not household.first_in_line
    assert parts.level("waiting") == 1
    parts.lists.leave(household)  # not on the list: nothing more
    assert parts.level("waiting") == 1


def test_a_transfer_leaving_is_uncounted_as_a_transfer() -> None:
    parts = build()
    household = parts.household("a", transfer=True)
    parts.joined(household)
    parts.lists.leave(household)
    assert parts.state.transfer_waiting == [0, 0] and parts.level("waiting") == 0


def test_withdrawal_takes_the_household_out_of_the_system() -> None:
    parts = build(track=True, **{"emergency.units": 1, "groups.a.withdraw_per_year": 1.0})
    household = parts.household("a", homeless_flag=True)
    parts.joined(household)
    parts.lists.withdraw(household, household.wait_epoch - 1)  # stale: nothing
    assert household.on_list
    parts.at(START + 1)
    parts.lists.withdraw(household, household.wait_epoch)
    assert not household.on_list and household.shelter is None
    assert parts.shelter.in_use == 0 and household.withdraw_left == 0.0
    assert parts.counted("withdrawals", "a") == 1
    assert parts.counted("homeless_outside_entries", "a") == 1 and household.outside == 1
    assert household.record["destination"] == "withdrawn"
    assert household.record["exit_time"] == START + 1
    parts.lists.withdraw(household, household.wait_epoch)  # no longer on it: nothing
    assert parts.counted("withdrawals") == 1


def test_a_housed_household_withdrawing_is_not_counted_outside() -> None:
    parts = build(**{"groups.a.withdraw_per_year": 1.0})
    household = parts.household("a")
    parts.joined(household)
    parts.lists.withdraw(household, household.wait_epoch)
    assert parts.counted("withdrawals") == 1 and parts.counted("homeless_outside_entries") == 0


def test_a_withdrawal_timer_fires_when_run() -> None:
    parts = build(**{"groups.a.withdraw_per_year": 1.0})
    household = parts.household("a", draws={"withdraw": 1 - math.exp(-0.5)})
    parts.joined(household)
    parts.run_until(START + 0.49)
    assert household.on_list
    parts.run_until(START + 0.51)
    assert not household.on_list and parts.counted("withdrawals") == 1


def test_the_lists_go_by_priority_then_seniority_then_arrival() -> None:
    parts = build(**{"policy.allocation": "priority"})  # a's priority 0 comes before b's 1
    new_a, new_b, old_b, same_b = (parts.household(g) for g in ["a", "b", "b", "b"])
    parts.joined(new_a, START)
    parts.joined(new_b, START - 1)
    parts.joined(old_b, START - 2)
    parts.joined(same_b, START - 2)
    assert parts.waiting("ordinary") == [new_a, old_b, same_b, new_b]


def test_rekeying_orders_the_lists_by_the_rule_now_in_force() -> None:
    parts = build(**{"policy.allocation": {2020: "seniority", 2022: "priority"}})
    a, b = parts.household("a"), parts.household("b")
    parts.joined(a, START - 1)
    parts.joined(b, START - 2)
    assert parts.waiting("ordinary") == [b, a]
    parts.at(2022.0)
    assert parts.state.set_policy(parts.model.scenario.policy, 2022.0)
    parts.lists.rekey()
    assert parts.waiting("ordinary") == [a, b] and parts.waiting("care") == [b]
    assert b.entry is not None and b.entry.live and b.entry.household is b
    parts.lists.leave(b)
    assert parts.waiting("ordinary") == [a] and parts.waiting("care") == []


def test_the_first_in_line_must_fit_the_unit() -> None:
    parts = build(**{"policy.size_match": True, "policy.max_extra_rooms": 1})
    (unit,) = parts.dwellings("ordinary", 1, rooms=3)
    too_big, fits = parts.household("a", rooms=4), parts.household("a", rooms=2)
    parts.joined(too_big, START - 2)
    parts.joined(fits, START - 1)
    cat = parts.category("ordinary")
    assert parts.lists.candidate(cat, unit, None) is fits
    assert parts.lists.candidate(cat, unit, {fits.id}) is None
    assert parts.lists.fits(fits, unit) and not parts.lists.fits(too_big, unit)


def test_without_size_matching_anyone_fits() -> None:
    parts = build(**{"policy.size_match": False})
    (unit,) = parts.dwellings("ordinary", 1, rooms=1)
    household = parts.household("a", rooms=4)
    parts.joined(household)
    assert parts.lists.candidate(parts.category("ordinary"), unit, None) is household


def test_an_empty_list_has_no_candidate() -> None:
    parts = build(**{"policy.allocation": "lottery"})
    (unit,) = parts.dwellings("ordinary", 1)
    assert parts.lists.candidate(parts.category("ordinary"), unit, None) is None


def test_a_lottery_draws_among_those_who_fit_with_the_units_own_draws() -> None:
    parts = build(**{"policy.allocation": "lottery", "policy.size_match": True})
    (unit,) = parts.dwellings("ordinary", 1, rooms=2)
    households = [parts.household("a", rooms=2) for _ in range(6)]
    misfit = parts.household("a", rooms=5)
    parts.joined(misfit, START - 10)
    for i, household in enumerate(households):
        parts.joined(household, START - i)
    cat = parts.category("ordinary")
    picks = [parts.lists.candidate(cat, unit, None) for _ in range(30)]
    assert unit.lotteries == 30
    assert misfit not in picks and len(set(map(id, picks))) >= 3
    skipped = {h.id for h in households[1:]}
    assert parts.lists.candidate(cat, unit, skipped) is households[0]
    assert parts.lists.candidate(cat, unit, skipped | {households[0].id}) is None
    assert unit.lotteries == 31  # no draw when nobody fits
