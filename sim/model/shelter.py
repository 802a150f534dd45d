"""Homeless households on the list: municipal emergency units (akuttboliger), then hospits."""

from __future__ import annotations

from collections import deque

from sim.model.entities import Household
from sim.model.state import State


class Shelter:
    """Emergency units while there are free ones; paid hospits for the rest.

    A freed emergency unit takes the household that has stayed longest in hospits.
    """

    def __init__(self, state: State) -> None:
        self.state = state
        self.capacity = 0
        self.in_use = 0
        self.hospits_queue: deque[Household] = deque()

    def enter(self, household: Household) -> None:
        state = self.state
        now = state.env._now
        i = household.base + state.K
        if self.in_use < self.capacity:
            self.in_use += 1
            household.shelter = "emergency"
            state.emergency.add(i, 1, now)
            state.flows["emergency_stays"][i] += 1
        else:
            household.shelter = "hospits"
            self.hospits_queue.append(household)
            state.hospits.add(i, 1, now)
            state.flows["hospits_stays"][i] += 1

    def leave(self, household: Household) -> None:
        shelter = household.shelter
        if shelter is None:
            return
        state = self.state
        now = state.env._now
        i = household.base + state.K
        household.shelter = None
        if shelter == "emergency":
            self.in_use -= 1
            state.emergency.add(i, -1, now)
            self.fill()
        else:
            self.hospits_queue.remove(household)
            state.hospits.add(i, -1, now)

    def set_capacity(self, units: int) -> None:
        self.capacity = units
        self.fill()

    def fill(self) -> None:
        """Move the longest-staying hospits households into free emergency units."""
        state = self.state
        now = state.env._now
        while self.hospits_queue and self.in_use < self.capacity:
            household = self.hospits_queue.popleft()
            i = household.base + state.K
            state.hospits.add(i, -1, now)
            self.in_use += 1
            household.shelter = "emergency"
            state.emergency.add(i, 1, now)
            state.flows["emergency_stays"][i] += 1
