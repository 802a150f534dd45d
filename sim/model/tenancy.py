"""Tenancies: moving in and out, the tenancy clocks, contract ends and renewal; the paths
by which a tenancy ends (forced moves, breakdowns, other exits, leaving) are
:class:`~sim.model.departures.Departures`, which :class:`Tenancies` extends.

A tenant's hazards are clocks (``Household``'s docstring): breakdown, other exit,
self-sufficiency and leaving when able run down at their rates while the household is
housed; the first to run out, or the contract end if earlier, is its next event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.model.departures import Departures
from sim.model.engine import INFINITY, NORMAL
from sim.model.entities import Dwelling, Household
from sim.model.followup import FollowUp
from sim.model.rules import (
    BREAKDOWN,
    CONTRACT_END,
    DIFFERENTIATED,
    DISCRETIONARY,
    LEAVE,
    NOTHING,
    OTHER_EXIT,
    REAPPLY,
    REENTER,
    RETURN,
    SELF_SUFFICIENT,
    STRICT,
    first_event,
    judged,
    renew,
)
from sim.model.shelter import Shelter
from sim.model.state import State
from sim.model.stock import Stock
from sim.model.streams import TENANCY, unit_exponential
from sim.model.waiting import WaitingLists


class Tenancies(Departures):
    """What happens to a household while it holds a dwelling; ``on_event`` handles timers.
    The paths out of a tenancy are inherited from :class:`Departures`."""

    def __init__(
        self,
        state: State,
        lists: WaitingLists,
        shelter: Shelter,
        followup: FollowUp,
        stock: Stock,
        on_event: Callable[[Any], None],
    ) -> None:
        super().__init__(state, lists, followup, stock, on_event)
        self.shelter = shelter
        record = state.recorder  # the flows it counts at every move and contract end
        self.transfers = record.flow("transfers")
        self.allocations = record.flow("allocations")
        self.allocations_persons = record.flow("allocations_persons")
        self.first_allocations = record.flow("first_allocations")
        self.rehousings = record.flow("rehousings")
        self.contract_ends = record.flow("contract_ends")
        self.renewals = record.flow("renewals")
        self.renewal_decisions = record.flow("renewal_decisions")
        # under ``policy.renewal_decisions: counted`` a renewal decision is also an
        # application, approved if renewed and refused if not
        self.applications = record.flow("applications")
        self.approvals = record.flow("approvals")
        self.refusals = record.flow("refusals")

    # --- moving in and out -----------------------------------------------------------

    def move_in(self, household: Household, dwelling: Dwelling) -> None:
        state = self.state
        now = self.engine.now
        k = dwelling.k
        cat = state.categories[k]
        is_transfer = household.transfer
        index = household.base + k
        if household.on_list:
            self.lists.leave(household)
        if household.shelter is not None:
            self.shelter.leave(household)
        if is_transfer:
            self.transfers.count(household, dwelling)
            household.transfer = False
            self.vacate(household)
        elif not state.populating:
            self.allocations.count(household, dwelling)
            self.allocations_persons.add(household, dwelling, float(household.persons))
            if household.housed_before:
                self.rehousings.count(household, dwelling)
            else:
                self.first_allocations.count(household, dwelling)
            state.recorder.waits[household.g].append(now - household.wait_start)
        household.housed_before = True
        if not is_transfer:  # a new tenancy (a transfer goes on with the one it has)
            occurrence = household.tenancies
            household.tenancies = occurrence + 1
            if occurrence > 0 and household.clocks_drawn:
                grp = state.groups[household.g]
                if grp.per_tenancy:  # its own other-exit clock for this tenancy
                    u = household.hashed(TENANCY, occurrence)
                    household.other_left = grp.other_exit_spell.quantile(u)
        household.dwelling = dwelling
        state.tenants.add(index, 1, now)
        if household.followed:
            state.followed.add(index, 1, now)
        contract = cat.contract_years
        if contract is None or (cat.differentiated and household.permanent):
            household.contract_end = None
        elif state.populating:
            # the initial tenants are somewhere in their contracts: a uniform phase keeps
            # their contract ends from falling due together for ever after
            household.contract_end = now + contract * household.u_contract_phase
        else:
            household.contract_end = now + contract
        household.renewals = 0
        if (
            household.needs_followup
            and not household.self_sufficient
            and not household.followed
            and not household.in_followup_queue
        ):
            self.followup.request(household)
        state.note_move(household, dwelling, "transfer" if is_transfer else "allocation")
        self.schedule(household)

    def vacate(self, household: Household) -> None:
        """The household leaves its dwelling: its clocks stop, the unit falls vacant."""
        dwelling = household.dwelling
        if dwelling is None:
            return
        state = self.state
        now = self.engine.now
        self.run_clocks(household)
        household.breakdown_rate = household.other_rate = 0.0
        household.self_rate = household.leave_rate = 0.0
        k = dwelling.k
        household.dwelling = None
        state.tenants.add(household.base + k, -1, now)
        if household.followed:
            state.followed.add(household.base + k, -1, now)
        self.stock.vacated(dwelling)

    # --- clocks ---------------------------------------------------------------------------

    def run_clocks(self, household: Household) -> None:
        """Run the household's tenancy clocks down to now at the rates they have run at."""
        now = self.engine.now
        elapsed = now - household.clocks_since
        if elapsed > 0.0:
            household.breakdown_left -= household.breakdown_rate * elapsed
            household.other_left -= household.other_rate * elapsed
            household.self_left -= household.self_rate * elapsed
            household.leave_left -= household.leave_rate * elapsed
        household.clocks_since = now

    def schedule(self, household: Household) -> None:
        """Set the clocks' rates for the household's present state and time the first event.

        The clocks run down first at the old rates, so a change of state (follow-up
        starts, self-sufficiency, a move) never redraws them.
        """
        state = self.state
        self.run_clocks(household)
        grp = state.groups[household.g]
        if not household.clocks_drawn:  # the first tenancy: read the clocks from the draws
            household.breakdown_left = unit_exponential(household.breakdown_draw(0))
            household.leave_left = unit_exponential(household.u_leave)
            exit_spell, ready_spell = grp.other_exit_spell, grp.self_sufficiency_spell
            if state.populating:  # an initial tenant is somewhere in its spells
                household.other_left = exit_spell.residual(household.u_other_exit)
                household.self_left = ready_spell.residual(household.u_self_sufficient)
            else:
                household.other_left = exit_spell.quantile(household.u_other_exit)
                household.self_left = ready_spell.quantile(household.u_self_sufficient)
            household.clocks_drawn = True
        household.epoch += 1
        followed = household.followed
        breakdown = grp.breakdown_followed if followed else grp.breakdown
        other = grp.other_exit
        able = household.self_sufficient
        if able or household.permanent:
            becoming = 0.0
        else:
            becoming = grp.self_sufficiency_followed if followed else grp.self_sufficiency_rate
        contract_end = household.contract_end
        transfer = household.transfer
        leave = grp.leave_when_able if able and not transfer else 0.0
        household.breakdown_rate = breakdown
        household.other_rate = other
        household.self_rate = becoming
        household.leave_rate = leave
        now = self.engine.now
        until_end = INFINITY
        if contract_end is not None and not transfer:
            until_end = contract_end - now
        delay, kind = first_event(
            breakdown_left=household.breakdown_left,
            breakdown_rate=breakdown,
            other_left=household.other_left,
            other_rate=other,
            self_left=household.self_left,
            self_rate=becoming,
            leave_left=household.leave_left,
            leave_rate=leave,
            until_contract_end=until_end,
        )
        if kind == NOTHING:
            return
        self.engine.call(self.on_event, household, delay, NORMAL, household.epoch, kind)

    def fire(self, household: Household, token: int, kind: int) -> None:
        """A tenancy timer of ``kind`` (:class:`~sim.model.rules.TenancyEvent`): the
        contract end, or the clock that ran out first, or the end of a non-renewed
        household's time outside the list; stale if the household's epoch has moved on."""
        if kind == REAPPLY:
            if token == household.epoch:
                self.reapply(household)
            return
        if kind == REENTER:
            if token == household.epoch:
                self.lists.enter(household, self.engine.now)
            return
        if kind == RETURN:
            if token == household.epoch:
                self.come_back(household)
            return
        if token != household.epoch or household.dwelling is None:
            return
        self.run_clocks(household)
        if kind == CONTRACT_END:
            self.contract_end(household)
        elif kind == BREAKDOWN:
            self.breakdown(household)
        elif kind == OTHER_EXIT:
            self.other_exit(household)
        elif kind == SELF_SUFFICIENT:
            self.become_self_sufficient(household)
        elif kind == LEAVE:
            self.leave_to_market(household)
        else:
            raise ValueError(f"{kind} is not a tenancy event")

    def followup_over(self, household: Household, token: int) -> None:
        """A follow-up spell has reached its length: the tenant goes on without it."""
        if token != household.followups or not household.followed:
            return
        self.followup_released(household)
        if household.dwelling is not None:
            self.schedule(household)

    def followup_released(self, household: Household) -> None:
        """End the household's follow-up; set anew the clocks of those whose starts."""
        for started in self.followup.release(household):
            self.schedule(started)

    # --- events ------------------------------------------------------------------------

    def become_self_sufficient(self, household: Household) -> None:
        household.self_sufficient = True
        self.followup_released(household)
        if household.transfer:
            self.leave_to_market(household)
            return
        self.schedule(household)

    def contract_end(self, household: Household) -> None:
        state = self.state
        dwelling = household.dwelling
        assert dwelling is not None
        cat = state.categories[dwelling.k]
        self.contract_ends.count(household, dwelling)
        rule = cat.renewal
        decision = judged(rule)  # the committee assesses the tenant's need
        counted = decision and state.renewal_decisions_counted
        if decision:
            self.renewal_decisions.count(household, dwelling)
            if counted:
                self.applications.count_group(household.g)
        max_renewals = state.max_renewals
        if max_renewals is not None and household.renewals >= max_renewals:
            rule = STRICT
        # every contract end has its own renewal draw, under any rule (read where needed)
        occurrence = household.renewal_draws
        household.renewal_draws += 1
        u = household.renewal_draw(occurrence) if rule is DISCRETIONARY else 0.0
        permanent = household.permanent
        if renew(rule, household.self_sufficient, u, cat.renewal_probability, permanent):
            household.renewals += 1
            self.renewals.count(household, dwelling)
            if counted:
                self.approvals.count_group(household.g)
            if rule is DIFFERENTIATED:  # permanent need: the new contract is permanent
                household.contract_end = None
            else:
                household.contract_end = self.engine.now + cat.contract_years  # type: ignore[operator]
            self.schedule(household)
            return
        if counted:
            self.refusals.count_group(household.g)
        if household.self_sufficient:
            self.leave_to_market(household)
            return
        self.forced_move(household)
