"""Price indices, and the one conversion of a price from its own year to a scenario's
price year (``costs.price_year``).

The only index is ``kpi``: Statistics Norway's consumer price index, all items, annual
averages, 2015=100 (StatBank table 03014), read from ``sim/config/kpi.csv`` (its source
and how its values were checked are at the top of that file). A price of year ``y`` in
price year ``p`` is ``amount * KPI(p) / KPI(y)``; a year outside the table is an error,
never an extrapolation.

>>> in_price_year(1000.0, 2015, 2024)  # 1000 * 133.6 / 100.0
1336.0
>>> index_years("kpi")[0]
2000
"""

from __future__ import annotations

import csv
import functools
from importlib import resources

INDEXES = ("kpi",)
"""The price indices a scenario can name (``costs.index``)."""

INDEX_NAMES = {"kpi": "consumer price index (KPI), Statistics Norway table 03014, 2015=100"}
"""What each index is, as messages and reports name it."""


@functools.cache
def index_table(index: str = "kpi") -> dict[int, float]:
    """The index's annual values by year (read once from the package's data file)."""
    if index not in INDEXES:
        raise ValueError(f"unknown price index {index!r}; allowed: {', '.join(INDEXES)}")
    text = resources.files("sim.config").joinpath(f"{index}.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {int(row["year"]): float(row[index]) for row in csv.DictReader(lines)}


def index_years(index: str = "kpi") -> tuple[int, int]:
    """The first and last year of the index."""
    years = index_table(index)
    return min(years), max(years)


def year_problem(year: int, index: str = "kpi") -> str | None:
    """Why ``year`` cannot be converted with ``index`` (``None``: it can)."""
    table = index_table(index)
    if year in table:
        return None
    first, last = index_years(index)
    return (
        f"{year} is outside the {index} table ({INDEX_NAMES[index]}), which has the years "
        f"{first}-{last}: give a price year and prices' years within them"
    )


def in_price_year(amount: float, year: int, price_year: int, index: str = "kpi") -> float:
    """``amount`` NOK of ``year`` in NOK of ``price_year``: ``amount * I(price_year) /
    I(year)`` with the index ``index``; a ``ValueError`` for a year outside its table."""
    if year == price_year:
        return amount
    for given in (year, price_year):
        problem = year_problem(given, index)
        if problem is not None:
            raise ValueError(problem)
    table = index_table(index)
    return amount * table[price_year] / table[year]
