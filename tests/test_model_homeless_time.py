"""Unit tests: homelessness as time spent (``sim/model/shelter.py``, ``sim/model/state.py``).

A homeless household on the list alternates between hospits and its own solution, with
drawn stays (``homelessness.own_stay_days``); households have persons
(``groups.<id>.persons``); the homeless outside the list leave that state at rates
(``homelessness.outside_exits``). Each test builds a small state (``model_parts``),
brings it to a chosen situation and asserts on what changed; the theory check compares
the long-run share of homeless time in hospits with renewal-reward.
"""

from __future__ import annotations

import pytest
from model_parts import START, build

from sim.config.errors import ScenarioError
from sim.model.streams import unit_exponential

FIXED_73 = {"distribution": "fixed", "mean": 73}  # 0.2 years
FIXED_36 = {"distribution": "fixed", "mean": 36.5}  # 0.1 years


def homeless(parts, count, group="a"):
    """``count`` homeless households, each with its own key (so its own hashed draws)."""
    return [
        parts.household(group, draws={"key": (i + 0.5) / count}, homeless_flag=True)
        for i in range(count)
    ]


# --- the cycle between hospits and its own solution -------------------------------------


def test_without_own_stays_a_household_stays_in_its_own_solution_after_hospits() -> None:
    parts = build(**{"homelessness.hospits_stay_days": FIXED_73})
    (household,) = homeless(parts, 1)
    parts.shelter.enter(household)
    parts.run_until(START + 5.0)
    assert household.shelter == "own" and household.switches == 0
    assert parts.counted("hospits_stays") == 1
    assert parts.timers_of("_on_own_end") == []


def test_fixed_stays_switch_at_exact_times_when_every_decision_is_hospits() -> None:
    changes = {
        "homelessness.hospits_stay_days": FIXED_73,
        "homelessness.own_stay_days": FIXED_36,
    }
    parts = build(**changes)
    (household,) = homeless(parts, 1)
    parts.shelter.enter(household)
    for stays, time in ((1, 0.19), (2, 0.21), (2, 0.39), (3, 0.41), (5, 0.81)):
        parts.run_until(START + time)
        assert household.shelter == "hospits"
        assert parts.counted("hospits_stays") == stays, time
    assert household.switches == 4


def test_own_solution_stays_end_and_begin_again_when_no_decision_is_hospits() -> None:
    changes = {
        "homelessness.hospits_share": 0.0,
        "homelessness.own_stay_days": FIXED_36,
    }
    parts = build(**changes)
    (household,) = homeless(parts, 1)
    parts.shelter.enter(household)
    for step in range(11):  # noting the timers as they are queued
        parts.run_until(START + 0.05 * (step + 1))
    ends = [t.time - START for t in parts.timers_of("_on_own_end")]
    assert ends == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], abs=1e-12)
    assert household.shelter == "own" and household.switches == 5
    assert parts.counted("hospits_stays") == 0 and parts.state.own_solution == [1, 0]


def test_each_decision_is_the_households_own_draw() -> None:
    share = 0.5
    changes = {
        "homelessness.hospits_share": share,
        "homelessness.hospits_stay_days": FIXED_73,
        "homelessness.own_stay_days": FIXED_36,
    }
    parts = build(**changes)
    (household,) = homeless(parts, 1)
    # the expected path: episode 0's draw first, then decision j's
    first = parts.hashed(household, "shelter", 0) < share
    places = [first] + [parts.hashed(household, "switch", j) < share for j in range(12)]
    switch_times = []
    t = 0.0
    for in_hospits in places[:-1]:
        t += 0.2 if in_hospits else 0.1
        switch_times.append(t)
    parts.shelter.enter(household)
    for j, time in enumerate(switch_times):
        parts.run_until(START + time - 1e-9)
        assert household.shelter == ("hospits" if places[j] else "own"), j
        assert household.switches == j
    assert parts.counted("hospits_stays") == sum(places[: len(switch_times)])
    assert 0 < sum(places) < len(places)  # both kinds of stay occur


def test_exponential_stays_take_the_draw_of_the_decision_that_began_them() -> None:
    changes = {
        "homelessness.hospits_share": 0.0,
        "homelessness.own_stay_days": {"distribution": "exponential", "mean": 36.5},
    }
    parts = build(**changes)
    (household,) = homeless(parts, 1)
    parts.shelter.enter(household)
    (first,) = parts.timers_of("_on_own_end")
    u0 = parts.hashed(household, "own_stay", 0)
    assert first.time - START == pytest.approx(0.1 * unit_exponential(u0), rel=1e-12)
    parts.run_until(first.time + 1e-12)
    second = parts.timers_of("_on_own_end")[1]
    u1 = parts.hashed(household, "switch_stay", 0)
    assert second.time - first.time == pytest.approx(0.1 * unit_exponential(u1), rel=1e-9)


def test_a_full_hospits_at_a_decision_means_waiting_in_its_own_solution_untimed() -> None:
    changes = {
        "homelessness.hospits_capacity": 1,
        "homelessness.hospits_stay_days": FIXED_73,
        "homelessness.own_stay_days": FIXED_36,
    }
    parts = build(**changes)
    first, second = homeless(parts, 2)
    parts.shelter.enter(first)
    parts.shelter.enter(second)  # hospits is full: it waits, in its own solution
    assert second.shelter == "own" and list(parts.shelter.wanting) == [second]
    assert parts.timers_of("_on_own_end") == []  # no own stay runs while it waits
    parts.run_until(START + 0.21)
    # first's stay ended and freed the place (second takes it), then first decided:
    # hospits again, but full, so first waits
    assert second.shelter == "hospits" and first.shelter == "own"
    assert list(parts.shelter.wanting) == [first]


def test_a_freed_emergency_unit_ends_the_cycle() -> None:
    changes = {
        "homelessness.hospits_share": 0.0,
        "homelessness.own_stay_days": FIXED_36,
    }
    parts = build(**changes)
    (household,) = homeless(parts, 1)
    parts.shelter.enter(household)
    parts.shelter.set_capacity(1)
    assert household.shelter == "emergency"
    parts.run_until(START + 1.0)  # the own-stay timer that was pending does nothing
    assert household.shelter == "emergency" and household.switches == 0
    assert parts.state.own_solution == [0, 0]


def test_being_housed_ends_the_cycle_and_its_nights() -> None:
    changes = {
        "homelessness.hospits_stay_days": FIXED_73,
        "homelessness.own_stay_days": FIXED_36,
    }
    parts = build(**changes)
    (household,) = homeless(parts, 1)
    parts.shelter.enter(household)
    parts.run_until(START + 0.3)
    parts.shelter.leave(household)
    parts.run_until(START + 2.0)
    assert household.shelter is None and parts.level("hospits") == 0
    assert parts.counted("hospits_stays") == 2


# --- theory: renewal-reward -------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "hospits", "own"),
    [
        (
            0.5,
            {"distribution": "exponential", "mean": 30},
            {"distribution": "exponential", "mean": 60},
        ),
        (0.3, {"distribution": "fixed", "mean": 20}, {"distribution": "fixed", "mean": 45}),
    ],
)
def test_long_run_share_of_homeless_time_in_hospits(share, hospits, own) -> None:
    """With no housing, a household's homeless time is an alternating renewal process:
    each decision begins a hospits stay (mean H) with probability s, else an own stay
    (mean O). Renewal-reward: the share of time in hospits is s·H / (s·H + (1 − s)·O)
    and hospits stays begin at s / (s·H + (1 − s)·O) per homeless-year. 400 households
    over 9 years (some 30 000 decisions, seed fixed): both within 4 % (relative)."""
    changes = {
        "homelessness.hospits_share": share,
        "homelessness.hospits_stay_days": hospits,
        "homelessness.own_stay_days": own,
    }
    parts = build(**changes)
    households = homeless(parts, 400)
    for household in households:
        parts.shelter.enter(household)
    years = 9.0  # within the scenario's 10 years (the engine stops at their end)
    parts.run_until(START + years)
    state = parts.state
    nights_years = sum(state.hospits.close(state.engine.now))  # household-years in hospits
    exposure = len(households) * years
    in_hospits = hospits["mean"] / 365.0
    in_own = own["mean"] / 365.0
    cycle = share * in_hospits + (1 - share) * in_own
    assert nights_years / exposure == pytest.approx(share * in_hospits / cycle, rel=0.04)
    assert parts.counted("hospits_stays") / exposure == pytest.approx(share / cycle, rel=0.04)


# --- persons ----------------------------------------------------------------------------


def test_every_household_is_one_person_by_default() -> None:
    parts = build()
    household = parts.household("a")
    assert household.persons == 1


def test_persons_are_drawn_from_the_groups_shares_by_the_households_own_draw() -> None:
    parts = build(**{"groups.a.persons": {1: 0.6, 2: 0.2, 3: 0.2}})
    households = [parts.household("a", draws={"key": (i + 0.5) / 500}) for i in range(500)]
    for household in households:
        u = parts.hashed(household, "persons", 0)
        assert household.persons == (1 if u < 0.6 else 2 if u < 0.8 else 3)
    share_one = sum(h.persons == 1 for h in households) / len(households)
    assert share_one == pytest.approx(0.6, abs=0.07)  # 500 draws: sd 0.022, 3 sd


def test_persons_where_they_stay_follow_the_households() -> None:
    changes = {"groups.a.persons": {3: 1.0}, "homelessness.hospits_capacity": 1}
    parts = build(**changes)
    first, second = homeless(parts, 2)
    parts.shelter.enter(first)
    parts.shelter.enter(second)
    state = parts.state
    assert state.persons_hospits == [3, 0] and state.persons_own == [3, 0]
    parts.shelter.set_capacity(1)  # an emergency unit takes the one in hospits
    assert state.persons_emergency == [3, 0] and state.persons_hospits == [3, 0]
    parts.shelter.leave(first)
    parts.shelter.leave(second)
    assert state.persons_emergency == state.persons_hospits == state.persons_own == [0, 0]


def test_the_homeless_outside_the_list_are_counted_in_persons() -> None:
    parts = build(**{"groups.a.persons": {2: 1.0}})
    state = parts.state
    for household in homeless(parts, 3):
        state.homeless_outside(0, household.u_key, 0, until=START + 1.0, persons=2)
    assert state.outside_count(0) == 3 and state.outside_persons(0) == 6
    parts.at(START + 1.0)
    assert state.outside_count(0) == 0 and state.outside_persons(0) == 0


# --- exits from outside the list ----------------------------------------------------------


def test_outside_exits_at_their_total_rate_by_the_households_draws() -> None:
    exits = {"reapply_per_year": 0.0, "settled_per_year": 1.5, "leave_per_year": 0.5}
    parts = build(**{"homelessness.outside_exits": exits})
    state = parts.state
    (household,) = homeless(parts, 1)
    state.homeless_outside(0, household.u_key, 0, persons=1, household=household)
    ((until, _persons),) = state.outside[0]
    u = parts.hashed(household, "outside", 0)
    assert until - START == pytest.approx(unit_exponential(u) / 2.0, rel=1e-12)
    assert parts.timers_of("_reapply_outside") == []


def test_a_household_that_reapplies_from_outside_goes_through_approval_again() -> None:
    exits = {"reapply_per_year": 2.0}
    parts = build(**{"homelessness.outside_exits": exits, "groups.a.approval": 1.0})
    state = parts.state
    (household,) = homeless(parts, 1)
    state.homeless_outside(0, household.u_key, 0, persons=1, household=household)
    household.outside += 1
    (reapply,) = parts.timers_of("_reapply_outside")
    ((until, _),) = state.outside[0]
    assert reapply.value is household and reapply.time == pytest.approx(until)
    parts.run_until(until + 1e-9)
    assert household.on_list and household.homeless_flag
    assert state.outside_count(0) == 0
    assert parts.counted("applications", "a") == 1 and parts.counted("approvals", "a") == 1
    # a fresh withdrawal clock from its own draw
    assert household.withdraw_left > 0.0


def test_a_household_refused_again_is_homeless_outside_again() -> None:
    exits = {"reapply_per_year": 2.0}
    parts = build(**{"homelessness.outside_exits": exits, "groups.a.approval": 0.0})
    state = parts.state
    (household,) = homeless(parts, 1)
    state.homeless_outside(0, household.u_key, 0, persons=1, household=household)
    household.outside += 1
    ((until, _),) = state.outside[0]
    parts.run_until(until + 1e-9)
    assert not household.on_list and household.outside == 2
    assert state.outside_count(0) == 1 and parts.counted("refusals", "a") == 1
    assert parts.counted("homeless_outside_entries", "a") == 2


def test_the_outside_exit_is_chosen_by_the_rates() -> None:
    exits = {"reapply_per_year": 1.0, "settled_per_year": 1.0, "leave_per_year": 2.0}
    parts = build(**{"homelessness.outside_exits": exits})
    state = parts.state
    households = homeless(parts, 400)
    for household in households:
        state.homeless_outside(0, household.u_key, 0, persons=1, household=household)
    reapplying = {id(t.value) for t in parts.timers_of("_reapply_outside")}
    expected = {id(h) for h in households if parts.hashed(h, "outside_exit", 0) < 0.25}
    assert reapplying == expected
    assert len(reapplying) / 400 == pytest.approx(0.25, abs=0.065)  # 3 sd of 400 draws


# --- the keys -----------------------------------------------------------------------------


def test_outside_years_and_outside_exits_together_are_an_error() -> None:
    changes = {
        "homelessness.outside_years": 2.0,
        "homelessness.outside_exits": {"leave_per_year": 1.0},
    }
    with pytest.raises(ScenarioError, match=r"either outside_years .* or outside_exits"):
        build(**changes)


def test_outside_exits_need_a_rate() -> None:
    with pytest.raises(ScenarioError, match="outside_exits needs a rate above 0"):
        build(**{"homelessness.outside_exits": {"reapply_per_year": 0.0}})


def test_persons_shares_must_sum_to_one() -> None:
    with pytest.raises(ScenarioError, match="persons shares must sum to 1"):
        build(**{"groups.a.persons": {1: 0.5, 2: 0.2}})


# --- through a small scenario ---------------------------------------------------------------


def _totals(data, *metrics):
    from helpers import scenario, total

    from sim.runner import run_scenario

    yearly = run_scenario(scenario(data)).yearly
    return {
        metric: total(yearly, metric).set_index(["replication", "year"])["value"]
        for metric in metrics
    }


def test_persons_equal_households_by_default_and_add_up() -> None:
    from helpers import municipality

    names = (
        "homeless_persons",
        "homeless_waiting",
        "homeless_outside",
        "homeless_waiting_persons",
        "homeless_outside_persons",
        "in_hospits",
        "in_hospits_persons",
        "in_emergency_persons",
        "own_solution_persons",
        "allocations",
        "allocations_persons",
    )
    t = _totals(municipality(), *names)
    assert (t["homeless_persons"] == t["homeless_waiting"] + t["homeless_outside"]).all()
    assert (t["allocations_persons"] == t["allocations"]).all()
    assert (t["in_hospits_persons"] == t["in_hospits"]).all()
    assert t["homeless_persons"].sum() > 0
    two = _totals(municipality(**{"groups.disadvantaged.persons": {2: 1.0}}), *names)
    assert (
        two["homeless_persons"] == 2 * (two["homeless_waiting"] + two["homeless_outside"])
    ).all()
    on_list = two["in_emergency_persons"] + two["in_hospits_persons"] + two["own_solution_persons"]
    assert (two["homeless_waiting_persons"] == on_list).all()


def test_reapplying_from_outside_brings_households_back_through_approval() -> None:
    from helpers import municipality

    base = municipality()
    exits = {"reapply_per_year": 2.0, "settled_per_year": 0.5, "leave_per_year": 0.5}
    again = municipality()
    again["homelessness"] = {"outside_exits": exits}
    names = ("applications", "approvals", "refusals", "homeless_outside")
    before = _totals(base, *names)
    after = _totals(again, *names)
    assert after["applications"].sum() > before["applications"].sum()
    assert (after["applications"] == after["approvals"] + after["refusals"]).all()
    # the mean time outside is 1/3 year instead of 1 year: fewer at year end
    assert after["homeless_outside"].mean() < before["homeless_outside"].mean()


def test_the_persons_metrics_can_be_calibration_targets(tmp_path) -> None:
    from helpers import municipality, scenario

    from sim.calibration.engine import _replication_values
    from sim.calibration.spec import load_targets

    data = municipality(**{"groups.disadvantaged.persons": {1: 0.5, 2: 0.5}})
    csv = tmp_path / "targets.csv"
    csv.write_text(
        "year,metric,group,category,observed,low,high,weight,source\n"
        "2010,homeless_persons,,,,30,35,1,persons\n"
        "2010,allocations_persons,disadvantaged,,20,,,1,persons\n",
        encoding="utf-8",
    )
    checked = scenario(data)
    targets = load_targets(csv, checked)
    assert list(targets.metric) == ["homeless_persons", "allocations_persons"]
    keys = [(2010, "homeless_persons", "", ""), (2010, "allocations_persons", "disadvantaged", "")]
    persons, allocated = _replication_values((checked, 0, keys))
    assert persons > 0 and allocated > 0
