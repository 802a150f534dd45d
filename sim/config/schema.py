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
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    field_validator,
    model_serializer,
    model_validator,
)

from sim.config.errors import brief

# --- limits: every number is finite and inside a sane range (scenarios/README.md, "Limits")
MAX_UNITS = 100_000
"""Most dwellings in a category, a build, emergency units or follow-up slots."""
MAX_HOUSEHOLDS = 100_000
"""Most households on a group's list at the start (``initial_waiting``)."""
MAX_APPLICATIONS = 100_000.0
"""Most applications a group makes in a year."""
MAX_RATE = 10_000.0
"""Largest hazard per household and year (withdrawal, breakdown, exits)."""
MIN_DURATION = 1.0 / MAX_RATE
"""Shortest duration in years (contract length, time to self-sufficiency)."""
MAX_DURATION = 1_000.0
"""Longest duration in years (contract length, time to self-sufficiency, warm-up)."""
MAX_YEARS = 1_000
"""Most reported years."""
MAX_ROOMS = 20
MAX_TURNAROUND_DAYS = 3_650.0
MAX_CV = 10.0
MAX_FACTOR = 100.0
MAX_PRICE = 1e9
MAX_PRIORITY = 1_000
MAX_RENEWALS = 1_000
MAX_LEAD_YEARS = 100
MAX_REPLICATIONS = 100_000
MAX_SEED = 2**63 - 1
MAX_ENTRIES = 100
"""Most categories, and most groups, in a scenario."""
MAX_BUILDS = 1_000
MAX_LABEL = 200
MAX_DESCRIPTION = 10_000
MAX_ID = 64


def _integral(value: Any) -> Any:
    """A whole number written as a float (``5.0``) is that whole number."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def _room_key(value: Any) -> Any:
    """A room count written as a quoted number (``'2'``) is that number."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return _integral(value)


# whole numbers: 5.0 is read as 5; True and "5" are not numbers
Units = Annotated[int, BeforeValidator(_integral), Strict(), Field(ge=0, le=MAX_UNITS)]
Households = Annotated[int, BeforeValidator(_integral), Strict(), Field(ge=0, le=MAX_HOUSEHOLDS)]
Rooms = Annotated[int, BeforeValidator(_integral), Strict(), Field(ge=1, le=MAX_ROOMS)]
Priority = Annotated[
    int, BeforeValidator(_integral), Strict(), Field(ge=-MAX_PRIORITY, le=MAX_PRIORITY)
]
Renewals = Annotated[int, BeforeValidator(_integral), Strict(), Field(ge=0, le=MAX_RENEWALS)]
LeadYears = Annotated[int, BeforeValidator(_integral), Strict(), Field(ge=0, le=MAX_LEAD_YEARS)]
Year = Annotated[int, BeforeValidator(_integral), Strict(), Field(ge=1800, le=2500)]
Change = Annotated[int, BeforeValidator(_integral), Strict(), Field(ge=-MAX_UNITS, le=MAX_UNITS)]
Probability = Annotated[float, Strict(), Field(ge=0.0, le=1.0)]
Rate = Annotated[float, Strict(), Field(ge=0.0, le=MAX_RATE)]
Duration = Annotated[float, Strict(), Field(ge=MIN_DURATION, le=MAX_DURATION)]
Days = Annotated[float, Strict(), Field(ge=0.0, le=MAX_TURNAROUND_DAYS)]
Variation = Annotated[float, Strict(), Field(ge=0.0, le=MAX_CV)]
Factor = Annotated[float, Strict(), Field(ge=0.0, le=MAX_FACTOR)]
Price = Annotated[float, Strict(), Field(ge=0.0, le=MAX_PRICE)]
Flag = Annotated[bool, Strict()]
Label = Annotated[str, Field(max_length=MAX_LABEL)]
RoomShares = dict[Annotated[Rooms, BeforeValidator(_room_key)], Probability]
SHARE_TOLERANCE = 1e-6


class Frozen(BaseModel):
    """Base of every scenario object: unknown keys are errors, objects are immutable."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, validate_default=True
    )


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
    total = sum(value.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"{what} shares must sum to 1 (they sum to {total:g})")


SERIES_START = -(10**6)
"""The year a constant series starts in: before any simulated year."""


class YearlySeries(Frozen):
    """A value that may change at the start of listed calendar years.

    Written in YAML as a number (constant) or a ``{year: value}`` mapping; a value holds
    from its year on, and the first value also holds before the first listed year.
    """

    values: tuple[tuple[int, float], ...]

    @classmethod
    def constant(cls, value: float) -> YearlySeries:
        return cls(values=((SERIES_START, float(value)),))

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
        return [year for year, _ in self.values if year > SERIES_START]

    @model_serializer
    def to_plain(self) -> float | dict[int, float]:
        if len(self.values) == 1 and self.values[0][0] == SERIES_START:
            return self.values[0][1]
        return {year: value for year, value in self.values}


def _series(value: Any, maximum: float, whole: bool) -> YearlySeries:
    """A number or ``{year: value}`` mapping as a YearlySeries; values in [0, maximum]."""
    if isinstance(value, YearlySeries):
        return value
    if isinstance(value, dict):
        if not value:
            raise ValueError("a {year: value} mapping needs at least one year")
        pairs = [
            (_series_year(year), _series_value(item, maximum, whole, f" in {year}"))
            for year, item in value.items()
        ]
        if len({year for year, _ in pairs}) != len(pairs):
            raise ValueError("gives a year twice")
        return YearlySeries(values=tuple(sorted(pairs)))
    if isinstance(value, list | tuple | str) or value is None:
        raise ValueError(f"must be a number or a {{year: value}} mapping, got {brief(value)}")
    return YearlySeries.constant(_series_value(value, maximum, whole, ""))


def _series_year(year: Any) -> int:
    if isinstance(year, str) and year.strip().isdigit():
        return int(year)
    if isinstance(year, float) and math.isfinite(year) and year.is_integer():
        return int(year)
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"year {brief(year)} is not a whole number (a calendar year, e.g. 2012)")
    return year


def _series_value(value: Any, maximum: float, whole: bool, where: str) -> float:
    kind = "a whole number" if whole else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"value{where} must be {kind}, got {brief(value)}")
    if not math.isfinite(value):
        raise ValueError(f"value{where} must be a finite number, got {brief(value)}")
    if not 0 <= value <= maximum:
        raise ValueError(f"value{where} {brief(value)} is not allowed; allowed: 0 to {maximum:,g}")
    if whole and not float(value).is_integer():
        raise ValueError(f"value{where} must be {kind}, got {brief(value)}")
    return float(value)


class Time(Frozen):
    """Simulated span: ``warmup_years`` before ``start``, then ``years`` reported years."""

    start: Year = 2010
    years: Annotated[int, BeforeValidator(_integral), Strict(), Field(ge=1, le=MAX_YEARS)] = 10
    warmup_years: Annotated[float, Strict(), Field(ge=0.0, le=MAX_DURATION)] = 20.0

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

    label: Label = ""
    units: Units
    contract_years: Duration | None = None
    renewal: Renewal | None = None
    renewal_probability: Probability | None = None
    turnaround_days: Days = 0.0
    turnaround_cv: Variation = 0.5
    rooms: Rooms | RoomShares | None = None

    @field_validator("rooms")
    @classmethod
    def _rooms(cls, value: int | dict[int, float] | None) -> int | dict[int, float] | None:
        if isinstance(value, dict):
            _check_shares(value, "rooms")
        return value


EXITS = ("ownership", "private_rental")
"""Where self-sufficient leavers go (``exit_to``), in the order the model draws them."""


class Group(Frozen):
    """A target group of applicants (rates per year, shares in [0, 1])."""

    label: Label = ""
    applications_per_year: YearlySeries
    approval: Probability = 1.0
    eligible: tuple[str, ...] = Field(min_length=1, max_length=MAX_ENTRIES)
    transfer_to: tuple[str, ...] | None = Field(default=None, max_length=MAX_ENTRIES)
    rooms: RoomShares | None = None
    permanent_need: Probability = 0.0
    self_sufficient_years: Duration | None = None
    followup_need: Probability = 0.0
    withdraw_per_year: Rate = 0.0
    homeless_while_waiting: Probability = 0.0
    breakdown_per_year: Rate = 0.0
    reapply_after_breakdown: Probability = 0.0
    other_exit_per_year: Rate = 0.0
    leave_when_able_per_year: Rate = 0.0
    exit_to: dict[str, Probability] = Field(default_factory=lambda: {"private_rental": 1.0})
    priority: Priority = 0
    initial_waiting: Households = 0

    @field_validator("applications_per_year", mode="before")
    @classmethod
    def _parse_applications(cls, value: Any) -> Any:
        return _series(value, MAX_APPLICATIONS, whole=False)

    @field_validator("rooms")
    @classmethod
    def _rooms(cls, value: dict[int, float] | None) -> dict[int, float] | None:
        _check_shares(value, "rooms")
        return value

    @field_validator("exit_to")
    @classmethod
    def _exit_to(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(EXITS))
        if unknown:
            raise ValueError(
                f"unknown destination {brief(unknown[0])}; allowed: {', '.join(EXITS)}"
            )
        _check_shares(value, "exit_to")
        return {destination: value.get(destination, 0.0) for destination in EXITS}

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
    size_match: Flag = True
    max_extra_rooms: Annotated[
        int, BeforeValidator(_integral), Strict(), Field(ge=0, le=MAX_ROOMS)
    ] = 1
    max_renewals: Renewals | None = None


class Refusal(Frozen):
    """Offer refusal by the household at the head of the list."""

    probability: Probability = 0.0
    penalty: RefusalPenalty = RefusalPenalty.keep


class Followup(Frozen):
    """Follow-up services (bo-oppfølging): slots and their effects."""

    capacity: YearlySeries = Field(default_factory=lambda: YearlySeries.constant(0))
    breakdown_factor: Factor = 1.0
    self_sufficiency_factor: Annotated[
        float, Strict(), Field(ge=1.0 / MAX_FACTOR, le=MAX_FACTOR)
    ] = 1.0

    @field_validator("capacity", mode="before")
    @classmethod
    def _parse_capacity(cls, value: Any) -> Any:
        return _series(value, MAX_UNITS, whole=True)


class Emergency(Frozen):
    """Municipal emergency units (akuttboliger); overflow goes to paid hospits."""

    units: YearlySeries = Field(default_factory=lambda: YearlySeries.constant(0))

    @field_validator("units", mode="before")
    @classmethod
    def _parse_units(cls, value: Any) -> Any:
        return _series(value, MAX_UNITS, whole=True)


class Build(Frozen):
    """A change to the stock: a one-off ``year``/``units`` or ``from``..``to``/``units_per_year``.

    Negative units remove dwellings (vacant ones first).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    category: str
    year: Year | None = None
    units: Change | None = None
    from_year: Year | None = Field(default=None, alias="from")
    to_year: Year | None = Field(default=None, alias="to")
    units_per_year: Change | None = None
    lead_time_years: LeadYears = 0
    rooms: Rooms | RoomShares | None = None

    @field_validator("rooms")
    @classmethod
    def _rooms(cls, value: int | dict[int, float] | None) -> int | dict[int, float] | None:
        if isinstance(value, dict):
            _check_shares(value, "rooms")
        return value

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

    hospits_per_night: Price | None = None
    emergency_per_night: Price | None = None
    followup_per_year: Price | None = None
    build_per_unit: Price | None = None


class Scenario(Frozen):
    """A complete, validated scenario."""

    name: str = Field(min_length=1, max_length=MAX_ID, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: Annotated[str, Field(max_length=MAX_DESCRIPTION)] = ""
    time: Time = Field(default_factory=Time)
    replications: Annotated[
        int, BeforeValidator(_integral), Strict(), Field(ge=1, le=MAX_REPLICATIONS)
    ] = 30
    seed: Annotated[int, BeforeValidator(_integral), Strict(), Field(ge=0, le=MAX_SEED)] = 1
    stock: dict[str, Category] = Field(min_length=1, max_length=MAX_ENTRIES)
    groups: dict[str, Group] = Field(min_length=1, max_length=MAX_ENTRIES)
    policy: Policy = Field(default_factory=Policy)
    refusal: Refusal = Field(default_factory=Refusal)
    followup: Followup = Field(default_factory=Followup)
    emergency: Emergency = Field(default_factory=Emergency)
    builds: tuple[Build, ...] = Field(default=(), max_length=MAX_BUILDS)
    costs: Costs = Field(default_factory=Costs)

    @field_validator("stock", "groups")
    @classmethod
    def _ids(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            if (
                not isinstance(key, str)
                or not key.replace("_", "").replace("-", "").isalnum()
                or len(key) > MAX_ID
            ):
                raise ValueError(
                    f"id {brief(key)} must be letters, digits, '_' or '-', at most {MAX_ID} "
                    "characters (e.g. ordinary_rental)"
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


class CrossReferenceError(ValueError):
    """A rule that relates several keys; carries the location of the offending key."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message
