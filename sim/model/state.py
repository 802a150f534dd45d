"""The state one replication's parts share: clock, random streams, stock, groups, recorder.

``HousingModel`` (``housing.py``) builds one :class:`State` and the parts that act on it
(``shelter``, ``followup``, ``waiting``, ``stock``, ``tenancy``, ``allocation``). A part
never calls a part above it: what it sets off for others (a unit that falls vacant, a
household that should look at the units available now) goes onto the work lists here,
which ``HousingModel`` drains after every event.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable
from typing import Any

import simpy

from sim.config.schema import AfterNonrenewal, Allocation, Scenario
from sim.model.entities import (
    CategoryRuntime,
    Dwelling,
    GroupRuntime,
    Household,
)
from sim.model.recorder import Recorder
from sim.model.streams import (
    D_FOLLOWUP,
    D_HOMELESS,
    D_PERMANENT,
    D_ROOMS,
    Streams,
)


class Timer:
    """A bare timed callback, lighter than a ``simpy.Timeout``.

    It is queued with ``Environment.schedule`` and has what ``Environment.step`` reads
    of an event: ``callbacks`` and ``_ok``. The model reads the clock as ``env._now``
    (what the ``now`` property returns, without a Python call). Both are simpy 4.1's
    internals, pinned in ``pyproject.toml`` and checked in ``tests/test_engines.py``.
    """

    __slots__ = ("_ok", "callbacks", "value")

    def __init__(self, callback: Any, value: Any) -> None:
        self.callbacks: list[Any] | None = [callback]
        self.value = value
        self._ok = True


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
        # Timer is not an Event subclass but has what Environment.step reads
        self.schedule: Callable[[Any, int, float], None] = self.env.schedule  # type: ignore[assignment]

        category_index = {cid: k for k, cid in enumerate(scenario.stock)}
        self.category_index = category_index
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
        self.flows = rec.flows
        self.tenants = rec.integrals["tenant_years"]
        self.followed = rec.integrals["followup_years"]
        self.units = rec.integrals["unit_years"]
        self.waiting = rec.integrals["waiting_mean"]
        self.hospits = rec.integrals["hospits_nights"]
        self.emergency = rec.integrals["emergency_nights"]

        policy = scenario.policy
        self.allocation = policy.allocation
        self.size_match = policy.size_match
        self.max_extra_rooms = policy.max_extra_rooms
        self.max_renewals = policy.max_renewals
        self.transfer_after_nonrenewal = policy.after_nonrenewal is AfterNonrenewal.transfer
        self.refusal_probability = scenario.refusal.probability
        self.refusal_penalty = scenario.refusal.penalty.value
        self.priorities = [
            float(grp.config.priority) if policy.allocation is Allocation.priority else 0.0
            for grp in self.groups
        ]
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

    def new_household(self, grp: GroupRuntime, draws: array[float]) -> Household:
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
        if self.track:
            household.record = {
                "replication": self.replication,
                "household": household.id,
                "group": grp.id,
                "arrival": self.env._now,
                "approved": True,
                "approval": self.env._now,
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
            record["exit_time"] = self.env._now
            record["destination"] = destination
            if destination == "refused":
                record["approved"] = False
                record["approval"] = None

    def note_move(self, household: Household, dwelling: Dwelling, kind: str) -> None:
        if household.record is not None:
            household.record["moves"].append(
                {
                    "time": self.env._now,
                    "dwelling": dwelling.id,
                    "category": self.categories[dwelling.k].id,
                    "kind": kind,
                }
            )
