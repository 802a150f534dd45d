"""The factors of a sensitivity analysis (``sim sensitivity``): scenario numbers and ranges.

A factor is a number of the scenario (a dotted key whose value is one number) with the
range it is varied over. Factors come from ``--vary KEY=LOW:HIGH`` or, with
``--from-assumptions``, from every number whose comment in the scenario's files says
"assumption", varied by a relative range around its value (kept inside the key's limits,
whole numbers kept whole).

>>> parse_ranges(["groups.g.approval=0.5:0.9"])
[('groups.g.approval', 0.5, 0.9)]
>>> number_limits("groups.g.approval")
(0.0, 1.0, False)
>>> number_limits("stock.ordinary.units")
(0, 100000, True)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cache
from pathlib import Path
from typing import Any, TypeGuard

from sim.config.errors import InputError, Problem, brief, brief_text
from sim.config.loader import ScenarioSource, plain_data, scenario_from, setting
from sim.config.schema import Scenario

RUN_SETTINGS = ("time", "replications", "seed", "name", "description", "extends")
"""Top-level keys that say how a scenario is run, not what it assumes: never varied."""

ASSUMPTION = re.compile(r"\bassumption\b", re.IGNORECASE)


@dataclass(frozen=True)
class Factor:
    """A scenario number varied over ``[low, high]`` (whole numbers if ``integer``)."""

    key: str
    low: float
    high: float
    integer: bool = False
    value: float | None = None  # its value in the scenario
    source: str = ""  # --vary, or the comment that calls it an assumption

    def at(self, x: float) -> float | int:
        """The value run at a sampled ``x``: rounded to a whole number if ``integer``."""
        return round(x) if self.integer else float(x)


def _vary_error(key: str, message: str) -> InputError:
    return InputError([Problem("--vary", key, message)])


def parse_ranges(texts: Sequence[str]) -> list[tuple[str, float, float]]:
    """``KEY=LOW:HIGH`` → (key, low, high); LOW < HIGH, both finite numbers."""
    example = "e.g. groups.disadvantaged.approval=0.5:0.8"
    ranges: list[tuple[str, float, float]] = []
    for text in texts:
        key, sep, raw = text.partition("=")
        key = key.strip()
        low_text, colon, high_text = raw.partition(":")
        if not sep or not colon or not key or any(not p.strip() for p in key.split(".")):
            raise _vary_error(brief_text(text), f"must look like KEY=LOW:HIGH, {example}")
        shown = brief_text(key, 80)
        try:
            low, high = float(low_text), float(high_text)
        except ValueError:
            raise _vary_error(
                shown, f"LOW and HIGH must be numbers, not {brief_text(raw, 40)!r}; {example}"
            ) from None
        if not (math.isfinite(low) and math.isfinite(high)):
            raise _vary_error(shown, "LOW and HIGH must be finite numbers")
        if low >= high:
            raise _vary_error(shown, f"LOW must be below HIGH (got {low:g}:{high:g})")
        if key in [k for k, _, _ in ranges]:
            raise _vary_error(shown, "is varied twice; give each key once")
        ranges.append((key, low, high))
    return ranges


def _alternatives(node: Any) -> Iterator[dict[str, Any]]:
    """A schema node and the alternatives of its ``anyOf``s, flattened."""
    if not isinstance(node, dict):
        return
    if "anyOf" in node:
        for option in node["anyOf"]:
            yield from _alternatives(option)
    else:
        yield node


def _number_schema(node: Any, parts: list[str]) -> dict[str, Any] | None:
    for option in _alternatives(node):
        if not parts:
            if option.get("type") in ("number", "integer"):
                return option
            continue
        part, rest = parts[0], parts[1:]
        children = option.get("properties", {})
        if part in children:
            child = children[part]
        elif option.get("type") == "array" and part.isdigit():
            child = option.get("items")
        elif isinstance(option.get("additionalProperties"), dict):
            child = option["additionalProperties"]
        else:
            continue
        found = _number_schema(child, rest)
        if found is not None:
            return found
    return None


@cache
def _scenario_schema() -> dict[str, Any]:
    from sim.config.json_schema import scenario_schema

    return scenario_schema()


def number_limits(key: str) -> tuple[float, float, bool] | None:
    """The limits of a scenario key that takes one number, ``(minimum, maximum,
    whole)``, from the scenario files' JSON Schema; ``None`` if it takes no number."""
    found = _number_schema(_scenario_schema(), key.split("."))
    if found is None:
        return None
    low = found.get("minimum", found.get("exclusiveMinimum", -math.inf))
    high = found.get("maximum", found.get("exclusiveMaximum", math.inf))
    return low, high, found.get("type") == "integer"


def _numbers(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of plain scenario data as (dotted key, value)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _numbers(value, f"{prefix}{key}.")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _numbers(value, f"{prefix}{index}.")
    else:
        yield prefix.removesuffix("."), data


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_key(key: str, leaves: dict[str, Any], file: str) -> Problem | None:
    if key.split(".")[0] in RUN_SETTINGS:
        return Problem(file, key, "says how the scenario is run, not what it assumes")
    if key not in leaves:
        numeric = [k for k, v in leaves.items() if _is_number(v)]
        below = [k for k in leaves if k.startswith(key + ".")]
        if below:
            return Problem(file, key, f"is a section or a series, not one number: {below[0]}")
        guess = get_close_matches(key, numeric, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(guess)}?" if guess else ""
        return Problem(file, key, f"is not a key of the scenario{hint}")
    value = leaves[key]
    if not _is_number(value) or number_limits(key) is None:
        return Problem(
            file, key, f"is {brief(value)} in the scenario, not a number; vary only numbers"
        )
    return None


def _check_ends(source: ScenarioSource, factor: Factor, overrides: list[str]) -> list[Problem]:
    """The scenario's problems with ``factor`` at either end of its range."""
    problems: list[Problem] = []
    for end in (factor.low, factor.high):
        value = factor.at(end)
        try:
            scenario_from(source, [*overrides, setting(factor.key, value)])
        except InputError as error:
            problems.extend(p for p in error.problems if p not in problems)
    return problems


def _shown(source: ScenarioSource) -> str:
    return str(source) if not isinstance(source, Scenario) else f"<{source.name}>"


def varied_factors(
    source: ScenarioSource, texts: Sequence[str], overrides: Sequence[str] = ()
) -> list[Factor]:
    """The factors of ``--vary KEY=LOW:HIGH`` texts: each key a number of the scenario,
    both ends valid there (else an input error naming every problem)."""
    ranges = parse_ranges(texts)
    base, _ = scenario_from(source, overrides)
    leaves = dict(_numbers(plain_data(base)))
    file = _shown(source)
    problems = [p for key, _, _ in ranges if (p := _check_key(key, leaves, file))]
    if problems:
        raise InputError(problems)
    factors = []
    for key, low, high in ranges:
        limits = number_limits(key)
        whole = limits is not None and limits[2]
        factor = Factor(key, low, high, whole, float(leaves[key]), "--vary")
        if whole and factor.at(low) == factor.at(high):
            problems.append(
                Problem("--vary", key, f"takes whole numbers: {low:g}:{high:g} holds only one")
            )
        problems.extend(_check_ends(source, factor, list(overrides)))
        factors.append(factor)
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
    return factors


@dataclass(frozen=True)
class Skipped:
    """A number called an assumption that is not varied, and why."""

    key: str
    reason: str


def assumption_comments(file: Path) -> dict[str, str]:
    """Every key of a scenario file and the files it extends with its comment (the file's
    own comment where it sets the key again)."""
    from sim.config.comments import assumptions

    comments: dict[str, str] = {}
    for notes in assumptions(file):  # the file itself first, then the files it extends
        for row in notes.keys:
            comments.setdefault(row.key, row.source)
    return comments


def assumption_factors(
    file: Path, relative: float, overrides: Sequence[str] = ()
) -> tuple[list[Factor], list[Skipped]]:
    """Every number whose comment says "assumption", varied by ``± relative`` of its value
    (kept inside the key's limits; whole numbers rounded to whole ends), and the numbers
    called assumptions that are not varied, with the reason."""
    if not 0 < relative < 1:
        raise InputError([Problem("--range", str(relative), "must be between 0 and 1")])
    base, _ = scenario_from(file, overrides)
    leaves = dict(_numbers(plain_data(base)))
    factors: list[Factor] = []
    skipped: list[Skipped] = []
    for key, comment in assumption_comments(file).items():
        if not ASSUMPTION.search(comment) or key.split(".")[0] in RUN_SETTINGS:
            continue
        found = leaves.get(key)
        limits = number_limits(key)
        if not _is_number(found) or limits is None:
            continue  # a text, a choice, shares or a series: not one number
        value = float(found)
        minimum, maximum, whole = limits
        ends = sorted((value * (1 - relative), value * (1 + relative)))
        low, high = max(minimum, ends[0]), min(maximum, ends[1])
        if whole:
            low, high = round(low), round(high)
        if value == 0 or low >= high:
            skipped.append(Skipped(key, f"{value:g} has no range of ± {relative:.0%}"))
            continue
        factor = Factor(key, float(low), float(high), whole, value, comment)
        problems = _check_ends(file, factor, list(overrides))
        if problems:
            skipped.append(Skipped(key, f"not valid at both ends: {problems[0].message}"))
            continue
        factors.append(factor)
    if not factors:
        raise InputError(
            [Problem(str(file), "", "no number whose comment says 'assumption' can be varied")]
        )
    return factors, skipped
