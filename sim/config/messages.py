"""Pydantic's validation errors as messages a planner can act on.

Each message names the file the key came from (through ``extends`` and ``--set``), the
dotted key, the rule, and the allowed values or valid keys (with a "did you mean").
"""

from __future__ import annotations

import difflib
import typing
from typing import Any

from pydantic import BaseModel

from sim.config import schema
from sim.config.errors import Problem, brief
from sim.config.schema import CrossReferenceError

Origins = dict[tuple[str, ...], str]

_SECTION_MODELS: dict[tuple[str, ...], type[BaseModel]] = {
    (): schema.Scenario,
    ("time",): schema.Time,
    ("policy",): schema.Policy,
    ("refusal",): schema.Refusal,
    ("followup",): schema.Followup,
    ("emergency",): schema.Emergency,
    ("costs",): schema.Costs,
}


def _model_for(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    keys = tuple(str(part) for part in loc)
    if keys in _SECTION_MODELS:
        return _SECTION_MODELS[keys]
    if len(keys) == 2 and keys[0] == "stock":
        return schema.Category
    if len(keys) == 2 and keys[0] == "groups":
        return schema.Group
    if len(keys) == 2 and keys[0] == "builds":
        return schema.Build
    return None


def _valid_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _origin(loc: tuple[str | int, ...], file: str, origins: Origins) -> str:
    keys = tuple(str(part) for part in loc)
    for length in range(len(keys), 0, -1):
        if keys[:length] in origins:
            return origins[keys[:length]]
    return file


def _clean_loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    # pydantic adds the name of a tagged or function validator to the location
    skip = {
        "function-after",
        "function-before",
        "constrained-float",
        "int",
        "float",
        "dict[int,float]",
        "is-instance[YearlySeries]",
        "PriceEntry",  # the mapping branch of a price (costs.*)
    }
    return tuple(part for part in loc if str(part) not in skip and "[" not in str(part))


def problems_from_pydantic(
    errors: list[Any], data: dict[str, Any], file: str, origins: Origins
) -> list[Problem]:
    """The problems of a validation, without what a union's other branches add.

    A key that takes a number or a mapping (a duration) is tried both ways: a mapping with a
    wrong ``cv`` also fails as "must be a number". A type error at a key is dropped when
    another error is at or below that key (the branch that fit the value); type errors of
    every branch at one key are said once ("must be a number or a mapping").
    """
    locs = [_clean_loc(tuple(item.get("loc", ()))) for item in errors]
    mismatch = [_type_expected(item) is not None for item in errors]
    kept: list[Problem] = []
    for index, item in enumerate(errors):
        loc = locs[index]
        if mismatch[index]:
            deeper = [i for i, other in enumerate(locs) if other[: len(loc)] == loc != other]
            same = [i for i, other in enumerate(locs) if i != index and other == loc]
            if deeper or any(not mismatch[i] or i < index for i in same):
                continue  # another branch fitted, or this key's type errors are said once
            expected = [_type_expected(errors[i]) for i in [index, *same]]
            if len(expected) > 1:
                item = {**item, "msg": " or ".join(dict.fromkeys(str(e) for e in expected))}
                item["type"] = "union_type"
        kept.append(problem_from_pydantic(item, data, file, origins))
    return list(dict.fromkeys(kept))


def _type_expected(item: Any) -> str | None:
    """What a type error says is expected ("a number"), or None for another error."""
    kind = str(item.get("type", ""))
    return _EXPECTED.get(kind.rsplit("_", 1)[0]) if kind.endswith(_TYPE_ENDINGS) else None


def problem_from_pydantic(item: Any, data: dict[str, Any], file: str, origins: Origins) -> Problem:
    """One pydantic error item as a :class:`Problem` (file, dotted key, message)."""
    raw_loc = tuple(item.get("loc", ()))
    loc = _clean_loc(raw_loc)
    kind = item.get("type", "")
    if raw_loc and raw_loc[-1] == "[key]":
        return _key_problem(item, loc, file, origins)
    ctx = item.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, CrossReferenceError):
        loc = cause.loc
        return Problem(_origin(loc, file, origins), _dotted(loc), cause.message)
    key = _dotted(loc)
    where = _origin(loc, file, origins)
    value = brief(item["input"]) if "input" in item else brief(_value_at(data, loc))
    if kind == "extra_forbidden":
        model = _model_for(loc[:-1])
        valid = _valid_keys(model) if model else []
        bad = str(loc[-1])
        message = f"unknown key {brief(bad)}"
        guess = difflib.get_close_matches(bad, valid, n=1, cutoff=0.6)
        if guess:
            message += f"; did you mean {guess[0]!r}?"
        if valid:
            message += f"{'' if guess else '.'} Valid keys here: {', '.join(valid)}"
        return Problem(where, key, message)
    if kind == "missing":
        return Problem(where, key, "is required but missing")
    if kind == "enum":
        return Problem(
            where,
            key,
            f"{value} is not allowed; allowed: {ctx.get('expected', '').replace(chr(39), '')}",
        )
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return Problem(where, key, _range_message(item, loc, value))
    if kind == "finite_number":
        return Problem(where, key, f"must be a finite number, got {value}")
    if kind in {"too_long", "string_too_long"}:
        limit = ctx.get("max_length")
        what = "characters" if kind == "string_too_long" else "entries"
        return Problem(where, key, f"is too long: at most {limit:,} {what} are allowed")
    if kind == "value_error":
        message = str(item.get("msg", "")).removeprefix("Value error, ")
        return Problem(where, key, message)
    expected = item["msg"] if kind == "union_type" else _type_expected(item)
    if expected:
        return Problem(where, key, f"must be {expected}, got {value}")
    if kind in {"too_short"}:
        return Problem(where, key, "must not be empty")
    if kind == "string_pattern_mismatch":
        return Problem(
            where, key, "must be letters, digits, '_', '-' or '.', starting with a letter or digit"
        )
    return Problem(where, key, str(item.get("msg", "is invalid")))


_TYPE_ENDINGS = ("_type", "_parsing", "_from_float")
_EXPECTED = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "string": "text",
    "dict": "a mapping",
    "list": "a list",
    "tuple": "a list",
    "model": "a mapping",
    "model_attributes": "a mapping",
}


def _key_problem(item: Any, loc: tuple[str | int, ...], file: str, origins: Origins) -> Problem:
    """A mapping key of the wrong type, e.g. ``rooms: {3+: 0.5}`` or ``stock: {2008: ...}``."""
    bad = brief(item.get("input", loc[-1] if loc else ""))
    where = _origin(loc, file, origins)
    if item.get("type", "").startswith("int"):
        return Problem(where, _dotted(loc), f"key {bad} must be a whole number (a room count)")
    return Problem(where, _dotted(loc), f"id {bad} must be text; quote it in YAML, e.g. '{bad}'")


def _range_message(item: Any, loc: tuple[str | int, ...], value: str) -> str:
    low, high = _bounds(loc)
    if (low, high) == ((">=", 0), ("<=", 1)):
        return f"{value} is not a probability; allowed: 0 to 1"
    ctx = item.get("ctx") or {}
    sign = {
        "greater_than_equal": ">=",
        "less_than_equal": "<=",
        "greater_than": ">",
        "less_than": "<",
    }[item["type"]]
    broken = (sign, next(iter(ctx.values()), ""))
    parts = [bound for bound in (low, high) if bound is not None] or [broken]
    if broken not in parts:
        parts = [broken]
    return f"{value} is not allowed; must be " + " and ".join(
        f"{sign} {_number(limit)}" for sign, limit in parts
    )


def _bounds(loc: tuple[str | int, ...]) -> tuple[tuple[str, Any] | None, tuple[str, Any] | None]:
    """The lower and upper bound of the field at ``loc``, where the schema states them."""
    model = _model_for(loc[:-1]) if loc else None
    if model is None:
        return None, None
    name = str(loc[-1])
    info = next((f for n, f in model.model_fields.items() if (f.alias or n) == name), None)
    low = high = None
    if info is None:
        return None, None
    rules = list(info.metadata)
    for argument in typing.get_args(info.annotation):  # an optional field: X | None
        rules += list(getattr(argument, "__metadata__", ()))
    for rule in rules:
        for attribute, sign in (("ge", ">="), ("gt", ">")):
            if getattr(rule, attribute, None) is not None:
                low = (sign, getattr(rule, attribute))
        for attribute, sign in (("le", "<="), ("lt", "<")):
            if getattr(rule, attribute, None) is not None:
                high = (sign, getattr(rule, attribute))
    return low, high


def _number(value: Any) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    if not value.is_integer() or abs(value) >= 1e15:
        return f"{value:g}"
    return f"{int(value):,}"


def _value_at(data: Any, loc: tuple[str | int, ...]) -> Any:
    current = data
    for part in loc:
        if isinstance(current, dict):
            current = current.get(part, current.get(str(part)))
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        else:
            return None
    return current


def _dotted(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in loc)
