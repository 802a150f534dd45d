"""What the app may simulate: baselines chosen by name, and scenario text from a browser.

The browser never names a path on the server. At start-up (``sim app``) the server finds
the shipped calibrated municipalities in its ``scenarios`` folder and the files given
with ``--scenario``; the page offers them by scenario name only, with the policy files
that extend them (``scenarios/policies``) as alternatives. Text a user pastes or uploads
is checked like a scenario file (size, YAML nesting and aliases, every value), merged
onto the chosen baseline as ``extends`` would merge it, and may name no file: neither
``extends`` nor an observed-durations ``file``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.config.errors import InputError, Problem, ScenarioError, brief
from sim.config.loader import load_scenario, overlay, plain_data, read_yaml, validate_data
from sim.config.posterior import overridden
from sim.config.schema import Scenario
from sim.config.yaml_io import parse_yaml

SHIPPED = ("lorenskog-calibrated.yaml", "asker-calibrated.yaml")
"""The calibrated municipalities offered when the app starts in the repository."""

MAX_PASTE_BYTES = 100_000
"""Largest pasted or uploaded text (scenario files are at most 1 MB; an overlay needs
far less)."""

PASTED = "<pasted text>"


@dataclass(frozen=True)
class Baseline:
    """A scenario the page may choose by name, with its files (server side only)."""

    name: str
    scenario: Scenario
    file: Path | None = None
    policies: dict[str, Path] = field(default_factory=dict)  # by the policy's file stem


@dataclass
class Startup:
    """What ``sim app`` was started with: the scenario folder, extra files, workers."""

    folder: Path = Path("scenarios")
    files: list[Path] = field(default_factory=list)
    jobs: int = 0


STARTUP = Startup()
"""Set by ``sim app`` before the server starts; the page reads it."""


def configure(folder: Path, files: list[Path], jobs: int) -> None:
    """Record the start-up options for the page (same process)."""
    STARTUP.folder, STARTUP.files, STARTUP.jobs = folder, list(files), jobs


def _policies(file: Path) -> dict[str, Path]:
    """Policy files in ``<folder>/policies`` whose ``extends`` names ``file``."""
    folder = file.parent / "policies"
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for policy in sorted(folder.glob("*.yaml")):
        try:
            parent = read_yaml(policy).get("extends")
        except InputError:
            continue
        if isinstance(parent, str) and (policy.parent / parent).resolve() == file.resolve():
            found[policy.stem] = policy
    return found


def find_baselines(startup: Startup = STARTUP) -> dict[str, Baseline]:
    """The baselines by unique name: the shipped ones found in the folder, then the files
    named at start-up (an input error if one of those is invalid)."""
    files = [startup.folder / name for name in SHIPPED if (startup.folder / name).is_file()]
    files += [Path(file) for file in startup.files]
    baselines: dict[str, Baseline] = {}
    for file in dict.fromkeys(files):
        scenario = load_scenario(file)
        name = scenario.name
        while name in baselines:
            name += "'"
        baselines[name] = Baseline(name, scenario, file, _policies(file))
    return baselines


def pasted_scenario(text: str | bytes, base: Scenario) -> Scenario:
    """Scenario text from a browser, merged onto ``base`` and validated.

    An input error (with the key and the rule) if the text is too large, not YAML, not a
    mapping, nested too deep, expands too many aliases, names a file, sets a parameter of
    the baseline's posterior or is not a valid scenario once merged. The baseline's own
    posterior is kept: the merged scenario runs over it as the baseline does.
    """
    if isinstance(text, bytes):
        if len(text) > MAX_PASTE_BYTES:
            raise _error("", f"is {len(text):,} bytes; at most {MAX_PASTE_BYTES:,}")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _error("", "is not UTF-8 text") from None
    size = len(text.encode("utf-8"))
    if size > MAX_PASTE_BYTES:
        raise _error("", f"is {size:,} bytes; at most {MAX_PASTE_BYTES:,}")
    if not text.strip():
        raise _error("", "is empty; paste scenario YAML, e.g. policy: {renewal: strict}")
    data = parse_yaml(text, PASTED)
    if not isinstance(data, dict):
        raise _error("", f"must be a mapping of scenario keys, got {brief(data, 60)}")
    if "extends" in data:
        raise _error(
            "extends",
            "is not allowed in pasted text: it is merged onto the chosen baseline; "
            "remove the extends line",
        )
    merged: dict[str, Any] = overlay(plain_data(base), data, PASTED)
    if "name" not in data:
        merged["name"] = f"{base.name}-pasted"[:64]
    if "label" not in data:
        merged.pop("label", None)  # the baseline's name is not the paste's: shown by its name
    posterior = base.posterior
    for key in _leaves(data):
        if overridden(posterior, key):
            raise _error(
                key,
                "is a parameter of the baseline's calibration posterior: each run draws "
                "it from the posterior, so a value set here would be replaced; leave it "
                "out, or choose a baseline without a posterior",
            )
    known = base.calibration.posterior if base.calibration is not None else None
    return validate_data(merged, PASTED, read_files=False, known_posterior=known)


def _leaves(data: dict[str, Any], prefix: str = "") -> list[str]:
    """The dotted keys of the values in nested mappings (``{a: {b: 1}}`` → ``a.b``)."""
    keys = []
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        keys += _leaves(value, f"{dotted}.") if isinstance(value, dict) else [dotted]
    return keys


def _error(key: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(PASTED, key, message)])
