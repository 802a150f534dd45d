"""Yearly series: a value that may change at the start of listed calendar years."""

from __future__ import annotations

import math
from typing import Any

from pydantic import model_serializer

from sim.config.errors import brief
from sim.config.types import Frozen

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


def series(value: Any, maximum: float, whole: bool) -> YearlySeries:
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
