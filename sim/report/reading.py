"""Reading a result folder for a report, and refusing a damaged one.

The manifest is read first (at most :data:`MANIFEST_MAX_BYTES`, nested at most
:data:`MANIFEST_MAX_DEPTH` deep, every core field of its type); then every file it
records a checksum of is checked (present, a regular file, its size and SHA-256 as
written), before any of them is read. A damaged part is an input error naming the file,
what is wrong with it and what to do: never an internal error. Folders written before
manifests recorded checksums have none: they are read as they are, and say so
(:func:`checked`).
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from sim.analysis.provenance import (
    CHECKED_FIELDS,
    CORE_FIELDS,
    MANIFEST_MAX_BYTES,
    file_digest,
)
from sim.config.errors import InputError, Problem, brief, brief_text
from sim.config.loader import read_yaml

MANIFEST = "manifest.json"
MANIFEST_MAX_DEPTH = 32
"""Deepest nesting of lists and mappings read in a manifest (those written: 5)."""

NUMBER, TEXT, BOOL = "a number", "text", "true or false"
WHOLE, OPTIONAL_TEXT = "a whole number", "text or null"
_TYPES: dict[str, tuple[type, ...]] = {
    NUMBER: (int, float),
    WHOLE: (int,),
    TEXT: (str,),
    BOOL: (bool,),
    OPTIONAL_TEXT: (str, type(None)),
    "a list": (list,),
    "a mapping": (dict,),
}
FIT_COLUMNS: dict[str, str] = {
    "target": TEXT,
    "year": NUMBER,
    "metric": TEXT,
    "group": TEXT,
    "category": TEXT,
    **dict.fromkeys(("observed", "low", "high", "simulated_mean"), NUMBER),
    **dict.fromkeys(("simulated_p05", "simulated_p95", "relative_error"), NUMBER),
    "inside": BOOL,
    "source": TEXT,
    "used_in_fit": BOOL,
}
"""A calibration's fit table (``fit.csv``) and a Bayesian fit's predictive check
(``predictive.csv``): each target against its simulated mean and 90 % interval."""

FIELD_TYPES = {
    "kind": TEXT,
    "scenario": TEXT,
    "scenario_file": OPTIONAL_TEXT,
    "scenario_sha256": OPTIONAL_TEXT,
    "inputs": "a list",
    "seed": WHOLE,
    "replications": WHOLE,
    "years": "a list",
    "warmup_years": NUMBER,
    "command": OPTIONAL_TEXT,
    "started": TEXT,
    "finished": TEXT,
    "wall_seconds": NUMBER,
    "scheduler": OPTIONAL_TEXT,
    "versions": "a mapping",
    "engine": TEXT,
    "git_commit": OPTIONAL_TEXT,
    "files": "a list",
    "checksums": "a mapping",
    "extra": "a mapping",
}
"""The type of each core field (:data:`~sim.analysis.provenance.CORE_FIELDS`)."""
READ_FIELDS = ("kind", "scenario", "years", "replications")
"""Core fields every manifest needs, also one written before the checksums."""
EXTRA_TYPES: dict[str, dict[str, str]] = {
    "sweep": {"points": WHOLE, "vary": "a mapping"},
    "tradeoff": {"vary": "a mapping", "stability_years": WHOLE},
    "size": {
        "category": TEXT,
        "target": TEXT,
        "from": WHOLE,
        "to": WHOLE,
        "confidence": NUMBER,
        "max_units": WHOLE,
        "once": BOOL,
        "analytic": "a mapping",
    },
    "calibrate": {"evaluations": WHOLE},
    "calibrate abc": {
        "method": TEXT,
        "population": WHOLE,
        "generations": WHOLE,
        "candidates": WHOLE,
        "final_temperature": NUMBER,
        "predictive_draws": WHOLE,
    },
}
"""The fields of ``extra`` a report of each kind reads, and their types (a Bayesian
calibration's, ``extra.method`` abc, under ``calibrate abc``)."""


def extra_kind(manifest: Mapping[str, Any]) -> str:
    """The key of :data:`EXTRA_TYPES` for a manifest: its kind, and a calibration's
    method where it is not the optimiser's."""
    kind = str(manifest.get("kind", ""))
    extra = manifest.get("extra")
    if kind == "calibrate" and isinstance(extra, dict) and extra.get("method") == "abc":
        return "calibrate abc"
    return kind


def problem(path: Path, key: str, message: str) -> InputError:
    return InputError([Problem(brief_text(str(path), 200), key, message)])


def remake(manifest: Mapping[str, Any] | None) -> str:
    """What to do about a damaged folder: make it again, with its command if known."""
    command = manifest.get("command") if manifest else None
    if isinstance(command, str) and command:
        written = brief_text(command, 300)
        return f"the result folder is damaged: make it again (it was written by: {written})"
    return "the result folder is damaged: make it again with the command that wrote it"


def damaged(folder: Path, problems: list[Problem], manifest: Mapping[str, Any]) -> InputError:
    """The input error of a damaged folder: its problems and, once, what to do."""
    what = remake(manifest)
    if len(problems) == 1:
        return InputError([Problem(p.file, p.key, f"{p.message}; {what}") for p in problems])
    return InputError([*problems, Problem(str(folder), "", what)])


def _depth(value: Any) -> int:
    """How deep lists and mappings nest in ``value`` (without recursion)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MANIFEST_MAX_DEPTH:
                todo += [
                    (v, level + 1) for v in (item.values() if isinstance(item, dict) else item)
                ]
    return deepest


def _kind_of(value: Any, wanted: str) -> bool:
    if wanted in (NUMBER, WHOLE) and isinstance(value, bool):
        return False
    if wanted == NUMBER and isinstance(value, float) and value != value:  # NaN
        return False
    return isinstance(value, _TYPES[wanted])


def read_manifest(folder: Path, kinds: tuple[str, ...]) -> dict[str, Any]:
    """The folder's manifest, checked (not yet its files: :func:`check_files`); an input
    error if it is no result folder of ``kinds`` or the manifest is damaged."""
    path = folder / MANIFEST
    if not folder.is_dir():
        raise problem(folder, "", "is not a folder; give a result folder (results/...)")
    try:
        info = path.stat()
    except OSError:
        raise problem(folder, "", f"has no {MANIFEST}: not a result folder of sim") from None
    if not stat.S_ISREG(info.st_mode):
        raise problem(path, "", "is not a file: not a result folder of sim")
    if info.st_size > MANIFEST_MAX_BYTES:
        raise problem(
            path,
            "",
            f"is {info.st_size:,} bytes, more than the {MANIFEST_MAX_BYTES:,} a manifest may "
            f"have; {remake(None)}",
        )
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        raise problem(path, "", f"cannot be read ({error.strerror or error})") from None
    except RecursionError:
        raise problem(
            path, "", f"nests deeper than {MANIFEST_MAX_DEPTH} levels; {remake(None)}"
        ) from None
    except ValueError as error:  # not UTF-8, not JSON
        raise problem(
            path, "", f"is not valid JSON ({brief(str(error))}); {remake(None)}"
        ) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("kind"), str):
        raise problem(path, "", f"is not a manifest of sim (no kind); {remake(None)}")
    if _depth(manifest) > MANIFEST_MAX_DEPTH:
        raise problem(path, "", f"nests deeper than {MANIFEST_MAX_DEPTH} levels; {remake(None)}")
    if manifest["kind"] not in kinds:
        raise problem(
            folder,
            "",
            f"holds a {brief(manifest['kind'])} result; reports are made of: " + ", ".join(kinds),
        )
    _check_fields(path, manifest)
    return manifest


def _check_fields(path: Path, manifest: dict[str, Any]) -> None:
    """Every field a report reads has its type; a manifest with checksums has every core
    field (one written before them: at least :data:`READ_FIELDS`)."""
    new = any(name in manifest for name in CHECKED_FIELDS)
    needed = CORE_FIELDS if new else READ_FIELDS
    problems = [Problem(str(path), name, "is missing") for name in needed if name not in manifest]
    for name, wanted in FIELD_TYPES.items():
        if name in manifest and not _kind_of(manifest[name], wanted):
            got = brief(manifest[name], 60)
            problems.append(Problem(str(path), name, f"must be {wanted}, got {got}"))
    years = manifest.get("years")
    if isinstance(years, list) and not (len(years) == 2 and all(_kind_of(y, WHOLE) for y in years)):
        problems.append(Problem(str(path), "years", "must be [first, last] years"))
    replications = manifest.get("replications")
    if isinstance(replications, int) and _kind_of(replications, WHOLE) and replications < 1:
        problems.append(Problem(str(path), "replications", "must be at least 1"))
    if isinstance(manifest.get("inputs"), list) and not all(
        isinstance(i, dict) for i in manifest["inputs"]
    ):
        problems.append(Problem(str(path), "inputs", "must be a list of mappings"))
    extra = manifest.get("extra")
    for name, wanted in EXTRA_TYPES.get(extra_kind(manifest), {}).items():
        if not isinstance(extra, dict):
            break
        if name not in extra:
            if new:
                problems.append(Problem(str(path), f"extra.{name}", "is missing"))
        elif not _kind_of(extra[name], wanted):
            got = brief(extra[name], 60)
            problems.append(Problem(str(path), f"extra.{name}", f"must be {wanted}, got {got}"))
    if problems:
        raise damaged(path.parent, problems, manifest)


def checked(manifest: Mapping[str, Any]) -> bool:
    """Whether the folder's files can be checked: its manifest records their checksums
    (folders written before manifests did cannot)."""
    return "checksums" in manifest


def _recorded(path: Path, manifest: Mapping[str, Any]) -> dict[str, tuple[str, int]]:
    """``{file: (sha256, bytes)}`` of the manifest's checksums, each entry checked."""
    checksums = manifest["checksums"]
    problems: list[Problem] = []
    found: dict[str, tuple[str, int]] = {}
    for name, entry in checksums.items():
        parts = PurePosixPath(name).parts
        if not name or name.startswith("/") or ".." in parts or "\0" in name:
            problems.append(
                Problem(
                    str(path), "checksums", f"names {brief(name, 80)}, not a file of the folder"
                )
            )
            continue
        sha256 = entry.get("sha256") if isinstance(entry, dict) else None
        size = entry.get("bytes") if isinstance(entry, dict) else None
        if not (isinstance(sha256, str) and len(sha256) == 64 and _hex(sha256)) or not (
            isinstance(size, int) and _kind_of(size, WHOLE) and size >= 0
        ):
            problems.append(
                Problem(
                    str(path),
                    f"checksums.{brief_text(name, 80)}",
                    "must be {sha256: 64 hex digits, bytes: a whole number}",
                )
            )
            continue
        found[name] = (sha256, size)
    files = manifest.get("files")
    if isinstance(files, list) and sorted(map(str, files)) != sorted([*checksums, MANIFEST]):
        problems.append(Problem(str(path), "files", "does not list the files of checksums"))
    if problems:
        raise damaged(path.parent, problems, manifest)
    return found


def _hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def check_files(folder: Path, manifest: Mapping[str, Any]) -> int:
    """Check every file the manifest records a checksum of: there, a regular file, of its
    size and SHA-256; return how many were checked (0: the manifest has no checksums).
    Every damaged file is named in one input error."""
    if not checked(manifest):
        return 0
    problems = []
    recorded = _recorded(folder / MANIFEST, manifest)
    for name, (sha256, size) in recorded.items():
        path = folder / name
        try:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode):
                problems.append(Problem(str(path), "", "is not a file any more"))
                continue
            if info.st_size != size:
                how = "is truncated" if info.st_size < size else "has grown"
                problems.append(
                    Problem(
                        str(path),
                        "",
                        f"{how}: {info.st_size:,} bytes where {MANIFEST} records {size:,}",
                    )
                )
                continue
            if file_digest(path)[0] != sha256:
                problems.append(
                    Problem(
                        str(path),
                        "",
                        f"has changed: its SHA-256 is not the one {MANIFEST} "
                        "records (another file, or edited)",
                    )
                )
        except FileNotFoundError:
            problems.append(Problem(str(path), "", f"is missing ({MANIFEST} lists it)"))
        except OSError as error:
            problems.append(Problem(str(path), "", f"cannot be read ({error.strerror or error})"))
    if problems:
        raise damaged(folder, problems, manifest)
    return len(recorded)


def _file(folder: Path, manifest: Mapping[str, Any], name: str) -> Path | None:
    """The folder's file ``name`` if it is there (and, with checksums, recorded in them)."""
    path = folder / name
    if not path.is_file():
        return None
    if checked(manifest) and name not in manifest["checksums"]:
        raise problem(
            folder / MANIFEST, "checksums", f"has no entry for {name}; {remake(manifest)}"
        )
    return path


def optional_file(folder: Path, manifest: Mapping[str, Any], name: str) -> Path | None:
    """The folder's file ``name`` (a figure it keeps) if it is there; with checksums, it
    must be recorded in them (and was checked with the others)."""
    return _file(folder, manifest, name)


def read_table(
    folder: Path, manifest: Mapping[str, Any], name: str, columns: Mapping[str, str]
) -> pd.DataFrame:
    """The CSV table ``name`` of the folder, with at least one row and ``columns`` (each
    ``NUMBER``, ``BOOL`` or ``TEXT``); an input error naming the file otherwise."""
    path = _file(folder, manifest, name)
    if path is None:
        raise problem(folder, "", f"has no {name}; {remake(manifest)}")
    try:
        table = pd.read_csv(path, keep_default_na=False, na_values=[""])
    except (
        ValueError,
        UnicodeDecodeError,
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
    ) as error:
        message = brief_text(
            str(error).strip().splitlines()[0] if str(error).strip() else "empty", 120
        )
        raise problem(path, "", f"is not a CSV table ({message}); {remake(manifest)}") from None
    except OSError as error:
        raise problem(path, "", f"cannot be read ({error.strerror or error})") from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise problem(
            path,
            "",
            f"lacks the column(s) {brief_text(', '.join(missing), 200)} (it has "
            f"{brief_text(', '.join(map(str, table.columns)), 200)}); {remake(manifest)}",
        )
    if table.empty:
        raise problem(path, "", f"has no rows; {remake(manifest)}")
    for column, wanted in columns.items():
        values = table[column]
        if wanted == BOOL and values.dtype != bool:
            raise problem(path, column, f"must be True or False in every row; {remake(manifest)}")
        if wanted == NUMBER and (values.dtype == bool or not pd.api.types.is_numeric_dtype(values)):
            raise problem(path, column, f"must be a number in every row; {remake(manifest)}")
    return table


def read_scenario(
    folder: Path, manifest: Mapping[str, Any], names: tuple[str, ...]
) -> dict[str, Any] | None:
    """The scenario the folder ran (the first of ``names`` there), or ``None``."""
    for name in names:
        path = _file(folder, manifest, name)
        if path is not None:
            try:
                return read_yaml(path)
            except InputError as error:
                raise InputError(
                    [*error.problems, Problem(str(path), "", remake(manifest))]
                ) from None
    return None
