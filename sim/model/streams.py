"""Random numbers with discipline: named streams, and draws that belong to one entity.

Every stochastic input of replication ``r`` of a scenario with seed ``s`` comes from a
stream seeded by ``(s, r, stable_hash(name))``: streams are independent of one another
and of the order in which they are first used, so replication ``r`` of two scenarios
shares its random numbers (common random numbers).

A stream is consumed by one process in a fixed order (the arrivals of one group, the
initial tenants of one category). Draws that belong to one household or one dwelling do
not come from a stream shared in event order: a household takes a block of
:data:`BLOCK` uniforms from its group's stream when it is created, and every draw it will
need has a fixed place there (the ``D_*`` constants); its j-th draw for a purpose that repeats
(breakdowns, renewals, offers) is the j-th of that purpose whatever else happened.
Draws beyond the block, and the draws of dwellings, are counter-based:
:func:`hashed_uniform` of the entity's key, the purpose and the occurrence. Every draw is
made unconditionally: a rate of 0 turns a drawn clock into "never" instead of skipping
the draw. No global random state is touched.

The generators (:class:`Stream`, :class:`Streams`, :func:`hashed_uniform` and their kin)
are in :mod:`sim.model.random_numbers` and are imported from here as well; this module
holds the table of draws, :data:`PURPOSES`, and a household's :class:`Draws`.
"""

from __future__ import annotations

from typing import Final

# the generators (sim.model.random_numbers), imported from here by the model and tests
from sim.model.random_numbers import (
    BLOCK,  # noqa: F401
    BUFFER,  # noqa: F401
    MASK,
    Stream,  # noqa: F401
    Streams,  # noqa: F401
    entity_key,  # noqa: F401
    hashed_normal,  # noqa: F401
    hashed_uniform,
    mix64,  # noqa: F401
    stable_hash,  # noqa: F401
    unit_exponential,  # noqa: F401
)

# --- what each draw decides --------------------------------------------------------

READ_WHEN_MADE: Final = "read when made"
"""A household's draw read once, when it is made, to set one of its attributes."""
KEPT: Final = "kept"
"""A household's draw kept (a field of its :class:`Draws`) and read when needed."""
REPEATING: Final = "repeats"
"""A household's draw for a purpose that repeats: the first :data:`REPEATS` occurrences
have places in its block (kept), the later ones are hashed from its key."""
HASHED: Final = "hashed"
"""A draw hashed from its entity's key from the first occurrence on: no place in any
stream, so it shifts no other draw; made only where it decides something."""


class Purpose:
    """What one kind of draw decides: a row of :data:`PURPOSES`.

    ``place`` is where a household's draw sits in its block (the first of the
    :data:`REPEATS` places of a repeating one); for a hashed draw it is the number that
    keeps its purpose apart from the entity's others in the hash.
    """

    __slots__ = ("decides", "entity", "kind", "name", "place")

    def __init__(self, entity: str, name: str, place: int, kind: str, decides: str) -> None:
        self.entity = entity
        self.name = name
        self.place = place
        self.kind = kind
        self.decides = decides

    def __repr__(self) -> str:
        return f"Purpose({self.entity}.{self.name}, {self.kind} {self.place})"


_H: Final = "household"
_D: Final = "dwelling"
_TABLE: Final[list[Purpose]] = []


def _draw(entity: str, name: str, place: int, kind: str, decides: str) -> Purpose:
    """A row of the table of draws, :data:`PURPOSES` (in the order written here)."""
    purpose = Purpose(entity, name, place, kind, decides)
    _TABLE.append(purpose)
    return purpose


# The table of draws: every purpose the model draws for, each written once. A household's
# block has BLOCK places; clocks are unit exponentials that run down at their hazard rate
# while their condition holds (see ``Household``); j is the occurrence, from 0 for each
# household or dwelling.
APPROVAL: Final = _draw(_H, "approval", 0, READ_WHEN_MADE, "whether its application is approved")
ROOMS: Final = _draw(_H, "rooms", 1, READ_WHEN_MADE, "its room need (from the group's shares)")
PERMANENT: Final = _draw(_H, "permanent", 2, READ_WHEN_MADE, "whether it has permanent need")
FOLLOWUP: Final = _draw(_H, "followup", 3, READ_WHEN_MADE, "whether it needs follow-up")
HOMELESS: Final = _draw(_H, "homeless", 4, READ_WHEN_MADE, "whether it is homeless while waiting")
WITHDRAW: Final = _draw(
    _H, "withdraw", 5, KEPT, "its withdrawal clock (runs while it waits on the list)"
)
SELF_SUFFICIENT: Final = _draw(
    _H, "self_sufficient", 6, KEPT, "its self-sufficiency clock (runs while housed, until then)"
)
OTHER_EXIT: Final = _draw(_H, "other_exit", 7, KEPT, "its other-exit clock (runs while housed)")
LEAVE: Final = _draw(
    _H, "leave", 8, KEPT, "its clock of leaving when able (runs while housed and able)"
)
DESTINATION: Final = _draw(_H, "destination", 9, KEPT, "where it goes when it leaves to the market")
BREAKDOWN: Final = _draw(_H, "breakdown", 10, REPEATING, "the clock of breakdown j")
REAPPLY: Final = _draw(_H, "reapply", 12, REPEATING, "whether it re-applies after breakdown j")
RENEWAL: Final = _draw(_H, "renewal", 14, REPEATING, "discretionary renewal j")
REFUSAL: Final = _draw(_H, "refusal", 16, REPEATING, "whether it refuses offer j")
CONTRACT_PHASE: Final = _draw(
    _H, "contract_phase", 18, KEPT, "an initial tenant: where in its contract it starts"
)
# places 19 to 22 are free for draws the model may come to need
KEY: Final = _draw(_H, "key", 23, KEPT, "the key its hashed draws are made from")
SHELTER: Final = _draw(
    _H, "shelter", 32, HASHED, "homelessness episode j: hospits or its own solution"
)
HOSPITS_STAY: Final = _draw(_H, "hospits_stay", 33, HASHED, "the length of hospits stay j")
NONRENEWAL: Final = _draw(_H, "nonrenewal", 34, HASHED, "non-renewal j: where it goes")
REAPPLY_NONRENEWAL: Final = _draw(
    _H, "reapply_nonrenewal", 35, HASHED, "non-renewal j to homelessness: whether it re-applies"
)
REAPPLY_DELAY: Final = _draw(
    _H, "reapply_delay", 36, HASHED, "non-renewal j to homelessness: after how long"
)
OUTSIDE: Final = _draw(
    _H, "outside", 37, HASHED, "time j homeless outside the list: how long it is counted"
)
FOLLOWUP_LENGTH: Final = _draw(_H, "followup_length", 38, HASHED, "the length of follow-up spell j")
SWITCH: Final = _draw(
    _H, "switch", 39, HASHED, "homeless stay j ended on the list: hospits or its own solution next"
)
SWITCH_STAY: Final = _draw(
    _H, "switch_stay", 40, HASHED, "the length of the stay begun at the end of homeless stay j"
)
OWN_STAY: Final = _draw(
    _H, "own_stay", 41, HASHED, "homelessness episode j: the length of its first own-solution stay"
)
PERSONS: Final = _draw(_H, "persons", 42, HASHED, "its number of persons (from the group's shares)")
OUTSIDE_EXIT: Final = _draw(
    _H, "outside_exit", 43, HASHED, "time j homeless outside the list: how it ends (by the rates)"
)
OUTSIDE_APPROVAL: Final = _draw(
    _H, "outside_approval", 44, HASHED, "reapplication j from outside the list: whether approved"
)
OUTSIDE_WITHDRAW: Final = _draw(
    _H,
    "outside_withdraw",
    45,
    HASHED,
    "reapplication j from outside the list: its new withdrawal clock",
)
PRE_HOUSING_STAY: Final = _draw(
    _H, "pre_housing_stay", 46, HASHED, "the length of pre-housing stay j"
)
TENANCY: Final = _draw(
    _H, "tenancy", 47, HASHED, "tenancy j (from 1) under per_tenancy: its other-exit clock"
)
REENTER: Final = _draw(
    _H, "reenter", 48, HASHED, "tenancy j ended by other exit: whether it re-enters"
)
REENTER_DELAY: Final = _draw(
    _H, "reenter_delay", 49, HASHED, "tenancy j ended by other exit: re-entry after how long"
)
RETURN_PRIVATE: Final = _draw(
    _H, "return_private", 50, HASHED, "non-renewal j to the private market: whether it returns"
)
RETURN_DELAY: Final = _draw(
    _H, "return_delay", 51, HASHED, "non-renewal j to the private market: after how long"
)
RETURN_HOMELESS: Final = _draw(
    _H, "return_homeless", 52, HASHED, "non-renewal j: whether it is homeless on return"
)
TURNAROUND: Final = _draw(
    _D, "turnaround", 1, HASHED, "turnaround j's length (a normal), after the first ones"
)
LOTTERY: Final = _draw(
    _D, "lottery", 2, HASHED, "lottery j: who of the households that fit is offered it"
)

PURPOSES: Final = tuple(_TABLE)
"""Every purpose the model draws for, as written above (``docs/model.md``'s table of
draws, and :class:`Draws`, are checked against it by tests)."""

REPEATS: Final = 2


def household_key(key_draw: float) -> int:
    """The key a household's draws beyond its block are hashed from, made from the
    block's last uniform (:data:`KEY`)."""
    return int(key_draw * 18446744073709551616.0) & MASK


def hashed(key_draw: float, purpose: Purpose, occurrence: int) -> float:
    """Occurrence ``occurrence`` of a household's hashed draw for ``purpose``, from its key
    draw (:data:`KEY` of its block)."""
    return hashed_uniform(household_key(key_draw), purpose.place, occurrence)


class Draws:
    """The draws of a household's block that it reads after it is made (a ``Household`` is
    one): a field ``u_<name>`` for each :data:`KEPT` purpose of :data:`PURPOSES` and
    ``u_<name>_0``, ``u_<name>_1`` for the places of each :data:`REPEATING` one, read from
    the place the table gives it; ``<name>_draw(j)`` is occurrence j of a repeating one.

    Copied out of the block, not a reference to the stream's buffer (which would keep every
    buffer alive as long as any one of the households taken from it, a few hundred bytes a
    household growing to kilobytes) nor to the block, and fields of the household itself,
    not an object of their own (one more object a household, made when it came and freed
    when it left, and read from further away: slower, measured).

    >>> draws = Draws(tuple(i / BLOCK for i in range(BLOCK)))
    >>> draws.renewal_draw(0) == RENEWAL.place / BLOCK
    True
    >>> draws.renewal_draw(1) == (RENEWAL.place + 1) / BLOCK
    True
    >>> draws.renewal_draw(2) == hashed(draws.u_key, RENEWAL, 2)
    True
    """

    __slots__ = (
        "u_breakdown_0",
        "u_breakdown_1",
        "u_contract_phase",
        "u_destination",
        "u_key",
        "u_leave",
        "u_other_exit",
        "u_reapply_0",
        "u_reapply_1",
        "u_refusal_0",
        "u_refusal_1",
        "u_renewal_0",
        "u_renewal_1",
        "u_self_sufficient",
        "u_withdraw",
    )

    def __init__(self, block: tuple[float, ...]) -> None:
        # the table's places as numbers, which the compiled code indexes directly (a
        # purpose's place is an attribute to look up); tests/test_reproducibility.py checks
        # that each field reads its purpose's place
        self.u_withdraw = block[5]  # WITHDRAW.place
        self.u_self_sufficient = block[6]  # SELF_SUFFICIENT.place
        self.u_other_exit = block[7]  # OTHER_EXIT.place
        self.u_leave = block[8]  # LEAVE.place
        self.u_destination = block[9]  # DESTINATION.place
        self.u_breakdown_0 = block[10]  # BREAKDOWN.place
        self.u_breakdown_1 = block[11]  # BREAKDOWN.place + 1
        self.u_reapply_0 = block[12]  # REAPPLY.place
        self.u_reapply_1 = block[13]  # REAPPLY.place + 1
        self.u_renewal_0 = block[14]  # RENEWAL.place
        self.u_renewal_1 = block[15]  # RENEWAL.place + 1
        self.u_refusal_0 = block[16]  # REFUSAL.place
        self.u_refusal_1 = block[17]  # REFUSAL.place + 1
        self.u_contract_phase = block[18]  # CONTRACT_PHASE.place
        self.u_key = block[23]  # KEY.place

    def draws(self) -> tuple[float, ...]:
        """The draws it keeps, in the order of their places in the block."""
        return (
            self.u_withdraw,
            self.u_self_sufficient,
            self.u_other_exit,
            self.u_leave,
            self.u_destination,
            self.u_breakdown_0,
            self.u_breakdown_1,
            self.u_reapply_0,
            self.u_reapply_1,
            self.u_renewal_0,
            self.u_renewal_1,
            self.u_refusal_0,
            self.u_refusal_1,
            self.u_contract_phase,
            self.u_key,
        )

    def hashed(self, purpose: Purpose, occurrence: int) -> float:
        """Occurrence ``occurrence`` of its draw for a :data:`HASHED` ``purpose``."""
        return hashed(self.u_key, purpose, occurrence)

    # the draws that repeat: occurrence j (from 0) is the kept draw for the first REPEATS,
    # hashed from its key after them

    def breakdown_draw(self, occurrence: int) -> float:
        """The clock of breakdown ``occurrence``."""
        if occurrence >= REPEATS:
            return self.hashed(BREAKDOWN, occurrence)
        return self.u_breakdown_0 if occurrence == 0 else self.u_breakdown_1

    def reapply_draw(self, occurrence: int) -> float:
        """Whether it re-applies after breakdown ``occurrence``."""
        if occurrence >= REPEATS:
            return self.hashed(REAPPLY, occurrence)
        return self.u_reapply_0 if occurrence == 0 else self.u_reapply_1

    def renewal_draw(self, occurrence: int) -> float:
        """Discretionary renewal ``occurrence``."""
        if occurrence >= REPEATS:
            return self.hashed(RENEWAL, occurrence)
        return self.u_renewal_0 if occurrence == 0 else self.u_renewal_1

    def refusal_draw(self, occurrence: int) -> float:
        """Whether it refuses offer ``occurrence``."""
        if occurrence >= REPEATS:
            return self.hashed(REFUSAL, occurrence)
        return self.u_refusal_0 if occurrence == 0 else self.u_refusal_1
