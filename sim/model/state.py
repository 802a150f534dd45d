"""The state one replication's parts share: clock, random streams, stock, groups, recorder.

``HousingModel`` (``housing.py``) builds one :class:`State` and the parts that act on it
(``shelter``, ``followup``, ``waiting``, ``stock``, ``tenancy``, ``allocation``). A part
never calls a part above it: what it sets off for others (a unit that falls vacant, a
household that should look at the units available now) goes onto the work lists here,
which ``HousingModel`` drains after every event.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable
from typing import Any, Final

import simpy

from sim.config.schema import NONRENEWAL, Allocation, ForcedMoverPlace, Policy, Scenario
from sim.model.durations import mean, sampler
from sim.model.entities import (
    CategoryRuntime,
    Dwelling,
    GroupRuntime,
    Household,
    cumulative,
)
from sim.model.queues import NATIVE, Timer, timer_pop, timer_push
from sim.model.recorder import Recorder
from sim.model.streams import (
    FOLLOWUP,
    HOMELESS,
    OUTSIDE,
    PERMANENT,
    ROOMS,
    Streams,
    hashed,
    unit_exponential,
)

URGENT: Final = 0
NORMAL: Final = 1
"""simpy's event priorities (``simpy.events.URGENT`` and ``NORMAL``; tested equal), as
constants the compiled engine reads without a lookup."""

INFINITY: Final = float("inf")

SLICES: Final = 512
"""Slices of a year in the event calendar of a municipality of up to ``SLICE_UNITS``
dwellings (a power of two; see :meth:`State.schedule` and :func:`calendar_slices`)."""

SLICE_UNITS: Final = 1024
MAX_SLICES: Final = 65536
SPARE_TIMERS: Final = 4096
"""Fired timers kept for use again (:meth:`State.call`)."""

MAX_CALENDAR: Final = 1 << 22
"""Slices in a whole run beyond which a bigger municipality gets no finer calendar (the
list of slices is 8 bytes a slice: 32 MB)."""


def calendar_slices(units: int, years: float) -> int:
    """Slices of a year in the event calendar of a municipality with ``units`` dwellings,
    simulated for ``years`` (warm-up included): ``SLICES`` up to ``SLICE_UNITS``, twice as
    many for each doubling beyond, so a slice holds about as many events at any size and
    the heap stays as small; at most ``MAX_SLICES``, and no more than ``MAX_CALENDAR`` in
    the whole run unless that is below ``SLICES``. Always a power of two. The order of
    events does not depend on it.

    >>> calendar_slices(827, 20), calendar_slices(8_270, 20), calendar_slices(82_700, 20)
    (512, 8192, 65536)
    >>> calendar_slices(82_700, 200), calendar_slices(100_000, 2_000)
    (16384, 2048)
    """
    slices = SLICES
    capacity = SLICE_UNITS
    while capacity < units and slices < MAX_SLICES and 2 * slices * years <= MAX_CALENDAR:
        slices *= 2
        capacity *= 2
    return slices


class State:
    """What the parts of one replication share."""

    def __init__(self, scenario: Scenario, replication: int, track_households: bool) -> None:
        self.scenario = scenario
        self.replication = replication
        self.track = track_households
        self.streams = Streams(scenario.seed, replication)
        self.t0 = scenario.time.start - scenario.time.warmup_years
        self.end = float(scenario.time.end)
        self.env = simpy.Environment(initial_time=self.t0)
        self.now = self.t0  # the clock, as env.now (read here: a compiled attribute)
        # events from the start of the next slice of the calendar on, by slice (see
        # schedule): slice n is [n / slices, (n + 1) / slices) years; _later[i] holds
        # the last scheduled of slice _first_slice + i, which holds the one before it
        # (Timer.following), and so on
        units = sum(cat.units for cat in scenario.stock.values())
        slices = calendar_slices(units, self.end - self.t0)
        self.slices = slices
        first_slice = math.floor(self.t0 * slices)
        self._first_slice = first_slice
        self._horizon = (first_slice + 1) / slices
        self._later: list[Timer | None] = [None] * (math.ceil(self.end * slices) - first_slice + 1)
        # the heap: timers (compiled; the first _queued of the list, see timer_push) or
        # simpy's (time, priority, id, timer) tuples
        self._queue: list[Any] = []
        self._queued = 0
        self._next_id = 0  # ids in scheduling order, as the environment's _eid counts
        self._spare: list[Timer] = []  # fired timers of call(), the last fired last

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
        pairs = sorted({(grp.g, k) for grp in self.groups for k in grp.eligible + grp.transfer_to})
        self.recorder = Recorder(list(scenario.groups), list(scenario.stock), pairs, self.t0)
        self.K = len(self.categories)
        self.G = len(self.groups)
        rec = self.recorder
        self.flows = rec.flows
        self.tenants = rec.integrals["tenant_years"]
        self.followed = rec.integrals["followup_years"]
        self.units = rec.integrals["unit_years"]
        self.waiting = rec.integrals["waiting_mean"]
        self.hospits = rec.integrals["hospits_nights"]
        self.emergency = rec.integrals["emergency_nights"]

        self.refusal_probability = scenario.refusal.probability
        self.refusal_penalty = scenario.refusal.penalty.value
        self.allocation = scenario.policy.allocation.at_time(self.t0)
        self.set_policy(scenario.policy, self.t0)
        homelessness = scenario.homelessness
        self.hospits_share = homelessness.hospits_share
        stay = homelessness.hospits_stay_days
        self.hospits_stay_years = None if stay is None else mean(stay) / 365.0
        self.hospits_stay = sampler(stay)
        length = scenario.followup.length_years
        self.followup_years = None if length is None else mean(length)
        self.followup_spell = sampler(length)
        self.outside_years = homelessness.outside_years
        # the homeless outside the list, by group: a heap of the times they stop counting
        self.outside: list[list[float]] = [[] for _ in range(self.G)]
        self.own_solution = [0] * self.G
        # P(ownership) of a self-sufficient leaver, by name: never by the mapping's order
        self.exit_bounds = [grp.config.exit_to.get("ownership", 0.0) for grp in self.groups]

        self.transfer_waiting = [0] * self.G
        self.next_household_id = 0
        self.households: list[Household] = []
        self.populating = False
        # work lists: households that have just joined the lists and look at the units
        # available now, and units that have just become available
        self.placing: deque[Household] = deque()
        self.vacancies: deque[Dwelling] = deque()

    def run_until(self, until: float) -> None:
        """Process the events before ``until``, as ``env.run(until=until)`` does, for a
        queue of :class:`Timer` s only: in simpy's order (time, then priority, then the
        order they were scheduled in), stopping where simpy's own stop event would stand
        (at ``until``, urgent, scheduled now: it takes the id that event would take), with
        the clock left at ``until``. One compiled loop instead of a Python call per event;
        the clock is kept here (``now``) and given to the environment when it stops.
        """
        env = self.env
        now = self.now
        stop = now + (until - now)  # as simpy computes the time of its stop event
        stop_id = self._next_id
        self._next_id += 1
        queue = self._queue
        spare = self._spare
        while True:
            queued = self._queued
            if queued:
                timer: Timer = queue[0] if NATIVE else queue[0][3]
                time = timer.time
            if not queued or time >= self._horizon:
                # the events of the next slice join the heap before any of them (or
                # anything later) can be first
                horizon = self._horizon
                if horizon > stop:
                    break
                self._horizon = horizon + 1.0 / self.slices
                index = int(horizon * self.slices) - self._first_slice
                later = self._later[index] if index < len(self._later) else None
                if later is not None:
                    self._later[index] = None
                    while later is not None:
                        following = later.following
                        later.following = None
                        self._push(
                            later if NATIVE else (later.time, later.priority, later.id, later)
                        )
                        later = following
                continue
            if time > stop or (time == stop and (timer.priority != URGENT or timer.id > stop_id)):
                break  # where simpy's stop event would be first
            if NATIVE:
                timer_pop(queue, queued)
            else:
                heapq.heappop(queue)
            self._queued = queued - 1
            self.now = time
            timer.pending = False
            timer.callback(timer)
            if timer.pooled and len(spare) < SPARE_TIMERS:
                timer.value = None
                spare.append(timer)
        self.now = stop
        env._now = stop

    @property
    def processed(self) -> int:
        """Events run so far, as simpy would count them (ids handed out, its stop events'
        included, less the events still queued)."""
        pending = 0
        for later in self._later:
            while later is not None:
                pending += 1
                later = later.following
        return self._next_id - self._queued - pending

    def schedule(self, timer: Timer, priority: int, delay: float) -> None:
        """Queue ``timer`` to fire ``delay`` from now, as ``Environment.schedule`` does (a
        Timer is not a simpy event but has what the loop reads of one).

        Only the events of the current slice of the calendar (``1 / slices`` of a year)
        are kept in the heap; later ones wait in a chain for their slice (``_later``
        holds its last timer, each timer the one before it: ``Timer.following``), which
        joins the heap when the clock reaches it. The heap stays small (and in the
        processor's cache) however many timers run, and the order is the same: every
        event of a later slice comes after every event of this one, and the heap orders
        a slice's events by their keys, whatever order they join it in. A chain, not a
        list a slice: a list would be made when the slice's first timer is scheduled and
        freed when the slice comes, often years later, when it is no longer in the
        processor's cache. ``slices`` is a power of two, so ``time * slices`` is exact
        and a slice's bounds are exact.
        A normal timer due at or after the end is not queued: the run stops there before
        any normal event (so the parts need not check)."""
        time = self.now + delay
        if time >= self.end and priority != URGENT:
            return
        timer.time = time
        timer.priority = priority
        timer.id = self._next_id
        self._next_id += 1
        if not (self._horizon <= time < INFINITY):  # this slice's (or urgent and never)
            self._push(timer if NATIVE else (time, priority, timer.id, timer))
            return
        index = int(time * self.slices) - self._first_slice
        later = self._later
        while index >= len(later):  # (an urgent timer at or after the end)
            later.append(None)
        timer.following = later[index]
        later[index] = timer

    def call(
        self,
        callback: Callable[[Timer], None],
        value: Any,
        delay: float,
        priority: int = NORMAL,
        token: int = 0,
        kind: int = 0,
    ) -> Timer | None:
        """Schedule ``callback(timer)`` ``delay`` from now, with a timer that carries
        ``value``, ``token`` and ``kind`` (see :meth:`schedule`); return the timer, or
        None if it is not queued (a normal timer due at or after the end). The caller
        may hold it until it fires, not after: it is then used again.

        The timer is one that has fired lately, if there is one (else a new one): a new
        timer is freed when it has fired, often years later, when it and its neighbours
        in memory are no longer in the processor's cache; one just fired still is.
        """
        if self.now + delay >= self.end and priority != URGENT:
            return None  # (schedule would not queue it)
        spare = self._spare
        if spare:
            timer = spare.pop()
            timer.callback = callback
            timer.value = value
            timer.token = token
            timer.kind = kind
            timer.pending = True
        else:
            timer = Timer(callback, value, token, kind)
            timer.pooled = True
        self.schedule(timer, priority, delay)
        return timer

    def _push(self, entry: Any) -> None:
        if NATIVE:
            timer_push(self._queue, self._queued, entry)
        else:
            heapq.heappush(self._queue, entry)
        self._queued += 1

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
        self, g: int, key_draw: float, occurrence: int, until: float | None = None
    ) -> None:
        """A household homeless outside the list: counted until ``until`` or, by default,
        for an exponential time with mean ``outside_years`` (its length hashed from the
        household's key draw, ``KEY`` of its block)."""
        now = self.now
        self.recorder.flow("homeless_outside_entries").count_group(g)
        if until is None:
            until = now + self.outside_years * unit_exponential(
                hashed(key_draw, OUTSIDE, occurrence)
            )
        heapq.heappush(self.outside[g], until)

    def outside_count(self, g: int) -> int:
        """The homeless outside the list now (those no longer counted are dropped)."""
        heap = self.outside[g]
        now = self.now
        while heap and heap[0] <= now:
            heapq.heappop(heap)
        return len(heap)

    def new_household(self, grp: GroupRuntime, block: tuple[float, ...]) -> Household:
        """A household with its attributes and clocks read from its block of draws."""
        household = Household(self.next_household_id, grp.g, grp.g * self.recorder.width, block)
        self.next_household_id += 1
        keys = grp.room_keys
        if keys:
            u_rooms = block[ROOMS.place]
            bounds = grp.room_bounds  # as long as keys
            for i in range(len(keys)):
                if u_rooms < bounds[i]:
                    household.rooms = keys[i]
                    break
            else:
                household.rooms = keys[-1]
        household.permanent = block[PERMANENT.place] < grp.permanent_need
        household.needs_followup = block[FOLLOWUP.place] < grp.followup_need
        household.homeless_flag = block[HOMELESS.place] < grp.homeless_while_waiting
        if self.track:
            household.record = {
                "replication": self.replication,
                "household": household.id,
                "group": grp.id,
                "arrival": self.now,
                "approved": True,
                "approval": self.now,
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
            record["exit_time"] = self.now
            record["destination"] = destination
            if destination == "refused":
                record["approved"] = False
                record["approval"] = None

    def note_move(self, household: Household, dwelling: Dwelling, kind: str) -> None:
        if household.record is not None:
            household.record["moves"].append(
                {
                    "time": self.now,
                    "dwelling": dwelling.id,
                    "category": self.categories[dwelling.k].id,
                    "kind": kind,
                }
            )
