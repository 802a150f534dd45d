"""Follow-up services (bo-oppfølging): slots held by tenants, and a first-come queue."""

from __future__ import annotations

from collections import deque

from sim.model.entities import Household
from sim.model.state import State


class FollowUp:
    """A tenant who needs follow-up takes a free slot at move-in or waits in the queue.

    Starting follow-up changes a tenant's hazards, so the methods that may start it return
    the households whose follow-up started: the caller sets their clocks anew.
    """

    def __init__(self, state: State) -> None:
        self.state = state
        self.capacity = 0
        self.active = 0
        self.queue: deque[Household] = deque()

    def request(self, household: Household) -> None:
        if self.active < self.capacity:
            self.start(household)
        else:
            household.in_followup_queue = True
            self.queue.append(household)

    def start(self, household: Household) -> None:
        dwelling = household.dwelling
        assert dwelling is not None
        household.followed = True
        self.active += 1
        self.state.followed.add(household.base + dwelling.k, 1, self.state.env._now)

    def release(self, household: Household) -> list[Household]:
        """End the household's follow-up (or its place in the queue); return who starts."""
        if household.in_followup_queue:
            household.in_followup_queue = False
            self.queue.remove(household)
        if not household.followed:
            return []
        household.followed = False
        self.active -= 1
        if household.dwelling is not None:
            self.state.followed.add(household.base + household.dwelling.k, -1, self.state.env._now)
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
