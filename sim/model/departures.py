"""Departures: the ways a tenancy ends and what follows for the household.

A contract not renewed sends a tenant who is not self-sufficient where its own draw
says (``policy.after_nonrenewal``): a transfer on the list, the private market (and
perhaps back, ``policy.return_from_private``), or homelessness outside the list or on it
again. A breakdown, an other exit (with re-entry, ``reenter_after_tenancy``) and leaving
to the market end tenancies too. :class:`Departures` holds these paths;
:class:`~sim.model.tenancy.Tenancies` (moving in, the clocks, contract ends) extends it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.config.schema import ForcedMoverPlace
from sim.model.engine import NORMAL
from sim.model.entities import Household
from sim.model.followup import FollowUp
from sim.model.rules import REAPPLY, REENTER, RETURN
from sim.model.state import State
from sim.model.stock import Stock
from sim.model.streams import (
    NONRENEWAL,
    REAPPLY_DELAY,
    REAPPLY_NONRENEWAL,
    REENTER_DELAY,
    RETURN_DELAY,
    RETURN_HOMELESS,
    RETURN_PRIVATE,
    unit_exponential,
)
from sim.model.streams import REENTER as REENTER_DRAW
from sim.model.waiting import WaitingLists


class Departures:
    """The paths by which a tenancy ends; :class:`~sim.model.tenancy.Tenancies` adds
    moving in, the clocks and contract ends, and gives :meth:`vacate` and
    :meth:`followup_released` their bodies."""

    def __init__(
        self,
        state: State,
        lists: WaitingLists,
        followup: FollowUp,
        stock: Stock,
        on_event: Callable[[Any], None],
    ) -> None:
        self.state = state
        self.engine = state.engine
        self.lists = lists
        self.followup = followup
        self.stock = stock
        self.on_event = on_event
        record = state.recorder  # the flows of the paths out
        self.forced_moves = record.flow("forced_moves")
        self.breakdowns = record.flow("breakdowns")
        self.exits_other = record.flow("exits_other")

    def vacate(self, household: Household) -> None:
        """The household leaves its dwelling (``Tenancies.vacate``)."""
        raise NotImplementedError

    def followup_released(self, household: Household) -> None:
        """End the household's follow-up (``Tenancies.followup_released``)."""
        raise NotImplementedError

    def forced_move(self, household: Household) -> None:
        """A contract not renewed for a tenant who is not self-sufficient: the household
        goes where its own draw sends it (``policy.after_nonrenewal``)."""
        state = self.state
        dwelling = household.dwelling
        assert dwelling is not None
        self.forced_moves.count(household, dwelling)
        state.note_move(household, dwelling, "forced_move")
        occurrence = household.nonrenewals
        household.nonrenewals += 1
        destination = state.nonrenewal_only
        if not destination:  # shares: the household's own draw (hashed: made only here)
            u = household.hashed(NONRENEWAL, occurrence)
            destination = "transfer"
            for name, bound in zip(state.nonrenewal_to, state.nonrenewal_bounds, strict=True):
                if u < bound:
                    destination = name
                    break
        if destination == "transfer":
            # it keeps its dwelling while it waits for another; its clocks are set when it
            # has looked at the units available now (Allocation.place)
            household.transfer = True
            household.contract_end = None
            household.epoch += 1
            self.rejoin(household)
            return
        if destination != "homeless":
            self.end(household, f"exits_{destination}", destination)
            if destination == "private_rental" and state.return_probability > 0.0:
                self.may_return(household, occurrence)
            return
        self.vacate(household)
        self.followup_released(household)
        household.homeless_flag = True
        household.epoch += 1
        if household.hashed(REAPPLY_NONRENEWAL, occurrence) >= state.reapply_after_homeless:
            state.recorder.flow("exits_homeless").count(household, dwelling)
            state.household_outside(household)
            state.leave(household, "homeless")
            return
        delay = state.reapply_delay * unit_exponential(household.hashed(REAPPLY_DELAY, occurrence))
        if delay <= 0.0:
            self.rejoin(household)
            return
        now = self.engine.now
        state.household_outside(household, until=now + delay)
        self.engine.call(self.on_event, household, delay, NORMAL, household.epoch, REAPPLY)

    def may_return(self, household: Household, occurrence: int) -> None:
        """A non-renewed household sent to the private market comes back to the list
        (``policy.return_from_private``) with its own draw, after its own delay."""
        state = self.state
        if household.hashed(RETURN_PRIVATE, occurrence) >= state.return_probability:
            return
        u = household.hashed(RETURN_DELAY, occurrence)
        delay = state.return_delay * unit_exponential(u)
        self.engine.call(self.on_event, household, delay, NORMAL, household.epoch, RETURN)

    def come_back(self, household: Household) -> None:
        """A household back from the private market applies again: a new application
        (seniority from now), homeless with its own draw."""
        state = self.state
        state.recorder.flow("returns_from_private").count_group(household.g)
        occurrence = household.nonrenewals - 1
        homeless = household.hashed(RETURN_HOMELESS, occurrence) < state.return_homeless
        household.homeless_flag = homeless
        household.first_in_line = False
        record = household.record
        if record is not None:
            record["exit_time"] = None
            record["destination"] = None
        self.lists.join(household, self.engine.now)

    def reapply(self, household: Household) -> None:
        """A non-renewed household, homeless outside the list, applies again."""
        self.rejoin(household)

    def rejoin(self, household: Household) -> None:
        """A forced mover joins the lists at the place ``forced_mover_place`` gives it."""
        state = self.state
        place = state.forced_mover_place
        household.first_in_line = place is ForcedMoverPlace.priority
        seniority = self.engine.now if place is ForcedMoverPlace.new_date else household.seniority
        self.lists.enter(household, seniority)

    def move_out(self, household: Household) -> None:
        """The tenancy is over: the household leaves any list it waits on (a transfer),
        gives up its dwelling and its follow-up, and its timers go stale."""
        if household.on_list:
            self.lists.leave(household)
            household.transfer = False
        self.vacate(household)
        self.followup_released(household)
        household.epoch += 1

    def breakdown(self, household: Household) -> None:
        state = self.state
        dwelling = household.dwelling
        assert dwelling is not None
        self.breakdowns.count(household, dwelling)
        self.move_out(household)
        # breakdown j uses decision j; the clock of breakdown j + 1 starts full
        occurrence = household.breakdowns
        household.breakdowns += 1
        household.breakdown_left = unit_exponential(household.breakdown_draw(household.breakdowns))
        share = state.groups[household.g].reapply_after_breakdown
        if share > 0.0 and (share >= 1.0 or household.reapply_draw(occurrence) < share):
            household.homeless_flag = True
            self.lists.enter(household, self.engine.now)
            return
        state.recorder.flow("exits_homeless").count(household, dwelling)
        state.household_outside(household)
        state.leave(household, "homeless")

    def other_exit(self, household: Household) -> None:
        """The other-exit clock ran out: the tenancy ends (``exits_other``). With
        probability ``reenter_after_tenancy`` (its own draw for this tenancy) the
        household re-enters homelessness and the list, after ``reenter_delay_years``
        homeless outside it; otherwise it leaves the system."""
        grp = self.state.groups[household.g]
        share = grp.reenter
        occurrence = household.tenancies - 1
        if share <= 0.0 or (share < 1.0 and household.hashed(REENTER_DRAW, occurrence) >= share):
            self.end(household, "exits_other", "other")
            return
        state = self.state
        dwelling = household.dwelling
        assert dwelling is not None
        self.exits_other.count(household, dwelling)
        state.recorder.flow("reentries").count(household, dwelling)
        state.note_move(household, dwelling, "reentry")
        self.move_out(household)
        household.homeless_flag = True
        now = self.engine.now
        delay = grp.reenter_delay * unit_exponential(household.hashed(REENTER_DELAY, occurrence))
        if delay <= 0.0:
            self.lists.enter(household, now)
            return
        state.household_outside(household, until=now + delay)
        self.engine.call(self.on_event, household, delay, NORMAL, household.epoch, REENTER)

    def leave_to_market(self, household: Household) -> None:
        """A self-sufficient household leaves to ownership or private rental."""
        if household.u_destination < self.state.exit_bounds[household.g]:
            self.end(household, "exits_ownership", "ownership")
        else:
            self.end(household, "exits_private_rental", "private_rental")

    def end(self, household: Household, metric: str, destination: str) -> None:
        """The tenancy ends and the household leaves the system."""
        state = self.state
        dwelling = household.dwelling
        assert dwelling is not None
        state.recorder.flow(metric).count(household, dwelling)
        self.move_out(household)
        state.leave(household, destination)
