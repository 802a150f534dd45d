"""Typed, frozen scenario objects (MODEL.md section 3).

A scenario is validated once, when it is loaded, into these objects; the model reads
them and never changes them. Variants are made with ``model_copy(update=...)`` or by
loading again with overrides. Time is in years, rates are per year, durations of
dead time in days.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    field_validator,
    model_serializer,
    model_validator,
)

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Rate = Annotated[float, Field(ge=0.0)]
SHARE_TOLERANCE = 1e-6


class Frozen(BaseModel):
    """Base of every scenario object: unknown keys are errors, objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Allocation(StrEnum):
    seniority = "seniority"
    priority = "priority"
    lottery = "lottery"


class Renewal(StrEnum):
    always = "always"
    needs_based = "needs_based"
    strict = "strict"
    differentiated = "differentiated"
    discretionary = "discretionary"


class AfterNonrenewal(StrEnum):
    transfer = "transfer"
    homeless = "homeless"


class RefusalPenalty(StrEnum):
    keep = "keep"
    back_of_queue = "back_of_queue"
    removed = "removed"


def _check_shares(value: dict[Any, float] | None, what: str) -> None:
    if value is None:
        return
    if any(share < 0 for share in value.values()):
        raise ValueError(f"{what} shares must be non-negative")
    total = sum(value.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"{what} shares must sum to 1 (they sum to {total:g})")


class YearlySeries(Frozen):
    """A value that may change at the start of listed calendar years.

    Written in YAML as a number (constant) or a ``{year: value}`` mapping; a value holds
    from its year on, and the first value also holds before the first listed year.
    """

    values: tuple[tuple[int, float], ...]

    @classmethod
    def constant(cls, value: float) -> YearlySeries:
        return cls(values=((-(10**6), float(value)),))

    def at_year(self, year: int) -> float:
        current = self.values[0][1]
        for start, value in self.values:
            if year >= start:
                current = value
            else:
                break
        return current

    @property
    def years(self) -> list[int]:
        return [year for year, _ in self.values if year > -(10**6)]

    @model_serializer
    def to_plain(self) -> float | dict[int, float]:
        if len(self.values) == 1 and self.values[0][0] == -(10**6):
            return self.values[0][1]
        return {year: value for year, value in self.values}


def _series(value: Any) -> Any:
    """Turn a number or ``{year: value}`` mapping into a YearlySeries (or pass through)."""
    if isinstance(value, YearlySeries):
        return value
    if isinstance(value, bool):
        raise ValueError("must be a number or a {year: value} mapping")
    if isinstance(value, int | float):
        return YearlySeries.constant(value)
    if isinstance(value, dict):
        if not value:
            raise ValueError("a {year: value} mapping needs at least one year")
        pairs = []
        for year, item in value.items():
            try:
                year_int = int(year)
            except (TypeError, ValueError):
                raise ValueError(f"year {year!r} is not a whole number") from None
            if isinstance(item, bool) or not isinstance(item, int | float):
                raise ValueError(f"value for year {year_int} must be a number, got {item!r}")
            pairs.append((year_int, float(item)))
        pairs.sort()
        return YearlySeries(values=tuple(pairs))
    raise ValueError("must be a number or a {year: value} mapping")


def _non_negative_series(series: YearlySeries, what: str) -> YearlySeries:
    if any(value < 0 for _, value in series.values):
        raise ValueError(f"{what} must be >= 0 in every year")
    return series


def _whole_series(series: YearlySeries, what: str) -> YearlySeries:
    _non_negative_series(series, what)
    if any(value != int(value) for _, value in series.values):
        raise ValueError(f"{what} must be a whole number in every year")
    return series


class Time(Frozen):
    """Simulated span: ``warmup_years`` before ``start``, then ``years`` reported years."""

    start: int = Field(default=2010, ge=1800, le=2500)
    years: PositiveInt = Field(default=10, le=10_000)
    warmup_years: NonNegativeFloat = 20.0

    @property
    def first_year(self) -> int:
        """First calendar year touched by the warm-up."""
        return math.floor(self.start - self.warmup_years)

    @property
    def end(self) -> int:
        """Time at which the run ends (start of the year after the last reported one)."""
        return self.start + self.years


class Category(Frozen):
    """A category of municipal dwellings."""

    label: str = ""
    units: NonNegativeInt
    contract_years: PositiveFloat | None = None
    renewal: Renewal | None = None
    renewal_probability: Probability | None = None
    turnaround_days: NonNegativeFloat = 0.0
    turnaround_cv: NonNegativeFloat = 0.5
    rooms: int | dict[int, float] | None = None

    @field_validator("rooms")
    @classmethod
    def _rooms(cls, value: int | dict[int, float] | None) -> int | dict[int, float] | None:
        if isinstance(value, int) and value < 1:
            raise ValueError("rooms must be at least 1")
        if isinstance(value, dict):
            if any(rooms < 1 for rooms in value):
                raise ValueError("room counts must be at least 1")
            _check_shares(value, "rooms")
        return value

    @property
    def time_limited(self) -> bool:
        return self.contract_years is not None


class Group(Frozen):
    """A target group of applicants (rates per year, shares in [0, 1])."""

    label: str = ""
    applications_per_year: YearlySeries
    approval: Probability = 1.0
    eligible: tuple[str, ...] = Field(min_length=1)
    transfer_to: tuple[str, ...] | None = None
    rooms: dict[int, float] | None = None
    permanent_need: Probability = 0.0
    self_sufficient_years: PositiveFloat | None = None
    followup_need: Probability = 0.0
    withdraw_per_year: Rate = 0.0
    homeless_while_waiting: Probability = 0.0
    breakdown_per_year: Rate = 0.0
    reapply_after_breakdown: Probability = 0.0
    other_exit_per_year: Rate = 0.0
    leave_when_able_per_year: Rate = 0.0
    exit_to: dict[str, float] = Field(default_factory=lambda: {"private_rental": 1.0})
    priority: int = 0
    initial_waiting: NonNegativeInt = 0

    @field_validator("applications_per_year", mode="before")
    @classmethod
    def _parse_applications(cls, value: Any) -> Any:
        return _series(value)

    @field_validator("applications_per_year")
    @classmethod
    def _applications(cls, value: YearlySeries) -> YearlySeries:
        return _non_negative_series(value, "applications_per_year")

    @field_validator("rooms")
    @classmethod
    def _rooms(cls, value: dict[int, float] | None) -> dict[int, float] | None:
        if value is not None:
            if any(rooms < 1 for rooms in value):
                raise ValueError("room counts must be at least 1")
            _check_shares(value, "rooms")
        return value

    @field_validator("exit_to")
    @classmethod
    def _exit_to(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - {"ownership", "private_rental"})
        if unknown:
            raise ValueError(
                f"unknown destination {unknown[0]!r}; allowed: ownership, private_rental"
            )
        _check_shares(value, "exit_to")
        return {
            "ownership": value.get("ownership", 0.0),
            "private_rental": value.get("private_rental", 0.0),
        }

    @field_validator("eligible", "transfer_to")
    @classmethod
    def _no_duplicates(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("lists a category twice")
        return value


class Policy(Frozen):
    """How dwellings are allocated and contracts renewed."""

    allocation: Allocation = Allocation.seniority
    renewal: Renewal = Renewal.needs_based
    renewal_probability: Probability = 0.5
    after_nonrenewal: AfterNonrenewal = AfterNonrenewal.transfer
    size_match: bool = True
    max_extra_rooms: NonNegativeInt = 1
    max_renewals: NonNegativeInt | None = None


class Refusal(Frozen):
    """Offer refusal by the household at the head of the list."""

    probability: Probability = 0.0
    penalty: RefusalPenalty = RefusalPenalty.keep


class Followup(Frozen):
    """Follow-up services (bo-oppfølging): slots and their effects."""

    capacity: YearlySeries = Field(default_factory=lambda: YearlySeries.constant(0))
    breakdown_factor: NonNegativeFloat = 1.0
    self_sufficiency_factor: PositiveFloat = 1.0

    @field_validator("capacity", mode="before")
    @classmethod
    def _parse_capacity(cls, value: Any) -> Any:
        return _series(value)

    @field_validator("capacity")
    @classmethod
    def _capacity(cls, value: YearlySeries) -> YearlySeries:
        return _whole_series(value, "capacity")


class Emergency(Frozen):
    """Municipal emergency units (akuttboliger); overflow goes to paid hospits."""

    units: YearlySeries = Field(default_factory=lambda: YearlySeries.constant(0))

    @field_validator("units", mode="before")
    @classmethod
    def _parse_units(cls, value: Any) -> Any:
        return _series(value)

    @field_validator("units")
    @classmethod
    def _units(cls, value: YearlySeries) -> YearlySeries:
        return _whole_series(value, "units")


class Build(Frozen):
    """A change to the stock: a one-off ``year``/``units`` or ``from``..``to``/``units_per_year``.

    Negative units remove dwellings (vacant ones first).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    category: str
    year: int | None = None
    units: int | None = None
    from_year: int | None = Field(default=None, alias="from")
    to_year: int | None = Field(default=None, alias="to")
    units_per_year: int | None = None
    lead_time_years: NonNegativeInt = 0
    rooms: int | dict[int, float] | None = None

    @field_validator("rooms")
    @classmethod
    def _rooms(cls, value: int | dict[int, float] | None) -> int | dict[int, float] | None:
        return Category._rooms(value)

    @model_validator(mode="after")
    def _one_form(self) -> Build:
        one_off = self.year is not None or self.units is not None
        spread = (
            self.from_year is not None
            or self.to_year is not None
            or self.units_per_year is not None
        )
        if one_off and spread:
            raise ValueError(
                "use either year + units (one-off) or from + to + units_per_year, not both"
            )
        if one_off and (self.year is None or self.units is None):
            raise ValueError("a one-off build needs both year and units")
        if spread and (
            self.from_year is None or self.to_year is None or self.units_per_year is None
        ):
            raise ValueError("a spread build needs from, to and units_per_year")
        if not one_off and not spread:
            raise ValueError("a build needs year + units or from + to + units_per_year")
        if (
            spread
            and self.to_year is not None
            and self.from_year is not None
            and self.to_year < self.from_year
        ):
            raise ValueError("to must not be before from")
        return self

    def schedule(self) -> list[tuple[int, int]]:
        """(calendar year when the units arrive, units) pairs, lead time applied."""
        if self.year is not None and self.units is not None:
            return [(self.year + self.lead_time_years, self.units)]
        assert self.from_year is not None and self.to_year is not None
        assert self.units_per_year is not None
        return [
            (year + self.lead_time_years, self.units_per_year)
            for year in range(self.from_year, self.to_year + 1)
        ]

    @property
    def decided_years(self) -> list[int]:
        if self.year is not None:
            return [self.year]
        assert self.from_year is not None and self.to_year is not None
        return [self.from_year, self.to_year]


class Costs(Frozen):
    """Unit costs in NOK; a cost metric is reported only where its price is given."""

    hospits_per_night: NonNegativeFloat | None = None
    emergency_per_night: NonNegativeFloat | None = None
    followup_per_year: NonNegativeFloat | None = None
    build_per_unit: NonNegativeFloat | None = None


class Scenario(Frozen):
    """A complete, validated scenario."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    time: Time = Field(default_factory=Time)
    replications: PositiveInt = 30
    seed: NonNegativeInt = 1
    stock: dict[str, Category] = Field(min_length=1)
    groups: dict[str, Group] = Field(min_length=1)
    policy: Policy = Field(default_factory=Policy)
    refusal: Refusal = Field(default_factory=Refusal)
    followup: Followup = Field(default_factory=Followup)
    emergency: Emergency = Field(default_factory=Emergency)
    builds: tuple[Build, ...] = ()
    costs: Costs = Field(default_factory=Costs)

    @field_validator("stock", "groups")
    @classmethod
    def _ids(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            if not isinstance(key, str) or not key.replace("_", "").replace("-", "").isalnum():
                raise ValueError(
                    f"id {key!r} must be letters, digits, '_' or '-' (e.g. ordinary_rental)"
                )
        return value

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        categories = set(self.stock)
        allowed = ", ".join(sorted(categories))
        for group_id, group in self.groups.items():
            for key in ("eligible", "transfer_to"):
                for category in getattr(group, key) or ():
                    if category not in categories:
                        raise CrossReferenceError(
                            ("groups", group_id, key),
                            f"unknown category {category!r}; allowed: {allowed}",
                        )
        first, last = self.time.first_year, self.time.end - 1
        span = f"the simulated span {first}..{last} (warm-up included)"
        for index, build in enumerate(self.builds):
            if build.category not in categories:
                raise CrossReferenceError(
                    ("builds", index, "category"),
                    f"unknown category {build.category!r}; allowed: {allowed}",
                )
            for year in build.decided_years:
                if not first <= year <= last:
                    raise CrossReferenceError(
                        ("builds", index, "year" if build.year is not None else "from"),
                        f"year {year} lies outside {span}",
                    )
        series: list[tuple[tuple[str | int, ...], YearlySeries]] = [
            (("groups", g, "applications_per_year"), grp.applications_per_year)
            for g, grp in self.groups.items()
        ]
        series += [
            (("followup", "capacity"), self.followup.capacity),
            (("emergency", "units"), self.emergency.units),
        ]
        for loc, values in series:
            for year in values.years:
                if not first <= year <= last:
                    raise CrossReferenceError(loc, f"year {year} lies outside {span}")
        return self

    @property
    def group_ids(self) -> list[str]:
        return list(self.groups)

    @property
    def category_ids(self) -> list[str]:
        return list(self.stock)


class CrossReferenceError(ValueError):
    """A rule that relates several keys; carries the location of the offending key."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message
