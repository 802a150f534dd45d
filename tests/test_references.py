"""Files a scenario names mean the same when another file extends it from another folder:
an empirical duration's ``file`` and ``calibration.posterior`` are the declaring file's."""

from __future__ import annotations

from pathlib import Path

from sim.config.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def test_a_parents_durations_file_is_read_from_the_parents_folder(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (base / "spells.csv").write_text("years\n1\n2\n3\n", encoding="utf-8")
    (base / "parent.yaml").write_text(
        f"extends: {TINY}\nname: parent\ngroups:\n  disadvantaged:\n"
        "    self_sufficient_years: {distribution: empirical, file: spells.csv, column: years}\n",
        encoding="utf-8",
    )
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "child.yaml").write_text(
        "extends: ../base/parent.yaml\nname: child\nstock: {ordinary: {units: 25}}\n",
        encoding="utf-8",
    )
    child = load_scenario(policies / "child.yaml")
    parent = load_scenario(base / "parent.yaml")
    spells = child.groups["disadvantaged"].self_sufficient_years
    assert spells == parent.groups["disadvantaged"].self_sufficient_years
    assert child.stock["ordinary"].units == 25


def test_a_parents_posterior_is_read_from_the_parents_folder(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "child.yaml").write_text(
        f"extends: {ROOT / 'tests' / 'data' / 'tiny-posterior.yaml'}\nname: child\n",
        encoding="utf-8",
    )
    child = load_scenario(policies / "child.yaml")
    assert child.posterior is not None
    assert Path(child.posterior.file).resolve() == ROOT / "tests" / "data" / "posterior_small.csv"
