"""Unit tests: ``Tenancies`` (``sim/model/tenancy.py``) with chosen households and dwellings.

Each test builds a small state (``model_parts``), brings it to a chosen situation, makes
one call and asserts on what changed: who lives where, what was counted, which timer
was set for when, who left to where.
"""

from __future__ import annotations

import math

import pytest
from model_parts import NORMAL, START, build

from sim.model.rules import (
    BREAKDOWN,
    CONTRACT_END,
    LEAVE,
    OTHER_EXIT,
    REAPPLY,
    SELF_SUFFICIENT,
)


def budget(x: float) -> float:
    """The uniform draw whose unit-exponential clock budget is ``x``."""
    return 1.0 - math.exp(-x)


def tenancy_timers(parts):
    return parts.timers_of("_on_tenancy_event")


# --- moving in and out ------------------------------------------------------------------


def test_an_applicant_moves_in_leaves_the_list_and_gets_a_contract() -> None:
    parts = build()
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.joined(household, seniority=START)
    parts.at(START + 0.75)
    parts.housed(household, unit)
    assert household.dwelling is unit and not household.on_list
    assert parts.waiting("ordinary") == []
    assert parts.level("waiting") == 0 and parts.level("tenants") == 1
    assert parts.counted("allocations", "a") == 1 and parts.counted("transfers") == 0
    assert parts.state.recorder.waits[0] == [0.75]
    assert household.contract_end == START + 0.75 + 2
    assert household.renewals == 0
    (timer,) = tenancy_timers(parts)  # no clock runs: the contract end comes first
    assert (timer.time, timer.kind, timer.token) == (START + 2.75, CONTRACT_END, household.epoch)
    assert timer.priority == NORMAL


def test_a_homeless_applicant_moving_in_frees_its_emergency_unit() -> None:
    parts = build(**{"emergency.units": 1})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", homeless_flag=True)
    parts.joined(household)
    assert household.shelter == "emergency" and parts.shelter.in_use == 1
    parts.housed(household, unit)
    assert household.shelter is None and parts.shelter.in_use == 0
    assert parts.level("emergency") == 0


def test_an_initial_tenant_is_somewhere_in_its_contract_and_is_not_an_allocation() -> None:
    parts = build()
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", draws={"contract_phase": 0.25})
    parts.state.populating = True
    parts.housed(household, unit)
    parts.state.populating = False
    assert household.contract_end == START + 2 * 0.25
    assert parts.counted("allocations") == 0 and parts.state.recorder.waits[0] == []
    assert parts.level("tenants") == 1


def test_no_contract_end_without_contracts_or_for_permanent_need_when_differentiated() -> None:
    parts = build(**{"stock.ordinary.renewal": "differentiated"})
    care, ordinary, ordinary_2 = (
        parts.dwellings("care", 1)[0],
        *parts.dwellings("ordinary", 2),
    )
    tenant = parts.household("b")
    parts.housed(tenant, care)
    assert tenant.contract_end is None
    permanent = parts.household("a", permanent=True)
    parts.housed(permanent, ordinary)
    assert permanent.contract_end is None
    temporary = parts.household("a", permanent=False)
    parts.housed(temporary, ordinary_2)
    assert temporary.contract_end == START + 2


def test_a_transfer_moves_and_its_old_unit_falls_vacant() -> None:
    parts = build(track=True, **{"followup.capacity": 1})
    old, new = parts.dwellings("ordinary", 2)
    household = parts.household("a", needs_followup=True)
    parts.housed(household, old)
    household.renewals = 3
    household.transfer = True
    parts.lists.join(household, START, try_vacant=False)
    assert parts.state.transfer_waiting == [1, 0]
    parts.at(START + 1)
    parts.housed(household, new)
    assert household.dwelling is new and not household.transfer
    assert parts.state.transfer_waiting == [0, 0]
    assert parts.counted("transfers", "a") == 1 and parts.counted("allocations") == 1
    assert parts.vacancies() == [old]  # (no turnaround)
    assert parts.level("tenants") == 1
    assert household.renewals == 0 and household.contract_end == START + 3
    assert household.followed and parts.level("followed") == 1  # its follow-up moves with it
    assert [move["kind"] for move in household.record["moves"]] == ["allocation", "transfer"]


def test_an_other_exit_is_recorded_as_other() -> None:
    parts = build(track=True)
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    parts.tenancies.fire(household, household.epoch, OTHER_EXIT)
    assert household.record["destination"] == "other"


def test_a_tenant_needing_followup_asks_for_it_at_move_in() -> None:
    parts = build(**{"followup.capacity": 1})
    first, second = parts.dwellings("ordinary", 2)
    helped = parts.household("a", needs_followup=True)
    parts.housed(helped, first)
    assert helped.followed and parts.followup.active == 1 and parts.level("followed") == 1
    queued = parts.household("a", needs_followup=True)
    parts.housed(queued, second)
    assert not queued.followed and queued.in_followup_queue
    assert list(parts.followup.queue) == [queued]


def test_a_self_sufficient_tenant_does_not_ask_for_followup() -> None:
    parts = build(**{"followup.capacity": 1})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", needs_followup=True, self_sufficient=True)
    parts.housed(household, unit)
    assert not household.followed and parts.followup.active == 0


def test_vacating_stops_the_clocks_and_starts_the_turnaround() -> None:
    changes = {
        "stock.ordinary.turnaround_days": 73,
        "stock.ordinary.turnaround_cv": 0,
        "groups.a.breakdown_per_year": 0.5,
    }
    parts = build(**changes)
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", draws={"breakdown": budget(1.0)})
    parts.housed(household, unit)
    assert household.breakdown_rate == 0.5
    parts.at(START + 1)
    parts.tenancies.vacate(household)
    assert household.dwelling is None and parts.level("tenants") == 0
    assert household.breakdown_left == pytest.approx(0.5)
    assert (household.breakdown_rate, household.other_rate) == (0.0, 0.0)
    assert (household.self_rate, household.leave_rate) == (0.0, 0.0)
    assert unit in parts.category("ordinary").in_turnaround
    (timer,) = parts.timers_of("_on_turnaround_done")
    assert timer.time == pytest.approx(START + 1 + 73 / 365)
    parts.tenancies.vacate(household)  # not housed: nothing happens
    assert parts.level("tenants") == 0 and len(parts.timers_of("_on_turnaround_done")) == 1


# --- clocks -----------------------------------------------------------------------------


def test_clocks_run_down_at_the_rates_they_ran_at() -> None:
    parts = build()
    household = parts.household("a")
    household.clocks_since = START
    household.breakdown_left, household.breakdown_rate = 2.0, 0.5
    household.other_left, household.other_rate = 3.0, 0.25
    household.self_left, household.self_rate = 4.0, 2.0
    household.leave_left, household.leave_rate = 5.0, 1.0
    parts.at(START + 1)
    parts.tenancies.run_clocks(household)
    assert household.breakdown_left == 1.5 and household.other_left == 2.75
    assert household.self_left == 2.0 and household.leave_left == 4.0
    assert household.clocks_since == START + 1


@pytest.mark.parametrize(
    ("changes", "draws", "kind", "delay"),
    [
        ({"groups.a.breakdown_per_year": 0.5}, {"breakdown": budget(0.5)}, BREAKDOWN, 1.0),
        ({"groups.a.other_exit_per_year": 0.25}, {"other_exit": budget(0.25)}, OTHER_EXIT, 1.0),
        (
            {"groups.a.self_sufficient_years": 2},
            {"self_sufficient": budget(0.25)},
            SELF_SUFFICIENT,
            0.5,
        ),
        ({}, {}, CONTRACT_END, 2.0),
    ],
)
def test_the_first_clock_to_run_out_times_the_next_event(changes, draws, kind, delay) -> None:
    parts = build(**changes)
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", draws=draws)
    parts.housed(household, unit)
    (timer,) = tenancy_timers(parts)
    assert timer.kind == kind and timer.time == pytest.approx(START + delay)
    assert timer.value is household and timer.token == household.epoch


def test_a_permanent_need_tenant_has_no_self_sufficiency_clock() -> None:
    parts = build(**{"groups.a.self_sufficient_years": 2, "stock.ordinary.contract_years": None})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", permanent=True)
    parts.housed(household, unit)
    assert household.self_rate == 0.0 and tenancy_timers(parts) == []


def test_followup_changes_the_rates_of_breakdown_and_self_sufficiency() -> None:
    changes = {
        "groups.a.breakdown_per_year": 0.4,
        "groups.a.self_sufficient_years": 2,
        "followup.capacity": 1,
        "followup.breakdown_factor": 0.5,
        "followup.self_sufficiency_factor": 3.0,
    }
    parts = build(**changes)
    plain_unit, followed_unit = parts.dwellings("ordinary", 2)
    plain = parts.household("a")
    parts.housed(plain, plain_unit)
    assert (plain.breakdown_rate, plain.self_rate) == (0.4, 0.5)
    followed = parts.household("a", needs_followup=True)
    parts.housed(followed, followed_unit)
    assert followed.followed
    assert followed.breakdown_rate == pytest.approx(0.2)
    assert followed.self_rate == pytest.approx(1.5)


def test_a_self_sufficient_tenant_leaves_when_able_unless_waiting_for_a_transfer() -> None:
    parts = build(**{"groups.a.leave_when_able_per_year": 2.0})
    first, second = parts.dwellings("ordinary", 2)
    able = parts.household("a", self_sufficient=True, draws={"leave": budget(1.0)})
    parts.housed(able, first)
    assert able.leave_rate == 2.0 and able.self_rate == 0.0
    (timer,) = tenancy_timers(parts)
    assert timer.kind == LEAVE and timer.time == pytest.approx(START + 0.5)
    transfer = parts.household("a", self_sufficient=True)
    parts.housed(transfer, second)
    transfer.transfer = True
    parts.tenancies.schedule(transfer)
    assert transfer.leave_rate == 0.0
    assert [t.value for t in tenancy_timers(parts)] == [able, transfer]  # none set anew


def test_a_household_waiting_for_a_transfer_has_no_contract_end() -> None:
    parts = build()
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    household.transfer = True
    parts.tenancies.schedule(household)
    assert len(tenancy_timers(parts)) == 1  # only the move-in's


def test_the_first_tenancy_reads_the_clocks_once() -> None:
    parts = build(**{"groups.a.breakdown_per_year": 1.0})
    first, second = parts.dwellings("ordinary", 2)
    household = parts.household("a", draws={"breakdown": budget(3.0), "other_exit": budget(0.7)})
    parts.housed(household, first)
    assert household.breakdown_left == pytest.approx(3.0)
    assert household.other_left == pytest.approx(0.7)
    assert household.leave_left == pytest.approx(math.log(2))
    parts.at(START + 1)
    parts.tenancies.vacate(household)
    parts.housed(household, second)  # not drawn again: run down by the year housed
    assert household.breakdown_left == pytest.approx(2.0)


# --- timers -----------------------------------------------------------------------------


def test_a_stale_or_homeless_timer_does_nothing() -> None:
    parts = build()
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    parts.at(START + 2)
    parts.tenancies.fire(household, household.epoch - 1, CONTRACT_END)
    assert parts.counted("contract_ends") == 0
    parts.tenancies.fire(household, household.epoch, CONTRACT_END)
    assert parts.counted("contract_ends") == 1 and parts.counted("renewals") == 1


@pytest.mark.parametrize(
    ("kind", "metric"),
    [
        (BREAKDOWN, "breakdowns"),
        (OTHER_EXIT, "exits_other"),
        (LEAVE, "exits_private_rental"),
        (CONTRACT_END, "contract_ends"),
    ],
)
def test_each_kind_of_timer_does_its_own_thing(kind, metric) -> None:
    parts = build(**{"groups.a.reapply_after_breakdown": 0.0})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    parts.tenancies.fire(household, household.epoch, kind)
    assert parts.counted(metric, "a") == 1
    others = {"breakdowns", "exits_other", "exits_private_rental", "contract_ends"} - {metric}
    assert all(parts.counted(m) == 0 for m in others)


def test_a_self_sufficiency_timer_makes_the_tenant_self_sufficient() -> None:
    parts = build(**{"groups.a.self_sufficient_years": 1, "groups.a.leave_when_able_per_year": 1})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    parts.tenancies.fire(household, household.epoch, SELF_SUFFICIENT)
    assert household.self_sufficient and household.dwelling is unit
    assert household.leave_rate == 1.0 and household.self_rate == 0.0


def test_a_reapply_timer_puts_the_household_back_on_the_list_if_not_stale() -> None:
    parts = build()
    household = parts.household("a")
    parts.tenancies.fire(household, household.epoch + 1, REAPPLY)
    assert not household.on_list
    parts.tenancies.fire(household, household.epoch, REAPPLY)
    assert household.on_list and parts.waiting("ordinary") == [household]


def test_followup_ends_when_its_spell_is_over_and_the_next_starts() -> None:
    changes = {
        "followup.capacity": 1,
        "followup.breakdown_factor": 0.5,
        "groups.a.breakdown_per_year": 0.4,
    }
    parts = build(**changes)
    first, second = parts.dwellings("ordinary", 2)
    helped = parts.household("a", needs_followup=True)
    parts.housed(helped, first)
    queued = parts.household("a", needs_followup=True)
    parts.housed(queued, second)
    parts.tenancies.followup_over(helped, helped.followups + 1)  # stale: nothing
    assert helped.followed
    parts.tenancies.followup_over(helped, helped.followups)
    assert not helped.followed and queued.followed
    assert helped.breakdown_rate == 0.4 and queued.breakdown_rate == pytest.approx(0.2)
    assert parts.followup.active == 1 and parts.level("followed") == 1


# --- contract ends ----------------------------------------------------------------------


def test_needs_based_renews_a_tenant_still_in_need() -> None:
    parts = build()
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    parts.at(START + 2)
    parts.tenancies.contract_end(household)
    assert household.renewals == 1 and household.contract_end == START + 4
    assert parts.counted("contract_ends", "a") == 1 and parts.counted("renewals", "a") == 1
    assert household.dwelling is unit
    assert tenancy_timers(parts)[-1].time == START + 4


@pytest.mark.parametrize(("renewals", "renewed"), [(0, True), (1, False), (2, False)])
def test_max_renewals_makes_the_contract_end_strict_once_reached(renewals, renewed) -> None:
    parts = build(**{"policy.renewal": "always", "policy.max_renewals": 1})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    household.renewals = renewals
    parts.tenancies.contract_end(household)
    assert parts.counted("renewals") == (1 if renewed else 0)
    assert parts.counted("forced_moves") == (0 if renewed else 1)
    assert household.renewals == renewals + (1 if renewed else 0)


def test_a_self_sufficient_tenant_not_renewed_leaves_to_the_market() -> None:
    parts = build(track=True, **{"groups.a.exit_to": {"ownership": 0.3, "private_rental": 0.7}})
    first, second = parts.dwellings("ordinary", 2)
    owner = parts.household("a", self_sufficient=True, draws={"destination": 0.29})
    parts.housed(owner, first)
    parts.tenancies.contract_end(owner)
    renter = parts.household("a", self_sufficient=True, draws={"destination": 0.3})
    parts.housed(renter, second)
    parts.tenancies.contract_end(renter)
    assert parts.counted("exits_ownership") == 1 and parts.counted("exits_private_rental") == 1
    assert parts.counted("forced_moves") == 0 and parts.counted("renewals") == 0
    assert owner.dwelling is None and renter.dwelling is None
    assert owner.record["destination"] == "ownership"
    assert renter.record["destination"] == "private_rental"
    assert parts.vacancies() == [first, second] and parts.level("tenants") == 0


@pytest.mark.parametrize(("draw", "renewed"), [(0.59, True), (0.6, False)])
def test_discretionary_renewal_takes_the_households_draw(draw, renewed) -> None:
    parts = build(**{"policy.renewal": "discretionary", "policy.renewal_probability": 0.6})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", draws={"renewal": draw, "renewal_1": 0.99})
    parts.housed(household, unit)
    parts.tenancies.contract_end(household)
    assert parts.counted("renewals") == (1 if renewed else 0)
    assert household.renewal_draws == 1
    if renewed:  # the second contract end takes the second draw
        parts.tenancies.contract_end(household)
        assert parts.counted("renewals") == 1 and household.renewal_draws == 2


def test_every_contract_end_takes_a_renewal_draw_under_any_rule() -> None:
    parts = build(**{"policy.renewal": "strict", "policy.after_nonrenewal": "transfer"})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    parts.tenancies.contract_end(household)
    assert household.renewal_draws == 1


# --- forced moves -----------------------------------------------------------------------


def test_a_forced_mover_to_transfer_keeps_its_unit_and_joins_the_lists() -> None:
    parts = build(**{"policy.renewal": "strict", "policy.after_nonrenewal": "transfer"})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", seniority=START)
    parts.housed(household, unit)
    epoch = household.epoch
    parts.at(START + 2)
    parts.tenancies.contract_end(household)
    assert parts.counted("forced_moves", "a") == 1
    assert household.transfer and household.contract_end is None
    assert household.dwelling is unit and household.on_list
    assert household.epoch == epoch + 1 and household.nonrenewals == 1
    assert parts.waiting("ordinary") == [household] and parts.placing() == [household]
    assert parts.state.transfer_waiting == [1, 0] and parts.level("waiting") == 0
    assert household.seniority == START  # forced_mover_place keep


@pytest.mark.parametrize(
    ("place", "seniority", "first"),
    [("keep", START, False), ("new_date", START + 2, False), ("priority", START, True)],
)
def test_the_forced_mover_place_sets_its_place_on_the_list(place, seniority, first) -> None:
    changes = {
        "policy.renewal": "strict",
        "policy.after_nonrenewal": "transfer",
        "policy.forced_mover_place": place,
    }
    parts = build(**changes)
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    household.seniority = START
    waiting = parts.household("b")
    parts.joined(waiting, START - 5)
    parts.at(START + 2)
    parts.tenancies.contract_end(household)
    assert household.seniority == seniority and household.first_in_line == first
    expected = [household, waiting] if first else [waiting, household]
    assert parts.waiting("ordinary") == expected


def test_a_forced_mover_to_a_market_destination_leaves() -> None:
    changes = {"policy.renewal": "strict", "policy.after_nonrenewal": "private_rental"}
    parts = build(track=True, **changes)
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    parts.at(START + 2)
    parts.tenancies.contract_end(household)
    assert parts.counted("forced_moves") == 1 and parts.counted("exits_private_rental") == 1
    assert household.dwelling is None and not household.on_list
    assert parts.vacancies() == [unit]
    record = household.record
    assert [move["kind"] for move in record["moves"]] == ["allocation", "forced_move"]
    forced = record["moves"][1]
    assert (forced["time"], forced["dwelling"], forced["category"]) == (
        START + 2,
        unit.id,
        "ordinary",
    )
    assert (record["exit_time"], record["destination"]) == (START + 2, "private_rental")


def test_shares_after_nonrenewal_send_each_household_by_its_own_draw() -> None:
    shares = {"transfer": 0.5, "private_rental": 0.5}
    parts = build(**{"policy.renewal": "strict", "policy.after_nonrenewal": shares})
    units = parts.dwellings("ordinary", 40)
    households = []
    for unit in units:
        household = parts.household("a")
        household.u_key = len(households) / 40  # its own hashed draws
        parts.housed(household, unit)
        households.append(household)
    for household in households:
        parts.tenancies.contract_end(household)
    transfers = sum(h.transfer for h in households)
    left = parts.counted("exits_private_rental")
    assert transfers + left == 40 and 10 <= transfers <= 30
    assert all(h.dwelling is None for h in households if not h.transfer)


def homeless_parts(track=False, **changes):
    policy = {"policy.renewal": "strict", "policy.after_nonrenewal": "homeless"}
    return build(track=track, **policy, **changes)


def test_a_forced_mover_to_homelessness_who_does_not_reapply_leaves() -> None:
    parts = homeless_parts(track=True, **{"policy.reapply_after_homeless": 0.0})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    epoch = household.epoch
    parts.tenancies.contract_end(household)
    assert parts.counted("exits_homeless", "a") == 1
    assert parts.counted("homeless_outside_entries", "a") == 1 and parts.outside("a") == 1
    assert household.dwelling is None and not household.on_list
    assert household.homeless_flag and household.outside == 1 and household.epoch > epoch
    assert tenancy_timers(parts)[-1].kind != REAPPLY
    assert household.record["destination"] == "homeless"
    assert household.record["exit_time"] == START


def test_a_forced_mover_to_homelessness_reapplies_at_once_without_a_delay() -> None:
    parts = homeless_parts()
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    parts.tenancies.contract_end(household)
    assert parts.counted("exits_homeless") == 0 and parts.counted("homeless_outside_entries") == 0
    assert household.dwelling is None and household.on_list and household.homeless_flag
    assert not household.transfer and parts.level("waiting") == 1


def test_a_forced_mover_to_homelessness_reapplies_after_its_delay() -> None:
    changes = {"policy.reapply_delay_years": 0.5, "homelessness.outside_years": 50}
    parts = homeless_parts(**changes)
    first, second = parts.dwellings("ordinary", 2)
    household = parts.household("a", seniority=START)
    parts.housed(household, first)
    parts.at(START + 2)
    parts.tenancies.contract_end(household)
    assert not household.on_list and household.dwelling is None
    timer = tenancy_timers(parts)[-1]
    assert timer.kind == REAPPLY and timer.token == household.epoch and timer.time > START + 2
    assert timer.priority == NORMAL and timer.value is household
    assert parts.counted("homeless_outside_entries") == 1 and household.outside == 1
    parts.at((START + 2 + timer.time) / 2)
    assert parts.outside("a") == 1
    parts.at(timer.time)
    assert parts.outside("a") == 0  # counted outside until it applies again (not 50 years)
    parts.tenancies.fire(household, timer.token, REAPPLY)
    assert household.on_list and household.seniority == START  # (keep)
    parts.housed(household, second)  # forced out a second time: counted outside again
    parts.tenancies.contract_end(household)
    assert household.outside == 2 and household.nonrenewals == 2
    assert parts.counted("homeless_outside_entries") == 2


def test_the_delay_before_reapplying_is_exponential_with_its_mean() -> None:
    parts = homeless_parts(**{"policy.reapply_delay_years": 0.5})
    units = parts.dwellings("ordinary", 101)
    for i, unit in enumerate(units):
        household = parts.household("a")
        household.u_key = (i + 0.5) / 101  # its own hashed draws
        parts.housed(household, unit)
        parts.tenancies.contract_end(household)
    delays = sorted(t.time - START for t in tenancy_timers(parts) if t.kind == REAPPLY)
    assert len(delays) == 101
    assert 0.5 * math.log(2) * 0.7 < delays[50] < 0.5 * math.log(2) * 1.3  # the median


# --- breakdowns and ends ----------------------------------------------------------------


def test_a_breakdown_that_reapplies_joins_the_list_homeless() -> None:
    parts = build(**{"groups.a.reapply_after_breakdown": 1.0, "groups.a.breakdown_per_year": 1})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", draws={"breakdown_1": budget(0.3)})
    parts.housed(household, unit)
    parts.at(START + 0.5)
    parts.tenancies.breakdown(household)
    assert parts.counted("breakdowns", "a") == 1 and parts.counted("exits_homeless") == 0
    assert household.dwelling is None and household.on_list and household.homeless_flag
    assert household.seniority == START + 0.5 and household.breakdowns == 1
    assert household.breakdown_left == pytest.approx(0.3)  # the next clock starts full
    assert parts.vacancies() == [unit]


@pytest.mark.parametrize(("share", "draw", "reapplies"), [(0.0, 0.0, False), (0.5, 0.49, True)])
def test_a_breakdown_reapplies_by_the_households_draw(share, draw, reapplies) -> None:
    parts = build(**{"groups.a.reapply_after_breakdown": share})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", draws={"reapply": draw})
    parts.housed(household, unit)
    parts.tenancies.breakdown(household)
    assert household.on_list == reapplies
    assert parts.counted("exits_homeless") == (0 if reapplies else 1)
    assert parts.outside("a") == (0 if reapplies else 1)


def test_a_breakdown_leaving_the_system_is_recorded_as_homeless() -> None:
    parts = build(track=True, **{"groups.a.reapply_after_breakdown": 0.0})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    parts.at(START + 1)
    parts.tenancies.breakdown(household)
    assert household.record["destination"] == "homeless"
    assert household.record["exit_time"] == START + 1


def test_timers_of_a_tenancy_ended_by_a_breakdown_do_nothing_in_the_next() -> None:
    parts = build(**{"groups.a.reapply_after_breakdown": 1.0})
    first, second = parts.dwellings("ordinary", 2)
    household = parts.household("a")
    parts.housed(household, first)
    parts.tenancies.schedule(household)  # set anew (as when follow-up starts)
    old = tenancy_timers(parts)
    assert len(old) == 2
    parts.tenancies.breakdown(household)
    parts.housed(household, second)
    for timer in old:
        parts.tenancies.fire(household, timer.token, timer.kind)
    assert parts.counted("contract_ends") == 0 and household.dwelling is second


def test_a_breakdown_while_waiting_for_a_transfer_leaves_the_lists() -> None:
    parts = build(**{"groups.a.reapply_after_breakdown": 0.0})
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    household.transfer = True
    parts.joined(household)
    parts.tenancies.breakdown(household)
    assert not household.on_list and not household.transfer
    assert parts.waiting("ordinary") == [] and parts.state.transfer_waiting == [0, 0]


def test_an_end_counts_its_metric_and_frees_the_followup_slot() -> None:
    parts = build(**{"followup.capacity": 1})
    first, second = parts.dwellings("ordinary", 2)
    helped = parts.household("a", needs_followup=True)
    parts.housed(helped, first)
    queued = parts.household("a", needs_followup=True)
    parts.housed(queued, second)
    helped.transfer = True
    parts.joined(helped)
    parts.tenancies.end(helped, "exits_other", "other")
    assert parts.counted("exits_other", "a") == 1
    assert helped.dwelling is None and not helped.on_list and not helped.transfer
    assert not helped.followed and queued.followed
    assert parts.state.transfer_waiting == [0, 0]


def test_becoming_self_sufficient_while_waiting_for_a_transfer_leaves() -> None:
    parts = build()
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a")
    parts.housed(household, unit)
    household.transfer = True
    parts.joined(household)
    parts.tenancies.become_self_sufficient(household)
    assert household.self_sufficient and household.dwelling is None
    assert parts.counted("exits_private_rental") == 1 and not household.on_list
