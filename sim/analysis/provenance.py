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
    "simpy",
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
    "git_commit",  # of the package's source tree, or null
    "files",  # every file of the folder, manifest.json included
    "extra",  # what only this kind of result has
)


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
    scenario: Scenario,
    scenario_file: str | Path | None,
    seed: int,
    replications: int,
    started: float,
    finished: float,
    command: Sequence[str] | None = None,
    inputs: Sequence[Input] = (),
    extra: Mapping[str, Any] | None = None,
    scheduler: str | None = None,
) -> dict[str, Any]:
    """Write ``folder/manifest.json`` (the last file of a result folder) and return it.

    ``scenario`` and ``scenario_file`` are the scenario the result is about; ``inputs``
    are the other input files (the scenario is listed first on its own). ``started``
    and ``finished`` are Unix times (seconds). ``command`` is the ``sim`` command's
    argument vector (``sys.argv``); without one, the Python process's command line is
    recorded (:func:`recorded_command`). ``extra`` holds the fields only this kind of
    result has; values JSON cannot hold are written as text. ``scheduler`` is the Dask
    scheduler the replications ran on (``None``: this machine's worker processes).
    """
    scenario_input = Input("scenario", scenario.name, scenario_file).record()
    manifest: dict[str, Any] = {
        "kind": kind,
        "scenario": scenario.name,
        "scenario_file": scenario_input["file"],
        "scenario_sha256": scenario_input["sha256"],
        "inputs": [scenario_input, *(i.record() for i in inputs)],
        "seed": seed,
        "replications": replications,
        "years": [scenario.time.start, scenario.time.end - 1],
        "warmup_years": scenario.time.warmup_years,
        "command": recorded_command(command),
        "started": _iso(started),
        "finished": _iso(finished),
        "wall_seconds": round(finished - started, 3),
        "scheduler": scheduler,
        "versions": versions(),
        "git_commit": git_commit(),
        "files": [
            *sorted(
                str(p.relative_to(folder))
                for p in folder.rglob("*")
                if p.is_file() and p.name != "manifest.json"
            ),
            "manifest.json",
        ],
        "extra": dict(extra or {}),
    }
    text = json.dumps(manifest, indent=2, default=str) + "\n"
    (folder / "manifest.json").write_text(text, encoding="utf-8")
    return manifest


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
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC).isoformat(timespec="seconds")
