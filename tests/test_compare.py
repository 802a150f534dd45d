"""CLI and functional tests of `sim compare`: paired differences with common random numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def run_compare(tmp_path: Path, *args: str) -> pd.DataFrame:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["compare", *args, "--out", str(out), "-r", "12"])
    assert result.exit_code == 0, result.output
    assert "Differences from" in result.output
    for name in ("comparison.csv", "yearly.parquet", "manifest.json"):
        assert (out / name).exists()
    assert list((out / "figures").glob("difference_*.png"))
    assert list((out / "figures").glob("difference_*.csv"))
    return pd.read_csv(out / "comparison.csv", dtype={"year": str})


def test_a_scenario_against_itself_differs_by_exactly_zero(tmp_path: Path) -> None:
    table = run_compare(tmp_path, str(TINY), str(TINY))
    assert not table.empty
    assert (table.difference.fillna(0) == 0).all()
    assert (table.ci_low.fillna(0) == 0).all() and (table.ci_high.fillna(0) == 0).all()


def test_more_units_shorten_the_wait_and_pairing_narrows_the_interval(tmp_path: Path) -> None:
    scenario = TINY.read_text(encoding="utf-8")
    base = tmp_path / "base.yaml"
    base.write_text(scenario.replace("years: 3", "years: 6"), encoding="utf-8")
    more = tmp_path / "more.yaml"
    more.write_text(
        "extends: base.yaml\nname: more\n"
        "builds:\n  - {year: 2021, category: ordinary, units: 10}\n",
        encoding="utf-8",
    )
    table = run_compare(tmp_path, str(base), str(more), "--metrics", "wait_years_mean,waiting")
    wait = table[(table.metric == "wait_years_mean") & (table.year == "all")].iloc[0]
    assert wait.ci_high < 0, wait
    assert wait.ci_high - wait.ci_low < wait.unpaired_ci_high - wait.unpaired_ci_low
    assert wait.width_ratio < 1


def test_unknown_metric_and_different_years_are_input_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["compare", str(TINY), str(TINY), "--metrics", "waitng", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "unknown metric" in result.output
    other = tmp_path / "other.yaml"
    other.write_text(f"extends: {TINY}\ntime: {{years: 2}}\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["compare", str(TINY), str(other), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "must equal the base's time" in result.output
    assert not (tmp_path / "o").exists()
