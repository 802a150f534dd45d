"""CLI tests: sim run and sim validate through click's CliRunner.

All runs use ``tests/data/tiny.yaml`` (two groups, 30 units, 3 reported years after 5
warm-up years, 2 replications), so the whole file takes a few seconds. One run is shared
by the tests that only read its result folder; tests that need another run make their
own (mostly with ``--replications 1``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner, Result

import sim.analysis.output
import sim.analysis.provenance
import sim.api
from sim.cli import main

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"

EXPECTED_FILES = {
    "manifest.json",
    "scenario.resolved.yaml",
    "yearly.csv",
    "yearly.parquet",
    "summary.csv",
    "figures/waiting_list.png",
    "figures/allocations.png",
    "figures/homeless_hospits.png",
    "figures/followup.png",
    "figures/waiting_list.csv",
    "figures/allocations.csv",
    "figures/homeless_hospits.csv",
    "figures/followup.csv",
}
SUMMARY_COLUMNS = [
    "year",
    "group",
    "category",
    "metric",
    "mean",
    "sd",
    "ci_low",
    "ci_high",
    "p10",
    "p50",
    "p90",
    "n",
]
YEARLY_COLUMNS = ["replication", "year", "group", "category", "metric", "value"]


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    return result


def files_in(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def hidden_leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """One ordinary run of tiny.yaml: (result folder, CliRunner result)."""
    out = tmp_path_factory.mktemp("base") / "out"
    result = ok(invoke("run", TINY, "--out", out))
    return out, result


# --- the result folder ----------------------------------------------------------------


def test_run_writes_every_file(base: tuple[Path, Result]) -> None:
    out, result = base
    assert out.is_dir()
    assert files_in(out) >= EXPECTED_FILES
    assert "households.parquet" not in files_in(out)
    assert hidden_leftovers(out.parent, out.name) == []
    assert f"results: {out}" in result.stdout
    for png in (out / "figures").glob("*.png"):
        assert png.read_bytes().startswith(b"\x89PNG"), png


def test_manifest(base: tuple[Path, Result]) -> None:
    out, _ = base
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario"] == "tiny"
    assert manifest["seed"] == 7
    assert manifest["replications"] == 2
    assert manifest["years"] == [2020, 2022]
    assert len(manifest["scenario_sha256"]) == 64
    assert set(manifest["files"]) == files_in(out)


def test_summary_csv_columns(base: tuple[Path, Result]) -> None:
    out, _ = base
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert set(summary["year"]) == {2020, 2021, 2022}
    # n counts replications with a value: a wait statistic has none in a year in which
    # nobody of that group was housed; every other metric has both replications.
    assert set(summary["n"]) <= {1, 2}
    assert set(summary.loc[~summary.metric.str.startswith("wait_years"), "n"]) == {2}
    assert not summary.duplicated(["year", "group", "category", "metric"]).any()


def test_yearly_csv_columns(base: tuple[Path, Result]) -> None:
    out, _ = base
    yearly = pd.read_csv(out / "yearly.csv", keep_default_na=False)
    assert list(yearly.columns) == YEARLY_COLUMNS
    assert set(yearly["year"]) == {2020, 2021, 2022}
    assert yearly["replication"].nunique() == 2
    parquet = pd.read_parquet(out / "yearly.parquet")
    assert list(parquet.columns) == YEARLY_COLUMNS
    assert len(parquet) == len(yearly)


def test_printed_summary(base: tuple[Path, Result]) -> None:
    _, result = base
    assert "Summary" in result.stdout
    assert "2 replications" in result.stdout
    assert "replications" in result.stderr  # the header line / progress bar label


# --- existing folders ------------------------------------------------------------------


def test_existing_out_needs_force(base: tuple[Path, Result], tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(base[0], out)
    manifest = (out / "manifest.json").read_bytes()
    before = files_in(out)

    result = invoke("run", TINY, "--out", out)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert str(out) in result.stderr
    assert "--force" in result.stderr
    assert (out / "manifest.json").read_bytes() == manifest
    assert files_in(out) == before
    assert hidden_leftovers(tmp_path, "out") == []

    ok(invoke("run", TINY, "--out", out, "--force", "--replications", "1", "--quiet"))
    assert files_in(out) >= EXPECTED_FILES
    assert json.loads((out / "manifest.json").read_text())["replications"] == 1
    assert hidden_leftovers(tmp_path, "out") == []


# --- options ---------------------------------------------------------------------------


def test_households(tmp_path: Path) -> None:
    out = tmp_path / "out"
    ok(invoke("run", TINY, "--out", out, "--households", "-r", "1", "-q"))
    assert "households.parquet" in files_in(out)
    households = pd.read_parquet(out / "households.parquet")
    assert len(households) > 0
    assert "moves" in households.columns
    assert not households.duplicated(["replication", "household"]).any()
    assert "households.parquet" in json.loads((out / "manifest.json").read_text())["files"]


def test_set_shows_in_resolved_scenario(tmp_path: Path) -> None:
    out = tmp_path / "out"
    ok(invoke("run", TINY, "--out", out, "--set", "policy.renewal=strict", "-r", "1", "-q"))
    resolved = yaml.safe_load((out / "scenario.resolved.yaml").read_text(encoding="utf-8"))
    assert resolved["policy"]["renewal"] == "strict"
    assert resolved["replications"] == 1


def test_resolved_scenario_round_trip(base: tuple[Path, Result], tmp_path: Path) -> None:
    out, _ = base
    resolved = out / "scenario.resolved.yaml"
    result = ok(invoke("validate", resolved))
    assert f"ok: {resolved}" in result.stdout

    again = tmp_path / "again"
    ok(invoke("run", resolved, "--out", again, "--quiet"))
    assert (again / "yearly.csv").read_bytes() == (out / "yearly.csv").read_bytes()
    manifest = json.loads((again / "manifest.json").read_text())
    assert manifest["seed"] == 7
    assert manifest["scenario"] == "tiny"


def test_seed_and_years(base: tuple[Path, Result], tmp_path: Path) -> None:
    out = tmp_path / "out"
    ok(invoke("run", TINY, "--out", out, "--seed", "123", "--years", "2", "-r", "1", "-q"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 123
    assert manifest["years"] == [2020, 2021]
    yearly = pd.read_csv(out / "yearly.csv", keep_default_na=False)
    assert set(yearly["year"]) == {2020, 2021}
    resolved = yaml.safe_load((out / "scenario.resolved.yaml").read_text(encoding="utf-8"))
    assert resolved["seed"] == 123
    assert resolved["time"]["years"] == 2

    # A different seed gives different numbers than the base run's first replication.
    base_yearly = pd.read_csv(base[0] / "yearly.csv", keep_default_na=False)
    first = base_yearly[
        (base_yearly.replication == base_yearly.replication.min())
        & base_yearly.year.isin([2020, 2021])
    ]
    assert not first["value"].reset_index(drop=True).equals(yearly["value"].reset_index(drop=True))


def test_quiet(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = ok(invoke("run", TINY, "--out", out, "--quiet", "-r", "1"))
    assert "Summary" not in result.output
    assert "replications" not in result.output  # no header line, no progress bar
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines == [f"results: {out}"]
    assert result.stderr.strip() == ""
    assert (out / "manifest.json").exists()


# --- failures ---------------------------------------------------------------------------


def test_interrupted_write_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.analysis.output, "write_figures", interrupt)
    out = tmp_path / "out"
    result = invoke("run", TINY, "--out", out, "-r", "1", "-q")
    assert result.exit_code == 130, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    assert "interrupted" in result.stderr
    assert not out.exists()
    assert hidden_leftovers(tmp_path, "out") == []
    assert list(tmp_path.iterdir()) == []


def test_internal_error_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.delenv("SIM_DEBUG", raising=False)
    monkeypatch.setattr(sim.api.runs, "run_scenario", broken)
    out = tmp_path / "out"
    result = invoke("run", TINY, "--out", out)
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "internal error" in result.stderr
    assert "RuntimeError: simulated failure" in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_recorded_command_line_can_be_pasted_back() -> None:
    """File headers quote the command so a target with spaces survives the shell."""
    import shlex

    argv = ["/venv/bin/sim", "size", "my scenario.yaml", "--target", "waiting[group=a] <= 5"]
    line = sim.analysis.provenance.command_line(argv)
    assert line == "sim size 'my scenario.yaml' --target 'waiting[group=a] <= 5'"
    assert shlex.split(line) == ["sim", *argv[1:]]
