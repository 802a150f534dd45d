"""Calendar dates as model time: calendar years as floats (2011.0 is 1 January 2011).

A day starts at ``year + (day_of_year - 1) / days_in_year``, so each year has the length
1.0 whether it has 365 or 366 days.

>>> model_time(date(2011, 1, 1)), model_time(date(2012, 7, 1))
(2011.0, 2012.4972677595629)
>>> calendar_date(2012.4972677595629)
datetime.date(2012, 7, 1)
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, datetime, timedelta

DAY_TOLERANCE = 1e-6
"""Fraction of a day by which a time before midnight still counts as the next day."""

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def days_in_year(year: int) -> int:
    """365, or 366 in a leap year."""
    return 366 if calendar.isleap(year) else 365


def model_time(day: date) -> float:
    """The model time (calendar years) at which ``day`` starts."""
    if isinstance(day, datetime):
        raise ValueError(f"{day} has a time of day; give a date such as 2011-09-01")
    start = date(day.year, 1, 1)
    return day.year + (day - start).days / days_in_year(day.year)


def calendar_date(time: float) -> date:
    """The day in which model time ``time`` falls (the inverse of :func:`model_time`)."""
    if not math.isfinite(time) or not 1 <= time <= 9_999.999:
        raise ValueError(f"model time {time!r} has no calendar date (years 1 to 9999)")
    year = math.floor(time)
    day = math.floor((time - year) * days_in_year(year) + DAY_TOLERANCE)
    return date(year, 1, 1) + timedelta(days=day)


def iso_date(text: str) -> date:
    """A ``YYYY-MM-DD`` text as a date; a ValueError says what is wrong with it."""
    found = _ISO_DATE.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"date {text!r} is not written YYYY-MM-DD (e.g. 2011-09-01)")
    year, month, day = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError as error:
        raise ValueError(f"date {text!r} does not exist ({error})") from None
