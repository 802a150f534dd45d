"""Typed, frozen scenario objects (the keys of ``scenarios/README.md``).

A scenario is validated once, when it is loaded, into these objects; the model reads
them and never changes them. Variants are made with ``model_copy(update=...)`` or by
loading again with overrides. Time is in years, rates are per year, durations of
dead time in days.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    Strict,
    field_validator,
    model_validator,
)

from sim.config.builds import Build
from sim.config.choices import (
    NONRENEWAL,
    Allocation,
    DurationOrSpec,
    DwellingRooms,
    ForcedMoverPlace,
    RefusalPenalty,
    Renewal,
    RenewalDecisions,
    TenancyDraw,
    check_shares,
    contract_length,
    mean_of,
    nonrenewal_shares,
    one_of,
    optional_one_of,
    steps,
)
from sim.config.costs import Costs
from sim.config.durations import DurationSpec
from sim.config.errors import CrossReferenceError, brief
from sim.config.parameters import number_problem
from sim.config.posterior import Posterior, PosteriorSettings
from sim.config.series import Stepwise, YearlySeries, series
from sim.config.services import (
    Emergency,
    Followup,
    Homelessness,
    OutsideExits,
    StayDays,
)
from sim.config.types import (
    ID_RULE,
    MAX_APPLICATIONS,
    MAX_BUILDS,
    MAX_DESCRIPTION,
    MAX_DURATION,
    MAX_ENTRIES,
    MAX_ID,
    MAX_REPLICATIONS,
    MAX_ROOMS,
    MAX_SEED,
    MAX_TURNAROUND_DAYS,
    MAX_YEARS,
    Days,
    Factor,
    Flag,
    Frozen,
    Households,
    Label,
    Priority,
    Probability,
    Rate,
    Renewals,
    RoomShares,
    Units,
    Variation,
    Year,
    integral,
    is_id,
)

__all__ = [
    "EXITS",
    "NONRENEWAL",
    "Allocation",
    "Build",
    "Category",
    "Costs",
    "Emergency",
    "Followup",
    "ForcedMoverPlace",
    "Group",
    "Homelessness",
    "OutsideExits",
    "Policy",
    "RefusalPenalty",
    "Renewal",
    "Scenario",
    "TenancyDraw",
    "mean_of",
]


class Time(Frozen):
    """Simulated span: ``warmup_years`` before ``start``, then ``years`` reported years."""

    start: Year = 2010
    years: Annotated[int, BeforeValidator(integral), Strict(), Field(ge=1, le=MAX_YEARS)] = 10
    warmup_years: Annotated[float, Strict(), Field(ge=0.0, le=MAX_DURATION)] = 20.0

    @property
    def first_year(self) -> int:
        """First calendar year touched by the warm-up."""
        return math.floor(self.start - self.warmup_years)

    @property
    def end(self) -> int:
        """Time at which the run ends (start of the year after the last reported one)."""
        return self.start + self.years


class LatentDemand(Frozen):
    """Need beyond the list: a unit of the category that is ready to let with no one on
    the list to take it calls forth a household of ``group`` in need of it (its room
    need is the unit's size), who applies after an exponential time with mean
    ``delay_days`` if the unit is still free then."""

    group: str
    delay_days: Annotated[float, Strict(), Field(ge=0.0, le=MAX_TURNAROUND_DAYS)] = 30.0


class Category(Frozen):
    """A category of municipal dwellings."""

    label: Label = ""
    units: Units
    contract_years: Annotated[Stepwise[float | None], steps(contract_length)] = Stepwise.constant(
        None
    )
    renewal: Annotated[Stepwise[Renewal | None], steps(optional_one_of(Renewal))] = (
        Stepwise.constant(None)
    )
    renewal_probability: Probability | None = None
    turnaround_days: Days = 0.0
    turnaround_cv: Variation = 0.5
    rooms: DwellingRooms = None
    latent_demand: LatentDemand | None = None


EXITS = ("ownership", "private_rental")
"""Where self-sufficient leavers go (``exit_to``), in the order the model draws them."""


class Group(Frozen):
    """A target group of applicants (rates per year, shares in [0, 1])."""

    label: Label = ""
    applications_per_year: YearlySeries
    approval: YearlySeries = Field(default_factory=lambda: YearlySeries.constant(1.0))
    eligible: tuple[str, ...] = Field(min_length=1, max_length=MAX_ENTRIES)
    transfer_to: tuple[str, ...] | None = Field(default=None, max_length=MAX_ENTRIES)
    rooms: RoomShares | None = None
    persons: RoomShares | None = None
    permanent_need: Probability = 0.0
    self_sufficient_years: DurationOrSpec | None = None
    followup_need: Probability = 0.0
    withdraw_per_year: Rate = 0.0
    homeless_while_waiting: Probability = 0.0
    breakdown_per_year: Rate = 0.0
    reapply_after_breakdown: Probability = 0.0
    other_exit_per_year: Rate = 0.0
    tenancy_years: DurationOrSpec | None = None
    tenancy_draw: Annotated[TenancyDraw, BeforeValidator(one_of(TenancyDraw))] = (
        TenancyDraw.per_household
    )
    reenter_after_tenancy: Probability = 0.0
    reenter_delay_years: Annotated[float, Strict(), Field(ge=0.0, le=MAX_DURATION)] = 0.0
    stay_before_housing_days: StayDays | DurationSpec | None = None
    leave_when_able_per_year: Rate = 0.0
    exit_to: dict[str, Probability] = Field(default_factory=lambda: {"private_rental": 1.0})
    priority: Priority = 0
    initial_waiting: Households = 0

    @field_validator("applications_per_year", mode="before")
    @classmethod
    def _parse_applications(cls, value: Any) -> Any:
        return series(value, MAX_APPLICATIONS, whole=False)

    @field_validator("approval", mode="before")
    @classmethod
    def _parse_approval(cls, value: Any) -> Any:
        try:
            return series(value, 1.0, whole=False)
        except ValueError as error:  # a share: say so, as for the other probabilities
            raise ValueError(str(error).replace("is not allowed", "is not a probability")) from None

    @field_validator("rooms")
    @classmethod
    def _rooms(cls, value: dict[int, float] | None) -> dict[int, float] | None:
        check_shares(value, "rooms")
        return value

    @field_validator("persons")
    @classmethod
    def _persons(cls, value: dict[int, float] | None) -> dict[int, float] | None:
        check_shares(value, "persons")
        return value

    @field_validator("exit_to")
    @classmethod
    def _exit_to(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(EXITS))
        if unknown:
            raise ValueError(
                f"unknown destination {brief(unknown[0])}; allowed: {', '.join(EXITS)}"
            )
        check_shares(value, "exit_to")
        return {destination: value.get(destination, 0.0) for destination in EXITS}

    @model_validator(mode="after")
    def _one_exit_clock(self) -> Group:
        if self.tenancy_years is not None and self.other_exit_per_year > 0:
            raise ValueError(
                "give either other_exit_per_year (a rate) or tenancy_years (a duration), not both"
            )
        if self.reenter_after_tenancy > 0 and self.tenancy_draw is TenancyDraw.per_household:
            raise ValueError(
                "reenter_after_tenancy needs tenancy_draw: per_tenancy (under per_household "
                "the tenancy clock that ended the tenancy is the household's only one, so "
                "it would have no time left in a next tenancy); allowed: per_tenancy"
            )
        return self

    @field_validator("eligible", "transfer_to")
    @classmethod
    def _no_duplicates(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("lists a category twice")
        return value


class NeedWeights(Frozen):
    """Points of assessed need under ``allocation: need``: the highest score is first in
    line; a score is ``homeless`` for a homeless household, minus ``priority`` times the
    group's ``priority``, plus ``years_waited`` per year on the list; ties by seniority."""

    homeless: Factor = 1.0
    priority: Factor = 0.0
    years_waited: Factor = 0.0


class ReturnFromPrivate(Frozen):
    """Non-renewed tenants sent to the private market (``after_nonrenewal``
    ``private_rental``) who come back to the list: each with ``probability``, after an
    exponential time with mean ``delay_years``, homeless on return with probability
    ``homeless`` (it then waits in hospits or its own solution as any homeless applicant).
    A return is a new application, approved, with the date of return as its seniority."""

    probability: Probability = 0.0
    delay_years: Annotated[float, Strict(), Field(ge=0.0, le=MAX_DURATION)] = 1.0
    homeless: Probability = 0.0


class Policy(Frozen):
    """How dwellings are allocated and contracts renewed."""

    allocation: Annotated[Stepwise[Allocation], steps(one_of(Allocation))] = Stepwise.constant(
        Allocation.seniority
    )
    need_weights: NeedWeights = Field(default_factory=NeedWeights)
    renewal: Annotated[Stepwise[Renewal], steps(one_of(Renewal))] = Stepwise.constant(
        Renewal.needs_based
    )
    renewal_probability: Probability = 0.5
    renewal_decisions: RenewalDecisions = RenewalDecisions.separate
    after_nonrenewal: Annotated[Stepwise[dict[str, float]], steps(nonrenewal_shares)] = (
        Stepwise.constant({"transfer": 1.0})
    )
    reapply_after_homeless: Probability = 1.0
    reapply_delay_years: Annotated[float, Strict(), Field(ge=0.0, le=MAX_DURATION)] = 0.0
    return_from_private: ReturnFromPrivate = Field(default_factory=ReturnFromPrivate)
    forced_mover_place: Annotated[Stepwise[ForcedMoverPlace], steps(one_of(ForcedMoverPlace))] = (
        Stepwise.constant(ForcedMoverPlace.keep)
    )
    size_match: Flag = True
    max_extra_rooms: Annotated[
        int, BeforeValidator(integral), Strict(), Field(ge=0, le=MAX_ROOMS)
    ] = 1
    max_renewals: Renewals | None = None


class Refusal(Frozen):
    """Offer refusal by the household at the head of the list."""

    probability: Probability = 0.0
    penalty: RefusalPenalty = RefusalPenalty.keep


class Scenario(Frozen):
    """A complete, validated scenario."""

    name: str = Field(min_length=1, max_length=MAX_ID, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    label: Label = ""
    description: Annotated[str, Field(max_length=MAX_DESCRIPTION)] = ""
    time: Time = Field(default_factory=Time)
    replications: Annotated[
        int, BeforeValidator(integral), Strict(), Field(ge=1, le=MAX_REPLICATIONS)
    ] = 30
    seed: Annotated[int, BeforeValidator(integral), Strict(), Field(ge=0, le=MAX_SEED)] = 1
    stock: dict[str, Category] = Field(min_length=1, max_length=MAX_ENTRIES)
    groups: dict[str, Group] = Field(min_length=1, max_length=MAX_ENTRIES)
    policy: Policy = Field(default_factory=Policy)
    refusal: Refusal = Field(default_factory=Refusal)
    followup: Followup = Field(default_factory=Followup)
    emergency: Emergency = Field(default_factory=Emergency)
    homelessness: Homelessness = Field(default_factory=Homelessness)
    builds: tuple[Build, ...] = Field(default=(), max_length=MAX_BUILDS)
    costs: Costs = Field(default_factory=Costs)
    calibration: PosteriorSettings | None = None

    @field_validator("stock", "groups")
    @classmethod
    def _ids(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            if not is_id(key):
                raise ValueError(f"id {brief(key)} must be {ID_RULE} (e.g. ordinary_rental)")
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
        for category_id, category in self.stock.items():
            latent = category.latent_demand
            if latent is None:
                continue
            eligible = sorted(g for g, grp in self.groups.items() if category_id in grp.eligible)
            if latent.group not in eligible:
                raise CrossReferenceError(
                    ("stock", category_id, "latent_demand", "group"),
                    f"{latent.group!r} is not a group eligible for {category_id!r}; "
                    f"allowed: {', '.join(eligible) or '(none)'}",
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
                        (
                            "builds",
                            index,
                            "year"
                            if build.year is not None
                            else "date"
                            if build.on is not None
                            else "from",
                        ),
                        f"year {year} lies outside {span}",
                    )
        series: list[tuple[tuple[str | int, ...], YearlySeries | Stepwise[Any]]] = [
            (("groups", g, key), getattr(grp, key))
            for g, grp in self.groups.items()
            for key in ("applications_per_year", "approval")
        ]
        series += [
            (("followup", "capacity"), self.followup.capacity),
            (("emergency", "units"), self.emergency.units),
        ]
        policy = self.policy
        series += [
            (("policy", key), getattr(policy, key))
            for key in ("allocation", "renewal", "after_nonrenewal", "forced_mover_place")
        ]
        series += [
            (("stock", k, key), getattr(cat, key))
            for k, cat in self.stock.items()
            for key in ("contract_years", "renewal")
        ]
        if self.homelessness.hospits_capacity is not None:
            capacity = self.homelessness.hospits_capacity
            series.append((("homelessness", "hospits_capacity"), capacity))
        for loc, values in series:
            for year in values.years:
                if not first <= year <= last:
                    raise CrossReferenceError(loc, f"year {year} lies outside {span}")
        self._check_posterior()
        return self

    @property
    def posterior(self) -> Posterior | None:
        """The posterior the scenario runs over (``calibration.posterior``), if any."""
        return self.calibration.particles if self.calibration is not None else None

    @property
    def replications_per_draw(self) -> int:
        """Replications that share one particle of the posterior (``calibration``)."""
        return self.calibration.replications_per_draw if self.calibration is not None else 2

    def _check_posterior(self) -> None:
        """Every column of the posterior names a number this scenario sets."""
        posterior = self.posterior
        if posterior is None:
            return
        data = self.model_dump(mode="python", by_alias=True, exclude_none=True)
        for key in posterior.keys:
            problem = number_problem(data, key)
            if problem is not None:
                raise CrossReferenceError(
                    ("calibration", "posterior"),
                    f"posterior file {posterior.file}, column {key!r}: {problem}",
                )
