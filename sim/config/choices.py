"""The values of scenario keys that are names (rules, destinations) or series of them,
and the parsers that check them (used by ``sim.config.schema``)."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from sim.config.durations import DurationSpec
from sim.config.errors import brief
from sim.config.series import stepwise
from sim.config.types import MAX_DURATION, MIN_DURATION, Duration, Rooms, RoomShares

SHARE_TOLERANCE = 1e-6


class Allocation(StrEnum):
    seniority = "seniority"
    priority = "priority"
    need = "need"
    lottery = "lottery"


class Renewal(StrEnum):
    always = "always"
    needs_based = "needs_based"
    strict = "strict"
    differentiated = "differentiated"
    discretionary = "discretionary"


class RenewalDecisions(StrEnum):
    """How the counts of decisions treat a sitting tenant's renewal decision: apart from
    applications (``separate``), or as an application of its group, approved if renewed and
    refused if not (``counted``)."""

    separate = "separate"
    counted = "counted"


NONRENEWAL = ("transfer", "private_rental", "ownership", "homeless")
"""Where non-renewed tenants who are not self-sufficient go (``after_nonrenewal``), in the
order the model draws them."""


class ForcedMoverPlace(StrEnum):
    """A forced mover's place on the list: its first approval, the day it must move, or
    ahead of every applicant."""

    keep = "keep"
    new_date = "new_date"
    priority = "priority"


class RefusalPenalty(StrEnum):
    keep = "keep"
    back_of_queue = "back_of_queue"
    removed = "removed"


class TenancyDraw(StrEnum):
    """Whose other-exit clock a tenancy runs down: the household's one clock, counted over
    all its tenancies, or a fresh draw for each tenancy."""

    per_household = "per_household"
    per_tenancy = "per_tenancy"


def check_shares(value: dict[Any, float] | None, what: str) -> None:
    if value is None:
        return
    total = sum(value.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"{what} shares must sum to 1 (they sum to {total:g})")


def _room_shares(value: Any) -> Any:
    if isinstance(value, dict):
        check_shares(value, "rooms")
    return value


DwellingRooms = Annotated[Rooms | RoomShares | None, AfterValidator(_room_shares)]
"""Rooms of dwellings (a category's or a build's): one count, or shares summing to 1."""


def one_of(kind: type[StrEnum]) -> Any:
    """The parser of one value of an enum (for a :class:`Stepwise` of it)."""
    allowed = ", ".join(member.value for member in kind)

    def parse(value: Any) -> Any:
        if isinstance(value, kind):
            return value
        if isinstance(value, str) and value in kind.__members__:
            return kind(value)
        raise ValueError(f"{brief(value)} is not allowed; allowed: {allowed}")

    return parse


def optional_one_of(kind: type[StrEnum]) -> Any:
    parse = one_of(kind)
    return lambda value: None if value is None else parse(value)


def contract_length(value: Any) -> float | None:
    """A contract length in years, or ``None`` (permanent)."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not MIN_DURATION <= value <= MAX_DURATION
    ):
        raise ValueError(
            f"{brief(value)} is not allowed; must be a number of years >= {MIN_DURATION:g} "
            f"and <= {MAX_DURATION:g}, or null (permanent)"
        )
    return float(value)


def steps(parse: Any) -> BeforeValidator:
    """A key that takes one value or a ``{year-or-date: value}`` series of them."""
    return BeforeValidator(lambda value: stepwise(value, parse))


# a duration: a number (the mean of an exponential) or a distribution
DurationOrSpec = Duration | DurationSpec


def mean_of(value: float | DurationSpec | None) -> float | None:
    """The mean of a duration key (``None`` stays ``None``)."""
    if value is None or isinstance(value, float | int):
        return value
    return value.mean


def nonrenewal_shares(value: Any) -> dict[str, float]:
    """``after_nonrenewal``: one destination (``transfer``) or ``{destination: share}``."""
    allowed = ", ".join(NONRENEWAL)
    if isinstance(value, str):
        value = {value: 1.0}
    if not isinstance(value, dict) or not value:
        raise ValueError(
            f"must be a destination or a {{destination: share}} mapping, got {brief(value)}; "
            f"allowed destinations: {allowed}"
        )
    unknown = sorted((str(key) for key in set(value) - set(NONRENEWAL)), key=str)
    if unknown:
        raise ValueError(f"unknown destination {brief(unknown[0])}; allowed: {allowed}")
    for key, share in value.items():
        if (
            isinstance(share, bool)
            or not isinstance(share, int | float)
            or not math.isfinite(share)
            or not 0.0 <= share <= 1.0
        ):
            raise ValueError(f"share of {key} must be a number 0 to 1, got {brief(share)}")
    check_shares(value, "after_nonrenewal")
    return {name: float(value[name]) for name in NONRENEWAL if name in value}
