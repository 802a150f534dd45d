"""Waiting lists: joining, leaving, the withdrawal clock, and who is first in line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.model.engine import NORMAL
from sim.model.entities import CategoryRuntime, Dwelling, Household
from sim.model.queues import Entry, WaitingList
from sim.model.rules import first_in_line, fits, lottery_index
from sim.model.shelter import Shelter
from sim.model.state import State
from sim.model.streams import LOTTERY, PRE_HOUSING_STAY, hashed_uniform, unit_exponential


class WaitingLists:
    """One list per category, ordered by (group priority, seniority, household id).

    A household is on the lists of every category it is eligible for (or, waiting to be
    transferred, of its ``transfer_to`` categories). Its withdrawal clock runs only while
    it waits as an applicant (not as a transfer); ``on_withdraw`` handles the timer.

    A household of a group with a pre-housing stay (``stay_before_housing_days``) that
    comes to the lists from outside a dwelling (:meth:`enter`) is first *held*: it is on
    the list (counted in ``waiting``, its withdrawal clock running, its seniority set) and
    stays in a shelter, but is on no category's list, so no unit is offered to it, until
    its stay is over (``on_stay_end`` handles that timer); it then takes its place on the
    lists by the seniority it was given, as if it had been passed over meanwhile.
    """

    def __init__(
        self,
        state: State,
        shelter: Shelter,
        on_withdraw: Callable[[Any], None],
        on_stay_end: Callable[[Any], None],
    ) -> None:
        self.state = state
        self.engine = state.engine
        self.shelter = shelter
        self.on_withdraw = on_withdraw
        self.on_stay_end = on_stay_end
        self.withdrawals = state.recorder.flow("withdrawals")
        self.pre_housing_stays = state.recorder.flow("pre_housing_stays")

    def enter(self, household: Household, seniority: float) -> None:
        """A household comes to the lists from outside a dwelling (an approved
        application, a re-entry after a tenancy, a re-join after a breakdown or a
        non-renewal to homelessness): first a pre-housing stay if its group has one, else
        it joins at once. A transfer applicant always joins at once."""
        state = self.state
        grp = state.groups[household.g]
        mean = grp.stay_years
        if mean is None or household.transfer:
            self.join(household, seniority)
            return
        now = self.engine.now
        occurrence = household.stays
        household.stays = occurrence + 1
        household.held = True
        household.homeless_flag = True  # it stays in a shelter: homeless on the list
        household.seniority = seniority
        household.wait_start = now
        state.waiting.add(household.base + state.K, 1, now)
        state.pre_housing[household.g] += 1
        self.pre_housing_stays.count_group(household.g)
        if household.shelter is None:
            self.shelter.enter(household)
        self.start_clock(household)
        # the stay's length: the household's own draw for this stay
        u = household.hashed(PRE_HOUSING_STAY, occurrence)
        delay = mean * grp.stay_spell.quantile(u)
        self.engine.call(self.on_stay_end, household, delay, NORMAL, household.stays)

    def stay_over(self, household: Household, token: int) -> None:
        """A pre-housing stay has reached its length: the household takes its place on
        the lists (by the seniority it was given) and looks at the units available now.
        It keeps its shelter place until it is housed."""
        if token != household.stays or not household.held:
            return
        self._release(household)
        self.join(household, household.seniority, household.wait_start)

    def _release(self, household: Household) -> None:
        """The household is no longer held in a pre-housing stay."""
        state = self.state
        household.held = False
        state.pre_housing[household.g] -= 1
        state.waiting.add(household.base + state.K, -1, self.engine.now)

    def categories_of(self, household: Household) -> list[int]:
        grp = self.state.groups[household.g]
        return grp.transfer_to if household.transfer else grp.eligible

    def join(
        self,
        household: Household,
        seniority: float,
        wait_start: float | None = None,
        try_vacant: bool = True,
    ) -> None:
        """Put a household on the lists of its categories.

        ``wait_start`` (default now) is when its wait began. With ``try_vacant`` it joins
        the work list of households that look at the units available now; without (it
        has just refused a unit) it waits at once.
        """
        state = self.state
        now = self.engine.now
        household.seniority = seniority
        household.wait_start = now if wait_start is None else wait_start
        entry = Entry(state.rank(household, seniority), seniority, household.id, household)
        household.entry = entry
        household.on_list = True
        categories = state.categories
        for k in self.categories_of(household):
            categories[k].waiting.add(entry)
        if household.transfer:
            state.transfer_waiting[household.g] += 1
        else:
            state.waiting.add(household.base + state.K, 1, now)
        if try_vacant:
            state.placing.append(household)
        else:
            self.wait(household)

    def rekey(self) -> None:
        """Put every list in the order of the allocation rule now in force."""
        state = self.state
        members = [cat.waiting.members() for cat in state.categories]
        for entries in members:  # a household on several lists gets one new entry
            for entry in entries:
                household: Household = entry.household
                if household.entry is entry:
                    entry.live = False
                    household.entry = Entry(
                        state.rank(household, household.seniority),
                        household.seniority,
                        household.id,
                        household,
                    )
        for cat, entries in zip(state.categories, members, strict=True):
            cat.waiting = WaitingList(
                sorted((entry.household.entry for entry in entries), key=Entry.key)
            )

    def wait(self, household: Household) -> None:
        """Still waiting: the homeless need a bed tonight, and the withdrawal clock runs."""
        if not household.transfer and household.on_list:
            if household.homeless_flag and household.shelter is None:
                self.shelter.enter(household)
            self.start_clock(household)

    def start_clock(self, household: Household) -> None:
        """Run the household's withdrawal clock down while it waits (not as a transfer)."""
        if household.withdraw_rate > 0.0:
            return  # already running (it refused an offer and stayed on the list)
        state = self.state
        if not household.withdraw_drawn:
            household.withdraw_left = unit_exponential(household.u_withdraw)
            household.withdraw_drawn = True
        rate = state.groups[household.g].withdraw_per_year
        household.waiting_since = self.engine.now
        household.withdraw_rate = rate
        household.wait_epoch += 1
        if rate > 0.0:
            delay = household.withdraw_left / rate
            household.withdraw_timer = self.engine.call(
                self.on_withdraw, household, delay, NORMAL, household.wait_epoch
            )

    def stop_clock(self, household: Household) -> None:
        """Stop the withdrawal clock, and let go of its timer.

        The timer stays queued (taking it out would cost more than it saves) but no
        longer holds the household, which its handler skips (``value`` None). It would
        otherwise fire, often years later, only to find its token stale, and keep a
        household that has left alive until then, to be freed when no longer in the
        processor's cache. Skipping it is what the token check did: results are the same.
        """
        rate = household.withdraw_rate
        if rate > 0.0:
            household.withdraw_left -= rate * (self.engine.now - household.waiting_since)
            household.withdraw_rate = 0.0
        household.wait_epoch += 1
        timer = household.withdraw_timer
        if timer is not None:
            timer.value = None
            household.withdraw_timer = None

    def leave(self, household: Household) -> None:
        if household.held:  # in a pre-housing stay: on no category's list yet
            self._release(household)
            self.stop_clock(household)
            return
        if not household.on_list:
            return
        state = self.state
        entry = household.entry
        assert entry is not None
        entry.live = False
        entry.household = None  # (a dead entry is never read: let the household go)
        household.entry = None
        for k in self.categories_of(household):
            state.categories[k].waiting.discard()
        household.on_list = False
        self.stop_clock(household)
        household.first_in_line = False
        if household.transfer:
            state.transfer_waiting[household.g] -= 1
        else:
            state.waiting.add(household.base + state.K, -1, self.engine.now)

    def withdraw(self, household: Household, token: int) -> None:
        """The withdrawal clock ran out: the household leaves the list (and the system)."""
        if token != household.wait_epoch or not (household.on_list or household.held):
            return
        self.leave(household)
        household.withdraw_left = 0.0
        self.shelter.leave(household)
        state = self.state
        self.withdrawals.count_group(household.g)
        if household.homeless_flag:
            state.household_outside(household)
        state.leave(household, "withdrawn")

    def fits(self, household: Household, dwelling: Dwelling) -> bool:
        state = self.state
        return fits(household.rooms, dwelling.rooms, state.size_match, state.max_extra_rooms)

    def candidate(
        self, cat: CategoryRuntime, dwelling: Dwelling, skipped: set[int] | None
    ) -> Household | None:
        """The household first in line for ``dwelling`` (not one that refused it).

        Under ``lottery`` the dwelling's own next lottery draw picks among those who fit.
        """
        waiting = cat.waiting
        if not waiting.live:
            return None
        state = self.state
        if state.lottery:
            fitting = [
                entry.household
                for entry in waiting.members()
                if (skipped is None or entry.id not in skipped)
                and self.fits(entry.household, dwelling)
            ]
            if not fitting:
                return None
            u = hashed_uniform(state.dwelling_key(dwelling), LOTTERY.place, dwelling.lotteries)
            dwelling.lotteries += 1
            return fitting[lottery_index(len(fitting), u)]
        return first_in_line(
            waiting, dwelling.rooms, state.size_match, state.max_extra_rooms, skipped
        )
