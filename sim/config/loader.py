"""Load scenario files: YAML, ``extends``, ``--set`` overrides, validation.

Every error names the file, the dotted key, the rule and (where there is a short list)
the allowed values; misspelt keys get a "did you mean" suggestion.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.config.errors import ScenarioError, brief, brief_text, single
from sim.config.messages import problems_from_pydantic
from sim.config.posterior import overridden
from sim.config.references import rebased
from sim.config.schema import Scenario
from sim.config.yaml_io import (
    MAX_FILE_BYTES,
    MAX_VALUES,
    ROOM_BYTES,
    ROOM_VALUES,
    FileProblem,
    count_values,
    dump_yaml,
    parse_yaml,
    read_yaml_file,
    written_size,
    yaml_value,
)

Origins = dict[tuple[str, ...], str]


def read_yaml(path: Path) -> dict[str, Any]:
    """Parse one YAML file safely (limits in :mod:`sim.config.yaml_io`) into a mapping."""
    shown = _display(path)
    data = read_yaml_file(path, shown)
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


WHOLE_KEYS = {
    ("followup", "capacity"),
    ("followup", "length_years"),
    ("emergency", "units"),
    ("homelessness", "hospits_capacity"),
    ("homelessness", "hospits_stay_days"),
    ("policy", "allocation"),
    ("policy", "renewal"),
    ("policy", "after_nonrenewal"),
    ("policy", "forced_mover_place"),
}
"""Keys whose mapping is one value (a series, a distribution, shares) under ``extends``."""
WHOLE_GROUP_KEYS = {
    "applications_per_year",
    "self_sufficient_years",
    "tenancy_years",
    "stay_before_housing_days",
}
WHOLE_CATEGORY_KEYS = {"contract_years", "renewal"}


def overlay(data: dict[str, Any], top: Mapping[str, Any], file: str) -> dict[str, Any]:
    """``top`` merged onto scenario data as ``extends`` merges a file onto its parent."""
    return _deep_merge(data, top, {}, file)


def _is_series(path: tuple[str, ...]) -> bool:
    """Keys whose mapping replaces the parent's whole: a yearly series (``scenarios/
    README.md``, "Yearly series"), a distribution, or destination shares."""
    if len(path) == 3 and path[0] == "groups":
        return path[2] in WHOLE_GROUP_KEYS
    if len(path) == 3 and path[0] == "stock":
        return path[2] in WHOLE_CATEGORY_KEYS
    return path in WHOLE_KEYS


def _forget_below(origins: Origins, path: tuple[str, ...]) -> None:
    for known in [k for k in origins if k[: len(path)] == path and len(k) > len(path)]:
        del origins[known]


MAX_EXTENDS = 16
"""Longest chain of ``extends`` (a file, its parent, its parent's parent, ...)."""


def _resolve_extends(path: Path, origins: Origins, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    identity = _identity(path)
    if identity in chain:
        cycle = " -> ".join(p.name for p in (*chain, identity))
        raise single(_display(chain[-1]), "extends", f"extends cycle: {brief_text(cycle, 300)}")
    if len(chain) >= MAX_EXTENDS:
        raise single(
            _display(chain[-1]), "extends", f"more than {MAX_EXTENDS} files extend one another"
        )
    data = read_yaml(path)
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        merged: dict[str, Any] = {}
    else:
        if not isinstance(parent_ref, str) or not parent_ref.strip():
            raise single(_display(path), "extends", "must be the path of another scenario file")
        parent = path.parent / parent_ref
        try:
            merged = _resolve_extends(parent, origins, (*chain, identity))
        except FileProblem as error:
            if error.problems[0].file != brief_text(_display(parent), 200):
                raise  # a file further up the chain: named in its own message
            message = error.problems[0].message
            if message == "file not found":
                message = f"not found (looked in {_display(path.parent)})"
            raise single(
                _display(path), "extends", f"file {brief(parent_ref)}: {message}"
            ) from None
    merged.pop("label", None)  # a scenario's label is its own: a what-if is not its parent
    if parent_ref is not None:  # files the parent names stay the parent's files
        merged = rebased(merged, (path.parent / parent_ref).parent, path.parent)
    return _deep_merge(merged, data, origins, _display(path))


def _identity(path: Path) -> Path:
    """The file's absolute, resolved path where that can be found (for cycle checks)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):  # ValueError: a NUL byte in the path
        return Path(os.path.abspath(path))


def _display(path: Path) -> str:
    """The path relative to the working folder where it lies below it, else as given."""
    try:
        return str(path.relative_to(Path.cwd()))
    except (ValueError, OSError):  # elsewhere, or the working folder no longer exists
        return str(path)


def parse_override(text: str) -> tuple[list[str], Any]:
    """Parse ``KEY=VALUE`` (dotted key, YAML value) from ``--set``."""
    if "=" not in text:
        raise single(
            "--set", brief_text(text), "must look like KEY=VALUE, e.g. policy.renewal=strict"
        )
    key, _, raw = text.partition("=")
    parts = [part.strip() for part in key.strip().split(".")]
    if not key.strip() or any(not part for part in parts):
        raise single(
            "--set", brief_text(text), "the key must be dotted names, e.g. stock.flexbo.units"
        )
    value = parse_yaml(raw, "--set", key=brief_text(key)) if raw.strip() else ""
    return parts, value


def apply_overrides(
    data: dict[str, Any], overrides: Iterable[str], origins: Origins
) -> dict[str, Any]:
    """Apply ``--set`` overrides to merged scenario data (a new dict is returned)."""
    for text in overrides:
        parts, value = parse_override(text)
        origin = f"--set {brief_text(text)}"
        data = _set_at(data, parts, value, text)
        path = tuple(parts)
        for length in range(1, len(parts)):
            origins.setdefault(path[:length], origin)
        _record(origins, path, value, origin)
    return data


def _record(origins: Origins, path: tuple[str, ...], value: Any, origin: str) -> None:
    """Note where the keys set at ``path`` came from (mappings merge, others replace)."""
    origins[path] = origin
    if isinstance(value, Mapping) and not _is_series(path):
        for key, item in value.items():
            _record(origins, (*path, str(key)), item, origin)
    else:
        _forget_below(origins, path)


def _set_at(data: Any, parts: list[str], value: Any, text: str, done: int = 0) -> Any:
    """A copy of ``data`` with the value at the dotted ``parts`` set (mappings merge)."""
    if done == len(parts):
        if isinstance(value, Mapping) and isinstance(data, Mapping):
            return _deep_merge(dict(data), value, {}, "", tuple(parts))
        return value
    part = parts[done]
    where = ".".join(parts[:done]) or "the scenario"
    if isinstance(data, list):
        if not data:
            raise single("--set", brief_text(text), f"{where} is an empty list: nothing to change")
        index = list_index(part, len(data))
        if index is None:
            raise single(
                "--set",
                brief_text(text),
                f"{where} has {len(data)} items; use {where}.N with N from 0 to {len(data) - 1}",
            )
        items = list(data)
        last = done + 1 == len(parts)
        items[index] = value if last else _set_at(items[index], parts, value, text, done + 1)
        return items
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise single(
            "--set",
            brief_text(text),
            f"{where} is {brief(data)}, not a section with keys; cannot set "
            f"{'.'.join(parts[done:])} inside it",
        )
    merged = dict(data)
    if done + 1 == len(parts) and _is_series(tuple(parts)):
        merged[part] = value  # a yearly series replaces the whole series
    else:
        merged[part] = _set_at(merged.get(part), parts, value, text, done + 1)
    return merged


def list_index(part: str, length: int) -> int | None:
    """The list index ``part`` of a dotted key names (ASCII digits, below ``length``).

    >>> list_index("1", 3), list_index("3", 3), list_index("9" * 5000, 3), list_index("١", 3)
    (1, None, None, None)
    """
    if not (part.isascii() and part.isdigit()) or len(part) > len(str(length)):
        return None
    index = int(part)
    return index if index < length else None


def setting(key: str, value: Any) -> str:
    """``KEY=VALUE`` as ``--set`` reads it back (the value written as YAML).

    >>> setting("policy.renewal_probability", 1e-05), setting("x.contract_years", None)
    ('policy.renewal_probability=1.0e-05', 'x.contract_years=null')
    """
    return f"{key}={yaml_value(value)}"


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
    overrides = list(overrides)
    data, origins = merge_scenario(path, overrides)
    data.setdefault("name", Path(path).stem)
    scenario = validate_data(data, str(path), origins, Path(path).parent)
    check_posterior_overrides(scenario, overrides)
    return scenario


def check_posterior_overrides(scenario: Scenario, overrides: Iterable[str]) -> None:
    """An input error where an override (``--set``, ``--vary``, a sensitivity factor)
    sets a parameter of the scenario's posterior (each particle would replace it)."""
    posterior = scenario.posterior
    for text in overrides if posterior is not None else ():
        key = ".".join(parse_override(text)[0])
        message = overridden(posterior, key)
        if message:
            raise single(f"--set {brief_text(text)}", key, message)


def validate_data(
    data: dict[str, Any],
    file: str = "<scenario>",
    origins: Origins | None = None,
    base_dir: Path | None = None,
    read_files: bool = True,
    room: bool = True,
    known_posterior: str | None = None,
    written: bool = True,
) -> Scenario:
    """Validate merged scenario data into a frozen :class:`Scenario`.

    ``base_dir``: the folder files named in the scenario are read from (default: the
    current one). ``read_files`` false: naming a file is an input error (a browser's text
    may not read the server's files), apart from ``known_posterior``, the posterior of the
    baseline such text is merged onto. The scenario written out (:func:`scenario_yaml`)
    must fit in a scenario file with room to spare (:data:`~sim.config.yaml_io.ROOM_BYTES`;
    ``room`` false: without, for a valid scenario with a build added); ``written`` false
    skips that check for a scenario only simulated (a fit's particle).
    """
    origins = origins or {}
    context = {
        "base_dir": base_dir or Path.cwd(),
        "read_files": read_files,
        "known_posterior": known_posterior,
    }
    try:
        scenario = Scenario.model_validate(data, context=context)
    except ValidationError as error:
        raise ScenarioError(problems_from_pydantic(error.errors(), data, file, origins)) from None
    if written:
        _check_written_size(scenario, file, origins, room)
    return scenario


def _check_written_size(scenario: Scenario, file: str, origins: Origins, room: bool) -> None:
    """The scenario written out (``scenario.resolved.yaml``) is a file the tool reads
    back: at most the file limits less the room for comments and a sized build."""
    max_bytes = MAX_FILE_BYTES - (ROOM_BYTES if room else 0)
    max_values = MAX_VALUES - (ROOM_VALUES if room else 0)
    data = plain_data(scenario)
    values, size = written_size(data, max_bytes)
    if values <= max_values and (size is None or size <= max_bytes):
        return
    path = _largest_part(data)
    shown = next((origins[path[:n]] for n in range(len(path), 0, -1) if path[:n] in origins), file)
    measured = f"{values:,} values" + (f" and {size:,} bytes" if size is not None else "")
    raise single(
        shown,
        ".".join(path),
        f"the scenario written out (scenario.resolved.yaml, read back by sim report and "
        f"sim validate) would hold {measured}, most of them here; at most "
        f"{max_values:,} values and {max_bytes:,} bytes are allowed: give fewer or "
        "rounder observed durations, or fewer series entries or builds",
    )


def _largest_part(data: Any) -> tuple[str, ...]:
    """The key holding more than half of ``data``'s values, as deep as there is one (a
    distribution's, not its observations' ``values``: those may come from a file)."""
    path: tuple[str, ...] = ()
    while isinstance(data, dict | list) and data:
        items = data.items() if isinstance(data, dict) else enumerate(data)
        sizes = {key: count_values(item) for key, item in items}
        key = max(sizes, key=lambda k: sizes[k])
        if 2 * sizes[key] <= sum(sizes.values()):
            break
        path, data = (*path, str(key)), data[key]
    return path[:-1] if path[-1:] == ("values",) else path  # the duration's key


def plain_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data (numbers, text, lists, mappings with whole-number keys
    for years and rooms) that validates again to the very same scenario."""
    return _plain(scenario.model_dump(mode="python", by_alias=True, exclude_none=True))


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


COMMENT_CHARACTERS = 500
"""Longest comment line written above a scenario (the room is :data:`ROOM_BYTES`)."""


def comment_line(text: str) -> str:
    """``# text`` on one line of at most :data:`COMMENT_CHARACTERS` characters (line breaks
    in ``text``, e.g. of a recorded command, become spaces: they would end the comment).

    >>> comment_line("sim run 'a" + chr(10) + "b: 1'")
    "# sim run 'a b: 1'\\n"
    """
    return f"# {brief_text(' '.join(text.splitlines()), COMMENT_CHARACTERS)}\n"


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario as YAML text that loads again to the very same scenario (texts that
    would read as numbers, booleans, null or dates are quoted)."""
    return dump_yaml(plain_data(scenario))


ScenarioSource = Scenario | str | Path
"""A :class:`Scenario`, or the path of a scenario file."""


def scenario_from(
    source: ScenarioSource, overrides: Iterable[str] = ()
) -> tuple[Scenario, Path | None]:
    """The validated scenario with ``overrides`` (``KEY=VALUE``) applied, and its file.

    A file is loaded (following ``extends``); an object is copied with the overrides and
    validated again (it is never changed). The file is ``None`` for an object.
    """
    overrides = list(overrides)
    if isinstance(source, Scenario):
        if not overrides:
            return source, None
        data = apply_overrides(plain_data(source), overrides, {})
        scenario = validate_data(data, f"<{source.name}>")
        check_posterior_overrides(scenario, overrides)
        return scenario, None
    return load_scenario(source, overrides), Path(source)
