"""Fixture of the unit tests of the model's parts (``tests/test_model_parts_*.py``).

The one place where those tests build a replication's state and its parts, make chosen
households and dwellings, set the clock, read what was scheduled and what was counted.
The tests themselves call the parts and assert on what changed; when the way the state
keeps its clock, its calendar or its households' draws changes, this module is what
follows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from helpers import scenario

from sim.model.allocation import Allocation
from sim.model.engine import NORMAL
from sim.model.entities import CategoryRuntime, Dwelling, GroupRuntime, Household
from sim.model.followup import FollowUp
from sim.model.housing import HousingModel
from sim.model.shelter import Shelter
from sim.model.state import State
from sim.model.stock import Stock
from sim.model.streams import (
    BLOCK,
    BREAKDOWN,
    CONTRACT_PHASE,
    DESTINATION,
    HOSPITS_STAY,
    KEY,
    LEAVE,
    OTHER_EXIT,
    OUTSIDE,
    OUTSIDE_APPROVAL,
    OUTSIDE_EXIT,
    OWN_STAY,
    PERSONS,
    REAPPLY,
    REAPPLY_DELAY,
    REFUSAL,
    RENEWAL,
    SELF_SUFFICIENT,
    SHELTER,
    SWITCH,
    SWITCH_STAY,
    WITHDRAW,
)
from sim.model.tenancy import Tenancies
from sim.model.waiting import WaitingLists

__all__ = ["BASE", "NORMAL", "START", "Parts", "Scheduled", "build"]

START = 2020.0
"""The clock when the parts are built (no warm-up)."""

BASE: dict[str, Any] = {
    "name": "parts",
    "time": {"start": 2020, "years": 10, "warmup_years": 0},
    "replications": 1,
    "seed": 5,
    "stock": {
        "ordinary": {"units": 0, "contract_years": 2},
        "care": {"units": 0},
    },
    "groups": {
        "a": {"applications_per_year": 1, "eligible": ["ordinary"]},
        "b": {"applications_per_year": 1, "eligible": ["ordinary", "care"], "priority": 1},
    },
}
"""Two categories (``ordinary`` with 2-year contracts, ``care`` without), two groups
(``b`` eligible for both and of priority 1); no hazard, no applications are run. Tests
change what they need with dotted keys (``build(**{"policy.renewal": "strict"})``)."""

DRAWS = {
    "withdraw": WITHDRAW.place,
    "self_sufficient": SELF_SUFFICIENT.place,
    "other_exit": OTHER_EXIT.place,
    "leave": LEAVE.place,
    "destination": DESTINATION.place,
    "breakdown": BREAKDOWN.place,
    "breakdown_1": BREAKDOWN.place + 1,
    "reapply": REAPPLY.place,
    "reapply_1": REAPPLY.place + 1,
    "renewal": RENEWAL.place,
    "renewal_1": RENEWAL.place + 1,
    "refusal": REFUSAL.place,
    "refusal_1": REFUSAL.place + 1,
    "contract_phase": CONTRACT_PHASE.place,
    "key": KEY.place,
}
"""A household's draws a test may choose, by purpose (every other draw is 0.5)."""

HASHED = {
    "hospits_stay": HOSPITS_STAY,
    "reapply_delay": REAPPLY_DELAY,
    "shelter": SHELTER,
    "switch": SWITCH,
    "switch_stay": SWITCH_STAY,
    "own_stay": OWN_STAY,
    "persons": PERSONS,
    "outside": OUTSIDE,
    "outside_exit": OUTSIDE_EXIT,
    "outside_approval": OUTSIDE_APPROVAL,
}
"""A household's hashed draws a test may read, by purpose (``Parts.hashed``)."""


@dataclass
class Scheduled:
    """A timer a part asked for: its handler's name, what it carries, when it is due (and
    its priority: every part's timers are normal ones)."""

    handler: str
    value: Any
    time: float
    token: int
    kind: int
    priority: int


@dataclass
class Parts:
    """One replication's state and parts, and the timers scheduled since they were built."""

    model: HousingModel
    state: State
    shelter: Shelter
    followup: FollowUp
    lists: WaitingLists
    stock: Stock
    tenancies: Tenancies
    allocation: Allocation
    seen: dict[int, Scheduled] = field(default_factory=dict)

    @property
    def timers(self) -> list[Scheduled]:
        """The timers queued since the parts were built, in the order they were asked
        for, as far as they were queued when this (or ``timers_of``) was last read:
        what the engine holds now is noted, and what was noted stays."""
        for timer in self.state.engine.pending():
            if timer.id not in self.seen:
                name = getattr(timer.callback, "__name__", repr(timer.callback))
                self.seen[timer.id] = Scheduled(
                    name, timer.value, timer.time, timer.token, timer.kind, timer.priority
                )
        return [self.seen[key] for key in sorted(self.seen)]

    def category(self, name: str) -> CategoryRuntime:
        return self.state.categories[self.state.category_index[name]]

    def group(self, name: str) -> GroupRuntime:
        return next(grp for grp in self.state.groups if grp.id == name)

    @property
    def now(self) -> float:
        return self.state.engine.now

    def at(self, time: float) -> None:
        """Set the clock (nothing runs in between)."""
        self.state.engine.now = time

    def run_until(self, time: float) -> None:
        """Run the scheduled timers due before ``time`` (each handler settles after it);
        the timers queued before are noted first."""
        self.timers  # noqa: B018 (noted before they fire)
        self.state.engine.run_until(time)

    def settle(self) -> None:
        """Place the households that have joined the lists and let the units that have
        become available, as after every event."""
        self.model._settle()

    def timers_of(self, handler: str) -> list[Scheduled]:
        return [t for t in self.timers if t.handler == handler]

    def counted(self, metric: str, group: str | None = None) -> float:
        """A flow counted so far (all cells, or one group's)."""
        values = self.state.flows[metric]
        if group is None:
            return sum(values)
        g = self.group(group).g
        width = self.state.recorder.width
        return sum(values[g * width : (g + 1) * width])

    def level(self, integral: str) -> float:
        """The present level of a time integral (``tenants``, ``waiting``, ``emergency``,
        ``hospits``, ``units``, ``followed``), all cells."""
        return sum(getattr(self.state, integral).level)

    def waiting(self, category: str) -> list[Household]:
        """The households on a category's list, in its order."""
        return [entry.household for entry in self.category(category).waiting.members()]

    def placing(self) -> list[Household]:
        return list(self.state.placing)

    def vacancies(self) -> list[Dwelling]:
        return list(self.state.vacancies)

    def outside(self, group: str) -> int:
        """The homeless outside the list of a group now."""
        return self.state.outside_count(self.group(group).g)

    def dwellings(self, category: str, units: int, rooms: Any = None) -> list[Dwelling]:
        """``units`` new dwellings of a category, available now."""
        cat = self.category(category)
        before = len(cat.available)
        self.stock.add_units(cat, units, rooms, populate=True)
        return cat.available[before:]

    def household(
        self, group: str = "a", draws: dict[str, float] | None = None, **chosen: Any
    ) -> Household:
        """A new household of a group with chosen draws (by purpose, ``DRAWS``) and
        attributes (``rooms``, ``permanent``, ``needs_followup``, ``homeless_flag``, ...)."""
        block = [0.5] * BLOCK
        for name, value in (draws or {}).items():
            block[DRAWS[name]] = value
        household = self.state.new_household(self.group(group), tuple(block))
        for name, value in chosen.items():
            assert hasattr(household, name), name
            setattr(household, name, value)
        return household

    def hashed(self, household: Household, purpose: str, occurrence: int) -> float:
        """Occurrence ``occurrence`` (from 0) of a household's hashed draw (``HASHED``)."""
        return household.hashed(HASHED[purpose], occurrence)

    def housed(self, household: Household, dwelling: Dwelling) -> None:
        """Move a household into an available dwelling (as an accepted offer does)."""
        self.take(dwelling)
        self.tenancies.move_in(household, dwelling)

    def take(self, dwelling: Dwelling) -> None:
        """Take a dwelling off its category's available units (as if let elsewhere)."""
        if dwelling.available:
            dwelling.available = False
            self.state.categories[dwelling.k].available.remove(dwelling)

    def joined(self, household: Household, seniority: float | None = None) -> None:
        """Put a household on its lists, waiting (not looking at the units available)."""
        self.lists.join(household, self.now if seniority is None else seniority, try_vacant=False)


def build(*, track: bool = False, **changes: Any) -> Parts:
    """The state and parts of ``BASE`` with dotted-key changes, at ``START``, with the
    capacities of the first year set; the timers queued are read in ``timers``.
    With ``track``, each household made keeps its record (``household.record``)."""
    model = HousingModel(scenario(BASE, **changes), track_households=track)
    state = model.state
    parts = Parts(
        model,
        state,
        model.shelter,
        model.followup,
        model.lists,
        model.stock,
        model.tenancies,
        model.allocation,
    )
    model._set_capacities(state.t0)
    return parts
