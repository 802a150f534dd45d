"""Dotted scenario keys that name one number (``groups.<id>.applications_per_year``,
``groups.<id>.approval.2008``): reading and setting them in scenario data.

What a calibration fits and what a posterior's columns name (:mod:`sim.config.posterior`)
are such keys; both set them with :func:`apply_parameters`.
"""

from __future__ import annotations

import copy
from typing import Any

WHOLE_NUMBER_KEYS = {
    "units",
    "capacity",
    "initial_waiting",
    "units_per_year",
    "max_renewals",
    "priority",
    "max_extra_rooms",
    "lead_time_years",
}
"""Scenario keys that hold whole numbers (a value set there is rounded)."""


def key_part(node: Any, part: str) -> str | int:
    """A part of a dotted key as ``node`` holds it: a year of a series
    (``groups.g.approval.2008``) is a number in the scenario's mapping.

    >>> key_part({2008: 0.5}, "2008"), key_part({"a": 1}, "a")
    (2008, 'a')
    """
    if isinstance(node, dict) and part not in node and part.isdigit() and int(part) in node:
        return int(part)
    return part


def value_at(data: Any, key: str) -> Any:
    """The value the dotted ``key`` names in scenario data; ``KeyError`` if there is none."""
    current = data
    for name in key.split("."):
        part = key_part(current, name)
        if not isinstance(current, dict) or part not in current:
            raise KeyError(key)
        current = current[part]
    return current


def number_problem(data: Any, key: str) -> str | None:
    """Why ``key`` does not name a single number of scenario data (``None``: it does)."""
    try:
        value = value_at(data, key)
    except KeyError:
        return (
            f"{key!r} is not a key of the scenario; give the dotted path of a number it "
            "sets, e.g. groups.<id>.applications_per_year"
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{key!r} is {value!r} in the scenario; only a single number can be set"
    return None


def apply_parameters(data: dict[str, Any], values: dict[str, float]) -> dict[str, Any]:
    """A copy of scenario data with the dotted keys set to ``values``."""
    data = copy.deepcopy(data)
    for key, value in values.items():
        target: dict[Any, Any] = data
        parts = key.split(".")
        for part in parts[:-1]:
            target = target[key_part(target, part)]
        last = key_part(target, parts[-1])
        target[last] = round(value) if parts[-1] in WHOLE_NUMBER_KEYS else float(value)
    return data
