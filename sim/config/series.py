"""Stepwise series: a value that changes at listed calendar years or dates.

A key is a year (the value holds from 1 January of it) or a date ``YYYY-MM-DD`` (from the
start of that day), as model time in calendar years (:mod:`sim.config.dates`); the first
value also holds before the first key. :class:`YearlySeries` holds a number (YAML ``5``
or ``{2010: 5, 2012-07-01: 8}``), :class:`Stepwise` any policy value that a ``parse``
function checks (``{2010: needs_based, 2012: differentiated}``).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import Enum
from itertools import pairwise
from operator import itemgetter
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, GetCoreSchemaHandler, ValidationError, model_serializer
from pydantic_core import CoreSchema, core_schema

from sim.config.dates import calendar_date, iso_date, model_time
from sim.config.errors import brief
from sim.config.types import Frozen

SERIES_START = -(10**6)
"""The time a constant series starts at: before any simulated year."""

MAX_YEAR_KEY = 2**53
"""Years from here on have no exact model time (a float)."""

T = TypeVar("T")
Points = tuple[tuple[float, T], ...]
_DATE_LIKE = re.compile(r"\s*\d+-")  # a date, or a text meant as one
_time = itemgetter(0)


def change_time(key: Any) -> float:
    """The model time of a series key: a year (its 1 January) or a date (``2011-09-01``)."""
    if isinstance(key, datetime):
        raise ValueError(f"date {key} has a time of day; give a date (e.g. 2011-09-01) or a year")
    if isinstance(key, date):
        return model_time(key)
    if isinstance(key, str) and _DATE_LIKE.match(key):
        return model_time(iso_date(key))
    year = _series_year(key)
    if abs(year) >= MAX_YEAR_KEY:
        raise ValueError(f"year {brief(year)} is too large for a calendar year")
    return float(year)


def change_key(time: float) -> int | date:
    """A change time as written in YAML: a year for 1 January, else a date."""
    return int(time) if time.is_integer() else calendar_date(time)


class YearlySeries(Frozen):
    """A number that may change at listed years or dates.

    Written in YAML as a number (constant) or a ``{year-or-date: value}`` mapping.

    >>> rate = series({2010: 5, "2012-07-01": 8}, 100, whole=False)
    >>> rate.at_year(2012), rate.at_time(2012.6), rate.change_times()
    (5.0, 8.0, [2010.0, 2012.4972677595629])
    """

    values: tuple[tuple[float, float], ...]

    @classmethod
    def constant(cls, value: float) -> YearlySeries:
        return cls(values=((SERIES_START, float(value)),))

    @property
    def is_constant(self) -> bool:
        return _is_constant(self.values)

    def at_time(self, time: float) -> float:
        """The value in force at model time ``time`` (the last change at or before it)."""
        return _at(self.values, time)

    def at_year(self, year: int) -> float:
        """The value in force at the start of calendar year ``year``."""
        return _at(self.values, year)

    def change_times(self) -> list[float]:
        return _change_times(self.values)

    @property
    def years(self) -> list[int]:
        """The calendar year of each change."""
        return [math.floor(time) for time in self.change_times()]

    @model_serializer
    def to_plain(self) -> float | dict[int | date, float]:
        if self.is_constant:
            return self.values[0][1]
        return {change_key(time): value for time, value in self.values}


def series(value: Any, maximum: float, whole: bool) -> YearlySeries:
    """A number or ``{year-or-date: value}`` mapping as a YearlySeries; values in [0, maximum]."""
    if isinstance(value, YearlySeries):
        return value
    if isinstance(value, dict):
        points = _points(value, lambda item, key: _series_value(item, maximum, whole, f" in {key}"))
        return YearlySeries(values=points)
    if isinstance(value, list | tuple | str) or value is None:
        raise ValueError(f"must be a number or a {{year: value}} mapping, got {brief(value)}")
    return YearlySeries.constant(_series_value(value, maximum, whole, ""))


class Stepwise(Generic[T]):
    """A policy value (a name, a number, shares, a model) that may change at years or dates.

    Made by :func:`stepwise`, which a pydantic field runs before validation::

        renewal: Annotated[
            Stepwise[Renewal], BeforeValidator(lambda v: stepwise(v, Renewal))
        ] = Stepwise.constant(Renewal.needs_based)

    It serialises (``model_dump``) to its YAML form, which validates back to an equal one.

    >>> renewal = stepwise({2010: "needs_based", "2013-07-01": "strict"}, str)
    >>> renewal.at_year(2013), renewal.at_time(2013.5), renewal.to_plain(mode="json")
    ('needs_based', 'strict', {2010: 'needs_based', '2013-07-01': 'strict'})
    """

    __slots__ = ("values",)
    values: Points[T]

    def __init__(self, values: Points[T]) -> None:
        object.__setattr__(self, "values", tuple(values))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Stepwise is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Stepwise) and self.values == other.values

    def __hash__(self) -> int:
        return hash(self.values)

    def __repr__(self) -> str:
        return f"Stepwise({self.values!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Stepwise, (self.values,))

    @classmethod
    def constant(cls, value: T) -> Stepwise[T]:
        return cls(((float(SERIES_START), value),))

    @property
    def is_constant(self) -> bool:
        return _is_constant(self.values)

    def at_time(self, time: float) -> T:
        """The value in force at model time ``time`` (the last change at or before it)."""
        return _at(self.values, time)

    def at_year(self, year: int) -> T:
        """The value in force at the start of calendar year ``year``."""
        return _at(self.values, year)

    def change_times(self) -> list[float]:
        return _change_times(self.values)

    @property
    def years(self) -> list[int]:
        """The calendar year of each change."""
        return [math.floor(time) for time in self.change_times()]

    def to_plain(self, mode: str = "python", by_alias: bool = False) -> Any:
        """The YAML form: the value, or ``{year-or-date: value}`` (dates as ``date``
        objects, or in ``json`` mode as ``YYYY-MM-DD`` texts)."""
        if self.is_constant:
            return _plain(self.values[0][1], mode, by_alias)
        return {
            _shown_key(time, mode): _plain(value, mode, by_alias) for time, value in self.values
        }

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.is_instance_schema(
            cls,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda value, info: value.to_plain(info.mode, bool(info.by_alias)),
                info_arg=True,
            ),
        )


def stepwise(value: Any, parse: Callable[[Any], T]) -> Stepwise[T]:
    """A value, or a ``{year-or-date: value}`` mapping, as a :class:`Stepwise`.

    ``parse`` checks and converts one value; it raises ValueError (a pydantic
    ValidationError is one) saying what is wrong. A mapping is a series only if every key
    is a year or a date (numbers, texts of digits, dates); any other mapping is one value.
    A value that is itself a mapping keyed by numbers (room shares) must therefore be
    given under a year, ``{2010: {1: 0.5, 2: 0.5}}``, and written back the same way.
    """
    if isinstance(value, Stepwise):
        return value
    if not _is_series(value):
        return Stepwise.constant(parse(value))

    def parse_at(item: Any, key: Any) -> T:
        try:
            return parse(item)
        except ValueError as error:
            raise ValueError(f"value in {key}: {_message(error)}") from None

    return Stepwise(_points(value, parse_at))


def _shown_key(time: float, mode: str) -> int | date | str:
    key = change_key(time)
    return key.isoformat() if mode == "json" and isinstance(key, date) else key


def _is_series(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value) and all(map(_is_time_key, value))


def _is_time_key(key: Any) -> bool:
    if isinstance(key, str):
        return key.strip().isdigit() or _DATE_LIKE.match(key) is not None
    return isinstance(key, int | float | date) and not isinstance(key, bool)


def _points(mapping: Mapping[Any, Any], parse: Callable[[Any, Any], T]) -> Points[T]:
    """``(time, value)`` pairs in time order; ``parse(value, key)`` checks each value."""
    if not mapping:
        raise ValueError("a {year: value} mapping needs at least one year")
    keyed = sorted(
        ((change_time(key), key, parse(item, key)) for key, item in mapping.items()), key=_time
    )
    for (time, key, _), (later, other, _) in pairwise(keyed):
        if time == later:
            if not _is_date(key) and not _is_date(other):
                raise ValueError("gives a year twice")
            raise ValueError(f"gives a time twice: {key} and {other} are the same time")
    return tuple((time, value) for time, _, value in keyed)


def _is_date(key: Any) -> bool:
    return isinstance(key, date) or (isinstance(key, str) and _DATE_LIKE.match(key) is not None)


def _is_constant(points: Points[Any]) -> bool:
    return len(points) == 1 and points[0][0] == SERIES_START


def _at(points: Points[T], time: float) -> T:
    index = bisect_right(points, time, key=_time) - 1
    return points[max(index, 0)][1]


def _change_times(points: Points[Any]) -> list[float]:
    return [] if _is_constant(points) else [time for time, _ in points]


def _plain(value: Any, mode: str, by_alias: bool) -> Any:
    """A parsed value as plain YAML data (texts, numbers, lists, mappings)."""
    if isinstance(value, BaseModel):
        return _plain(value.model_dump(mode=mode, by_alias=by_alias), mode, by_alias)
    if isinstance(value, Enum):
        return _plain(value.value, mode, by_alias)
    if isinstance(value, Mapping):
        return {_plain(k, mode, by_alias): _plain(v, mode, by_alias) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, mode, by_alias) for item in value]
    return value


def _message(error: ValueError) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(
            ".".join(map(str, item["loc"])) + (": " if item["loc"] else "") + item["msg"]
            for item in error.errors()
        )
    return str(error)


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
