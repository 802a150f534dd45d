"""The model's rules as plain functions of plain values (unit-tested with chosen inputs).

The event loop calls them; they hold no state and draw no random numbers: a draw they
need is an argument.
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import Final

from sim.config.schema import Renewal
from sim.model.entities import Household
from sim.model.queues import WaitingList


class TenancyEvent(IntEnum):
    """What a tenancy timer is for: the contract end or the clock that runs out first
    (:func:`first_event`), and what ``Tenancies.fire`` does for each.

    The event loop compares the plain integer constants below, which have these members'
    values: a member is an object the compiled engine would look up at every comparison.
    """

    NOTHING = -1
    """No clock runs and no contract ends: no timer."""
    CONTRACT_END = 0
    """The contract ends: renewed, or the tenant leaves or is moved."""
    BREAKDOWN = 1
    """The tenancy breaks down: the household re-applies as homeless, or leaves."""
    OTHER_EXIT = 2
    """The household leaves for another reason (``exits_other``)."""
    SELF_SUFFICIENT = 3
    """The household becomes self-sufficient."""
    LEAVE = 4
    """A self-sufficient household leaves to ownership or private rental."""
    REAPPLY = 5
    """Not a clock: a non-renewed household's time homeless off the list ends."""
    REENTER = 6
    """Not a clock: a household's time homeless off the list after its tenancy ended
    (``reenter_after_tenancy``, ``reenter_delay_years``) ends."""
    RETURN = 7
    """Not a clock: a non-renewed household's time in the private market ends and it
    applies again (``policy.return_from_private``)."""


# the same values as literal constants, which the compiled engine compares as numbers
# (tests/test_rules.py checks them against TenancyEvent)
NOTHING: Final = -1
CONTRACT_END: Final = 0
BREAKDOWN: Final = 1
OTHER_EXIT: Final = 2
SELF_SUFFICIENT: Final = 3
LEAVE: Final = 4
REAPPLY: Final = 5
REENTER: Final = 6
RETURN: Final = 7

# the renewal rules, as constants the compiled engine reads without a lookup
NEEDS_BASED: Final = Renewal.needs_based
DIFFERENTIATED: Final = Renewal.differentiated
STRICT: Final = Renewal.strict
ALWAYS: Final = Renewal.always
DISCRETIONARY: Final = Renewal.discretionary


def judged(rule: Renewal) -> bool:
    """Whether a contract end under ``rule`` is a renewal decision: the tenant's need is
    assessed (``needs_based``, ``differentiated``, ``discretionary``), not settled by the
    rule (``always``, ``strict``).

    >>> judged(Renewal.needs_based), judged(Renewal.discretionary), judged(Renewal.strict)
    (True, True, False)
    """
    return rule is NEEDS_BASED or rule is DIFFERENTIATED or rule is DISCRETIONARY


def fits(need: int | None, rooms: int | None, size_match: bool, extra_rooms: int) -> bool:
    """Whether a dwelling of ``rooms`` suits a household needing ``need`` rooms.

    >>> fits(2, 3, True, 1), fits(2, 4, True, 1), fits(2, 1, True, 1), fits(2, 9, False, 0)
    (True, False, False, True)
    """
    if not size_match or need is None or rooms is None:
        return True
    return need <= rooms <= need + extra_rooms


def renew(
    rule: Renewal, self_sufficient: bool, u: float, probability: float, permanent: bool = False
) -> bool:
    """Whether a contract is renewed at its end (``u`` is the household's renewal draw;
    ``permanent``: the household has permanent need).

    ``differentiated`` renews only for permanent need (whose contracts are then
    permanent): a household with temporary need holds a time-limited contract that is not
    renewed, the throughput aim applied where the reports find it sound.

    >>> renew(Renewal.needs_based, False, 0.9, 0.5), renew(Renewal.strict, False, 0.0, 1.0)
    (True, False)
    >>> renew(Renewal.differentiated, False, 0.0, 1.0), renew(Renewal.differentiated, False,
    ...     0.0, 0.0, permanent=True)
    (False, True)
    """
    if rule is NEEDS_BASED:
        return not self_sufficient
    if rule is DIFFERENTIATED:
        return permanent and not self_sufficient
    if rule is STRICT:
        return False
    if rule is ALWAYS:
        return True
    return u < probability  # discretionary


def first_in_line(
    waiting: WaitingList,
    rooms: int | None,
    size_match: bool,
    extra_rooms: int,
    skipped: set[int] | None,
) -> Household | None:
    """The first household of a list (in its order) that fits and has not refused."""
    any_size = rooms is None or not size_match
    first = waiting.start()
    chunks = waiting.chunks
    for c in range(len(chunks)):
        chunk = chunks[c]
        for i in range(first, len(chunk)):
            entry = chunk[i]
            if not entry.live or (skipped is not None and entry.id in skipped):
                continue
            household: Household = entry.household
            need = household.rooms
            if any_size or need is None or need <= rooms <= need + extra_rooms:  # type: ignore[operator]
                return household
        first = 0
    return None


def lottery_index(count: int, u: float) -> int:
    """The index a uniform draw ``u`` picks among ``count`` (> 0) equally likely.

    >>> lottery_index(4, 0.0), lottery_index(4, 0.99), lottery_index(4, 0.5)
    (0, 3, 2)
    """
    return min(int(u * count), count - 1)


def turnaround_delay(mean_years: float, sigma: float, shift: float, normal: float) -> float:
    """A lognormal dead time with the given mean (``sigma``, ``shift`` from its CV), in years.

    >>> turnaround_delay(0.1, 0.0, 0.0, 1.7)
    0.1
    """
    if sigma <= 0.0:
        return mean_years
    return mean_years * math.exp(sigma * normal - shift)


def first_event(
    *,
    breakdown_left: float,
    breakdown_rate: float,
    other_left: float,
    other_rate: float,
    self_left: float,
    self_rate: float,
    leave_left: float,
    leave_rate: float,
    until_contract_end: float,
) -> tuple[float, int]:
    """(delay, kind) of what comes first: a clock (``*_left``, its budget, over its
    ``*_rate``) or the contract end; ``kind`` is a :class:`TenancyEvent` value.

    The clocks are those of breakdown, other exit, self-sufficiency and leaving; on a tie
    the earlier in that order wins, and a rate of 0 never fires. ``until_contract_end``
    is ``inf`` without a contract end; the contract end wins a tie with a clock.

    >>> clocks = dict(breakdown_left=1.0, other_left=2.0, self_left=0.5, leave_left=1.0)
    >>> rates = dict(breakdown_rate=1.0, other_rate=1.0, self_rate=0.0, leave_rate=0.0)
    >>> delay, kind = first_event(**clocks, **rates, until_contract_end=math.inf)
    >>> delay, TenancyEvent(kind).name
    (1.0, 'BREAKDOWN')
    >>> delay, kind = first_event(**clocks, **rates | dict(self_rate=4.0), until_contract_end=0.5)
    >>> delay, TenancyEvent(kind).name
    (0.125, 'SELF_SUFFICIENT')
    >>> delay, kind = first_event(**clocks, **rates | dict(self_rate=1.0), until_contract_end=0.5)
    >>> delay, TenancyEvent(kind).name
    (0.5, 'CONTRACT_END')
    >>> no_rates = dict.fromkeys(rates, 0.0)
    >>> delay, kind = first_event(**clocks, **no_rates, until_contract_end=math.inf)
    >>> delay, TenancyEvent(kind).name
    (inf, 'NOTHING')
    """
    delay = math.inf
    kind = NOTHING
    if breakdown_rate > 0.0:
        delay = max(breakdown_left, 0.0) / breakdown_rate
        kind = BREAKDOWN
    if other_rate > 0.0:
        t = max(other_left, 0.0) / other_rate
        if t < delay:
            delay, kind = t, OTHER_EXIT
    if self_rate > 0.0:
        t = max(self_left, 0.0) / self_rate
        if t < delay:
            delay, kind = t, SELF_SUFFICIENT
    if leave_rate > 0.0:
        t = max(leave_left, 0.0) / leave_rate
        if t < delay:
            delay, kind = t, LEAVE
    if until_contract_end < math.inf and until_contract_end <= delay:
        delay, kind = max(until_contract_end, 0.0), CONTRACT_END
    return delay, kind
