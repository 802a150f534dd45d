"""One replication of the housing model (``docs/model.md``).

``HousingModel(scenario, replication).run()`` simulates the warm-up and the reported
years and returns the replication's tidy yearly rows (and, on request, one record per
household). It is a pure function of the scenario, its seed and the replication index.

This module builds the shared :class:`State` and the parts that act on it, times the
applications, closes the years, and holds the handlers of every timer (the engine of
``engine.py``, ``state.engine``, keeps the clock and runs the event queue). Each handler lets
its part act, then settles: it drains the work lists of households to place and units
to let until both are empty, so what one move sets off is handled after it, never
inside it (no call depth grows with the number of households). The parts, bottom up:
``shelter`` (emergency units and hospits), ``followup``, ``waiting`` (lists and who is
first in line), ``stock`` (units and turnaround), ``tenancy`` (moving in, clocks,
contracts; it extends ``departures``: forced moves, breakdowns, exits), ``allocation``
(offers) and ``population`` (the initial state); the rules they apply are plain
functions in ``rules``.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable
from typing import Any

from sim.config.schema import Scenario
from sim.model.allocation import Allocation
from sim.model.engine import URGENT, Timer
from sim.model.entities import GroupRuntime, Household
from sim.model.followup import FollowUp
from sim.model.population import populate
from sim.model.recorder import Row
from sim.model.shelter import Shelter
from sim.model.state import State
from sim.model.stock import Stock
from sim.model.streams import OUTSIDE_APPROVAL, OUTSIDE_WITHDRAW, unit_exponential
from sim.model.tenancy import Tenancies
from sim.model.waiting import WaitingLists


class HousingModel:
    """The model of one replication: its state, its parts, and the calendar."""

    def __init__(
        self, scenario: Scenario, replication: int = 0, track_households: bool = False
    ) -> None:
        state = State(scenario, replication, track_households)
        self.state = state
        self.engine = state.engine
        self.scenario = scenario
        self.t0 = state.t0
        self.end = state.engine.end
        self.recorder = state.recorder
        self.shelter = Shelter(state)
        self.followup = FollowUp(state, self._on_followup_end)
        self.lists = WaitingLists(state, self.shelter, self._on_withdraw, self._on_stay_end)
        self.stock = Stock(state, self._on_turnaround_done)
        self.tenancies = Tenancies(
            state, self.lists, self.shelter, self.followup, self.stock, self._on_tenancy_event
        )
        self.allocation = Allocation(
            state, self.lists, self.shelter, self.tenancies, self._on_latent
        )
        # stock changes by the time they take effect (a year's start, or a date)
        self.builds_at: dict[float, list[tuple[int, int, Any]]] = {}
        for build in scenario.builds:
            k = state.category_index[build.category]
            for time, units in build.schedule():
                self.builds_at.setdefault(time, []).append((k, units, build.rooms))
        # streams used in the hot loop, looked up once; each is consumed by one process
        self._arrival_streams = [state.streams[f"arrivals/{grp.id}"] for grp in state.groups]
        self._household_streams = [state.streams[f"household/{grp.id}"] for grp in state.groups]
        # applications per year of each group, by calendar year from the first
        self._first_year = math.floor(self.t0)
        years = range(self._first_year, math.ceil(self.end) + 1)
        self._rates = [
            [float(grp.config.applications_per_year.at_year(year)) for year in years]
            for grp in state.groups
        ]
        self._settling = False
        self._on_reapply_outside: Callable[[Timer], None] = self._reapply_outside
        state.reapply_outside = self._reapply_later
        # the handler of applications, bound once (``self._application`` makes a new bound
        # method at every read)
        self._on_application: Callable[[Timer], None] = self._application
        # the flows it counts at every application
        self._applications = self.recorder.flow("applications")
        self._refusals = self.recorder.flow("refusals")
        self._approvals = self.recorder.flow("approvals")

    @property
    def households(self) -> list[Any]:
        """Every household created (when tracked), in creation order."""
        return self.state.households

    # --- running ------------------------------------------------------------------

    def run(self) -> list[Row]:
        """Simulate warm-up and reported years; return the tidy yearly rows.

        Python's cycle collector is paused meanwhile: a replication makes few reference
        cycles (its own objects, which live until it ends), and each collection would
        re-scan every object it keeps, more often the larger the municipality. It is
        resumed (if it was on) before returning; the results do not depend on it.
        """
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            if collecting:
                gc.enable()

    def _run(self) -> list[Row]:
        state = self.state
        first_year = math.floor(self.t0)
        self._set_capacities(first_year)
        populate(state, self.stock, self.lists, self.tenancies)
        self._settle()
        for time in sorted(t for t in self.builds_at if t <= first_year):
            self._apply_builds(time)
        for grp in state.groups:  # each group's first application is drawn at the start
            self.engine.schedule(Timer(self._first_application, grp), URGENT, 0.0)
        if first_year + 1 < self.end:
            self._schedule_new_year(first_year + 1)
        for time in self._dated_changes():
            delay = max(time - self.t0, 0.0)
            self.engine.schedule(Timer(self._dated_change, time), URGENT, delay)
        self.engine.run_until(self.end)
        self._close_year(int(self.end) - 1)
        return self.recorder.rows

    def household_records(self) -> list[dict[str, Any]]:
        """One record per household present in the reported years (when tracked)."""
        start = self.scenario.time.start
        out = []
        for household in self.state.households:
            record = household.record
            if record is None:
                continue
            if record["exit_time"] is not None and record["exit_time"] < start:
                continue
            out.append(record)
        return out

    def _settle(self) -> None:
        """Place every household that has just joined the lists, and offer every unit that
        has just become available, until both work lists are empty.

        What an offer sets off (a transfer leaves its old dwelling, a refusal sends a
        household back to the list) joins the end of a work list instead of being handled
        inside the call that caused it. Every handler calls this last.
        """
        if self._settling:
            return
        self._settling = True
        placing = self.state.placing
        vacancies = self.state.vacancies
        allocation = self.allocation
        while placing or vacancies:
            if placing:
                allocation.place(placing.popleft())
            else:
                allocation.let(vacancies.popleft())
        self._settling = False

    # --- handlers of timers -------------------------------------------------------

    def _on_withdraw(self, event: Timer) -> None:
        household = event.value
        if household is not None:  # (None: the clock was stopped; see stop_clock)
            self.lists.withdraw(household, event.token)
            self._settle()

    def _on_stay_end(self, event: Timer) -> None:
        self.lists.stay_over(event.value, event.token)
        self._settle()

    def _on_tenancy_event(self, event: Timer) -> None:
        self.tenancies.fire(event.value, event.token, event.kind)
        self._settle()

    def _on_followup_end(self, event: Timer) -> None:
        self.tenancies.followup_over(event.value, event.token)
        self._settle()

    def _on_latent(self, event: Timer) -> None:
        dwelling = event.value
        if self.allocation.latent_application(dwelling, event.token):
            self._settle()
            if dwelling.available:  # not taken (refused, or the room need): call again
                self.allocation.call_latent(dwelling)

    def _on_turnaround_done(self, event: Timer) -> None:
        self.stock.turnaround_done(event.value)
        self._settle()

    # --- the calendar ---------------------------------------------------------------

    def _schedule_new_year(self, year: int) -> None:
        # URGENT: at time Y.0 the old year closes before any other event of that instant,
        # so everything that happens at Y.0 counts in year Y
        self.engine.schedule(Timer(self._new_year, year), URGENT, year - self.engine.now)

    def _new_year(self, event: Timer) -> None:
        """Close the previous year, then apply the new year's capacities and builds."""
        year: int = event.value
        self._close_year(year - 1)
        self._set_capacities(year)
        self._set_policy(year)
        self._apply_builds(year)
        if year + 1 < self.end:
            self._schedule_new_year(year + 1)
        self._settle()

    def _dated_changes(self) -> list[float]:
        """Times within a year (dates) at which a capacity, a policy or the stock changes;
        changes at a year's start are made by ``_new_year``."""
        scenario = self.scenario
        policy = scenario.policy
        timed: list[Any] = [scenario.followup.capacity, scenario.emergency.units]
        if scenario.homelessness.hospits_capacity is not None:
            timed.append(scenario.homelessness.hospits_capacity)
        timed += [policy.allocation, policy.renewal, policy.after_nonrenewal]
        timed.append(policy.forced_mover_place)
        timed += [grp.approval for grp in scenario.groups.values()]
        for cat in scenario.stock.values():
            timed += [cat.contract_years, cat.renewal]
        times = {t for series in timed for t in series.change_times()}
        times.update(self.builds_at)
        first = math.floor(self.t0)
        return sorted(t for t in times if first < t < self.end and not float(t).is_integer())

    def _dated_change(self, event: Timer) -> None:
        time: float = event.value
        self._set_capacities(time)
        self._set_policy(time)
        self._apply_builds(time)
        self._settle()

    def _set_policy(self, time: float) -> None:
        """Put the policy of ``time`` in force; re-order the lists if the allocation rule
        changed."""
        if self.state.set_policy(self.scenario.policy, time):
            self.lists.rekey()

    def _close_year(self, year: int) -> None:
        now = self.engine.now
        if year < self.scenario.time.start:
            self.recorder.reset(now)
            return
        self.recorder.close_year(year, now, self._stocks(), self.scenario.costs.prices())

    def _stocks(self) -> dict[str, list[float]]:
        """The year-end stocks, as the recorder's flat arrays."""
        state = self.state
        rec = self.recorder
        size = (state.G + 1) * rec.width
        idx = rec.index
        K = state.K
        waiting = [0.0] * size
        transfer = [0.0] * size
        homeless = [0.0] * size
        in_emergency = [0.0] * size
        in_hospits = [0.0] * size
        own_solution = [0.0] * size
        pre_housing = [0.0] * size
        outside = [0.0] * size
        persons = {
            name: [0.0] * size
            for name in (
                "homeless_persons",
                "homeless_waiting_persons",
                "in_emergency_persons",
                "in_hospits_persons",
                "own_solution_persons",
                "homeless_outside_persons",
            )
        }
        for grp in state.groups:
            i = idx(grp.g, K)
            waiting[i] = state.waiting.level[i]
            transfer[i] = state.transfer_waiting[grp.g]
            in_emergency[i] = state.emergency.level[i]
            in_hospits[i] = state.hospits.level[i]
            own_solution[i] = state.own_solution[grp.g]
            pre_housing[i] = state.pre_housing[grp.g]
            outside[i] = state.outside_count(grp.g)
            homeless[i] = in_emergency[i] + in_hospits[i] + own_solution[i]
            g = grp.g
            on_list = state.persons_emergency[g] + state.persons_hospits[g] + state.persons_own[g]
            off_list = state.outside_persons(g)
            persons["in_emergency_persons"][i] = state.persons_emergency[g]
            persons["in_hospits_persons"][i] = state.persons_hospits[g]
            persons["own_solution_persons"][i] = state.persons_own[g]
            persons["homeless_waiting_persons"][i] = on_list
            persons["homeless_outside_persons"][i] = off_list
            persons["homeless_persons"][i] = on_list + off_list
        followup_waiting = [0.0] * size
        for household in self.followup.queue:
            followup_waiting[idx(household.g, household.dwelling.k)] += 1  # type: ignore[union-attr]
        units = list(state.units.level)
        vacant = list(units)
        tenants = state.tenants.level
        for g in range(state.G):
            for k in range(K):
                vacant[idx(state.G, k)] -= tenants[idx(g, k)]
        return {
            **persons,
            "waiting": waiting,
            "transfer_waiting": transfer,
            "homeless_waiting": homeless,
            "in_emergency": in_emergency,
            "in_hospits": in_hospits,
            "own_solution": own_solution,
            "pre_housing": pre_housing,
            "homeless_outside": outside,
            "tenants": list(tenants),
            "followup_active": list(state.followed.level),
            "followup_waiting": followup_waiting,
            "units": units,
            "vacant": vacant,
        }

    def _set_capacities(self, time: float) -> None:
        scenario = self.scenario
        for started in self.followup.set_capacity(int(scenario.followup.capacity.at_time(time))):
            self.tenancies.schedule(started)
        self.shelter.set_capacity(int(scenario.emergency.units.at_time(time)))
        hospits = scenario.homelessness.hospits_capacity
        self.shelter.set_hospits_capacity(math.inf if hospits is None else hospits.at_time(time))

    def _apply_builds(self, time: float) -> None:
        categories = self.state.categories
        for k, units, rooms in self.builds_at.pop(time, []):
            if units >= 0:
                self.stock.add_units(categories[k], units, rooms)
            else:
                self.stock.remove_units(categories[k], -units)
            self._settle()

    # --- arrivals and decisions ---------------------------------------------------

    def _first_application(self, event: Timer) -> None:
        self._next_application(event.value)

    def _application(self, event: Timer) -> None:
        grp: GroupRuntime = event.value
        self._apply(grp)
        self._next_application(grp)

    def _reapply_later(self, household: Household, delay: float) -> None:
        """A homeless household outside the list will apply again after ``delay``."""
        self.engine.call(self._on_reapply_outside, household, delay)

    def _reapply_outside(self, event: Timer) -> None:
        """A homeless household outside the list applies again: approval as for a new
        application of its group (its own draw), then the list, with a new withdrawal
        clock; refused, it is homeless outside the list again."""
        household: Household = event.value
        state = self.state
        g = household.g
        occurrence = household.outside - 1  # the time outside that has ended
        self._applications.count_group(g)
        if household.hashed(OUTSIDE_APPROVAL, occurrence) >= state.groups[g].approval:
            self._refusals.count_group(g)
            state.household_outside(household)
            return
        self._approvals.count_group(g)
        household.homeless_flag = True
        household.withdraw_left = unit_exponential(household.hashed(OUTSIDE_WITHDRAW, occurrence))
        household.withdraw_drawn = True
        household.withdraw_rate = 0.0
        if household.record is not None:
            household.record["exit_time"] = None
            household.record["destination"] = None
        self.lists.join(household, self.engine.now)
        self._settle()

    def _next_application(self, grp: GroupRuntime) -> None:
        """Schedule the group's next application: Poisson with a rate that is constant
        within calendar years (none once the end is passed)."""
        now = self.engine.now
        t = now
        work = self._arrival_streams[grp.g].exponential(1.0)
        rates = self._rates[grp.g]
        first = self._first_year
        end = self.end
        while True:
            year = math.floor(t)
            rate = rates[year - first]
            boundary = year + 1.0
            if rate > 0 and t + work / rate < boundary:
                t += work / rate
                break
            work -= rate * (boundary - t)
            t = boundary
            if t >= end:
                return
        self.engine.call(self._on_application, grp, t - now)

    def _apply(self, grp: GroupRuntime) -> None:
        """An application: approval or refusal, then the waiting list."""
        state = self.state
        self._applications.count_group(grp.g)
        stream = self._household_streams[grp.g]
        block = stream.block()
        if block[0] >= grp.approval:  # APPROVAL.place
            self._refusals.count_group(grp.g)
            homeless = block[4] < grp.homeless_while_waiting  # HOMELESS.place
            refused = None
            if state.track or (homeless and state.outside_reapply > 0.0):
                # a record, and (when it may reapply) the household that can
                refused = state.new_household(grp, block)
            if homeless:  # refused, and without a home
                key_draw = block[23]  # KEY.place
                persons = state.persons_of(grp, key_draw)
                state.homeless_outside(grp.g, key_draw, 0, persons=persons, household=refused)
                if refused is not None:
                    refused.outside += 1
            if refused is not None:
                state.leave(refused, "refused")
            return
        self._approvals.count_group(grp.g)
        household = state.new_household(grp, block)
        self.lists.enter(household, self.engine.now)
        self._settle()


def run_replication(
    scenario: Scenario, replication: int, track_households: bool = False
) -> tuple[list[Row], list[dict[str, Any]]]:
    """Simulate one replication; return its yearly rows and household records."""
    model = HousingModel(scenario, replication, track_households)
    rows = model.run()
    return rows, model.household_records() if track_households else []
