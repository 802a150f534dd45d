"""The state one replication's parts share: engine, random streams, stock, groups, recorder.

``HousingModel`` (``housing.py``) builds one :class:`State` and the parts that act on it
(``shelter``, ``followup``, ``waiting``, ``stock``, ``tenancy`` with ``departures``,
``allocation``). A part
never calls a part above it: what it sets off for others (a unit that falls vacant, a
household that should look at the units available now) goes onto the work lists here,
which ``HousingModel`` drains after every event.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable

from sim.config.choices import RenewalDecisions
from sim.config.schema import NONRENEWAL, Allocation, ForcedMoverPlace, Policy, Scenario
from sim.model.durations import mean, sampler
from sim.model.engine import INFINITY, Engine, calendar_slices
from sim.model.entities import (
    CategoryRuntime,
    Dwelling,
    GroupRuntime,
    Household,
    cumulative,
)
from sim.model.recorder import Recorder
from sim.model.streams import (
    OUTSIDE,
    OUTSIDE_EXIT,
    PERSONS,
    Streams,
    hashed,
    unit_exponential,
)


class State:
    """What the parts of one replication share: the engine (``engine``: the clock and the
    event queue), the rules in force, the categories and groups, the recorder's arrays
    and the work lists."""

    def __init__(self, scenario: Scenario, replication: int, track_households: bool) -> None:
        self.scenario = scenario
        self.replication = replication
        self.track = track_households
        self.streams = Streams(scenario.seed, replication)
        self.t0 = scenario.time.start - scenario.time.warmup_years
        units = sum(cat.units for cat in scenario.stock.values())
        end = float(scenario.time.end)
        self.engine = Engine(self.t0, end, calendar_slices(units, end - self.t0))
        self._build_parts(scenario)
        self._build_records(scenario)
        self.refusal_probability = scenario.refusal.probability
        self.refusal_penalty = scenario.refusal.penalty.value
        self.allocation = scenario.policy.allocation.at_time(self.t0)
        self.set_policy(scenario.policy, self.t0)
        self._build_homelessness(scenario)
        self.transfer_waiting = [0] * self.G
        self.next_household_id = 0
        self.households: list[Household] = []
        self.populating = False
        # work lists: households that have just joined the lists and look at the units
        # available now, and units that have just become available
        self.placing: deque[Household] = deque()
        self.vacancies: deque[Dwelling] = deque()

    def _build_parts(self, scenario: Scenario) -> None:
        """The categories of dwellings and the groups of households, by index."""
        category_index = {cid: k for k, cid in enumerate(scenario.stock)}
        self.category_index = category_index
        self.categories = [
            CategoryRuntime.build(k, cid, cat, scenario.policy, self.t0)
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
        self.K = len(self.categories)
        self.G = len(self.groups)
        group_index = {gid: g for g, gid in enumerate(scenario.groups)}
        for cat in self.categories:
            latent = cat.config.latent_demand
            if latent is not None:
                cat.latent_g = group_index[latent.group]
                cat.latent_years = latent.delay_days / 365.0

    def _build_records(self, scenario: Scenario) -> None:
        """The recorder and its arrays that the parts add to."""
        pairs = sorted({(grp.g, k) for grp in self.groups for k in grp.eligible + grp.transfer_to})
        self.recorder = Recorder(list(scenario.groups), list(scenario.stock), pairs, self.t0)
        rec = self.recorder
        self.flows = rec.flows
        self.tenants = rec.integrals["tenant_years"]
        self.followed = rec.integrals["followup_years"]
        self.units = rec.integrals["unit_years"]
        self.waiting = rec.integrals["waiting_mean"]
        self.hospits = rec.integrals["hospits_nights"]
        self.emergency = rec.integrals["emergency_nights"]

    def _build_homelessness(self, scenario: Scenario) -> None:
        """Hospits stays, follow-up spells and the homeless outside the lists."""
        homelessness = scenario.homelessness
        self.hospits_share = homelessness.hospits_share
        stay = homelessness.hospits_stay_days
        self.hospits_stay_years = None if stay is None else mean(stay) / 365.0
        self.hospits_stay = sampler(stay)
        length = scenario.followup.length_years
        self.followup_years = None if length is None else mean(length)
        self.followup_spell = sampler(length)
        own = homelessness.own_stay_days
        self.own_stay_years = None if own is None else mean(own) / 365.0
        self.own_stay = sampler(own)
        years = homelessness.outside_years
        self.outside_years = 1.0 if years is None else years
        exits = homelessness.outside_exits
        # the exits from outside the list: their total rate and the cumulative shares of
        # reapplying and being settled (what is left is leaving the municipality)
        self.outside_rate = 0.0
        self.outside_reapply = 0.0
        self.outside_settled = 0.0
        if exits is not None:
            rate = exits.reapply_per_year + exits.settled_per_year + exits.leave_per_year
            self.outside_rate = rate
            self.outside_reapply = exits.reapply_per_year / rate
            self.outside_settled = (exits.reapply_per_year + exits.settled_per_year) / rate
        # the homeless outside the list, by group: a heap of the times they stop counting,
        # each with its number of persons
        self.outside: list[list[tuple[float, int]]] = [[] for _ in range(self.G)]
        self.own_solution = [0] * self.G
        self.pre_housing = [0] * self.G  # households held in a pre-housing stay
        # persons homeless on the list, by group and where they stay
        self.persons_emergency = [0] * self.G
        self.persons_hospits = [0] * self.G
        self.persons_own = [0] * self.G
        # what calls a homeless household outside the list back to apply again
        self.reapply_outside: Callable[[Household, float], None] | None = None
        # P(ownership) of a self-sufficient leaver, by name: never by the mapping's order
        self.exit_bounds = [grp.config.exit_to.get("ownership", 0.0) for grp in self.groups]

    def set_policy(self, policy: Policy, time: float) -> bool:
        """Put in force the allocation and non-renewal rules of ``time``; True if the
        allocation rule changed (the lists then need a new order)."""
        allocation = policy.allocation.at_time(time)
        changed = allocation is not self.allocation
        self.allocation = allocation
        for cat in self.categories:
            cat.set_contracts(policy, time)
        self.size_match = policy.size_match
        self.max_extra_rooms = policy.max_extra_rooms
        self.max_renewals = policy.max_renewals
        self.renewal_decisions_counted = policy.renewal_decisions is RenewalDecisions.counted
        for grp in self.groups:
            grp.approval = grp.config.approval.at_time(time)
        weights = policy.need_weights
        by_need = allocation is Allocation.need
        self.lottery = allocation is Allocation.lottery
        self.need_homeless = weights.homeless if by_need else 0.0
        self.need_years = weights.years_waited if by_need else 0.0
        factor = 1.0 if allocation is Allocation.priority else 0.0
        if by_need:
            factor = weights.priority
        self.priorities = [float(grp.config.priority) * factor for grp in self.groups]
        after = policy.after_nonrenewal.at_time(time)
        shares = {d: after.get(d, 0.0) for d in NONRENEWAL}
        self.nonrenewal_to, self.nonrenewal_bounds = cumulative(shares)
        # the destination when one has all the share ("" when it takes a draw)
        certain = [d for d in NONRENEWAL if shares[d] >= 1.0]
        self.nonrenewal_only = certain[0] if certain else ""
        self.reapply_after_homeless = policy.reapply_after_homeless
        self.reapply_delay = policy.reapply_delay_years
        back = policy.return_from_private
        self.return_probability = back.probability
        self.return_delay = back.delay_years
        self.return_homeless = back.homeless
        place = policy.forced_mover_place.at_time(time)
        self.forced_mover_place = place
        self.forced_first = place is ForcedMoverPlace.priority
        return changed

    def rank(self, household: Household, seniority: float) -> float:
        """The first part of a household's place on the lists (lower is earlier):
        under ``priority`` the group's priority, under ``need`` minus its score without
        the years waited that all share; a forced mover with ``priority`` goes first."""
        if household.first_in_line and self.forced_first:
            return -INFINITY
        rank = self.priorities[household.g]
        if household.homeless_flag:
            rank -= self.need_homeless
        return rank + self.need_years * seniority

    def homeless_outside(
        self,
        g: int,
        key_draw: float,
        occurrence: int,
        until: float | None = None,
        persons: int = 1,
        household: Household | None = None,
    ) -> None:
        """A household homeless outside the list: counted until ``until`` or, by default,
        for an exponential time with mean ``outside_years`` (its length hashed from the
        household's key draw, ``KEY`` of its block) or, with ``outside_exits``, at their
        total rate, after which it reapplies (``household``, which is then needed), is
        settled or leaves (which: its own draw)."""
        now = self.engine.now
        self.recorder.flow("homeless_outside_entries").count_group(g)
        if until is None:
            u = unit_exponential(hashed(key_draw, OUTSIDE, occurrence))
            if self.outside_rate <= 0.0:
                until = now + self.outside_years * u
            else:
                until = now + u / self.outside_rate
                exit_draw = hashed(key_draw, OUTSIDE_EXIT, occurrence)
                reapply = self.reapply_outside
                if exit_draw < self.outside_reapply and reapply is not None:
                    assert household is not None, "a household that reapplies is kept"
                    reapply(household, until - now)
        heapq.heappush(self.outside[g], (until, persons))

    def household_outside(self, household: Household, until: float | None = None) -> None:
        """The household is homeless outside the list (as :meth:`homeless_outside`, with
        its persons, its key draw and its own count of times outside)."""
        self.homeless_outside(
            household.g,
            household.u_key,
            household.outside,
            until=until,
            persons=household.persons,
            household=household,
        )
        household.outside += 1

    def outside_count(self, g: int) -> int:
        """The homeless outside the list now (those no longer counted are dropped)."""
        heap = self.outside[g]
        now = self.engine.now
        while heap and heap[0][0] <= now:
            heapq.heappop(heap)
        return len(heap)

    def outside_persons(self, g: int) -> int:
        """The persons homeless outside the list now."""
        self.outside_count(g)
        return sum(persons for _, persons in self.outside[g])

    def persons_of(self, grp: GroupRuntime, key_draw: float) -> int:
        """A household's number of persons: 1, or drawn from the group's shares."""
        keys = grp.person_keys
        if not keys:
            return 1
        u = hashed(key_draw, PERSONS, 0)
        bounds = grp.person_bounds
        for i in range(len(keys)):
            if u < bounds[i]:
                return keys[i]
        return keys[-1]

    def new_household(self, grp: GroupRuntime, block: tuple[float, ...]) -> Household:
        """A household with its attributes and clocks read from its block of draws."""
        household = Household(self.next_household_id, grp.g, grp.g * self.recorder.width, block)
        self.next_household_id += 1
        keys = grp.room_keys
        if keys:
            u_rooms = block[1]  # ROOMS.place
            bounds = grp.room_bounds  # as long as keys
            for i in range(len(keys)):
                if u_rooms < bounds[i]:
                    household.rooms = keys[i]
                    break
            else:
                household.rooms = keys[-1]
        if grp.person_keys:
            household.persons = self.persons_of(grp, block[23])  # KEY.place
        household.permanent = block[2] < grp.permanent_need  # PERMANENT.place
        household.needs_followup = block[3] < grp.followup_need  # FOLLOWUP.place
        household.homeless_flag = block[4] < grp.homeless_while_waiting  # HOMELESS.place
        if self.track:
            household.record = {
                "replication": self.replication,
                "household": household.id,
                "group": grp.id,
                "arrival": self.engine.now,
                "approved": True,
                "approval": self.engine.now,
                "permanent_need": household.permanent,
                "followup_need": household.needs_followup,
                "moves": [],
                "exit_time": None,
                "destination": None,
            }
            self.households.append(household)
        return household

    def dwelling_key(self, dwelling: Dwelling) -> int:
        """The dwelling's own random key (its category and number), made on first use."""
        if dwelling.key < 0:
            cat = self.categories[dwelling.k]
            dwelling.key = self.streams.key(f"dwelling/{cat.id}", dwelling.serial)
        return dwelling.key

    def leave(self, household: Household, destination: str) -> None:
        """The household leaves the system (to ``destination``), as far as records go."""
        record = household.record
        if record is not None:
            record["exit_time"] = self.engine.now
            record["destination"] = destination
            if destination == "refused":
                record["approved"] = False
                record["approval"] = None

    def note_move(self, household: Household, dwelling: Dwelling, kind: str) -> None:
        if household.record is not None:
            household.record["moves"].append(
                {
                    "time": self.engine.now,
                    "dwelling": dwelling.id,
                    "category": self.categories[dwelling.k].id,
                    "kind": kind,
                }
            )
