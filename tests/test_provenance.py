"""Provenance tests: every command's result folder has a manifest with the same core fields.

CLI tests (CliRunner) of each command on tiny inputs (tests/data/tiny.yaml, two
replications; the recovery calibration spec with a budget of two evaluations), and unit
tests of the manifest writer itself.
"""

from __future__ import annotations

import hashlib
import json
import shlex
from pathlib import Path
from typing import Any

import pytest
from helpers import DATA, invoke

from sim.analysis.provenance import CORE_FIELDS, Input, write_manifest
from sim.config.loader import load_scenario

TINY = DATA / "tiny.yaml"
RECOVERY = DATA / "recovery"

COMMANDS: dict[str, list[str | Path]] = {
    "run": ["run", TINY, "-r", "2", "-q"],
    "compare": ["compare", TINY, TINY, "-r", "2", "-q"],
    "sweep": ["sweep", TINY, "--vary", "policy.renewal=strict,always", "-r", "2", "-q"],
    "tradeoff": ["tradeoff", TINY, "--vary", "policy.renewal=strict,always", "-r", "2", "-q"],
    "size": ["size", TINY, "--category", "ordinary", "--target", "waiting <= 1000", "-r", "2"],
    "calibrate": [
        "calibrate",
        RECOVERY / "recovery.yaml",
        "--budget",
        "2",
        "--set",
        "replications=1",
        "--set",
        "fit_replications=2",
        "--set",
        "profile=false",
        "-q",
    ],
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_in(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("kind", list(COMMANDS))
def test_every_command_writes_the_core_fields(kind: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(*COMMANDS[kind], "--out", out)
    assert result.exit_code == 0, result.output
    manifest: dict[str, Any] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))

    assert tuple(manifest) == CORE_FIELDS
    assert manifest["kind"] == kind
    scenario_file = RECOVERY / "start.yaml" if kind == "calibrate" else TINY
    scenario = load_scenario(scenario_file)
    assert manifest["scenario"] == scenario.name
    assert Path(manifest["scenario_file"]).resolve() == scenario_file.resolve()
    assert manifest["scenario_sha256"] == sha256(scenario_file)
    assert manifest["inputs"][0]["sha256"] == sha256(scenario_file)
    for entry in manifest["inputs"]:
        assert entry["sha256"] == sha256(Path(entry["file"])), entry
    assert manifest["seed"] == scenario.seed
    assert manifest["replications"] == (1 if kind == "calibrate" else 2)
    assert manifest["years"] == [scenario.time.start, scenario.time.end - 1]
    assert manifest["warmup_years"] == scenario.time.warmup_years
    assert shlex.split(manifest["command"])[0] == "sim"
    assert manifest["started"] <= manifest["finished"]
    assert manifest["wall_seconds"] >= 0
    assert manifest["versions"]["sim-housing"] and manifest["versions"]["python"]
    assert set(manifest["files"]) == files_in(out)
    assert isinstance(manifest["extra"], dict)


def test_inputs_name_every_file(tmp_path: Path) -> None:
    """compare lists its alternatives, calibrate its spec and targets."""
    other = tmp_path / "other.yaml"
    other.write_text(f"extends: {TINY}\nname: other\n")
    out = tmp_path / "compare"
    assert invoke("compare", TINY, other, "-r", "2", "-q", "--out", out).exit_code == 0
    inputs = json.loads((out / "manifest.json").read_text())["inputs"]
    assert [(i["role"], i["name"]) for i in inputs] == [
        ("scenario", "tiny"),
        ("alternative", "other"),
    ]


def test_a_scenario_made_in_python_has_no_file(tmp_path: Path) -> None:
    scenario = load_scenario(TINY)
    (tmp_path / "table.csv").write_text("x\n1\n")
    manifest = write_manifest(
        tmp_path,
        kind="test",
        scenario=scenario,
        scenario_file=None,
        seed=3,
        replications=4,
        started=0.0,
        finished=90.5,
        inputs=[Input("other", "x", tmp_path / "missing.yaml")],
        extra={"when": Path("a")},  # not JSON: written as text
    )
    written = json.loads((tmp_path / "manifest.json").read_text())
    assert written == {**manifest, "extra": {"when": "a"}}
    assert manifest["scenario_file"] is None and manifest["scenario_sha256"] is None
    assert manifest["inputs"][1]["sha256"] is None
    assert manifest["started"] == "1970-01-01T00:00:00+00:00"
    assert manifest["wall_seconds"] == 90.5
    assert manifest["files"] == ["table.csv", "manifest.json"]
    assert manifest["command"].startswith("python ")  # not a `sim` command
