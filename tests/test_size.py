"""Tests of `sim size`: against Erlang C (theory), monotonicity (functional), CLI outputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner
from helpers import mmc_data
from queueing_theory import mmc_mean_wait

from sim.analysis.labels import METRICS
from sim.analysis.sizing import size
from sim.analysis.sizing_question import SizingQuestion
from sim.analysis.target import parse_target
from sim.cli import main
from sim.config.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
# stationary and stable already (load 30 units on 31), but the mean wait is too long
ARRIVALS, SERVICE, HAVE = 3000.0, 100.0, 31
WAIT = 0.0012  # target mean wait in years: Erlang C needs 34 units (33 give 0.0016)


def mmc_scenario(tmp_path: Path) -> Path:
    import yaml

    data = mmc_data(HAVE, ARRIVALS, SERVICE, years=3, warmup=1, replications=8, seed=17)
    data["stock"]["units"]["units"] = HAVE
    path = tmp_path / "mmc.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_one_off_size_matches_erlang_c(tmp_path: Path) -> None:
    """Smallest c with Erlang-C mean wait <= WAIT, minus the units there; 1 unit of slack."""
    loaded = load_scenario(mmc_scenario(tmp_path))
    stable = int(ARRIVALS / SERVICE) + 1
    exact = next(c for c in range(stable, 200) if mmc_mean_wait(c, ARRIVALS, SERVICE) <= WAIT)
    target = parse_target(f"wait_years_mean <= {WAIT}", METRICS, loaded.groups, loaded.stock)
    question = SizingQuestion("units", target, 2000, 2002, 0.5, 40, once=True)
    result = size(loaded, question, replications=8)
    assert result.answer is not None
    assert abs(result.answer - (exact - HAVE)) <= 1, (result.answer, exact - HAVE)
    assert result.analytic["servers"] == exact  # the analytic estimate is exact here


def test_probability_never_falls_as_units_grow(tmp_path: Path) -> None:
    loaded = load_scenario(mmc_scenario(tmp_path))
    target = parse_target("waiting <= 2", METRICS, loaded.groups, loaded.stock)
    question = SizingQuestion("units", target, 2000, 2001, 0.8, 30, once=False)
    result = size(loaded, question, replications=6)
    table = result.table
    assert len(table) >= 3
    assert table.probability.is_monotonic_increasing, table[["units", "probability"]]
    assert (
        result.answer is not None
        and table.set_index("units").loc[result.answer, "probability"] >= 0.8
    )


def test_sim_size_writes_its_folder(tmp_path: Path) -> None:
    path = mmc_scenario(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "size",
            str(path),
            "--category",
            "units",
            "--target",
            "waiting <= 5",
            "--from",
            "2000",
            "--to",
            "2001",
            "-r",
            "4",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "analytic estimate" in result.output and "simulation:" in result.output
    for name in ("size.csv", "figures/size.png", "figures/size.csv", "sized.yaml", "manifest.json"):
        assert (out / name).exists(), name
    sized = load_scenario(out / "sized.yaml")
    assert any(b.category == "units" for b in sized.builds)
    table = pd.read_csv(out / "size.csv")
    assert table.chosen.sum() == 1


def test_bad_size_inputs_exit_2(tmp_path: Path) -> None:
    path = mmc_scenario(tmp_path)
    for args, text in [
        (["--category", "flats", "--target", "waiting <= 5"], "unknown category"),
        (["--category", "units", "--target", "waitng <= 5"], "did you mean"),
        (["--category", "units", "--target", "waiting <= 5", "--from", "1990"], "--from"),
    ]:
        result = CliRunner().invoke(main, ["size", str(path), *args, "--out", str(tmp_path / "o")])
        assert result.exit_code == 2, (args, result.output)
        assert text in result.output, (text, result.output)
    assert not (tmp_path / "o").exists()


def test_the_help_s_examples_name_groups_and_categories_of_the_scenario_it_names() -> None:
    """Every [group=...] of `sim size --help` is a group (not a category) of the shipped
    scenario the help's example runs, and its --category a category."""
    import re

    text = " ".join(CliRunner().invoke(main, ["size", "--help"]).output.split())
    scenario = load_scenario(ROOT / "scenarios" / "asker-calibrated.yaml")
    assert "sim size scenarios/asker-calibrated.yaml --category ordinary" in text
    groups = re.findall(r"\[group=(\w+)\]", text)
    assert groups and set(groups) <= set(scenario.groups), groups
    assert not set(groups) & set(scenario.stock)
    assert "ordinary" in scenario.stock
