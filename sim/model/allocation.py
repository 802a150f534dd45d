"""Offers: a unit that has become available goes down its list; a household that has just
joined the lists looks at the units available now."""

from __future__ import annotations

from sim.model.entities import Dwelling, Household
from sim.model.shelter import Shelter
from sim.model.state import State
from sim.model.tenancy import Tenancies
from sim.model.waiting import WaitingLists


class Allocation:
    """Offers and their answers: acceptance (move-in) or refusal with its penalty."""

    def __init__(
        self, state: State, lists: WaitingLists, shelter: Shelter, tenancies: Tenancies
    ) -> None:
        self.state = state
        self.engine = state.engine
        self.lists = lists
        self.shelter = shelter
        self.tenancies = tenancies

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
                    state.homeless_outside(
                        household.g,
                        household.u_key,
                        household.outside,
                        persons=household.persons,
                        household=household,
                    )
                    household.outside += 1
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
