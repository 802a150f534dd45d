"""Yearly statistics of one replication: flow counters, time integrals, year-end stocks
(the metrics of ``catalogue.py``).

A part of the model counts a flow through its :class:`Flow`, which it asks the recorder
for by name (``renewals = recorder.flow("renewals")``, then ``renewals.count(household,
dwelling)``); the counts are plain Python lists indexed by integers, and the tidy table is
assembled from them once a year (``close_year``), outside the hot path.

Index convention: group ``g`` in 0..G-1, category ``k`` in 0..K-1; flows that have no
category (applications) use ``k = K``, flows that have no group (vacancy) ``g = G``. A
household's ``base`` is the index of its ``(g, 0)``.
"""

from __future__ import annotations

import math

from sim.model.catalogue import (
    DAYS_PER_YEAR,
    FLOW_DIMS,
    INCOME_PRICE,
    INTEGRAL_DIMS,
    PRICED,
    STOCK_DIMS,
)
from sim.model.entities import Dwelling, Household


class Row:
    """One row of the yearly table (read-only by convention).

    A plain class, not a dataclass: the compiled engine builds it without calling
    interpreted code (a dataclass's generated ``__init__`` is interpreted, at some 7 % of a
    replication's time when the rows were frozen, 3 % when not)."""

    __slots__ = ("category", "group", "metric", "value", "year")

    def __init__(self, year: int, group: str, category: str, metric: str, value: float) -> None:
        self.year = year
        self.group = group
        self.category = category
        self.metric = metric
        self.value = value

    def _fields(self) -> tuple[int, str, str, str, float]:
        return (self.year, self.group, self.category, self.metric, self.value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        return (
            f"Row(year={self.year!r}, group={self.group!r}, category={self.category!r}, "
            f"metric={self.metric!r}, value={self.value!r})"
        )


class TimeWeighted:
    """Levels that change at event times, with their integrals over the current year."""

    __slots__ = ("area", "last", "level")

    def __init__(self, size: int, start: float) -> None:
        self.level = [0.0] * size
        self.last = [start] * size
        self.area = [0.0] * size

    def add(self, index: int, delta: float, now: float) -> None:
        # typed locals: the compiled engine does the arithmetic natively (same operations)
        level: float = self.level[index]
        last: float = self.last[index]
        area: float = self.area[index]
        self.area[index] = area + level * (now - last)
        self.last[index] = now
        self.level[index] = level + delta

    def close(self, now: float) -> list[float]:
        """Integrals since the last close, up to ``now``; starts a new period."""
        areas = []
        for index, level in enumerate(self.level):
            areas.append(self.area[index] + level * (now - self.last[index]))
            self.area[index] = 0.0
            self.last[index] = now
        return areas


class Flow:
    """The counts of one flow over the current year, by group and category (the
    recorder's flat list ``values``: see the index convention above).

    Each count adds 1.0 to a float the compiled engine reads as one (typed local): it adds
    natively, and no helper call is made.

    >>> flow = Flow([0.0] * 6, G=1, K=2)
    >>> flow.count_group(0), flow.count_category(1), flow.count_category(1)
    (None, None, None)
    >>> flow.values
    [0.0, 0.0, 1.0, 0.0, 2.0, 0.0]
    """

    __slots__ = ("G", "K", "values", "width")

    def __init__(self, values: list[float], G: int, K: int) -> None:
        self.values = values
        self.G = G
        self.K = K
        self.width = K + 1

    def count(self, household: Household, dwelling: Dwelling) -> None:
        """One more for the household's group and the dwelling's category."""
        values = self.values
        index = household.base + dwelling.k
        value: float = values[index]
        values[index] = value + 1.0

    def add(self, household: Household, dwelling: Dwelling, amount: float) -> None:
        """``amount`` more for the household's group and the dwelling's category."""
        values = self.values
        index = household.base + dwelling.k
        value: float = values[index]
        values[index] = value + amount

    def count_group(self, g: int) -> None:
        """One more for group ``g``, of no category (applications, withdrawals, ...)."""
        values = self.values
        index = g * self.width + self.K
        value: float = values[index]
        values[index] = value + 1.0

    def count_category(self, k: int) -> None:
        """One more for category ``k``, of no group (units built or removed)."""
        values = self.values
        index = self.G * self.width + k
        value: float = values[index]
        values[index] = value + 1.0


class Recorder:
    """Collects the yearly metrics of one replication."""

    def __init__(
        self, groups: list[str], categories: list[str], pairs: list[tuple[int, int]], start: float
    ) -> None:
        self.groups = groups
        self.categories = categories
        self.G = len(groups)
        self.K = len(categories)
        self.width = self.K + 1
        size = (self.G + 1) * self.width
        self.pairs = pairs
        self.flows: dict[str, list[float]] = {name: [0.0] * size for name in FLOW_DIMS}
        self._counters = {name: Flow(values, self.G, self.K) for name, values in self.flows.items()}
        self.integrals: dict[str, TimeWeighted] = {
            name: TimeWeighted(size, start) for name in INTEGRAL_DIMS
        }
        self.waits: list[list[float]] = [[] for _ in groups]
        self.rows: list[Row] = []

    def index(self, g: int, k: int) -> int:
        return g * self.width + k

    def flow(self, name: str) -> Flow:
        """The counter of flow ``name`` (one of ``catalogue.FLOW_DIMS``)."""
        return self._counters[name]

    def reset(self, now: float) -> None:
        """Discard what was counted so far (end of a warm-up year)."""
        for values in self.flows.values():
            for i in range(len(values)):
                values[i] = 0.0
        for integral in self.integrals.values():
            integral.close(now)
        for waits in self.waits:
            waits.clear()

    def close_year(
        self, year: int, now: float, stocks: dict[str, list[float]], costs: dict[str, float | None]
    ) -> None:
        """Turn the year's counters and the year-end stocks into tidy rows."""
        values: dict[str, list[float]] = {name: list(v) for name, v in self.flows.items()}
        dims = dict(FLOW_DIMS)
        for name, (dim, factor) in INTEGRAL_DIMS.items():
            values[name] = [area * factor for area in self.integrals[name].close(now)]
            dims[name] = dim
        # a unit is either let or vacant: vacant unit-years = unit-years - tenant-years
        vacant = list(values["unit_years"])
        for g in range(self.G):
            for k in range(self.K):
                vacant[self.index(self.G, k)] -= values["tenant_years"][self.index(g, k)]
        values["vacant_unit_days"] = [max(v, 0.0) * DAYS_PER_YEAR for v in vacant]
        dims["vacant_unit_days"] = "k"
        for name, dim in STOCK_DIMS.items():
            values[name] = list(stocks[name])
            dims[name] = dim
        for name in values:
            self._emit(year, name, dims[name], values[name])
        self._emit_ratios(year, values)
        self._emit_waits(year)
        self._emit_costs(year, values, costs)
        for v in self.flows.values():
            for i in range(len(v)):
                v[i] = 0.0

    # --- margins and derived metrics -------------------------------------------------

    def _margins(self, dim: str, v: list[float]) -> list[tuple[str, str, float]]:
        # totals added up in loops (``total``), in the order ``sum`` adds, without a call
        # to the interpreter's ``sum`` from the compiled engine
        G, K, width = self.G, self.K, self.width
        groups, categories = self.groups, self.categories
        out: list[tuple[str, str, float]] = []
        if dim == "g":
            per_group = [v[g * width + K] for g in range(G)]
            for g in range(G):
                out.append((groups[g], "", per_group[g]))
            out.append(("", "", total(per_group)))
        elif dim == "k":
            per_cat = [v[G * width + k] for k in range(K)]
            for k in range(K):
                out.append(("", categories[k], per_cat[k]))
            out.append(("", "", total(per_cat)))
        elif dim == "gk":
            for g, k in self.pairs:
                out.append((groups[g], categories[k], v[g * width + k]))
            for g in range(G):
                out.append((groups[g], "", total([v[g * width + k] for k in range(K)])))
            for k in range(K):
                out.append(("", categories[k], total([v[g * width + k] for g in range(G)])))
            out.append(("", "", total([v[g * width + k] for g in range(G) for k in range(K)])))
        else:
            out.append(("", "", v[0]))
        return out

    def _emit(self, year: int, name: str, dim: str, v: list[float]) -> None:
        rows = self.rows
        for g, k, value in self._margins(dim, v):
            if not math.isfinite(value):  # a count is never NaN: fail, never write it
                raise ArithmeticError(f"{name} of {year} ({g or 'all'}, {k or 'all'}) is {value}")
            rows.append(Row(year, g, k, name, value))

    def _emit_ratios(self, year: int, values: dict[str, list[float]]) -> None:
        forced = self._margins("gk", values["forced_moves"])
        tenant_years = self._margins("gk", values["tenant_years"])
        for (g, k, moves), (_, _, exposure) in zip(forced, tenant_years, strict=True):
            ratio = 100.0 * moves / exposure if exposure > 0 else math.nan
            self.rows.append(Row(year, g, k, "moves_per_100_tenant_years", ratio))
        allocations = self._margins("gk", values["allocations"])
        by_category = {(g, k): value for g, k, value in allocations if g == ""}
        for _, k, unit_years in self._margins("k", values["unit_years"]):
            new = by_category[("", k)]
            ratio = 100.0 * new / unit_years if unit_years > 0 else math.nan
            self.rows.append(Row(year, "", k, "new_allocations_per_100_units", ratio))

    def _emit_waits(self, year: int) -> None:
        everyone: list[float] = []
        for g, waits in enumerate(self.waits):
            everyone.extend(waits)
            self._emit_wait_stats(year, self.groups[g], waits)
            waits.clear()
        self._emit_wait_stats(year, "", everyone)

    def _emit_wait_stats(self, year: int, group: str, waits: list[float]) -> None:
        if waits:
            ordered = sorted(waits)
            stats = (sum(waits) / len(waits), _quantile(ordered, 0.5), _quantile(ordered, 0.9))
        else:
            stats = (math.nan, math.nan, math.nan)
        for name, value in zip(
            ("wait_years_mean", "wait_years_p50", "wait_years_p90"), stats, strict=True
        ):
            self.rows.append(Row(year, group, "", name, value))

    def _emit_costs(
        self, year: int, values: dict[str, list[float]], costs: dict[str, float | None]
    ) -> None:
        """A row per price given (price times its quantity, ``catalogue.PRICED``), then
        ``cost_total`` (the costs) where a cost was priced and ``cost_net`` (the costs less
        rent income) where rent was."""
        total = 0.0
        income = 0.0
        any_cost = False
        any_income = False
        for key, price in costs.items():
            if price is None:
                continue
            metric, quantity = PRICED[key]
            amount = price * sum(values[quantity])
            self.rows.append(Row(year, "", "", metric, amount))
            if key == INCOME_PRICE:
                any_income = True
                income += amount
            else:
                any_cost = True
                total += amount
        if any_cost:
            self.rows.append(Row(year, "", "", "cost_total", total))
        if any_income:
            self.rows.append(Row(year, "", "", "cost_net", total - income))


def total(values: list[float]) -> float:
    """``sum(values)`` of floats as Python 3.11 adds them: from 0, left to right.

    >>> total([0.1, 0.2, 0.3]) == sum([0.1, 0.2, 0.3]), total([-0.0]), total([])
    (True, 0.0, 0.0)
    """
    result = 0.0
    for value in values:
        result += value
    return result


def _quantile(ordered: list[float], q: float) -> float:
    """Linear-interpolation quantile (numpy's default) of sorted values."""
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
