"""Load scenario files: YAML, ``extends``, ``--set`` overrides, validation.

Every error names the file, the dotted key, the rule and (where there is a short list)
the allowed values; misspelt keys get a "did you mean" suggestion.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.config import schema
from sim.config.errors import Problem, ScenarioError, single
from sim.config.schema import CrossReferenceError, Scenario

Origins = dict[tuple[str, ...], str]


def read_yaml(path: Path) -> dict[str, Any]:
    """Parse one YAML file safely into a mapping."""
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise single(shown, "", "file not found") from None
    except IsADirectoryError:
        raise single(shown, "", "is a folder, not a scenario file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise single(shown, "", f"cannot be read ({error})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise single(shown, "", f"malformed YAML{where}: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise single(shown, "", "must be a mapping of keys to values at the top level")
    return data


def _deep_merge(
    base: dict[str, Any],
    top: Mapping[str, Any],
    origins: Origins,
    file: str,
    prefix: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Merge ``top`` into a copy of ``base``: mappings merge, everything else replaces.

    A yearly series (``{year: value}``) is one value, so it replaces the parent's whole.
    """
    merged = dict(base)
    for key, value in top.items():
        path = (*prefix, str(key))
        if (
            isinstance(value, Mapping)
            and isinstance(merged.get(key), Mapping)
            and not _is_series(path)
        ):
            merged[key] = _deep_merge(dict(merged[key]), value, origins, file, path)
        else:
            merged[key] = value
            _forget_below(origins, path)
        origins[path] = file
    return merged


def _is_series(path: tuple[str, ...]) -> bool:
    """Keys that hold a yearly series (MODEL.md section 3)."""
    return (
        len(path) == 3 and path[0] == "groups" and path[2] == "applications_per_year"
    ) or path in {("followup", "capacity"), ("emergency", "units")}


def _forget_below(origins: Origins, path: tuple[str, ...]) -> None:
    for known in [k for k in origins if k[: len(path)] == path and len(k) > len(path)]:
        del origins[known]


def _resolve_extends(path: Path, origins: Origins, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    path = path.resolve() if path.exists() else path
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise single(_display(chain[-1]), "extends", f"extends cycle: {cycle}")
    data = read_yaml(path)
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        merged: dict[str, Any] = {}
    else:
        if not isinstance(parent_ref, str) or not parent_ref.strip():
            raise single(_display(path), "extends", "must be the path of another scenario file")
        parent = path.parent / parent_ref
        if not parent.exists():
            raise single(
                _display(path),
                "extends",
                f"file {parent_ref!r} not found (looked in {_display(path.parent)})",
            )
        merged = _resolve_extends(parent, origins, (*chain, path))
    return _deep_merge(merged, data, origins, _display(path))


def _display(path: Path) -> str:
    """The path relative to the working folder where it lies below it, else as given."""
    try:
        return str(path.relative_to(Path.cwd()))
    except (ValueError, OSError):  # elsewhere, or the working folder no longer exists
        return str(path)


def parse_override(text: str) -> tuple[list[str], Any]:
    """Parse ``KEY=VALUE`` (dotted key, YAML value) from ``--set``."""
    if "=" not in text:
        raise single("--set", text, "must look like KEY=VALUE, e.g. policy.renewal=strict")
    key, _, raw = text.partition("=")
    parts = [part for part in key.strip().split(".")]
    if not key.strip() or any(not part for part in parts):
        raise single("--set", text, "the key must be dotted names, e.g. stock.flexbo.units")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return parts, value


def apply_overrides(
    data: dict[str, Any], overrides: Iterable[str], origins: Origins
) -> dict[str, Any]:
    """Apply ``--set`` overrides to merged scenario data (a new dict is returned)."""
    for text in overrides:
        parts, value = parse_override(text)
        nested: Any = value
        for part in reversed(parts):
            nested = {part: nested}
        if len(parts) > 1 and isinstance(data.get(parts[0]), list):
            data = _set_in_list(data, parts, value, text)
            origins[tuple(parts)] = f"--set {text}"
            continue
        data = _deep_merge(data, nested, origins, f"--set {text}")
    return data


def _set_in_list(data: dict[str, Any], parts: list[str], value: Any, text: str) -> dict[str, Any]:
    """``--set builds.0.units=20``: set a field of a list item."""
    items = list(data[parts[0]])
    if not items:
        raise single("--set", text, f"the scenario has no {parts[0]} to change")
    try:
        index = int(parts[1])
        item = dict(items[index])
    except (ValueError, IndexError, TypeError):
        raise single(
            "--set",
            text,
            f"{parts[0]} has {len(items)} items; "
            f"use {parts[0]}.N.KEY with N from 0 to {len(items) - 1}",
        ) from None
    if len(parts) == 2:
        items[index] = value
    else:
        target = item
        for part in parts[2:-1]:
            target[part] = dict(target.get(part) or {})
            target = target[part]
        target[parts[-1]] = value
        items[index] = item
    return {**data, parts[0]: items}


def option_overrides(
    overrides: Iterable[str] = (),
    seed: int | None = None,
    years: int | None = None,
    replications: int | None = None,
) -> list[str]:
    """``--set`` overrides plus those of the ``--seed``, ``--years``, ``--replications`` options."""
    extra = list(overrides)
    if seed is not None:
        extra.append(f"seed={seed}")
    if years is not None:
        extra.append(f"time.years={years}")
    if replications is not None:
        extra.append(f"replications={replications}")
    return extra


def merge_scenario(
    path: str | Path, overrides: Iterable[str] = ()
) -> tuple[dict[str, Any], Origins]:
    """Read a scenario with its ``extends`` chain and overrides, without validating it."""
    origins: Origins = {}
    data = _resolve_extends(Path(path), origins)
    data = apply_overrides(data, overrides, origins)
    return data, origins


def load_scenario(path: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """Load, merge and validate a scenario file.

    >>> scenario = load_scenario("scenarios/lorenskog.yaml")  # doctest: +SKIP
    >>> scenario.time.start  # doctest: +SKIP
    2008
    """
    data, origins = merge_scenario(path, overrides)
    data.setdefault("name", Path(path).stem)
    return validate_data(data, str(path), origins)


def validate_data(
    data: dict[str, Any], file: str = "<scenario>", origins: Origins | None = None
) -> Scenario:
    """Validate merged scenario data into a frozen :class:`Scenario`."""
    origins = origins or {}
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        problems = [_problem(item, data, file, origins) for item in error.errors()]
        unique = list(dict.fromkeys(problems))
        raise ScenarioError(unique) from None


def file_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --- turning pydantic's errors into messages a planner can act on ----------------------

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
    }
    return tuple(part for part in loc if str(part) not in skip and "[" not in str(part))


def _problem(item: Any, data: dict[str, Any], file: str, origins: Origins) -> Problem:
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
    if kind == "extra_forbidden":
        model = _model_for(loc[:-1])
        valid = _valid_keys(model) if model else []
        bad = str(loc[-1])
        message = f"unknown key {bad!r}"
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
            f"{_value_at(data, loc)!r} is not allowed; "
            f"allowed: {ctx.get('expected', '').replace(chr(39), '')}",
        )
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return Problem(where, key, _range_message(item, data, loc))
    if kind == "value_error":
        message = str(item.get("msg", "")).removeprefix("Value error, ")
        return Problem(where, key, message)
    if kind in {
        "int_parsing",
        "int_from_float",
        "float_parsing",
        "int_type",
        "float_type",
        "bool_parsing",
        "bool_type",
        "string_type",
        "dict_type",
        "list_type",
        "tuple_type",
        "model_type",
    }:
        expected = {
            "int": "a whole number",
            "float": "a number",
            "bool": "true or false",
            "string": "text",
            "dict": "a mapping",
            "list": "a list",
            "tuple": "a list",
            "model": "a mapping",
        }[kind.split("_")[0]]
        return Problem(where, key, f"must be {expected}, got {_value_at(data, loc)!r}")
    if kind in {"too_short"}:
        return Problem(where, key, "must not be empty")
    if kind == "string_pattern_mismatch":
        return Problem(
            where, key, "must be letters, digits, '_', '-' or '.', starting with a letter or digit"
        )
    return Problem(where, key, str(item.get("msg", "is invalid")))


def _key_problem(item: Any, loc: tuple[str | int, ...], file: str, origins: Origins) -> Problem:
    """A mapping key of the wrong type, e.g. ``rooms: {3+: 0.5}`` or ``stock: {2008: ...}``."""
    bad = item.get("input", loc[-1] if loc else "")
    where = _origin(loc, file, origins)
    if item.get("type", "").startswith("int"):
        return Problem(where, _dotted(loc), f"key {bad!r} must be a whole number (a room count)")
    return Problem(where, _dotted(loc), f"id {bad!r} must be text; quote it in YAML, e.g. '{bad}'")


def _range_message(item: Any, data: dict[str, Any], loc: tuple[str | int, ...]) -> str:
    ctx = item.get("ctx") or {}
    value = _value_at(data, loc)
    field_name = str(loc[-1]) if loc else ""
    probability_fields = {
        "approval",
        "permanent_need",
        "followup_need",
        "homeless_while_waiting",
        "reapply_after_breakdown",
        "probability",
        "renewal_probability",
    }
    if field_name in probability_fields:
        return f"{value!r} is not a probability; allowed: 0 to 1"
    bound = {
        "greater_than_equal": ">=",
        "less_than_equal": "<=",
        "greater_than": ">",
        "less_than": "<",
    }[item["type"]]
    limit = next(iter(ctx.values()), "")
    return f"{value!r} is not allowed; must be {bound} {limit}"


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
