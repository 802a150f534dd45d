"""The prices of a scenario (``costs``): what a night, a place-year, a dwelling, a forced
move and a let unit-year cost or bring in, each of its own year and source, in NOK of one
price year.

A price is a number (NOK in ``costs.price_year``) or a mapping ``{nok, year, source,
note}``: NOK of ``year`` (default: the price year), converted to the price year with the
index ``costs.index`` (:mod:`sim.config.prices`), with where the amount comes from (a
report and line, an address, or the word ``assumption``). A cost metric is reported only
where its price is given; the model reads the converted amounts (:meth:`Costs.prices`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints, model_validator

from sim.config.errors import CrossReferenceError
from sim.config.prices import in_price_year, year_problem
from sim.config.types import MAX_DESCRIPTION, Frozen, Price, Year

Source = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_DESCRIPTION)
]
"""Where a price comes from: a report and line, an address, or ``assumption``."""


PRICE_KEYS = (
    "hospits_per_night",
    "emergency_per_night",
    "followup_per_year",
    "build_per_unit",
    "forced_move_per_case",
    "rent_per_unit_year",
)
"""The price keys, in the order of the engine's ``sim.model.catalogue.PRICED`` (which
names the metric each makes and the quantity it prices; a test keeps the two equal)."""


class PriceIndex(StrEnum):
    """The index prices are converted with: Statistics Norway's consumer price index
    (table 03014, annual averages)."""

    kpi = "kpi"


class PriceEntry(Frozen):
    """A price with its year and source: ``{nok: 1200, year: 2019, source: "..."}``."""

    nok: Price
    year: Year | None = None  # the year of the amount; none: costs.price_year
    source: Source
    note: Annotated[str, StringConstraints(max_length=MAX_DESCRIPTION)] = ""


PriceValue = Price | PriceEntry
"""A price: NOK in the price year, or a mapping with its own year and source."""


class Costs(Frozen):
    """Unit prices in NOK, each with its year and source, converted to ``price_year`` with
    ``index``; a cost metric is reported only where its price is given."""

    price_year: Year | None = None
    index: PriceIndex = PriceIndex.kpi
    hospits_per_night: PriceValue | None = None
    emergency_per_night: PriceValue | None = None
    followup_per_year: PriceValue | None = None
    build_per_unit: PriceValue | None = None
    forced_move_per_case: PriceValue | None = None
    rent_per_unit_year: PriceValue | None = None

    @model_validator(mode="after")
    def _years_in_index(self) -> Costs:
        """Every year a conversion needs is in the index's table; a price of another
        year than the price year needs a price year to be converted to."""
        dated = {key: entry.year for key, entry in self.entries().items() if entry.year}
        if dated and self.price_year is None:
            first = next(iter(dated))
            raise CrossReferenceError(
                ("costs", "price_year"),
                f"is missing, but costs.{first}.year is {dated[first]}: give the year whose "
                "kroner every price is shown in (e.g. price_year: 2024), so that prices of "
                "other years can be converted",
            )
        if self.price_year is not None and (dated or self.given()):
            places: list[tuple[tuple[str, ...], int]] = [(("costs", "price_year"), self.price_year)]
            places += [(("costs", key, "year"), year) for key, year in dated.items()]
            for loc, year in places:
                problem = year_problem(year, self.index.value)
                if problem is not None:
                    raise CrossReferenceError(loc, problem)
        return self

    def given(self) -> dict[str, PriceValue]:
        """The prices given, by key, in the order of :data:`PRICE_KEYS`."""
        out: dict[str, PriceValue] = {}
        for key in PRICE_KEYS:
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out

    def entries(self) -> dict[str, PriceEntry]:
        """The prices given as mappings (with their year and source), by key."""
        return {k: v for k, v in self.given().items() if isinstance(v, PriceEntry)}

    def amount(self, key: str) -> float | None:
        """The price ``key`` in NOK of the price year (``None``: not given)."""
        value = getattr(self, key)
        if value is None:
            return None
        if isinstance(value, PriceEntry):
            if value.year is None or self.price_year is None:
                return value.nok
            return in_price_year(value.nok, value.year, self.price_year, self.index.value)
        return float(value)

    def prices(self) -> dict[str, float | None]:
        """Every price key (:data:`PRICE_KEYS`, rent last) with its amount in NOK of the
        price year, ``None`` where not given: what the model prices its flows with."""
        return {key: self.amount(key) for key in PRICE_KEYS}

    def year_of(self, key: str) -> int | None:
        """The year of the amount given for ``key`` (the price year if it has none)."""
        value = getattr(self, key)
        if isinstance(value, PriceEntry) and value.year is not None:
            return value.year
        return self.price_year

    def source_of(self, key: str) -> str:
        """Where the price ``key`` comes from (empty for a plain number)."""
        value = getattr(self, key)
        return value.source if isinstance(value, PriceEntry) else ""
