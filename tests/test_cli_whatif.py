"""`sim run` of a what-if (a scenario that extends another) runs paired with the scenario
it extends and shows what it changes; --no-baseline and scenarios without extends run
alone, as before; --set runs get a folder of their own."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from sim.analysis.compare import COLUMNS
from sim.analysis.labels import number
from sim.analysis.output import DIFFERENCE_FILE
from sim.analysis.tables import KEY_METRICS
from sim.cli import main
from sim.cli.common import settings_folder

ROOT = Path(__file__).resolve().parent.parent
FLEXBO = ROOT / "scenarios" / "flexbo.yaml"
PARENT = ROOT / "scenarios" / "lorenskog-calibrated.yaml"
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.exit_code, result.output, result.exception)
    return result


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


@pytest.fixture(scope="module")
def flexbo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """`sim run scenarios/flexbo.yaml -r 4`: its folder and what it printed (over the
    parent's posterior, two replications a draw: two draws)."""
    out = tmp_path_factory.mktemp("flexbo") / "out"
    return out, ok(invoke("run", FLEXBO, "-r", "4", "--out", out))


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """`sim compare` of the parent and flexbo.yaml, same replications, the run's metrics."""
    out = tmp_path_factory.mktemp("compare") / "out"
    metrics = ",".join(KEY_METRICS)
    ok(invoke("compare", PARENT, FLEXBO, "-r", "4", "--metrics", metrics, "--out", out))
    return pd.read_csv(out / "comparison.csv", dtype={"year": str})


def test_a_whatif_stores_the_differences_sim_compare_gives(
    flexbo: tuple[Path, Result], compared: pd.DataFrame
) -> None:
    out, _ = flexbo
    stored = pd.read_csv(out / DIFFERENCE_FILE, dtype={"year": str})
    assert list(stored.columns) == [*COLUMNS, "parameter_share"]  # over the posterior
    assert set(stored.alternative) == {"flexbo"}
    assert {"waiting", "hospits_nights", "units"} <= set(stored.metric)
    assert "all" in set(stored.year)
    key = ["metric", "year"]
    mine = stored.sort_values(key).reset_index(drop=True)
    theirs = compared.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, theirs)
    units = stored[(stored.metric == "units") & (stored.year == "2020")].iloc[0]
    assert units.difference == 15  # the 15 flexbo units, built by then in every replication


def test_a_whatif_prints_the_differences_beside_the_absolute_values(
    flexbo: tuple[Path, Result], compared: pd.DataFrame
) -> None:
    _, result = flexbo
    text = result.stdout
    summary = "Summary (mean [95 % CI] over 4 replications, over chance and the posterior"
    assert summary in text  # the absolute values
    assert (
        "What Lørenskog with 15 flexbo units changes against Lørenskog 2008, calibrated "
        "(base: lorenskog-calibrated, the scenario it extends)"
    ) in text
    assert "the same seed 2008 and 4 replications each" in text
    horizon = compared[(compared.metric == "waiting") & (compared.year == "all")].iloc[0]
    last = compared[(compared.metric == "waiting") & (compared.year == "2020")].iloc[0]
    rows = [r for r in text.splitlines() if r.startswith("Waiting list at year end")]
    assert len(rows) == 2  # in the summary, and in the differences
    cells = re.split(r"\s{2,}", rows[1].strip())
    values = [horizon.difference, horizon.ci_low, horizon.ci_high]
    values += [last.difference, last.ci_low, last.ci_high]
    signed = {v: ("+" if v > 0 else "") + number(v, "en") for v in values}
    assert cells[1:3] == [number(last.base_mean, "en"), number(last.alternative_mean, "en")]
    assert cells[3] == (
        f"{signed[last.difference]} [{signed[last.ci_low]}, {signed[last.ci_high]}]"
    )
    assert cells[4] == (
        f"{signed[horizon.difference]} [{signed[horizon.ci_low]}, {signed[horizon.ci_high]}]"
    )


def test_the_folder_names_the_base_and_stays_a_run_folder(flexbo: tuple[Path, Result]) -> None:
    out, result = flexbo
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "run"
    assert manifest["extra"]["difference"] == DIFFERENCE_FILE
    baseline = [i for i in manifest["inputs"] if i["role"] == "baseline"]
    assert [i["name"] for i in baseline] == ["lorenskog-calibrated"]
    assert baseline[0]["file"].endswith("lorenskog-calibrated.yaml")
    for name in ("summary.csv", "yearly.parquet", "scenario.resolved.yaml"):
        assert (out / name).exists()
    assert "twice the work" in result.stderr


def test_no_baseline_runs_the_whatif_alone_with_the_same_results(
    flexbo: tuple[Path, Result], tmp_path: Path
) -> None:
    paired, _ = flexbo
    out = tmp_path / "alone"
    result = ok(invoke("run", FLEXBO, "-r", "4", "--no-baseline", "--out", out))
    assert not (out / DIFFERENCE_FILE).exists()
    assert "changes against" not in result.stdout
    assert "twice the work" not in result.stderr
    alone = pd.read_csv(out / "summary.csv")
    pd.testing.assert_frame_equal(alone, pd.read_csv(paired / "summary.csv"))


def test_a_scenario_without_extends_runs_alone(tmp_path: Path) -> None:
    result = ok(invoke("run", TINY, "--out", tmp_path / "out"))
    assert not (tmp_path / "out" / DIFFERENCE_FILE).exists()
    assert "changes against" not in result.stdout


def test_a_calibrated_overlay_is_a_baseline_and_runs_alone(tmp_path: Path) -> None:
    """lorenskog-calibrated.yaml extends lorenskog.yaml, but sim calibrate wrote it: it is
    the calibrated baseline, not a what-if."""
    from sim.analysis.whatif import parent_file

    assert parent_file(PARENT) is None
    assert parent_file(FLEXBO) == FLEXBO.parent / "lorenskog-calibrated.yaml"
    policies = sorted((ROOT / "scenarios" / "policies").glob("*.yaml"))
    alone = {p.name for p in policies if parent_file(p) is None}
    # the policies that set only what their baseline already has (its contract length,
    # follow-up or quota) are no what-if: nothing to show beside them
    assert alone == {
        "asker-contract-3y.yaml",
        "asker-followup-today.yaml",
        "asker-refugees-40.yaml",
        "lorenskog-contract-1y.yaml",
    }
    result = ok(invoke("run", PARENT, "-r", "1", "--years", "1", "--out", tmp_path / "out"))
    assert not (tmp_path / "out" / DIFFERENCE_FILE).exists()
    assert "changes against" not in result.stdout


def test_set_changes_only_the_whatif(tmp_path: Path) -> None:
    """A tiny what-if: its parent runs as its file says, --set changes the what-if only."""
    child = tmp_path / "more.yaml"
    child.write_text(
        f"extends: {TINY}\nname: more\nstock:\n  ordinary: {{units: 25}}\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    ok(invoke("run", child, "--set", "stock.trygd.units=12", "--out", out))
    table = pd.read_csv(out / DIFFERENCE_FILE, dtype={"year": str})
    units = table[(table.metric == "units") & (table.year == "2022")].iloc[0]
    assert (units.base_mean, units.alternative_mean, units.difference) == (30, 37, 7)


def test_set_runs_get_a_folder_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ok(invoke("run", TINY, "-r", "1", "-q"))
    ok(invoke("run", TINY, "-r", "1", "-q", "--set", "stock.trygd.units=12"))
    folders = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert folders == ["tiny", settings_folder("tiny", ["stock.trygd.units=12"])]
    assert folders[1].startswith("tiny-set-") and len(folders[1]) == len("tiny-set-") + 8


def test_the_settings_folder_is_stable_and_tells_settings_apart() -> None:
    one = settings_folder("lorenskog", ["policy.renewal=always"])
    assert one == settings_folder("lorenskog", ["policy.renewal=always"])
    assert one != settings_folder("lorenskog", ["policy.renewal=strict"])
    assert settings_folder("lorenskog", []) == "lorenskog"
    assert "results/<name>-set-<digest>" in invoke("run", "--help").output.replace("\n", " ")


def test_a_file_that_only_names_a_posterior_runs_alone(tmp_path: Path) -> None:
    """tiny-posterior.yaml extends tiny.yaml only to name a posterior: no what-if."""
    from sim.analysis.whatif import parent_file

    posterior = ROOT / "tests" / "data" / "tiny-posterior.yaml"
    assert parent_file(posterior) is None
    result = ok(invoke("run", posterior, "-r", "4", "--out", tmp_path / "out"))
    assert not (tmp_path / "out" / DIFFERENCE_FILE).exists()
    assert "changes against" not in result.stdout


def test_a_whatif_over_its_files_posterior_pairs_its_parent_over_it(tmp_path: Path) -> None:
    """A what-if of a scenario that names a posterior: the parent runs over the same
    posterior, so replication r of both draws the same particle."""
    whatif = tmp_path / "more.yaml"
    whatif.write_text(
        f"extends: {ROOT / 'tests' / 'data' / 'tiny-posterior.yaml'}\nname: more\n"
        "stock: {ordinary: {units: 30}}\n",
        encoding="utf-8",
    )
    result = ok(invoke("run", whatif, "-r", "4", "--out", tmp_path / "out"))
    assert "changes against" in result.stdout
    table = pd.read_csv(tmp_path / "out" / DIFFERENCE_FILE, dtype={"year": str})
    units = table[(table.metric == "units") & (table.year == "all")]
    assert units.difference.iloc[0] == pytest.approx(10.0)
    assert "parameter_share" in table.columns
