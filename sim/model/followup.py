"""Follow-up services (bo-oppfølging): slots held by tenants, and a first-come queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.model.engine import NORMAL
from sim.model.entities import Household
from sim.model.queues import FifoSet
from sim.model.state import State
from sim.model.streams import FOLLOWUP_LENGTH


class FollowUp:
    """A tenant who needs follow-up takes a free slot at move-in or waits in the queue.
    A spell lasts until the tenant is self-sufficient or leaves or, with
    ``followup.length_years``, until its drawn length (``on_end`` handles that timer).

    Starting follow-up changes a tenant's hazards, so the methods that may start it return
    the households whose follow-up started: the caller sets their clocks anew.
    """

    def __init__(self, state: State, on_end: Callable[[Any], None]) -> None:
        self.state = state
        self.engine = state.engine
        self.on_end = on_end
        self.capacity = 0
        self.active = 0
        self.queue: FifoSet[Household] = FifoSet()

    def request(self, household: Household) -> None:
        if self.active < self.capacity:
            self.start(household)
        else:
            household.in_followup_queue = True
            self.queue.append(household)

    def start(self, household: Household) -> None:
        dwelling = household.dwelling
        assert dwelling is not None
        state = self.state
        household.followed = True
        household.followups += 1
        self.active += 1
        now = self.engine.now
        state.followed.add(household.base + dwelling.k, 1, now)
        length = state.followup_years
        if length is not None:  # the spell's length: the household's own draw for it
            u = household.hashed(FOLLOWUP_LENGTH, household.followups - 1)
            delay = length * state.followup_spell.quantile(u)
            self.engine.call(self.on_end, household, delay, NORMAL, household.followups)

    def release(self, household: Household) -> list[Household]:
        """End the household's follow-up (or its place in the queue); return who starts."""
        if household.in_followup_queue:
            household.in_followup_queue = False
            self.queue.discard(household)
        if not household.followed:
            return []
        household.followed = False
        self.active -= 1
        if household.dwelling is not None:
            self.state.followed.add(household.base + household.dwelling.k, -1, self.engine.now)
        return self.fill()

    def set_capacity(self, slots: int) -> list[Household]:
        self.capacity = slots
        return self.fill()

    def fill(self) -> list[Household]:
        """Start follow-up for the queue's head while slots are free; return them."""
        started = []
        while self.queue and self.active < self.capacity:
            household = self.queue.popleft()
            household.in_followup_queue = False
            self.start(household)
            started.append(household)
        return started
