"""Homeless households on the list: emergency units (akuttboliger), paid hospits, or their
own solution (friends, family, unpaid)."""

from __future__ import annotations

import math
from typing import Final

from sim.model.engine import NORMAL, Timer
from sim.model.entities import Household
from sim.model.queues import FifoSet
from sim.model.state import State
from sim.model.streams import HOSPITS_STAY, OWN_STAY, SHELTER, SWITCH, SWITCH_STAY, Purpose

EMERGENCY: Final = "emergency"
HOSPITS: Final = "hospits"
OWN: Final = "own"


class Shelter:
    """Where each homeless household on the list stays while it waits.

    A household that becomes homeless on the list takes a free emergency unit; if there
    is none, it goes to hospits with probability ``hospits_share`` (its own draw for
    each decision), else to its own solution. Hospits may be full (``hospits_capacity``):
    then the household is in its own solution and takes the next free place, in turn. A
    hospits stay ends after its drawn length (``hospits_stay_days``), an own-solution
    stay after its own (``own_stay_days``; not while it waits for a hospits place), and
    the household decides again, with a new draw; without ``own_stay_days`` a household
    whose hospits stay ends goes on in its own solution until it is housed. A freed
    emergency unit takes the household that has stayed longest in hospits, else the one
    longest in its own solution.
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
        episode = household.episodes
        household.episodes += 1
        household.stay_from = -1
        if self.in_use < self.capacity:
            self._to_emergency(household)
        else:
            self._decide(household, SHELTER, episode)

    def _decide(self, household: Household, purpose: Purpose, occurrence: int) -> None:
        """Hospits or its own solution, by the household's draw for this decision."""
        share = self.state.hospits_share
        if share >= 1.0 or (
            household.hashed(purpose, occurrence) < share
        ):  # a hashed draw shifts no other draw: it is made only where it decides
            if len(self.hospits_queue) < self.hospits_capacity:
                self._to_hospits(household)
            else:
                self._to_own(household, timed=False)
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

    def _stay_draw(self, household: Household, first: Purpose) -> float:
        """The draw of the length of the stay the household begins: ``first``'s for its
        episode when the stay began at the episode's start, else its decision's."""
        j = household.stay_from
        if j < 0:
            return household.hashed(first, household.episodes - 1)
        return household.hashed(SWITCH_STAY, j)

    def _to_emergency(self, household: Household) -> None:
        state = self.state
        i = household.base + state.K
        state.persons_emergency[household.g] += household.persons
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
        state.persons_hospits[household.g] += household.persons
        state.recorder.flow("hospits_stays").count_group(household.g)
        mean = state.hospits_stay_years
        if mean is not None:
            # the stay's length: the household's own draw for this stay
            u = self._stay_draw(household, HOSPITS_STAY)
            delay = mean * state.hospits_stay.quantile(u)
            self.engine.call(self._on_stay_end, household, delay, NORMAL, household.shelter_epoch)

    def _to_own(self, household: Household, timed: bool = True) -> None:
        """Into its own solution; with ``timed`` (not waiting for hospits) its stay there
        ends after its drawn length (``own_stay_days``)."""
        state = self.state
        household.shelter = OWN
        self.own.append(household)
        state.own_solution[household.g] += 1
        state.persons_own[household.g] += household.persons
        mean = state.own_stay_years
        if timed and mean is not None:
            u = self._stay_draw(household, OWN_STAY)
            delay = mean * state.own_stay.quantile(u)
            self.engine.call(self._on_own_end, household, delay, NORMAL, household.shelter_epoch)

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
        g = household.g
        if shelter == EMERGENCY:
            self.in_use -= 1
            state.emergency.add(i, -1, now)
            state.persons_emergency[g] -= household.persons
        elif shelter == HOSPITS:
            self.hospits_queue.discard(household)
            state.hospits.add(i, -1, now)
            state.persons_hospits[g] -= household.persons
        else:
            self.own.discard(household)
            state.own_solution[g] -= 1
            state.persons_own[g] -= household.persons
            self.wanting.discard(household)
        return shelter

    def _on_stay_end(self, event: Timer) -> None:
        """A hospits stay has reached its length: the household goes on on its own, or
        (with ``own_stay_days``) decides again."""
        household: Household = event.value
        if event.token != household.shelter_epoch or household.shelter != HOSPITS:
            return
        self._take(household)
        if self.state.own_stay_years is None:
            self._to_own(household)
            self.fill_hospits()
        else:  # those who wanted a place take the freed one before it decides again
            self.fill_hospits()
            self._switch(household)

    def _on_own_end(self, event: Timer) -> None:
        """An own-solution stay has reached its length: the household decides again."""
        household: Household = event.value
        if event.token != household.shelter_epoch or household.shelter != OWN:
            return
        self._take(household)
        self._switch(household)

    def _switch(self, household: Household) -> None:
        """A stay has ended: hospits or its own solution next, by a new draw."""
        j = household.switches
        household.switches += 1
        household.stay_from = j
        self._decide(household, SWITCH, j)
