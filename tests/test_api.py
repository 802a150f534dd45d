"""Functional tests of the Python API: every command is a function of ``sim``.

Each function runs on tests/data/tiny.yaml (two replications of three years), from a file
and from a :class:`sim.Scenario` made in Python, returns a result to work with, and
writes the command's folder when given ``out``. The command line calls the same
functions, so a table from Python equals the command's CSV.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import DATA, invoke

import sim

TINY = DATA / "tiny.yaml"


@pytest.fixture(scope="module")
def tiny() -> sim.Scenario:
    return sim.load_scenario(TINY)


def test_every_command_is_a_function_of_sim() -> None:
    for name in ("run", "compare", "sweep", "tradeoff", "size", "calibrate", "validate"):
        assert callable(getattr(sim, name)), name
        assert name in sim.__all__


def test_run_writes_its_folder_when_given_out(tmp_path: Path) -> None:
    results = sim.run(TINY, replications=2, out=tmp_path / "out")
    assert results.replications == 2
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["kind"] == "run" and manifest["scenario_file"] == str(TINY)
    assert (tmp_path / "out" / "summary.csv").exists()


def test_compare_scenario_objects_made_in_python(tiny: sim.Scenario) -> None:
    renamed = tiny.model_copy(update={"name": "renamed"})
    comparison = sim.compare(
        tiny, alternatives=[renamed, tiny], replications=2, metrics=["waiting"]
    )
    assert list(comparison.alternatives) == ["renamed", "tiny'"]  # names made unique
    assert set(comparison.table.metric) == {"waiting"}
    assert (comparison.table.difference == 0).all()  # the same model, the same numbers
    assert "Differences from tiny" in comparison.summary()


def test_compare_from_python_equals_the_command(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(f"extends: {TINY}\nname: other\npolicy: {{renewal: always}}\n")
    table = sim.compare(TINY, alternatives=[other], replications=2).table
    out = tmp_path / "cli"
    assert invoke("compare", TINY, other, "-r", "2", "-q", "--out", out).exit_code == 0
    written = pd.read_csv(out / "comparison.csv", dtype={"year": str})
    pd.testing.assert_frame_equal(written, table, check_dtype=False)


def test_sweep_from_a_mapping_and_its_folder(tmp_path: Path, tiny: sim.Scenario) -> None:
    result = sim.sweep(
        tiny,
        vary={"stock.ordinary.units": [10, 40]},
        replications=2,
        metrics=["waiting"],
        out=tmp_path / "out",
    )
    assert len(result.runs) == 2
    horizon = result.horizon()
    assert list(horizon.index) == [10, 40]
    assert horizon.loc[40, "waiting"] < horizon.loc[10, "waiting"]
    assert pd.read_csv(tmp_path / "out" / "sweep.csv").shape[0] == len(result.table)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["scenario_file"] is None  # a scenario made in Python
    assert manifest["extra"]["vary"] == {"stock.ordinary.units": [10, 40]}


def test_tradeoff_and_writing_its_folder_later(tmp_path: Path) -> None:
    result = sim.tradeoff(TINY, vary=["policy.renewal=strict,always"], replications=2)
    assert list(result.overview().policy) == ["renewal=strict", "renewal=always"]
    result.write(tmp_path / "out")
    assert (tmp_path / "out" / "figures" / "tradeoff.png").exists()


def test_size_and_its_folder(tmp_path: Path) -> None:
    result = sim.size(
        TINY, category="ordinary", target="waiting <= 1000", replications=2, out=tmp_path / "out"
    )
    assert result.answer == 0  # met without adding a unit
    assert not result.table.empty
    assert (tmp_path / "out" / "size.csv").exists()


def test_bad_inputs_raise_input_errors_before_running(tmp_path: Path) -> None:
    with pytest.raises(sim.InputError, match="unknown category"):
        sim.size(TINY, category="flats", target="waiting <= 5")
    with pytest.raises(sim.InputError, match="unknown metric"):
        sim.compare(TINY, alternatives=[TINY], metrics=["waitng"])
    with pytest.raises(sim.InputError, match="--vary"):
        sim.sweep(TINY, vary={"policy.renewal": []})
    (tmp_path / "taken").mkdir()
    with pytest.raises(sim.InputError, match="--force"):
        sim.tradeoff(TINY, vary={"policy.renewal": ["strict"]}, out=tmp_path / "taken")


def test_validate_collects_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {TINY}\nseed: -1\n")
    validation = sim.validate([TINY, bad, tmp_path / "missing.yaml"])
    assert [(path, s.name) for path, s in validation.scenarios] == [(TINY, "tiny")]
    assert len(validation.problems) == 2


def test_calibrate_with_a_tiny_budget(tmp_path: Path) -> None:
    trials = []
    result = sim.calibrate(
        DATA / "recovery" / "recovery.yaml",
        budget=2,
        overrides=["replications=1", "fit_replications=2", "profile=false"],
        on_progress=lambda trial, best: trials.append(trial.loss),
        out=tmp_path / "out",
    )
    assert len(trials) == len(result.trials) == 2
    assert result.best is not None and result.fit is not None
    assert (tmp_path / "out" / "best.yaml").exists()
