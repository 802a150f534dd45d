"""Offers: a unit that has become available goes down its list; a household that has just
joined the lists looks at the units available now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.model.engine import NORMAL
from sim.model.entities import Dwelling, Household
from sim.model.shelter import Shelter
from sim.model.state import State
from sim.model.tenancy import Tenancies
from sim.model.waiting import WaitingLists


class Allocation:
    """Offers and their answers: acceptance (move-in) or refusal with its penalty."""

    def __init__(
        self,
        state: State,
        lists: WaitingLists,
        shelter: Shelter,
        tenancies: Tenancies,
        on_latent: Callable[[Any], None] | None = None,
    ) -> None:
        self.state = state
        self.engine = state.engine
        self.lists = lists
        self.shelter = shelter
        self.tenancies = tenancies
        self.on_latent = on_latent  # the handler of a latent application's timer

    def offer(self, dwelling: Dwelling, household: Household) -> bool:
        """Offer a dwelling; True if the household accepted and moved in.

        Every offer takes the household's next refusal draw, whether or not refusal is
        possible, so its later offers meet the same draws under any refusal setting.
        """
        state = self.state
        occurrence = household.offers
        household.offers += 1
        probability = state.refusal_probability
        if (
            not household.transfer
            and probability > 0.0
            and household.refusal_draw(occurrence) < probability
        ):
            state.recorder.flow("offer_refusals").count_group(household.g)
            penalty = state.refusal_penalty
            if penalty == "back_of_queue":
                self.lists.leave(household)
                wait_start = household.wait_start
                self.lists.join(household, self.engine.now, wait_start, try_vacant=False)
            elif penalty == "removed":
                self.lists.leave(household)
                self.shelter.leave(household)
                state.recorder.flow("removed_after_refusal").count_group(household.g)
                if household.homeless_flag:
                    state.household_outside(household)
                state.leave(household, "removed_after_refusal")
            return False
        if dwelling.available:
            dwelling.available = False
            state.categories[dwelling.k].available.remove(dwelling)
        self.tenancies.move_in(household, dwelling)
        return True

    def let(self, dwelling: Dwelling) -> None:
        """A unit is available: offer it down the list until someone accepts."""
        cat = self.state.categories[dwelling.k]
        skipped: set[int] | None = None
        while True:
            candidate = self.lists.candidate(cat, dwelling, skipped)
            if candidate is None:
                dwelling.available = True
                cat.available.append(dwelling)
                if cat.latent_g >= 0:
                    self.call_latent(dwelling)
                return
            if self.offer(dwelling, candidate):
                return
            if skipped is None:
                skipped = set()
            skipped.add(candidate.id)

    def place(self, household: Household) -> None:
        """A household that has just joined the lists looks at the units available now."""
        if not household.on_list:
            return
        lists = self.lists
        categories = self.state.categories
        for k in lists.categories_of(household):
            for dwelling in categories[k].available:
                if lists.fits(household, dwelling):
                    if self.offer(dwelling, household):
                        return
                    if not household.on_list:
                        return
        if household.transfer and household.dwelling is not None:
            self.tenancies.schedule(household)  # waits in its dwelling, clocks running
        lists.wait(household)

    # --- need beyond the list (``stock.<id>.latent_demand``) -------------------------

    def call_latent(self, dwelling: Dwelling) -> None:
        """A unit ready to let finds no one on the list: a household in need of it, not
        on the list, applies after a delay (the category's own stream, in event order)."""
        cat = self.state.categories[dwelling.k]
        if self.on_latent is None:
            return
        dwelling.latent += 1
        delay = cat.latent_years * self.state.streams[f"latent/{cat.id}"].exponential(1.0)
        self.engine.call(self.on_latent, dwelling, delay, NORMAL, dwelling.latent)

    def latent_application(self, dwelling: Dwelling, token: int) -> bool:
        """The latent application called forth by ``dwelling`` (if it is still free and
        this is its latest call): a household of the category's group, approved, whose
        room need is the unit's size, joins the lists. True if one applied."""
        if token != dwelling.latent or not dwelling.available or dwelling.removed:
            return False
        state = self.state
        cat = state.categories[dwelling.k]
        grp = state.groups[cat.latent_g]
        block = state.streams[f"latent-household/{cat.id}"].block()
        household = state.new_household(grp, block)
        if dwelling.rooms is not None:
            household.rooms = dwelling.rooms
        state.recorder.flow("latent_applications").count_group(grp.g)
        self.lists.join(household, self.engine.now)
        return True
