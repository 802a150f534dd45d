"""Stock changes of a scenario (``builds``): one-off, dated, or spread over years."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import ConfigDict, Field, Strict, field_validator, model_validator

from sim.config.choices import DwellingRooms
from sim.config.dates import iso_date, model_time
from sim.config.errors import brief
from sim.config.types import Change, Frozen, LeadYears, Year


class Build(Frozen):
    """A change to the stock: a one-off ``year``/``units`` or ``from``..``to``/``units_per_year``.

    Negative units remove dwellings (vacant ones first).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    category: str
    year: Year | None = None
    on: Annotated[date, Strict()] | None = Field(default=None, alias="date")
    units: Change | None = None
    from_year: Year | None = Field(default=None, alias="from")
    to_year: Year | None = Field(default=None, alias="to")
    units_per_year: Change | None = None
    lead_time_years: LeadYears = 0
    rooms: DwellingRooms = None

    @model_validator(mode="after")
    def _one_form(self) -> Build:
        if self.year is not None and self.on is not None:
            raise ValueError("give either year or date for a one-off build, not both")
        when = self.year if self.on is None else self.on
        one_off = when is not None or self.units is not None
        spread = (
            self.from_year is not None
            or self.to_year is not None
            or self.units_per_year is not None
        )
        if one_off and spread:
            raise ValueError(
                "use either year (or date) + units (one-off) or from + to + units_per_year, "
                "not both"
            )
        if one_off and (when is None or self.units is None):
            raise ValueError("a one-off build needs units and a year (or a date)")
        if spread and (
            self.from_year is None or self.to_year is None or self.units_per_year is None
        ):
            raise ValueError("a spread build needs from, to and units_per_year")
        if not one_off and not spread:
            raise ValueError("a build needs year (or date) + units, or from + to + units_per_year")
        if (
            spread
            and self.to_year is not None
            and self.from_year is not None
            and self.to_year < self.from_year
        ):
            raise ValueError("to must not be before from")
        return self

    @field_validator("on", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if isinstance(value, datetime):
            raise ValueError(f"date {brief(value)} has a time of day; give the day only")
        if isinstance(value, date) or value is None:
            return value
        if isinstance(value, str):
            return iso_date(value)
        raise ValueError(f"must be a date written YYYY-MM-DD (e.g. 2011-09-01), got {brief(value)}")

    def schedule(self) -> list[tuple[float, int]]:
        """(model time when the units arrive, units) pairs, lead time applied: the start
        of a year, or a date (``year: 2011-09-01``)."""
        lead = self.lead_time_years
        if self.on is not None and self.units is not None:
            day = self.on
            try:
                arrival = day.replace(year=day.year + lead)
            except ValueError:  # 29 February, and the arrival year is not a leap year
                arrival = day.replace(year=day.year + lead, day=28)
            return [(model_time(arrival), self.units)]
        if self.year is not None and self.units is not None:
            return [(float(self.year + lead), self.units)]
        assert self.from_year is not None and self.to_year is not None
        assert self.units_per_year is not None
        return [
            (float(year + lead), self.units_per_year)
            for year in range(self.from_year, self.to_year + 1)
        ]

    @property
    def decided_years(self) -> list[int]:
        if self.on is not None:
            return [self.on.year]
        if self.year is not None:
            return [self.year]
        assert self.from_year is not None and self.to_year is not None
        return [self.from_year, self.to_year]
