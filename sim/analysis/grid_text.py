"""What ``sim sweep`` and ``sim tradeoff`` print: per measure, every grid point by its
display name with its mean and 95 % interval.

A point's name reads its settings with the display names of the scenario's groups and
dwelling categories (``stock.ordinary.contract_years=1`` under Lørenskog: "Ordinary
rentals: contract_years 1"); the measures are named by their labels with units.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sim.analysis.labels import category_label, group_label, number
from sim.analysis.tables import share_cell
from sim.config.schema import Scenario

LANGUAGE = "en"
"""The command line's language."""


def shown_value(key: str, value: Any) -> str:
    """A varied value as policy names show it: a missing contract length is "permanent".

    Also reads values back from a table, where a missing value is NaN and whole numbers
    may have become floats.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "permanent" if key.split(".")[-1] == "contract_years" else "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def setting_name(key: str, value: Any, scenario: Scenario, language: str = LANGUAGE) -> str:
    """One setting as a reader names it: the group's or category's display name, then
    the rest of the key and the value (``permanent`` for contracts without an end)."""
    owner, rest = _owner(key, value, scenario, language)
    return f"{owner}: {rest}" if owner else rest


def _owner(key: str, value: Any, scenario: Scenario, language: str) -> tuple[str, str]:
    """The display name of the group or category a key sets (``""``: none) and the rest."""
    parts = key.split(".")
    shown = shown_value(key, value)
    if len(parts) >= 3 and parts[0] in ("stock", "groups"):
        name = parts[1]
        owner = (
            category_label(scenario, name, language)
            if parts[0] == "stock"
            else group_label(scenario, name, language)
        )
        return owner, f"{'.'.join(parts[2:])} {shown}"
    return "", f"{key} {shown}"


def point_name(point: dict[str, Any], scenario: Scenario, language: str = LANGUAGE) -> str:
    """A grid point's settings by display names, those of one group or category
    together: "Ordinary rentals: contract_years 1, renewal strict; Older people: ..."."""
    together: dict[str, list[str]] = {}
    for key, value in point.items():
        owner, rest = _owner(key, value, scenario, language)
        together.setdefault(owner, []).append(rest)
    return "; ".join(
        f"{owner}: {', '.join(rests)}" if owner else ", ".join(rests)
        for owner, rests in together.items()
    )


def interval_cell(mean: float, low: float, high: float, language: str = LANGUAGE) -> str:
    """``mean [low, high]`` (the mean alone where the interval has no width)."""
    if not math.isfinite(mean):
        return "–"
    digits = 0 if abs(mean) >= 100 else 1 if abs(mean) >= 10 else 2
    if not (math.isfinite(low) and math.isfinite(high)) or math.isclose(low, high):
        return number(mean, language, digits)
    shown = [number(v, language, digits) for v in (mean, low, high)]
    return f"{shown[0]} [{shown[1]}, {shown[2]}]"


Entry = tuple[str, float, float, float, float | None]
"""One point under a measure: its name, mean, interval and (over a posterior) the share
of the variance from the parameters (``None``: no such column)."""


def measures_text(heading: str, blocks: Sequence[tuple[str, Sequence[Entry]]]) -> str:
    """``heading``, then per measure its label and one line per point: name and
    ``mean [95 % CI]`` (and ``from parameters: N %`` over a posterior)."""
    names = [entry[0] for _, entries in blocks for entry in entries]
    width = max((len(name) for name in names), default=0)
    lines = [heading]
    for title, entries in blocks:
        lines += ["", title]
        for name, mean, low, high, share in entries:
            cell = interval_cell(mean, low, high)
            if share is not None:
                cell += f"   from parameters: {share_cell(share)}"
            lines.append(f"  {name.ljust(width)}  {cell}".rstrip())
    return "\n".join(lines)
