"""The JSON Schema of scenario files as users write them (``sim schema``).

Editors read it (through the ``# yaml-language-server: $schema=...`` line of the shipped
files) to complete and check keys; ``check-jsonschema`` checks files with it. It is made
from the scenario objects (:mod:`sim.config.schema`), so it cannot drift from them, but
it describes the *files*: a yearly series or a policy that changes over time may be one
value or a ``{year or date: value}`` mapping, an empirical duration may name a ``file``
and ``column``, and no key is required, because a file that ``extends`` another gives
only what it changes. Unknown keys and values outside their documented range are errors.
``sim validate`` stays the authority for what a schema cannot say: references between
keys, shares that sum to one, a whole scenario once merged.

>>> schema = scenario_schema()
>>> schema["properties"]["policy"]["properties"]["renewal"]["anyOf"][0]["enum"][:2]
['always', 'needs_based']
>>> "required" in json.dumps(schema)
False
"""

from __future__ import annotations

import json
import os
import typing
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from sim.config.builds import Build
from sim.config.choices import NONRENEWAL, Allocation, ForcedMoverPlace, Renewal
from sim.config.durations import Distribution, DurationSpec
from sim.config.schema import EXITS, Scenario
from sim.config.series import Stepwise, YearlySeries
from sim.config.types import (
    ID_CHARACTER,
    MAX_APPLICATIONS,
    MAX_DURATION,
    MAX_ID,
    MAX_LABEL,
    MAX_UNITS,
    MIN_DURATION,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
FILE_NAME = "scenario.schema.json"
YEAR_OR_DATE = r"^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$"
ID = f"^{ID_CHARACTER}{{1,{MAX_ID}}}$"
"""Category and group ids: the rule :func:`sim.config.types.is_id` checks (``\\w`` is a
Unicode word character where patterns are read as Python or Unicode regular expressions)."""

Schema = dict[str, Any]


def _enum(kind: type[Enum], nullable: bool = False) -> Schema:
    values: list[Any] = [member.value for member in kind]
    return {"enum": [*values, None] if nullable else values}


def _probability() -> Schema:
    return {"type": "number", "minimum": 0.0, "maximum": 1.0}


def _shares(keys: tuple[str, ...] | list[str]) -> Schema:
    return {
        "type": "object",
        "propertyNames": {"enum": list(keys)},
        "additionalProperties": _probability(),
        "minProperties": 1,
    }


def _over_time(value: Schema, description: str) -> Schema:
    """One value, or ``{year or date: value}``."""
    return {
        "description": description,
        "anyOf": [
            value,
            {
                "type": "object",
                "propertyNames": {"pattern": YEAR_OR_DATE},
                "additionalProperties": value,
                "minProperties": 1,
            },
        ],
    }


SERIES = "a number, or {year or YYYY-MM-DD: number} for values that change"
STEPS = "one value, or {year or YYYY-MM-DD: value} for a policy that changes"

_WHOLE_UNITS: Schema = {"type": "integer", "minimum": 0, "maximum": MAX_UNITS}
_CONTRACT: Schema = {
    "anyOf": [
        {"type": "number", "minimum": MIN_DURATION, "maximum": MAX_DURATION},
        {"type": "null"},
    ]
}

SPECIAL: dict[str, Schema] = {
    # yearly series
    "applications_per_year": _over_time(
        {"type": "number", "minimum": 0, "maximum": MAX_APPLICATIONS}, SERIES
    ),
    "approval": _over_time(_probability(), SERIES),
    "capacity": _over_time(_WHOLE_UNITS, SERIES),
    "units@Emergency": _over_time(_WHOLE_UNITS, SERIES),
    "hospits_capacity": _over_time(_WHOLE_UNITS, SERIES),
    # policies that may change over time
    "contract_years": _over_time(_CONTRACT, STEPS),
    "renewal@Category": _over_time(_enum(Renewal, nullable=True), STEPS),
    "renewal@Policy": _over_time(_enum(Renewal), STEPS),
    "allocation": _over_time(_enum(Allocation), STEPS),
    "forced_mover_place": _over_time(_enum(ForcedMoverPlace), STEPS),
    "after_nonrenewal": _over_time(
        {"anyOf": [{"enum": list(NONRENEWAL)}, _shares(NONRENEWAL)]}, STEPS
    ),
    # shares over named keys
    "exit_to": _shares(EXITS),
    # a dated build
    "on": {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
}
"""Fields whose file form differs from their object: by name, or ``name@Model``."""


def _plain(annotation: Any) -> Schema:
    """A field of plain numbers, text, flags, lists or enums, from pydantic's schema."""
    schema = TypeAdapter(annotation).json_schema(mode="validation")
    return _tidy(schema, schema.get("$defs", {}))


def _tidy(schema: Any, defs: dict[str, Any]) -> Any:
    """Inline ``$ref``s, drop titles, and write pydantic's ``ge``/``le`` as JSON Schema's
    ``minimum``/``maximum``."""
    if isinstance(schema, list):
        return [_tidy(item, defs) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return _tidy(defs[schema["$ref"].rsplit("/", 1)[1]], defs)
    renamed = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}
    out = {}
    for key, value in schema.items():
        if key in ("title", "$defs", "default"):
            continue
        out[renamed.get(key, key)] = _tidy(value, defs)
    return out


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _field(model: type[BaseModel], name: str, annotation: Any, metadata: list[Any]) -> Schema:
    for key in (f"{name}@{model.__name__}", name):
        if key in SPECIAL:
            return SPECIAL[key]
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if annotation is YearlySeries or origin is Stepwise:
        raise TypeError(f"{model.__name__}.{name}: a series needs an entry in SPECIAL")
    if _is_model(annotation):
        return model_schema(annotation)
    if origin is dict and _is_model(arguments[1]):
        return {
            "type": "object",
            "propertyNames": {"pattern": ID},
            "additionalProperties": model_schema(arguments[1]),
        }
    if origin is tuple and arguments and _is_model(arguments[0]):
        return {"type": "array", "items": model_schema(arguments[0])}
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        options = [a for a in arguments if a is not type(None)]
        schemas = [
            model_schema(option) if _is_model(option) else _plain(option) for option in options
        ]
        if len(options) < len(arguments):
            schemas.append({"type": "null"})
        return {"anyOf": schemas}
    full = typing.Annotated[(annotation, *metadata)] if metadata else annotation
    return typing.cast(Schema, _plain(full))


def model_schema(model: type[BaseModel]) -> Schema:
    """An object of the model's keys (by their file names), none required, no others."""
    properties: Schema = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        properties[key] = _field(model, name, info.annotation, list(info.metadata))
    if model is DurationSpec:  # read by a validator before the fields
        properties["file"] = {"type": "string", "minLength": 1}
        properties["column"] = {"type": "string", "minLength": 1, "maxLength": MAX_LABEL}
        properties["distribution"] = _enum(Distribution)
    schema: Schema = {"type": "object", "additionalProperties": False, "properties": properties}
    doc = (model.__doc__ or "").strip().split("\n\n")[0]
    if doc:
        schema["description"] = " ".join(doc.split())
    return schema


def scenario_schema() -> Schema:
    """The JSON Schema (draft 2020-12) of scenario files."""
    schema = model_schema(Scenario)
    schema["properties"]["extends"] = {
        "type": "string",
        "minLength": 1,
        "description": "parent scenario file, relative to this file's folder",
    }
    schema["properties"]["builds"] = {"type": "array", "items": model_schema(Build)}
    schema["description"] = (
        "A scenario of the municipal social-housing simulation (scenarios/README.md "
        "lists every key). `sim validate` checks what a schema cannot: references "
        "between keys, shares summing to 1, the merged scenario."
    )
    return {"$schema": DRAFT, "$id": FILE_NAME, "title": "sim scenario file", **schema}


EDITOR_PREFIX = "# yaml-language-server: $schema="


def editor_line(schema: Path, folder: Path) -> str:
    """The first line of a scenario file in ``folder`` that points editors at ``schema``."""
    return EDITOR_PREFIX + Path(os.path.relpath(schema.resolve(), folder.resolve())).as_posix()


def schema_named_by(file: Path) -> Path | None:
    """The schema a scenario file's first line points editors at, if it names one."""
    with file.open(encoding="utf-8") as handle:
        first = handle.readline().strip()
    if not first.startswith(EDITOR_PREFIX):
        return None
    return file.parent / first.removeprefix(EDITOR_PREFIX).strip()


def schema_text() -> str:
    """The schema as the text of ``scenarios/scenario.schema.json``."""
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
