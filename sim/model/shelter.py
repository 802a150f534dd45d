"""Homeless households on the list: emergency units (akuttboliger), paid hospits, or their
own solution (friends, family, unpaid)."""

from __future__ import annotations

import math
from typing import Final

from sim.model.engine import NORMAL, Timer
from sim.model.entities import Household
from sim.model.queues import FifoSet
from sim.model.state import State
from sim.model.streams import HOSPITS_STAY, SHELTER

EMERGENCY: Final = "emergency"
HOSPITS: Final = "hospits"
OWN: Final = "own"


class Shelter:
    """Where each homeless household on the list stays while it waits.

    A household that becomes homeless on the list takes a free emergency unit; if there
    is none, it goes to hospits with probability ``hospits_share`` (its own draw for
    each episode), else to its own solution. Hospits may be full (``hospits_capacity``):
    then the household is in its own solution and takes the next free place, in turn. A
    hospits stay ends after its drawn length (``hospits_stay_days``), and the household
    goes on in its own solution. A freed emergency unit takes the household that has
    stayed longest in hospits, else the one longest in its own solution.
    """

    def __init__(self, state: State) -> None:
        self.state = state
        self.engine = state.engine
        self.capacity = 0
        self.in_use = 0
        self.hospits_capacity = math.inf
        self.hospits_queue: FifoSet[Household] = FifoSet()  # in hospits, longest first
        self.own: FifoSet[Household] = FifoSet()  # in their own solution, longest first
        self.wanting: FifoSet[Household] = FifoSet()  # own solution while hospits is full

    def enter(self, household: Household) -> None:
        """A homeless household on the list needs somewhere to stay tonight."""
        state = self.state
        episode = household.episodes
        household.episodes += 1
        if self.in_use < self.capacity:
            self._to_emergency(household)
        elif state.hospits_share >= 1.0 or (
            household.hashed(SHELTER, episode) < state.hospits_share
        ):  # a hashed draw shifts no other draw: it is made only where it decides
            if len(self.hospits_queue) < self.hospits_capacity:
                self._to_hospits(household)
            else:
                self._to_own(household)
                self.wanting.append(household)
        else:
            self._to_own(household)

    def leave(self, household: Household) -> None:
        """The household is no longer homeless on the list (housed or gone)."""
        shelter = self._take(household)
        if shelter == EMERGENCY:
            self.fill()
        elif shelter == HOSPITS:
            self.fill_hospits()

    def set_capacity(self, units: int) -> None:
        self.capacity = units
        self.fill()

    def set_hospits_capacity(self, places: float) -> None:
        self.hospits_capacity = places
        self.fill_hospits()

    def fill(self) -> None:
        """Move the longest-staying hospits, then own-solution households into free
        emergency units."""
        while self.in_use < self.capacity:
            if self.hospits_queue:
                household = self.hospits_queue.first()
            elif self.own:
                household = self.own.first()
            else:
                return
            shelter = self._take(household)
            self._to_emergency(household)
            if shelter == HOSPITS:
                self.fill_hospits()

    def fill_hospits(self) -> None:
        """Give free hospits places to those who wanted one, in turn."""
        while self.wanting and len(self.hospits_queue) < self.hospits_capacity:
            household = self.wanting.popleft()
            self._take(household)
            self._to_hospits(household)

    # --- one household's moves ------------------------------------------------------

    def _to_emergency(self, household: Household) -> None:
        state = self.state
        i = household.base + state.K
        self.in_use += 1
        household.shelter = EMERGENCY
        state.emergency.add(i, 1, self.engine.now)
        state.recorder.flow("emergency_stays").count_group(household.g)

    def _to_hospits(self, household: Household) -> None:
        state = self.state
        now = self.engine.now
        i = household.base + state.K
        household.shelter = HOSPITS
        self.hospits_queue.append(household)
        state.hospits.add(i, 1, now)
        state.recorder.flow("hospits_stays").count_group(household.g)
        mean = state.hospits_stay_years
        if mean is not None:
            # the stay's length: the household's own draw for this episode
            u = household.hashed(HOSPITS_STAY, household.episodes - 1)
            delay = mean * state.hospits_stay.quantile(u)
            self.engine.call(self._on_stay_end, household, delay, NORMAL, household.shelter_epoch)

    def _to_own(self, household: Household) -> None:
        household.shelter = OWN
        self.own.append(household)
        self.state.own_solution[household.g] += 1

    def _take(self, household: Household) -> str | None:
        """Take the household out of where it stays; return where that was."""
        shelter = household.shelter
        if shelter is None:
            return None
        state = self.state
        now = self.engine.now
        i = household.base + state.K
        household.shelter = None
        household.shelter_epoch += 1
        if shelter == EMERGENCY:
            self.in_use -= 1
            state.emergency.add(i, -1, now)
        elif shelter == HOSPITS:
            self.hospits_queue.discard(household)
            state.hospits.add(i, -1, now)
        else:
            self.own.discard(household)
            state.own_solution[household.g] -= 1
            self.wanting.discard(household)
        return shelter

    def _on_stay_end(self, event: Timer) -> None:
        """A hospits stay has reached its length: the household goes on on its own."""
        household: Household = event.value
        if event.token != household.shelter_epoch or household.shelter != HOSPITS:
            return
        self._take(household)
        self._to_own(household)
        self.fill_hospits()
