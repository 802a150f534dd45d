"""Result folders (MODEL.md section 4), written atomically.

Everything is written into a hidden temporary folder beside the target, which is renamed
to the target only when complete: an interrupted run leaves no folder that looks
complete, and an existing folder is replaced only with ``force``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path

from sim.analysis.figures import write_figures
from sim.analysis.tables import summarise
from sim.config.errors import InputError, Problem
from sim.config.loader import scenario_yaml
from sim.runner.replications import Results

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
]


class OutputExistsError(InputError):
    """The result folder exists and ``--force`` was not given."""


def command_line(command: list[str] | None = None) -> str:
    """The command as a user would type it: ``sim`` and its arguments, shell-quoted."""
    words = command if command is not None else sys.argv
    return shlex.join(["sim", *words[1:]]) if words else "sim"


def default_out_dir(name: str, root: Path = Path("results")) -> Path:
    """``results/<name>/<YYYYmmdd-HHMMSS>``: the default result folder of a command."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return root / name / stamp


def check_out_dir(out: Path, force: bool) -> None:
    """Fail early, before any simulation, if ``out`` exists and may not be replaced."""
    if out.exists() and not force:
        raise OutputExistsError(
            [
                Problem(
                    str(out),
                    "--out",
                    "exists already; choose another folder or add --force to replace it",
                )
            ]
        )
    if out.exists() and not out.is_dir():
        raise OutputExistsError([Problem(str(out), "--out", "exists and is not a folder")])


@contextlib.contextmanager
def atomic_folder(out: Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder that becomes ``out`` when the block ends without error."""
    check_out_dir(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{out.name}.incomplete-", dir=out.parent))
    try:
        yield temporary
        if out.exists():
            if not force:
                raise OutputExistsError(
                    [Problem(str(out), "--out", "appeared during the run; nothing was replaced")]
                )
            old = out.with_name(f".{out.name}.replaced-{os.getpid()}")
            os.replace(out, old)
            os.replace(temporary, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temporary, out)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ["sim-housing", *DEPENDENCIES]:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def git_commit(where: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=where,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def write_results(
    results: Results,
    out: str | Path,
    force: bool = False,
    scenario_file: str | Path | None = None,
    command: list[str] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> Path:
    """Write a complete result folder for ``results`` at ``out``; return ``out``."""
    out = Path(out)
    scenario = results.scenario
    with atomic_folder(out, force) as folder:
        yearly = results.yearly
        if on_step:
            on_step("tables")
        yearly.to_csv(folder / "yearly.csv", index=False)
        yearly.to_parquet(folder / "yearly.parquet", index=False)
        summary = summarise(yearly)
        summary.to_csv(folder / "summary.csv", index=False)
        if results.households is not None:
            results.households.to_parquet(folder / "households.parquet", index=False)
        with open(folder / "scenario.resolved.yaml", "w", encoding="utf-8") as handle:
            handle.write(f"# Fully merged scenario as run ({scenario.name}).\n")
            handle.write(scenario_yaml(scenario))
        if on_step:
            on_step("figures")
        write_figures(
            summary,
            folder / "figures",
            scenario.name,
            list(scenario.groups),
            list(scenario.stock),
            results.replications,
        )
        manifest = {
            "scenario": scenario.name,
            "scenario_file": str(scenario_file) if scenario_file else None,
            "scenario_sha256": _hash(scenario_file),
            "seed": results.seed,
            "replications": results.replications,
            "years": [scenario.time.start, scenario.time.end - 1],
            "warmup_years": scenario.time.warmup_years,
            "versions": versions(),
            "git_commit": git_commit(Path(__file__).parent),
            "command": command if command is not None else sys.argv,
            "started": _iso(results.started),
            "finished": _iso(results.finished),
            "wall_seconds": round(results.wall_seconds, 3),
            "files": [
                *sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()),
                "manifest.json",
            ],
        }
        (folder / "manifest.json").write_text(
            json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
        )
    return out


def _hash(path: str | Path | None) -> str | None:
    if path is None:
        return None
    import hashlib

    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC).isoformat(timespec="seconds")
