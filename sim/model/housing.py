"""One replication of the housing model (MODEL.md section 2).

``HousingModel(scenario, replication).run()`` simulates the warm-up and the reported
years and returns the replication's tidy yearly rows (and, on request, one record per
household). It is a pure function of the scenario, its seed and the replication index.

Arrivals and the calendar are simpy processes. Timers of single households (tenancy
hazards, contract ends, withdrawal, turnaround) are bare simpy timeouts with a callback:
a household has at most one pending tenancy timer, drawn as the first of its competing
clocks, and a change of state (follow-up starts, self-sufficiency) invalidates it by
bumping the household's ``epoch`` and draws a new one (valid because the clocks are
exponential, hence memoryless).
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import deque
from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import NORMAL, URGENT

from sim.config.schema import AfterNonrenewal, Allocation, Renewal, Scenario
from sim.model.entities import (
    CategoryRuntime,
    Dwelling,
    GroupRuntime,
    Household,
    cumulative,
    room_plan,
)
from sim.model.recorder import Recorder, Row
from sim.model.streams import (
    BLOCK,
    D_APPROVAL,
    D_BREAKDOWN,
    D_CONTRACT_PHASE,
    D_DESTINATION,
    D_FOLLOWUP,
    D_HOMELESS,
    D_LEAVE,
    D_OTHER_EXIT,
    D_PERMANENT,
    D_REAPPLY,
    D_REFUSAL,
    D_RENEWAL,
    D_ROOMS,
    D_SELF_SUFFICIENT,
    D_WITHDRAW,
    Streams,
    hashed_normal,
    hashed_uniform,
    repeated,
    unit_exponential,
)

# tenancy timer kinds: the contract end or the clock that runs out first
CONTRACT_END = 0
BREAKDOWN = 1
OTHER_EXIT = 2
SELF_SUFFICIENT = 3
LEAVE = 4

# purposes of a dwelling's hashed draws
TURNAROUND_DRAW = 1
LOTTERY_DRAW = 2


class Timer:
    """A bare timed callback, lighter than a ``simpy.Timeout``.

    It is queued with the public ``Environment.schedule`` and has what
    ``Environment.step`` reads of an event: ``callbacks`` and ``_ok``.
    """

    __slots__ = ("_ok", "callbacks", "value")

    def __init__(self, callback: Any, value: Any) -> None:
        self.callbacks: list[Any] | None = [callback]
        self.value = value
        self._ok = True


class HousingModel:
    """The model of one replication: environment, stock, waiting lists, services."""

    def __init__(
        self, scenario: Scenario, replication: int = 0, track_households: bool = False
    ) -> None:
        self.scenario = scenario
        self.replication = replication
        self.track = track_households
        self.streams = Streams(scenario.seed, replication)
        self.t0 = scenario.time.start - scenario.time.warmup_years
        self.end = float(scenario.time.end)
        self.env = simpy.Environment(initial_time=self.t0)
        # Timer is not an Event subclass but has what Environment.step reads
        self._schedule: Callable[[Any, int, float], None] = self.env.schedule  # type: ignore[assignment]

        category_index = {cid: k for k, cid in enumerate(scenario.stock)}
        self.categories = [
            CategoryRuntime.build(k, cid, cat, scenario.policy)
            for k, (cid, cat) in enumerate(scenario.stock.items())
        ]
        self.groups = [
            GroupRuntime.build(
                g,
                gid,
                grp,
                category_index,
                scenario.followup.breakdown_factor,
                scenario.followup.self_sufficiency_factor,
            )
            for g, (gid, grp) in enumerate(scenario.groups.items())
        ]
        pairs = sorted({(grp.g, k) for grp in self.groups for k in grp.eligible + grp.transfer_to})
        self.recorder = Recorder(list(scenario.groups), list(scenario.stock), pairs, self.t0)
        self.K = len(self.categories)
        self.G = len(self.groups)
        rec = self.recorder
        self._flows = rec.flows
        self._tenants = rec.integrals["tenant_years"]
        self._followup = rec.integrals["followup_years"]
        self._units = rec.integrals["unit_years"]
        self._waiting = rec.integrals["waiting_mean"]
        self._hospits = rec.integrals["hospits_nights"]
        self._emergency = rec.integrals["emergency_nights"]

        policy = scenario.policy
        self.policy = policy
        self.allocation = policy.allocation
        self.size_match = policy.size_match
        self.max_extra_rooms = policy.max_extra_rooms
        self.refusal_probability = scenario.refusal.probability
        self.refusal_penalty = scenario.refusal.penalty.value
        self.breakdown_factor = scenario.followup.breakdown_factor
        self.self_sufficiency_factor = scenario.followup.self_sufficiency_factor

        self.followup_capacity = 0
        self.followup_active = 0
        self.followup_queue: deque[Household] = deque()
        self.emergency_capacity = 0
        self.emergency_in_use = 0
        self.hospits_queue: deque[Household] = deque()
        self.transfer_waiting = [0] * self.G
        self.next_household_id = 0
        self.households: list[Household] = []
        self._populating = False
        self._max_renewals = scenario.policy.max_renewals
        self._transfer_after_nonrenewal = (
            scenario.policy.after_nonrenewal is AfterNonrenewal.transfer
        )
        self._priorities = [
            float(grp.config.priority) if scenario.policy.allocation is Allocation.priority else 0.0
            for grp in self.groups
        ]
        self.builds_by_year: dict[int, list[tuple[int, int, Any]]] = {}
        for build in scenario.builds:
            k = category_index[build.category]
            for year, units in build.schedule():
                self.builds_by_year.setdefault(year, []).append((k, units, build.rooms))

        # streams used in the hot loop, looked up once; each is consumed by one process
        self._arrival_streams = [self.streams[f"arrivals/{grp.id}"] for grp in self.groups]
        self._household_streams = [self.streams[f"household/{grp.id}"] for grp in self.groups]
        # work lists drained by _settle: households that have just joined the lists and
        # look at the units available now, and units that have just become available
        self._placing: deque[Household] = deque()
        self._vacancies: deque[Dwelling] = deque()
        self._settling = False
        # P(ownership) of a self-sufficient leaver, by name: never by the mapping's order
        self._exit_bounds = [grp.config.exit_to.get("ownership", 0.0) for grp in self.groups]

    # --- running ------------------------------------------------------------------

    def run(self) -> list[Row]:
        """Simulate warm-up and reported years; return the tidy yearly rows."""
        first_year = math.floor(self.t0)
        self._set_capacities(first_year)
        self._populating = True
        self._populate()
        self._populating = False
        self._settle()
        for year in sorted(y for y in self.builds_by_year if y <= first_year):
            self._apply_builds(year)
        for grp in self.groups:
            self.env.process(self._arrivals(grp))
        if math.floor(self.t0) + 1 < self.end:
            self._schedule_new_year(math.floor(self.t0) + 1)
        self.env.run(until=self.end)
        self._close_year(int(self.end) - 1)
        return self.recorder.rows

    def household_records(self) -> list[dict[str, Any]]:
        """One record per household present in the reported years (when tracked)."""
        start = self.scenario.time.start
        out = []
        for household in self.households:
            record = household.record
            if record is None:
                continue
            if record["exit_time"] is not None and record["exit_time"] < start:
                continue
            out.append(record)
        return out

    def _schedule_new_year(self, year: int) -> None:
        # URGENT: at time Y.0 the old year closes before any other event of that instant,
        # so everything that happens at Y.0 counts in year Y
        self._schedule(Timer(self._new_year, year), URGENT, year - self.env.now)

    def _new_year(self, event: Timer) -> None:
        """Close the previous year, then apply the new year's capacities and builds."""
        year: int = event.value
        self._close_year(year - 1)
        self._apply_year(year)
        if year + 1 < self.end:
            self._schedule_new_year(year + 1)
        self._settle()

    def _close_year(self, year: int) -> None:
        now = self.env.now
        if year < self.scenario.time.start:
            self.recorder.reset(now)
            return
        self.recorder.close_year(year, now, self._stocks(), self._prices())

    def _prices(self) -> dict[str, float | None]:
        return dict(self.scenario.costs.model_dump())

    def _stocks(self) -> dict[str, list[float]]:
        rec = self.recorder
        size = (self.G + 1) * rec.width
        idx = rec.index
        K = self.K
        stocks: dict[str, list[float]] = {}
        waiting = [0.0] * size
        transfer = [0.0] * size
        homeless = [0.0] * size
        in_emergency = [0.0] * size
        in_hospits = [0.0] * size
        for grp in self.groups:
            i = idx(grp.g, K)
            waiting[i] = self._waiting.level[i]
            transfer[i] = self.transfer_waiting[grp.g]
            in_emergency[i] = self._emergency.level[i]
            in_hospits[i] = self._hospits.level[i]
            homeless[i] = in_emergency[i] + in_hospits[i]
        followup_waiting = [0.0] * size
        for household in self.followup_queue:
            followup_waiting[idx(household.g, household.dwelling.k)] += 1  # type: ignore[union-attr]
        units = list(self._units.level)
        vacant = list(units)
        tenants = self._tenants.level
        for g in range(self.G):
            for k in range(K):
                vacant[idx(self.G, k)] -= tenants[idx(g, k)]
        stocks.update(
            waiting=waiting,
            transfer_waiting=transfer,
            homeless_waiting=homeless,
            in_emergency=in_emergency,
            in_hospits=in_hospits,
            tenants=list(self._tenants.level),
            followup_active=list(self._followup.level),
            followup_waiting=followup_waiting,
            units=units,
            vacant=vacant,
        )
        return stocks

    def _apply_year(self, year: int) -> None:
        """Capacities of the year and the builds that arrive at its start."""
        self._set_capacities(year)
        self._apply_builds(year)

    def _set_capacities(self, year: int) -> None:
        self.followup_capacity = int(self.scenario.followup.capacity.at_year(year))
        for started in self._fill_followup_slots():
            self._schedule_tenancy(started)
        self.emergency_capacity = int(self.scenario.emergency.units.at_year(year))
        self._fill_emergency_units()

    def _apply_builds(self, year: int) -> None:
        for k, units, rooms in self.builds_by_year.pop(year, []):
            if units >= 0:
                self._add_units(self.categories[k], units, rooms)
            else:
                self._remove_units(self.categories[k], -units)
            self._settle()

    def _settle(self) -> None:
        """Place every household that has just joined the lists, and offer every unit that
        has just become available, until both work lists are empty.

        What an offer sets off (a transfer leaves its old dwelling, a refusal sends a
        household back to the list) joins the end of a work list instead of being handled
        inside the call that caused it, so no call depth grows with the number of
        households. Every event handler calls this last.
        """
        if self._settling:
            return
        self._settling = True
        placing = self._placing
        vacancies = self._vacancies
        while placing or vacancies:
            if placing:
                self._place(placing.popleft())
            else:
                self._allocate_vacancy(vacancies.popleft())
        self._settling = False

    # --- initial state ----------------------------------------------------------

    def _populate(self) -> None:
        """Occupy every unit and put ``initial_waiting`` households on the lists.

        Each category's initial tenants come from its own stream (``initial/<id>``), each
        group's initial list from ``initial-waiting/<id>``: a unit always takes one draw for
        its tenant's group and one block for the tenant, whatever the other settings.
        """
        year = math.floor(self.t0)
        for cat in self.categories:
            self._add_units(cat, cat.config.units, cat.config.rooms, populate=True)
        for cat in self.categories:
            stream = self.streams[f"initial/{cat.id}"]
            candidates = [grp for grp in self.groups if cat.k in grp.eligible]
            weights = [grp.config.applications_per_year.at_year(year) for grp in candidates]
            total = sum(weights)
            if total <= 0:
                continue
            keys, bounds = cumulative({i: w / total for i, w in enumerate(weights)})
            for dwelling in list(cat.available):
                grp = candidates[keys[stream.choice(bounds)]]
                household = self._new_household(grp, stream.block(BLOCK))
                dwelling.available = False
                cat.available.remove(dwelling)
                self._move_in(household, dwelling)
        for grp in self.groups:
            stream = self.streams[f"initial-waiting/{grp.id}"]
            for _ in range(grp.config.initial_waiting):
                household = self._new_household(grp, stream.block(BLOCK))
                self._join_list(household, self.env.now)

    # --- arrivals and decisions ---------------------------------------------------

    def _arrivals(self, grp: GroupRuntime):  # type: ignore[no-untyped-def]
        """Poisson applications with a rate that is constant within calendar years."""
        env = self.env
        stream = self._arrival_streams[grp.g]
        series = grp.config.applications_per_year
        end = self.end
        while True:
            t = env.now
            work = stream.exponential(1.0)
            while True:
                rate = series.at_year(math.floor(t))
                boundary = math.floor(t) + 1.0
                if rate > 0 and t + work / rate < boundary:
                    t += work / rate
                    break
                work -= rate * (boundary - t)
                t = boundary
                if t >= end:
                    return
            yield env.timeout(t - env.now)
            self._apply(grp)

    def _new_household(self, grp: GroupRuntime, draws: list[float]) -> Household:
        """A household with its attributes and clocks read from its block of draws."""
        household = Household(self.next_household_id, grp.g, grp.g * self.recorder.width, draws)
        self.next_household_id += 1
        cfg = grp.config
        if grp.room_keys:
            u_rooms = draws[D_ROOMS]
            for size, bound in zip(grp.room_keys, grp.room_bounds, strict=True):
                if u_rooms < bound:
                    household.rooms = size
                    break
            else:
                household.rooms = grp.room_keys[-1]
        household.permanent = draws[D_PERMANENT] < cfg.permanent_need
        household.needs_followup = draws[D_FOLLOWUP] < cfg.followup_need
        household.homeless_flag = draws[D_HOMELESS] < cfg.homeless_while_waiting
        household.withdraw_left = unit_exponential(draws[D_WITHDRAW])
        household.self_left = unit_exponential(draws[D_SELF_SUFFICIENT])
        household.other_left = unit_exponential(draws[D_OTHER_EXIT])
        household.leave_left = unit_exponential(draws[D_LEAVE])
        household.breakdown_left = unit_exponential(draws[D_BREAKDOWN])
        if self.track:
            household.record = {
                "replication": self.replication,
                "household": household.id,
                "group": grp.id,
                "arrival": self.env.now,
                "approved": True,
                "approval": self.env.now,
                "permanent_need": household.permanent,
                "followup_need": household.needs_followup,
                "moves": [],
                "exit_time": None,
                "destination": None,
            }
            self.households.append(household)
        return household

    def _apply(self, grp: GroupRuntime) -> None:
        """An application: approval or refusal, then the waiting list."""
        flows = self._flows
        i = grp.g * self.recorder.width + self.K
        flows["applications"][i] += 1
        household = self._new_household(grp, self._household_streams[grp.g].block(BLOCK))
        if household.draws[D_APPROVAL] >= grp.config.approval:
            flows["refusals"][i] += 1
            self._exit(household, "refused", None)
            return
        flows["approvals"][i] += 1
        self._join_list(household, self.env.now)
        self._settle()

    # --- waiting list ---------------------------------------------------------------

    def _list_categories(self, household: Household) -> list[int]:
        grp = self.groups[household.g]
        return grp.transfer_to if household.transfer else grp.eligible

    def _join_list(
        self,
        household: Household,
        seniority: float,
        wait_start: float | None = None,
        try_vacant: bool = True,
    ) -> None:
        """Put a household on the lists of its categories.

        ``wait_start`` (default now) is when its wait began. With ``try_vacant`` it joins
        the work list of households that look at the units available now (``_settle``
        takes them in turn); without (it has just refused a unit) it waits at once.
        """
        now = self.env.now
        household.seniority = seniority
        household.wait_start = now if wait_start is None else wait_start
        key = (self._priorities[household.g], seniority, household.id)
        household.list_key = key
        household.on_list = True
        entry = (*key, household)
        categories = self.categories
        for k in self._list_categories(household):
            insort(categories[k].waiting, entry)  # type: ignore[arg-type]
        if household.transfer:
            self.transfer_waiting[household.g] += 1
        else:
            self._waiting.add(household.base + self.K, 1, now)
        if try_vacant:
            self._placing.append(household)
        else:
            self._wait(household)

    def _place(self, household: Household) -> None:
        """A household that has just joined the lists looks at the units available now."""
        if not household.on_list:
            return
        categories = self.categories
        for k in self._list_categories(household):
            for dwelling in categories[k].available:
                if self._fits(household, dwelling):
                    if self._offer(dwelling, household):
                        return
                    if not household.on_list:
                        return
        self._wait(household)

    def _wait(self, household: Household) -> None:
        """Still waiting: the homeless need a bed tonight, and the withdrawal clock runs."""
        if not household.transfer and household.on_list:
            if household.homeless_flag and household.shelter is None:
                self._enter_shelter(household)
            self._start_withdraw_clock(household)

    def _start_withdraw_clock(self, household: Household) -> None:
        """Run the household's withdrawal clock down while it waits (not as a transfer)."""
        if household.withdraw_rate > 0.0:
            return  # already running (it refused an offer and stayed on the list)
        rate = self.groups[household.g].config.withdraw_per_year
        household.waiting_since = self.env.now
        household.withdraw_rate = rate
        household.wait_epoch += 1
        if rate > 0.0:
            self._schedule(
                Timer(self._withdraw, (household, household.wait_epoch)),
                NORMAL,
                household.withdraw_left / rate,
            )

    def _stop_withdraw_clock(self, household: Household) -> None:
        rate = household.withdraw_rate
        if rate > 0.0:
            household.withdraw_left -= rate * (self.env.now - household.waiting_since)
            household.withdraw_rate = 0.0
        household.wait_epoch += 1

    def _leave_list(self, household: Household) -> None:
        if not household.on_list:
            return
        key = household.list_key
        assert key is not None
        for k in self._list_categories(household):
            waiting = self.categories[k].waiting
            index = bisect_left(waiting, key)
            del waiting[index]
        household.on_list = False
        self._stop_withdraw_clock(household)
        if household.transfer:
            self.transfer_waiting[household.g] -= 1
        else:
            self._waiting.add(household.base + self.K, -1, self.env.now)

    def _withdraw(self, event: Timer) -> None:
        household, token = event.value
        if token != household.wait_epoch or not household.on_list:
            return
        self._leave_list(household)
        household.withdraw_left = 0.0
        self._leave_shelter(household)
        self._flows["withdrawals"][household.base + self.K] += 1
        self._exit(household, "withdrawn", None)
        self._settle()

    # --- homelessness while waiting ---------------------------------------------------

    def _enter_shelter(self, household: Household) -> None:
        now = self.env.now
        i = household.base + self.K
        if self.emergency_in_use < self.emergency_capacity:
            self.emergency_in_use += 1
            household.shelter = "emergency"
            self._emergency.add(i, 1, now)
            self._flows["emergency_stays"][i] += 1
        else:
            household.shelter = "hospits"
            self.hospits_queue.append(household)
            self._hospits.add(i, 1, now)
            self._flows["hospits_stays"][i] += 1

    def _leave_shelter(self, household: Household) -> None:
        shelter = household.shelter
        if shelter is None:
            return
        now = self.env.now
        i = household.base + self.K
        household.shelter = None
        if shelter == "emergency":
            self.emergency_in_use -= 1
            self._emergency.add(i, -1, now)
            self._fill_emergency_units()
        else:
            self.hospits_queue.remove(household)
            self._hospits.add(i, -1, now)

    def _fill_emergency_units(self) -> None:
        """Move the longest-staying hospits households into free emergency units."""
        now = self.env.now
        while self.hospits_queue and self.emergency_in_use < self.emergency_capacity:
            household = self.hospits_queue.popleft()
            i = household.base + self.K
            self._hospits.add(i, -1, now)
            self.emergency_in_use += 1
            household.shelter = "emergency"
            self._emergency.add(i, 1, now)
            self._flows["emergency_stays"][i] += 1

    # --- offers and moves ---------------------------------------------------------------

    def _fits(self, household: Household, dwelling: Dwelling) -> bool:
        if not self.size_match or household.rooms is None or dwelling.rooms is None:
            return True
        return household.rooms <= dwelling.rooms <= household.rooms + self.max_extra_rooms

    def _allocate_vacancy(self, dwelling: Dwelling) -> None:
        """A unit is available: offer it down the list until someone accepts."""
        cat = self.categories[dwelling.k]
        skipped: set[int] | None = None
        while True:
            candidate = self._candidate(cat, dwelling, skipped)
            if candidate is None:
                dwelling.available = True
                cat.available.append(dwelling)
                return
            if self._offer(dwelling, candidate):
                return
            if skipped is None:
                skipped = set()
            skipped.add(candidate.id)

    def _candidate(
        self, cat: CategoryRuntime, dwelling: Dwelling, skipped: set[int] | None
    ) -> Household | None:
        """The household first in line for ``dwelling`` (not one that refused it)."""
        waiting = cat.waiting
        if not waiting:
            return None
        if self.allocation is Allocation.lottery:
            fitting = [
                entry[3]
                for entry in waiting
                if (skipped is None or entry[3].id not in skipped)
                and self._fits(entry[3], dwelling)
            ]
            if not fitting:
                return None
            u = hashed_uniform(dwelling.key, LOTTERY_DRAW, dwelling.lotteries)
            dwelling.lotteries += 1
            return fitting[min(int(u * len(fitting)), len(fitting) - 1)]
        rooms = dwelling.rooms
        any_size = rooms is None or not self.size_match
        extra = self.max_extra_rooms
        for entry in waiting:
            household = entry[3]
            if skipped is not None and household.id in skipped:
                continue
            need = household.rooms
            if any_size or need is None or need <= rooms <= need + extra:  # type: ignore[operator]
                return household
        return None

    def _offer(self, dwelling: Dwelling, household: Household) -> bool:
        """Offer a dwelling; True if the household accepted and moved in.

        Every offer takes the household's next refusal draw, whether or not refusal is
        possible, so its later offers meet the same draws under any refusal setting.
        """
        occurrence = household.offers
        household.offers += 1
        if (
            not household.transfer
            and self.refusal_probability > 0.0
            and repeated(household.draws, D_REFUSAL, occurrence) < self.refusal_probability
        ):
            i = household.base + self.K
            self._flows["offer_refusals"][i] += 1
            penalty = self.refusal_penalty
            if penalty == "back_of_queue":
                self._leave_list(household)
                wait_start = household.wait_start
                self._join_list(household, self.env.now, wait_start, try_vacant=False)
            elif penalty == "removed":
                self._leave_list(household)
                self._leave_shelter(household)
                self._flows["removed_after_refusal"][i] += 1
                self._exit(household, "removed_after_refusal", None)
            return False
        if dwelling.available:
            dwelling.available = False
            self.categories[dwelling.k].available.remove(dwelling)
        self._move_in(household, dwelling)
        return True

    def _move_in(self, household: Household, dwelling: Dwelling) -> None:
        now = self.env.now
        k = dwelling.k
        cat = self.categories[k]
        is_transfer = household.transfer
        index = household.base + k
        if household.on_list:
            self._leave_list(household)
        if household.shelter is not None:
            self._leave_shelter(household)
        if is_transfer:
            self._flows["transfers"][index] += 1
            household.transfer = False
            self._vacate(household)
        elif not self._populating:
            self._flows["allocations"][index] += 1
            self.recorder.waits[household.g].append(now - household.wait_start)
        dwelling.tenant = household
        household.dwelling = dwelling
        self._tenants.add(index, 1, now)
        if household.followed:
            self._followup.add(index, 1, now)
        contract = cat.contract_years
        if contract is None or (cat.differentiated and household.permanent):
            household.contract_end = None
        elif self._populating:
            # the initial tenants are somewhere in their contracts: a uniform phase keeps
            # their contract ends from falling due together for ever after
            household.contract_end = now + contract * household.draws[D_CONTRACT_PHASE]
        else:
            household.contract_end = now + contract
        household.renewals = 0
        if (
            household.needs_followup
            and not household.self_sufficient
            and not household.followed
            and not household.in_followup_queue
        ):
            self._request_followup(household)
        if household.record is not None:
            household.record["moves"].append(
                {
                    "time": now,
                    "dwelling": dwelling.id,
                    "category": cat.id,
                    "kind": "transfer" if is_transfer else "allocation",
                }
            )
        self._schedule_tenancy(household)

    def _vacate(self, household: Household) -> None:
        """The household leaves its dwelling, which goes through turnaround.

        Its tenancy clocks stop. A unit with no turnaround becomes available at once: it
        joins the work list that ``_settle`` drains.
        """
        dwelling = household.dwelling
        if dwelling is None:
            return
        now = self.env.now
        self._run_clocks(household)
        household.breakdown_rate = household.other_rate = 0.0
        household.self_rate = household.leave_rate = 0.0
        k = dwelling.k
        household.dwelling = None
        dwelling.tenant = None
        self._tenants.add(household.base + k, -1, now)
        if household.followed:
            self._followup.add(household.base + k, -1, now)
        cat = self.categories[k]
        if cat.pending_removals > 0:
            cat.pending_removals -= 1
            self._drop_unit(cat, dwelling)
            return
        if cat.turnaround_years <= 0:
            self._vacancies.append(dwelling)
            return
        if cat.turnaround_sigma > 0:
            normal = hashed_normal(dwelling.key, TURNAROUND_DRAW, dwelling.turnarounds)
            delay = cat.turnaround_years * math.exp(
                cat.turnaround_sigma * normal - cat.turnaround_shift
            )
        else:
            delay = cat.turnaround_years
        dwelling.turnarounds += 1
        cat.in_turnaround[dwelling] = None
        self._schedule(Timer(self._turnaround_done, dwelling), NORMAL, delay)

    def _turnaround_done(self, event: Timer) -> None:
        dwelling: Dwelling = event.value
        if dwelling.removed:
            return
        del self.categories[dwelling.k].in_turnaround[dwelling]
        self._vacancies.append(dwelling)
        self._settle()

    # --- tenancy -------------------------------------------------------------------

    def _run_clocks(self, household: Household) -> None:
        """Run the household's tenancy clocks down to now at the rates they have run at."""
        now = self.env.now
        elapsed = now - household.clocks_since
        if elapsed > 0.0:
            household.breakdown_left -= household.breakdown_rate * elapsed
            household.other_left -= household.other_rate * elapsed
            household.self_left -= household.self_rate * elapsed
            household.leave_left -= household.leave_rate * elapsed
        household.clocks_since = now

    def _schedule_tenancy(self, household: Household) -> None:
        """Set the clocks' rates for the household's present state and time the first event.

        The clocks run down first at the old rates, so a change of state (follow-up
        starts, self-sufficiency, a move) never redraws them.
        """
        self._run_clocks(household)
        household.epoch += 1
        grp = self.groups[household.g]
        followed = household.followed
        breakdown = grp.breakdown_followed if followed else grp.breakdown
        other = grp.other_exit
        able = household.self_sufficient
        if able or household.permanent:
            becoming = 0.0
        else:
            becoming = grp.self_sufficiency_followed if followed else grp.self_sufficiency_rate
        contract_end = household.contract_end
        transfer = household.transfer
        leave = grp.leave_when_able if able and contract_end is None and not transfer else 0.0
        household.breakdown_rate = breakdown
        household.other_rate = other
        household.self_rate = becoming
        household.leave_rate = leave
        delay = math.inf
        kind = -1
        if breakdown > 0.0:
            delay = max(household.breakdown_left, 0.0) / breakdown
            kind = BREAKDOWN
        if other > 0.0:
            t = max(household.other_left, 0.0) / other
            if t < delay:
                delay, kind = t, OTHER_EXIT
        if becoming > 0.0:
            t = max(household.self_left, 0.0) / becoming
            if t < delay:
                delay, kind = t, SELF_SUFFICIENT
        if leave > 0.0:
            t = max(household.leave_left, 0.0) / leave
            if t < delay:
                delay, kind = t, LEAVE
        now = self.env.now
        if contract_end is not None and not transfer:
            until_end = contract_end - now
            if until_end <= delay:
                delay, kind = max(until_end, 0.0), CONTRACT_END
        if kind < 0 or now + delay >= self.end:
            return
        self._schedule(
            Timer(self._tenancy_event, (household, household.epoch, kind)), NORMAL, delay
        )

    def _tenancy_event(self, event: Timer) -> None:
        household, token, kind = event.value
        if token != household.epoch or household.dwelling is None:
            return
        self._run_clocks(household)
        if kind == CONTRACT_END:
            self._contract_end(household)
        elif kind == BREAKDOWN:
            self._breakdown(household)
        elif kind == OTHER_EXIT:
            self._end_tenancy(household, "exits_other", "other")
        elif kind == SELF_SUFFICIENT:
            self._become_self_sufficient(household)
        else:
            self._leave_to_market(household)
        self._settle()

    def _become_self_sufficient(self, household: Household) -> None:
        household.self_sufficient = True
        self._followup_released(household)
        if household.transfer:
            self._leave_to_market(household)
            return
        self._schedule_tenancy(household)

    def _contract_end(self, household: Household) -> None:
        dwelling = household.dwelling
        assert dwelling is not None
        cat = self.categories[dwelling.k]
        i = household.base + dwelling.k
        self._flows["contract_ends"][i] += 1
        renewal = cat.renewal
        max_renewals = self._max_renewals
        if max_renewals is not None and household.renewals >= max_renewals:
            renewal = Renewal.strict
        # every contract end has its own renewal draw, under any rule (read where needed)
        occurrence = household.renewal_draws
        household.renewal_draws += 1
        if renewal is Renewal.needs_based or renewal is Renewal.differentiated:
            renew = not household.self_sufficient
        elif renewal is Renewal.strict:
            renew = False
        elif renewal is Renewal.always:
            renew = True
        else:  # discretionary
            u = repeated(household.draws, D_RENEWAL, occurrence)
            renew = u < cat.renewal_probability
        if renew:
            household.renewals += 1
            self._flows["renewals"][i] += 1
            household.contract_end = self.env.now + cat.contract_years  # type: ignore[operator]
            self._schedule_tenancy(household)
            return
        if household.self_sufficient:
            self._leave_to_market(household)
            return
        self._forced_move(household)

    def _forced_move(self, household: Household) -> None:
        dwelling = household.dwelling
        assert dwelling is not None
        self._flows["forced_moves"][household.base + dwelling.k] += 1
        if household.record is not None:
            household.record["moves"].append(
                {
                    "time": self.env.now,
                    "dwelling": dwelling.id,
                    "category": self.categories[dwelling.k].id,
                    "kind": "forced_move",
                }
            )
        if self._transfer_after_nonrenewal:
            household.transfer = True
            household.contract_end = None
            household.epoch += 1
            self._join_list(household, household.seniority)
            if household.transfer and household.dwelling is not None:
                self._schedule_tenancy(household)
            return
        self._vacate(household)
        self._followup_released(household)
        household.homeless_flag = True
        self._join_list(household, household.seniority)

    def _breakdown(self, household: Household) -> None:
        dwelling = household.dwelling
        assert dwelling is not None
        i = household.base + dwelling.k
        self._flows["breakdowns"][i] += 1
        if household.on_list:
            self._leave_list(household)
            household.transfer = False
        self._vacate(household)
        self._followup_released(household)
        household.epoch += 1
        # breakdown j uses decision j; the clock of breakdown j + 1 starts full
        draws = household.draws
        occurrence = household.breakdowns
        household.breakdowns += 1
        household.breakdown_left = unit_exponential(
            repeated(draws, D_BREAKDOWN, household.breakdowns)
        )
        share = self.groups[household.g].config.reapply_after_breakdown
        if share > 0.0 and (share >= 1.0 or repeated(draws, D_REAPPLY, occurrence) < share):
            household.homeless_flag = True
            self._join_list(household, self.env.now)
            return
        self._flows["exits_homeless"][i] += 1
        self._exit(household, "homeless", dwelling.k)

    def _leave_to_market(self, household: Household) -> None:
        """A self-sufficient household leaves to ownership or private rental."""
        if household.draws[D_DESTINATION] < self._exit_bounds[household.g]:
            self._end_tenancy(household, "exits_ownership", "ownership")
        else:
            self._end_tenancy(household, "exits_private_rental", "private_rental")

    def _end_tenancy(self, household: Household, metric: str, destination: str) -> None:
        dwelling = household.dwelling
        assert dwelling is not None
        self._flows[metric][household.base + dwelling.k] += 1
        if household.on_list:
            self._leave_list(household)
            household.transfer = False
        self._vacate(household)
        self._followup_released(household)
        household.epoch += 1
        self._exit(household, destination, dwelling.k)

    def _exit(self, household: Household, destination: str, k: int | None) -> None:
        if household.record is not None:
            household.record["exit_time"] = self.env.now
            household.record["destination"] = destination
            if destination == "refused":
                household.record["approved"] = False
                household.record["approval"] = None

    # --- follow-up ----------------------------------------------------------------

    def _request_followup(self, household: Household) -> None:
        if self.followup_active < self.followup_capacity:
            self._start_followup(household)
        else:
            household.in_followup_queue = True
            self.followup_queue.append(household)

    def _start_followup(self, household: Household) -> None:
        dwelling = household.dwelling
        assert dwelling is not None
        household.followed = True
        self.followup_active += 1
        self._followup.add(household.base + dwelling.k, 1, self.env.now)

    def _release_followup(self, household: Household) -> list[Household]:
        """End the household's follow-up; return the households whose follow-up starts."""
        if household.in_followup_queue:
            household.in_followup_queue = False
            self.followup_queue.remove(household)
        if not household.followed:
            return []
        household.followed = False
        self.followup_active -= 1
        if household.dwelling is not None:
            self._followup.add(household.base + household.dwelling.k, -1, self.env.now)
        return self._fill_followup_slots()

    def _fill_followup_slots(self) -> list[Household]:
        """Start follow-up for the queue's head while slots are free; return them."""
        started = []
        while self.followup_queue and self.followup_active < self.followup_capacity:
            household = self.followup_queue.popleft()
            household.in_followup_queue = False
            self._start_followup(household)
            started.append(household)
        return started

    def _followup_released(self, household: Household) -> None:
        """End the household's follow-up; reschedule those whose follow-up starts."""
        for started in self._release_followup(household):
            self._schedule_tenancy(started)

    # --- stock changes -------------------------------------------------------------

    def _add_units(
        self, cat: CategoryRuntime, units: int, rooms: Any, populate: bool = False
    ) -> None:
        now = self.env.now
        plan = room_plan(rooms if rooms is not None else cat.config.rooms, units)
        rec = self.recorder
        for size in plan:
            cat.serial += 1
            key = self.streams.key(f"dwelling/{cat.id}", cat.serial)
            dwelling = Dwelling(f"{cat.id}-{cat.serial}", cat.k, size, key)
            cat.units += 1
            self._units.add(rec.index(self.G, cat.k), 1, now)
            if populate:
                dwelling.available = True
                cat.available.append(dwelling)
            else:
                self._flows["units_built"][rec.index(self.G, cat.k)] += 1
                self._vacancies.append(dwelling)

    def _remove_units(self, cat: CategoryRuntime, units: int) -> None:
        """Remove vacant units (available, then in turnaround), then the next to fall vacant."""
        while units > 0 and cat.available:
            dwelling = cat.available.pop()
            dwelling.available = False
            self._drop_unit(cat, dwelling)
            units -= 1
        while units > 0 and cat.in_turnaround:
            dwelling, _ = cat.in_turnaround.popitem()
            self._drop_unit(cat, dwelling)
            units -= 1
        cat.pending_removals += units

    def _drop_unit(self, cat: CategoryRuntime, dwelling: Dwelling) -> None:
        dwelling.removed = True
        cat.units -= 1
        i = self.recorder.index(self.G, cat.k)
        self._units.add(i, -1, self.env.now)
        self._flows["units_removed"][i] += 1


def run_replication(
    scenario: Scenario, replication: int, track_households: bool = False
) -> tuple[list[Row], list[dict[str, Any]]]:
    """Simulate one replication; return its yearly rows and household records."""
    model = HousingModel(scenario, replication, track_households)
    rows = model.run()
    return rows, model.household_records() if track_households else []
