"""The stock: units added and removed, and what a unit goes through when it falls vacant."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from sim.model.entities import CategoryRuntime, Dwelling, room_plan
from sim.model.rules import turnaround_delay
from sim.model.state import State
from sim.model.streams import TURNAROUND, hashed_normal

TURNAROUND_NORMALS: Final = 32
"""Turnaround draws a dwelling takes from its category's stream when it is made."""


class Stock:
    """Dwellings by category. A vacated unit goes through its turnaround (``død tid``),
    then onto the work list of units to offer; ``on_turnaround_done`` handles the timer."""

    def __init__(self, state: State, on_turnaround_done: Callable[[Any], None]) -> None:
        self.state = state
        self.engine = state.engine
        self.on_turnaround_done = on_turnaround_done

    def add_units(
        self, cat: CategoryRuntime, units: int, rooms: Any, populate: bool = False
    ) -> None:
        """``units`` new dwellings; available at once (``populate``: for the first tenants)."""
        state = self.state
        now = self.engine.now
        plan = room_plan(rooms if rooms is not None else cat.config.rooms, units)
        i = state.recorder.index(state.G, cat.k)
        # each new unit's first turnaround draws, in the order the units are made
        normals = state.streams[f"turnaround/{cat.id}"].normals(TURNAROUND_NORMALS * len(plan))
        for number, size in enumerate(plan):
            cat.serial += 1
            first = number * TURNAROUND_NORMALS
            own = normals[first : first + TURNAROUND_NORMALS]
            dwelling = Dwelling(f"{cat.id}-{cat.serial}", cat.k, cat.serial, size, own)
            cat.units += 1
            state.units.add(i, 1, now)
            if populate:
                dwelling.available = True
                cat.available.append(dwelling)
            else:
                state.recorder.flow("units_built").count_category(cat.k)
                state.vacancies.append(dwelling)

    def remove_units(self, cat: CategoryRuntime, units: int) -> None:
        """Remove vacant units (available, then in turnaround), then the next to fall vacant."""
        while units > 0 and cat.available:
            dwelling = cat.available.pop()
            dwelling.available = False
            self.drop(cat, dwelling)
            units -= 1
        while units > 0 and cat.in_turnaround:
            dwelling, _ = cat.in_turnaround.popitem()
            self.drop(cat, dwelling)
            units -= 1
        cat.pending_removals += units

    def drop(self, cat: CategoryRuntime, dwelling: Dwelling) -> None:
        state = self.state
        dwelling.removed = True
        cat.units -= 1
        i = state.recorder.index(state.G, cat.k)
        state.units.add(i, -1, self.engine.now)
        state.recorder.flow("units_removed").count_category(cat.k)

    def vacated(self, dwelling: Dwelling) -> None:
        """The tenant has left: remove the unit, or start its turnaround, or offer it now."""
        state = self.state
        cat = state.categories[dwelling.k]
        if cat.pending_removals > 0:
            cat.pending_removals -= 1
            self.drop(cat, dwelling)
            return
        if cat.turnaround_years <= 0:
            state.vacancies.append(dwelling)
            return
        # turnaround j of a dwelling has its own draw (read only where the delay varies)
        sigma = cat.turnaround_sigma
        j = dwelling.turnarounds
        if sigma <= 0.0:
            normal = 0.0
        elif j < TURNAROUND_NORMALS:
            normal = dwelling.normals[j]
        else:
            normal = hashed_normal(state.dwelling_key(dwelling), TURNAROUND.place, j)
        delay = turnaround_delay(cat.turnaround_years, sigma, cat.turnaround_shift, normal)
        dwelling.turnarounds += 1
        cat.in_turnaround[dwelling] = None
        self.engine.call(self.on_turnaround_done, dwelling, delay)

    def turnaround_done(self, dwelling: Dwelling) -> None:
        if dwelling.removed:
            return
        del self.state.categories[dwelling.k].in_turnaround[dwelling]
        self.state.vacancies.append(dwelling)
