"""The service sections of a scenario: follow-up (``followup``), emergency units
(``emergency``), where the homeless stay and how those outside the list stop being so
(``homelessness``, ``outside_exits``). Unit prices (``costs``) are in
:mod:`sim.config.costs`.

:class:`~sim.config.schema.Scenario` holds one of each; ``sim.config.schema``
re-exports them.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, Strict, field_validator, model_validator

from sim.config.choices import DurationOrSpec
from sim.config.durations import DurationSpec
from sim.config.series import YearlySeries, series
from sim.config.types import (
    MAX_FACTOR,
    MAX_TURNAROUND_DAYS,
    MAX_UNITS,
    Duration,
    Factor,
    Frozen,
    Probability,
    Rate,
)

StayDays = Annotated[float, Strict(), Field(ge=1.0, le=MAX_TURNAROUND_DAYS)]
"""A stay of days, one day to the longest turnaround."""


class Followup(Frozen):
    """Follow-up services (bo-oppfølging): slots and their effects."""

    capacity: YearlySeries = Field(default_factory=lambda: YearlySeries.constant(0))
    breakdown_factor: Factor = 1.0
    self_sufficiency_factor: Annotated[
        float, Strict(), Field(ge=1.0 / MAX_FACTOR, le=MAX_FACTOR)
    ] = 1.0
    length_years: DurationOrSpec | None = None

    @field_validator("capacity", mode="before")
    @classmethod
    def _parse_capacity(cls, value: Any) -> Any:
        return series(value, MAX_UNITS, whole=True)


class Emergency(Frozen):
    """Municipal emergency units (akuttboliger); overflow goes to paid hospits."""

    units: YearlySeries = Field(default_factory=lambda: YearlySeries.constant(0))

    @field_validator("units", mode="before")
    @classmethod
    def _parse_units(cls, value: Any) -> Any:
        return series(value, MAX_UNITS, whole=True)


class OutsideExits(Frozen):
    """How the homeless outside the list stop being so, as rates per year (each household
    leaves the state at their sum; which exit it takes is its own draw)."""

    reapply_per_year: Rate = 0.0
    settled_per_year: Rate = 0.0
    leave_per_year: Rate = 0.0

    @model_validator(mode="after")
    def _some_exit(self) -> OutsideExits:
        if self.reapply_per_year + self.settled_per_year + self.leave_per_year <= 0.0:
            raise ValueError(
                "outside_exits needs a rate above 0 (reapply_per_year, settled_per_year "
                "or leave_per_year): without one the homeless outside the list never stop"
            )
        return self


class Homelessness(Frozen):
    """Where homeless households on the list stay, and the homeless outside the list.

    A homeless household waiting for a dwelling gets a free emergency unit if there is
    one; otherwise, at each decision point (becoming homeless, the end of a hospits or
    own-solution stay), it goes to paid hospits with probability ``hospits_share`` (while
    places are free: ``hospits_capacity``) or finds its own solution (friends, family).
    A hospits stay ends after ``hospits_stay_days`` (none: when it is housed), an
    own-solution stay after ``own_stay_days`` (none: when it is housed, and a household
    whose hospits stay ends then stays in its own solution). A household that leaves the
    list homeless (refused, withdrawn, broken-down tenancy not reapplying, non-renewed to
    homelessness) is homeless outside the list for ``outside_years`` on average, or
    until it takes one of the exits of ``outside_exits`` (given as rates).
    """

    hospits_share: Probability = 1.0
    hospits_stay_days: StayDays | DurationSpec | None = None
    own_stay_days: StayDays | DurationSpec | None = None
    hospits_capacity: YearlySeries | None = None
    outside_years: Duration | None = None  # 1 year unless outside_exits is given
    outside_exits: OutsideExits | None = None

    @field_validator("hospits_capacity", mode="before")
    @classmethod
    def _parse_capacity(cls, value: Any) -> Any:
        return None if value is None else series(value, MAX_UNITS, whole=True)

    @model_validator(mode="before")
    @classmethod
    def _one_outside_rule(cls, data: Any) -> Any:
        """``outside_years`` or ``outside_exits``, not both; neither: 1 year outside."""
        if not isinstance(data, dict):
            return data
        years = data.get("outside_years")
        exits = data.get("outside_exits")
        if years is not None and exits is not None:
            raise ValueError(
                "give either outside_years (a mean time counted homeless outside the list) "
                "or outside_exits (rates of reapplying, being settled and leaving), not both"
            )
        if years is None and exits is None:
            return {**data, "outside_years": 1.0}
        return data
