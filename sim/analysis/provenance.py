"""Provenance: the one ``manifest.json`` that every result folder carries.

Every command (``run``, ``compare``, ``sweep``, ``tradeoff``, ``size``, ``calibrate``)
writes its manifest with :func:`write_manifest`, so every manifest has the same core
fields (:data:`CORE_FIELDS`); what only one command has goes under ``extra``.

>>> command_line(["/venv/bin/sim", "run", "my scenario.yaml", "-r", "5"])
"sim run 'my scenario.yaml' -r 5"
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.config.schema import Scenario

DEPENDENCIES = [
    "numpy",
    "pandas",
    "scipy",
    "matplotlib",
    "click",
    "pydantic",
    "PyYAML",
    "pyarrow",
    "adjustText",
    "XlsxWriter",
    "Jinja2",
    "SALib",  # the sensitivity extra
]

CORE_FIELDS = (
    "kind",  # the command: run, compare, sweep, tradeoff, size, calibrate, sensitivity
    "scenario",  # name of the scenario (compare: the base; calibrate: the spec's scenario)
    "scenario_file",  # its file as given, or null for a scenario made in Python
    "scenario_sha256",  # the file's hash (null without a file)
    "inputs",  # every input: [{role, name, file, sha256}], the scenario first
    "seed",  # base seed of the random-number streams
    "replications",  # replications per scenario (size: to start each candidate with)
    "years",  # [first, last] reported year
    "warmup_years",
    "command",  # the command line, shell-quoted so that it can be pasted back
    "started",  # ISO 8601, UTC
    "finished",
    "wall_seconds",
    "scheduler",  # the Dask scheduler the replications ran on ("local" or its address);
    # null: this machine's worker processes (--jobs)
    "versions",  # Python, this package and its dependencies
    "engine",  # the event loop that ran: sim.model.ENGINE (compiled or pure Python, and why)
    "git_commit",  # of the package's source tree, or null
    "files",  # every file of the folder, manifest.json included
    "checksums",  # {file: {sha256, bytes}} of every file but manifest.json (sim report checks)
    "extra",  # what only this kind of result has
)

CHECKED_FIELDS = ("engine", "checksums")
"""Core fields that folders written before the file checksums lack; a manifest that has
one of them must have every core field."""
MANIFEST_MAX_BYTES = 16_000_000
"""Largest ``manifest.json`` read back (by ``sim report``, and by ``--force`` to tell a
result folder from others); the biggest written hold a few hundred kB."""


@dataclass(frozen=True)
class Input:
    """An input file of a result: its role (``scenario``, ``alternative``, ``spec``,
    ``targets`` ...), the name of what it holds, and its path (``None`` for a scenario
    made in Python)."""

    role: str
    name: str | None
    file: str | Path | None

    def record(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "name": self.name,
            "file": str(self.file) if self.file is not None else None,
            "sha256": file_sha256(self.file),
        }


def write_manifest(
    folder: Path,
    *,
    kind: str,
    scenario: Scenario | None,
    scenario_file: str | Path | None,
    seed: int | None,
    replications: int | None,
    started: float,
    finished: float,
    command: Sequence[str] | None = None,
    inputs: Sequence[Input] = (),
    extra: Mapping[str, Any] | None = None,
    scheduler: str | None = None,
) -> dict[str, Any]:
    """Write ``folder/manifest.json`` (the last file of a result folder) and return it.

    ``scenario`` and ``scenario_file`` are the scenario the result is about (``None``:
    a result about several, such as a validation, and then no seed nor replications); ``inputs``
    are the other input files (the scenario is listed first on its own). ``started``
    and ``finished`` are Unix times (seconds). ``command`` is the ``sim`` command's
    argument vector (``sys.argv``); without one, the Python process's command line is
    recorded (:func:`recorded_command`). ``extra`` holds the fields only this kind of
    result has; values JSON cannot hold are written as text. ``scheduler`` is the Dask
    scheduler the replications ran on (``None``: this machine's worker processes).
    """
    name = scenario.name if scenario is not None else None
    scenario_input = Input("scenario", name, scenario_file).record()
    extra = {**(extra or {}), **posterior_record(scenario)}
    posterior = scenario.posterior if scenario is not None else None
    if posterior is not None:
        inputs = [*inputs, Input("posterior", None, posterior.file)]
    checksums = file_checksums(folder)
    manifest: dict[str, Any] = {
        "kind": kind,
        "scenario": name,
        "scenario_file": scenario_input["file"],
        "scenario_sha256": scenario_input["sha256"],
        "inputs": [scenario_input, *(i.record() for i in inputs)],
        "seed": seed,
        "replications": replications,
        "years": [scenario.time.start, scenario.time.end - 1] if scenario else None,
        "warmup_years": scenario.time.warmup_years if scenario else None,
        "command": recorded_command(command),
        "started": _iso(started),
        "finished": _iso(finished),
        "wall_seconds": round(finished - started, 3),
        "scheduler": scheduler,
        "versions": versions(),
        "engine": engine(),
        "git_commit": git_commit(),
        "files": [*checksums, "manifest.json"],
        "checksums": checksums,
        "extra": dict(extra or {}),
    }
    text = json.dumps(manifest, indent=2, default=str) + "\n"
    (folder / "manifest.json").write_text(text, encoding="utf-8")
    return manifest


def posterior_record(scenario: Scenario | None) -> dict[str, Any]:
    """``{"posterior": {file, sha256, particles, parameters, replications_per_draw}}`` of
    a scenario run over a posterior (``calibration.posterior``); empty without one."""
    posterior = scenario.posterior if scenario is not None else None
    if scenario is None or posterior is None:
        return {}
    return {
        "posterior": {
            "file": posterior.file,
            "sha256": posterior.sha256,
            "particles": len(posterior),
            "parameters": list(posterior.keys),
            "replications_per_draw": scenario.replications_per_draw,
        }
    }


def command_line(command: Sequence[str] | None = None) -> str:
    """The command as a user would type it: ``sim`` and its arguments, shell-quoted."""
    words = command if command is not None else sys.argv
    return shlex.join(["sim", *words[1:]]) if words else "sim"


def recorded_command(command: Sequence[str] | None) -> str:
    """The ``sim`` command line of ``command`` (an argument vector such as ``sys.argv``);
    without one (a result made through the Python API), this Python process's."""
    if command is not None:
        return command_line(command)
    return shlex.join(["python", *sys.argv])


def versions() -> dict[str, str]:
    """Versions of Python, this package and every dependency ("not installed" if absent)."""
    found = {"python": platform.python_version()}
    for name in ["sim-housing", *DEPENDENCIES]:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def engine() -> str:
    """The event loop this process runs (:data:`sim.model.ENGINE`)."""
    from sim.model import ENGINE

    return ENGINE


def git_commit(where: Path | None = None) -> str | None:
    """The commit checked out where the package's source lies (``None`` outside git)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=where if where is not None else Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def file_sha256(path: str | Path | None) -> str | None:
    """SHA-256 of a file's bytes; ``None`` without a path or when it cannot be read."""
    if path is None:
        return None
    try:
        return file_digest(Path(path))[0]
    except OSError:
        return None


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size in bytes of the file ``path``, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def file_checksums(folder: Path) -> dict[str, dict[str, Any]]:
    """``{file: {"sha256", "bytes"}}`` of every file in ``folder`` (its sub-folders
    included, paths with ``/``) but ``manifest.json``, sorted by path: what ``sim report``
    checks before it reads the folder."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != "manifest.json":
            sha256, size = file_digest(path)
            found[path.relative_to(folder).as_posix()] = {"sha256": sha256, "bytes": size}
    return dict(sorted(found.items()))


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC).isoformat(timespec="seconds")
