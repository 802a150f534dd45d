"""Answers over a posterior of fitted parameters (``calibration.posterior``, ``--posterior``).

Unit tests of the particle draw (reproducible, paired, with the weights), of a particle's
scenario and of the split of the variance (law of total variance) on synthetic data with
known variances; functional tests of ``sim run``, ``compare``, ``tradeoff`` and ``size``
through the tiny scenario over ``tests/data/posterior_small.csv`` (20 made-up particles
of two parameters), and of bad posterior files (exit 2, the column named).
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import DATA, assert_input_error, invoke

import sim.api
from sim.analysis.statistics import parameter_share, parameter_shares
from sim.config.errors import ScenarioError
from sim.config.loader import load_scenario
from sim.runner.posterior import (
    block_uniform,
    particle_of,
    particle_scenario,
    replication_scenarios,
    without_posterior,
)

TINY = DATA / "tiny.yaml"
BASE = DATA / "tiny-posterior.yaml"
POLICY = DATA / "tiny-posterior-policy.yaml"
POSTERIOR = DATA / "posterior_small.csv"
KEYS = ("groups.disadvantaged.applications_per_year", "stock.ordinary.turnaround_days")


# --- the draw -------------------------------------------------------------------------


def test_the_draw_depends_only_on_seed_and_block() -> None:
    """Replications 2k and 2k+1 share a particle; the particle of a block does not depend
    on how many replications run or which come first; it is pinned for seed 7 (a change
    of the draw would change every answer over a posterior)."""
    scenario = load_scenario(BASE)
    posterior = scenario.posterior
    assert posterior is not None and len(posterior) == 20
    drawn = [particle_of(posterior, 7, r, 2) for r in range(16)]
    assert drawn == [2, 2, 14, 14, 13, 13, 11, 11, 10, 10, 14, 14, 18, 18, 1, 1]
    assert block_uniform(7, 3) == block_uniform(7, 3)
    assert [block_uniform(8, k) for k in range(8)] != [block_uniform(7, k) for k in range(8)]
    # more replications, or starting later (sim size adds replications): the same draws
    more = load_scenario(BASE, ["replications=40"])
    every = replication_scenarios(more, range(40))
    later = replication_scenarios(more, range(10, 40))
    assert every[10:] == later
    assert every[0] is every[1]  # one scenario per particle, made once and kept


def test_the_draw_follows_the_weights() -> None:
    """Over 20,000 blocks each particle is drawn in proportion to its weight, within 4.5
    binomial standard deviations (a particle of weight 0 never)."""
    from sim.config.posterior import Posterior

    weights = (0.2, 0.0, 0.5, 0.3)
    posterior = Posterior("f", "", ("a",), weights, tuple((float(i),) for i in range(4)))
    blocks = 20_000
    counts = np.bincount([posterior.pick(block_uniform(11, k)) for k in range(blocks)], minlength=4)
    for weight, count in zip(weights, counts, strict=True):
        sd = math.sqrt(blocks * weight * (1 - weight))
        assert abs(count - blocks * weight) <= 4.5 * sd, (weight, count)
    assert counts[1] == 0


def test_a_policy_that_extends_the_baseline_runs_with_the_same_particles() -> None:
    """Paired: replication r of the baseline and of a policy that inherits its posterior
    run with the same particle's values (the policy's own keys kept)."""
    base, policy = load_scenario(BASE, ["replications=12"]), load_scenario(POLICY)
    assert policy.posterior == base.posterior
    for a, b in zip(
        replication_scenarios(base, range(12)),
        replication_scenarios(policy, range(12)),
        strict=True,
    ):
        for group in ("disadvantaged",):
            assert a.groups[group].applications_per_year == b.groups[group].applications_per_year
        assert a.stock["ordinary"].turnaround_days == b.stock["ordinary"].turnaround_days
        assert (a.stock["ordinary"].units, b.stock["ordinary"].units) == (20, 26)
        assert a.calibration is None and b.calibration is None


def test_a_particle_scenario_has_the_particle_values() -> None:
    scenario = load_scenario(BASE)
    posterior = scenario.posterior
    assert posterior is not None
    rows = pd.read_csv(POSTERIOR).set_index("particle")
    made = particle_scenario(scenario, posterior, 5)
    assert made.groups["disadvantaged"].applications_per_year.at_year(2020) == pytest.approx(
        rows.loc[5, KEYS[0]]
    )
    assert made.stock["ordinary"].turnaround_days == pytest.approx(rows.loc[5, KEYS[1]])
    assert without_posterior(scenario).posterior is None
    assert without_posterior(scenario).stock["ordinary"].turnaround_days == 30


# --- the split of the variance --------------------------------------------------------


@pytest.mark.parametrize("per_draw", [2, 4])
def test_the_split_of_a_known_variance(per_draw: int) -> None:
    """Y = θ + ε with Var θ = 4 (one θ per block) and Var ε = 1: the parameters' share is
    4 / 5 = 0.8; over 20,000 blocks the estimate lies within 0.02 of it (its standard
    error is about 0.003 here)."""
    rng = np.random.default_rng(2027)
    blocks = 20_000
    theta = np.repeat(rng.normal(0.0, 2.0, blocks), per_draw)
    values = theta + rng.normal(0.0, 1.0, blocks * per_draw)
    assert parameter_share(values, per_draw) == pytest.approx(0.8, abs=0.02)
    # no parameter uncertainty: close to 0 (never below: the share is clipped at 0)
    chance = rng.normal(0.0, 1.0, blocks * per_draw)
    assert 0.0 <= parameter_share(chance, per_draw) <= 0.02


def test_the_split_by_groups_is_the_split_of_each() -> None:
    rng = np.random.default_rng(5)
    values = {"a": rng.normal(size=40), "b": np.repeat(rng.normal(size=20), 2)}
    frame = pd.concat(
        pd.DataFrame({"metric": key, "replication": np.arange(40), "value": v})
        for key, v in values.items()
    )
    shares = parameter_shares(frame, ["metric"], 2)
    for key, v in values.items():
        assert shares[key] == pytest.approx(parameter_share(v, 2))
    assert shares["b"] == pytest.approx(1.0)
    assert math.isnan(parameter_share([3.0, 3.0, 3.0, 3.0], 2))  # no spread


# --- the scenario key -----------------------------------------------------------------


def test_an_extends_child_inherits_the_posterior() -> None:
    policy = load_scenario(POLICY)
    assert policy.posterior is not None
    assert policy.posterior.keys == KEYS
    assert policy.replications_per_draw == 2
    digest = hashlib.sha256(POSTERIOR.read_bytes()).hexdigest()
    assert policy.posterior.sha256 == digest


def _scenario_over(tmp_path: Path, csv_text: str, extra: str = "") -> Path:
    (tmp_path / "posterior.csv").write_text(csv_text, encoding="utf-8")
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(
        f"extends: {TINY.resolve()}\nname: over\ncalibration:\n  posterior: posterior.csv\n"
        + extra,
        encoding="utf-8",
    )
    return scenario


GOOD = "particle,weight,stock.ordinary.turnaround_days\n0,0.5,20\n1,0.5,40\n"
BAD_FILES = {
    "weights that do not sum to 1": (
        "particle,weight,stock.ordinary.turnaround_days\n0,0.5,20\n1,0.6,40\n",
        "'weight'",
        "sum to 1",
    ),
    "a negative weight": (
        "particle,weight,stock.ordinary.turnaround_days\n0,-0.5,20\n1,1.5,40\n",
        "'weight'",
        ">= 0",
    ),
    "no weight column": (
        "particle,stock.ordinary.turnaround_days\n0,20\n1,40\n",
        "weight",
        "first line must name the columns",
    ),
    "a key the scenario does not set": (
        "particle,weight,stock.ordinary.turnover_days\n0,0.5,20\n1,0.5,40\n",
        "'stock.ordinary.turnover_days'",
        "not a key of the scenario",
    ),
    "a key that is not a number": (
        "particle,weight,groups.disadvantaged.eligible\n0,0.5,20\n1,0.5,40\n",
        "'groups.disadvantaged.eligible'",
        "only a single number",
    ),
    "a value that is not a number": (
        "particle,weight,stock.ordinary.turnaround_days\n0,0.5,twenty\n1,0.5,40\n",
        "'stock.ordinary.turnaround_days'",
        "not a finite number",
    ),
    "a particle twice": (
        "particle,weight,stock.ordinary.turnaround_days\n0,0.5,20\n0,0.5,40\n",
        "'particle'",
        "each once",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_posterior_file_exits_2_naming_the_column(tmp_path: Path, case: str) -> None:
    text, column, rule = BAD_FILES[case]
    scenario = _scenario_over(tmp_path, text)
    stderr = assert_input_error(invoke("run", scenario, "-r", "2", "--out", tmp_path / "o"))
    assert "calibration.posterior" in stderr
    assert "posterior.csv" in stderr and column in stderr and rule in stderr, stderr
    assert not (tmp_path / "o").exists()


def test_a_missing_posterior_file_and_bad_settings_exit_2(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(
        f"extends: {TINY.resolve()}\ncalibration: {{posterior: nowhere.csv}}\n", encoding="utf-8"
    )
    stderr = assert_input_error(invoke("validate", scenario))
    assert "nowhere.csv" in stderr and "not found" in stderr
    other = _scenario_over(tmp_path, GOOD, "  replications_per_draw: 0\n")
    stderr = assert_input_error(invoke("validate", other))
    assert "calibration.replications_per_draw" in stderr
    stderr = assert_input_error(invoke("run", TINY, "--posterior", tmp_path / "none.csv"))
    assert "none.csv" in stderr and "not found" in stderr


def test_a_particle_outside_the_rules_is_an_input_error(tmp_path: Path) -> None:
    """A particle whose value the scenario's rules forbid is named before anything runs."""
    scenario = _scenario_over(
        tmp_path, "particle,weight,groups.disadvantaged.approval\n0,0.5,0.5\n1,0.5,1.5\n"
    )
    stderr = assert_input_error(invoke("run", scenario, "-r", "8", "--out", tmp_path / "o"))
    assert "particle 1" in stderr and "approval" in stderr


# --- the commands ---------------------------------------------------------------------


def test_run_over_a_posterior(tmp_path: Path) -> None:
    """sim run shows the share from the parameters; summary.csv has parameter_share; the
    manifest records the posterior; the same seed gives the same tables for any --jobs."""
    one, two = tmp_path / "one", tmp_path / "two"
    result = invoke("run", BASE, "-r", "8", "--out", one)
    assert result.exit_code == 0, result.output
    assert "from parameters" in result.stdout
    assert invoke("run", BASE, "-r", "8", "-j", "2", "--out", two, "-q").exit_code == 0
    summary = pd.read_csv(one / "summary.csv")
    assert "parameter_share" in summary.columns
    shares = summary.parameter_share.dropna()
    assert len(shares) and ((shares >= 0) & (shares <= 1)).all()
    pd.testing.assert_frame_equal(summary, pd.read_csv(two / "summary.csv"))
    pd.testing.assert_frame_equal(
        pd.read_parquet(one / "yearly.parquet"), pd.read_parquet(two / "yearly.parquet")
    )
    manifest = json.loads((one / "manifest.json").read_text(encoding="utf-8"))
    record = manifest["extra"]["posterior"]
    assert record["sha256"] == hashlib.sha256(POSTERIOR.read_bytes()).hexdigest()
    assert Path(record["file"]) == POSTERIOR.resolve()
    assert record["replications_per_draw"] == 2 and record["particles"] == 20
    assert any(i["role"] == "posterior" for i in manifest["inputs"])
    # the scenario as run names the posterior relative to its folder, and reads it back
    resolved = yaml.safe_load((one / "scenario.resolved.yaml").read_text(encoding="utf-8"))
    assert not Path(resolved["calibration"]["posterior"]).is_absolute()
    assert load_scenario(one / "scenario.resolved.yaml").posterior.file == record["file"]


def test_the_same_tables_on_a_dask_cluster(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    here, there = tmp_path / "here", tmp_path / "there"
    assert invoke("run", BASE, "-r", "6", "--out", here, "-q").exit_code == 0
    result = invoke("run", BASE, "-r", "6", "-j", "2", "--scheduler", "local", "--out", there)
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(
        pd.read_csv(here / "summary.csv"), pd.read_csv(there / "summary.csv")
    )


def test_the_option_and_none(tmp_path: Path) -> None:
    """--posterior FILE on the plain scenario is the scenario that names it; --posterior
    none runs at the fixed values, value for value as the plain scenario, without the
    split."""
    over = sim.api.run(TINY, replications=4, overrides=[f"calibration.posterior={POSTERIOR}"])
    named = sim.api.run(BASE, replications=4)
    pd.testing.assert_frame_equal(over.yearly, named.yearly)
    paths = {}
    for name, args in {"plain": (TINY,), "none": (BASE, "--posterior", "none")}.items():
        paths[name] = tmp_path / name
        assert invoke("run", *args, "-r", "4", "--out", paths[name], "-q").exit_code == 0
    plain, none = (pd.read_csv(paths[n] / "summary.csv") for n in ("plain", "none"))
    pd.testing.assert_frame_equal(plain, none)
    assert "parameter_share" not in plain.columns
    result = invoke("run", TINY, "--posterior", POSTERIOR, "-r", "4", "--out", tmp_path / "o")
    assert result.exit_code == 0 and "from parameters" in result.stdout


def test_one_draw_says_why_it_has_no_intervals(tmp_path: Path) -> None:
    """Two replications over a posterior of two a draw are one draw: sim run, compare and
    sweep say that their intervals need two draws and how many replications give them;
    four replications give intervals and no such note."""
    runs = {
        "run": ("run", BASE),
        "compare": ("compare", BASE, POLICY),
        "sweep": ("sweep", BASE, "--vary", "seed=1,2"),
    }
    for name, args in runs.items():
        result = invoke(*args, "-r", "2", "--out", tmp_path / name, "-q")
        assert result.exit_code == 0, result.output
        assert "no intervals" in result.stderr and "--replications 4" in result.stderr, name
    result = invoke("run", BASE, "-r", "4", "--out", tmp_path / "four", "-q")
    assert result.exit_code == 0 and "no intervals" not in result.stderr
    summary = pd.read_csv(tmp_path / "four" / "summary.csv")
    assert summary.filter(like="low").notna().any().any()


def test_compare_over_a_posterior(tmp_path: Path) -> None:
    result = invoke("compare", BASE, POLICY, "-r", "8", "--out", tmp_path / "c")
    assert result.exit_code == 0, result.output
    assert "from parameters" in result.stdout
    table = pd.read_csv(tmp_path / "c" / "comparison.csv")
    assert "parameter_share" in table.columns
    shares = table.parameter_share.dropna()
    assert len(shares) and ((shares >= 0) & (shares <= 1)).all()
    # the policy's tenants differ from the base's by its six units in every replication
    tenants = table[(table.metric == "tenants") & (table.year == "all")]
    assert tenants.difference.iloc[0] > 3


def test_tradeoff_over_a_posterior(tmp_path: Path) -> None:
    result = invoke(
        "tradeoff", BASE, "--vary", "stock.ordinary.contract_years=1,3", "-r", "4",
        "--out", tmp_path / "t",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "from parameters" in result.stdout
    table = pd.read_csv(tmp_path / "t" / "tradeoff.csv")
    assert "first_housed_per_100_units_parameter_share" in table.columns


def test_size_gives_both_answers(tmp_path: Path) -> None:
    result = invoke(
        "size", BASE, "--category", "ordinary", "--target", "waiting <= 30", "-r", "8",
        "--max-units", "20", "--out", tmp_path / "s",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("answer:"))
    assert "over chance and the calibration's uncertainty" in line
    assert "at the fixed calibrated values (chance only)" in line
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text(encoding="utf-8"))
    extra = manifest["extra"]
    assert extra["answer"] is not None and extra["answer_fixed"] is not None
    assert (tmp_path / "s" / "size_fixed.csv").exists()
    # the fixed answer is the answer without the posterior
    fixed = sim.api.size(
        BASE, category="ordinary", target="waiting <= 30", replications=8, max_units=20,
        overrides=["calibration=null"],
    )  # fmt: skip
    assert fixed.answer == extra["answer_fixed"] and fixed.fixed is None


def test_a_scenario_without_a_posterior_is_unchanged() -> None:
    results = sim.api.run(TINY, replications=2)
    assert "parameter_share" not in results.table.columns
    assert results.scenario.calibration is None
    with pytest.raises(ScenarioError):
        load_scenario(TINY, ["calibration.posterior=/nowhere/posterior.csv"])


def test_particles_at_the_fixed_values_give_the_fixed_tables(tmp_path: Path) -> None:
    """A posterior whose particles all hold the scenario's own values runs the same
    simulation, value for value (what benchmarks/posterior_draws.py times)."""
    lines = ["particle,weight,groups.disadvantaged.applications_per_year,stock.ordinary.units"]
    lines += [f"{j},0.25,12.0,20" for j in range(4)]
    (tmp_path / "posterior.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    over = sim.api.run(
        TINY, replications=6, overrides=[f"calibration.posterior={tmp_path / 'posterior.csv'}"]
    )
    fixed = sim.api.run(TINY, replications=6)
    pd.testing.assert_frame_equal(over.yearly, fixed.yearly)
    assert "parameter_share" in over.table.columns
    assert over.table.parameter_share.fillna(0.0).max() <= 1.0


def test_setting_a_parameter_of_the_posterior_is_an_input_error(tmp_path: Path) -> None:
    """--set or --vary of a key the posterior draws would be silently replaced: refused,
    with the way out (--posterior none)."""
    key = "stock.ordinary.turnaround_days"
    stderr = assert_input_error(invoke("run", BASE, "--set", f"{key}=20", "-r", "2"))
    assert key in stderr and "--posterior none" in stderr
    stderr = assert_input_error(
        invoke("sweep", BASE, "--vary", f"{key}=20,30", "-r", "2", "--out", tmp_path / "s")
    )
    assert key in stderr
    result = invoke(
        "run", BASE, "--set", f"{key}=20", "--posterior", "none", "-r", "2",
        "--out", tmp_path / "r", "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_the_report_shows_the_split(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    result = invoke("run", BASE, "-r", "4", "--out", folder, "-q", "--report", "--format", "html")
    assert result.exit_code == 0, result.output
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "From parameters (share of the variance)" in page


def test_the_app_runs_a_scenario_over_its_posterior() -> None:
    """The app loads scenario files, so a scenario's posterior just works there: its run
    differs from the plain scenario's and its measures have the split."""
    from sim.app.runs import Runner

    runner = Runner(jobs=1)
    over = runner.point(load_scenario(BASE), "over", (), 4)
    plain = runner.point(load_scenario(TINY), "plain", (), 4)
    assert "first_housed_per_100_units_parameter_share" in over.measures
    assert over.measures["wait_years_mean"] != plain.measures["wait_years_mean"]
    assert math.isnan(parameter_share([math.nan, math.nan], 2))


def test_intervals_over_a_posterior_cover_the_mean() -> None:
    """Replications of a block share their parameters, so they are not independent: the
    interval of the block means covers the true mean in 95 % of runs, the naive one over
    replications less. Y = θ + ε (Var θ = 4, Var ε = 1), 15 blocks of 2, 4,000 runs: the
    block interval's coverage within 0.015 of 0.95 (binomial sd 0.0034), the naive one's
    below 0.93 (0.85 here: its standard error is √(1 + ρ) = √1.8 times too small)."""
    from sim.analysis.statistics import mean_interval

    rng = np.random.default_rng(27)
    runs, blocks, per_draw = 4_000, 15, 2
    covered = {"blocks": 0, "naive": 0}
    for _ in range(runs):
        values = np.repeat(rng.normal(0.0, 2.0, blocks), per_draw)
        values += rng.normal(0.0, 1.0, blocks * per_draw)
        _, low, high = mean_interval(values, per_draw=per_draw)
        covered["blocks"] += low <= 0.0 <= high
        _, low, high = mean_interval(values)
        covered["naive"] += low <= 0.0 <= high
    assert abs(covered["blocks"] / runs - 0.95) <= 0.015, covered
    assert covered["naive"] / runs < 0.93, covered


def test_the_streamed_summary_is_the_summary(tmp_path: Path) -> None:
    """sim run's summary (streamed) and the Python summary of the same run agree, split
    and block intervals included."""
    streamed = sim.api.run(BASE, replications=6, out=tmp_path / "s", stream=True)
    kept = sim.api.run(BASE, replications=6)
    written = pd.read_csv(tmp_path / "s" / "summary.csv", keep_default_na=False, na_values=[""])
    table = kept.table.reset_index(drop=True)
    for column in ("mean", "ci_low", "ci_high", "parameter_share"):
        np.testing.assert_allclose(
            written[column].to_numpy(dtype=float), table[column].to_numpy(dtype=float), rtol=1e-9
        )
    assert streamed.table.shape == table.shape


def test_compare_needs_the_same_posterior_for_every_scenario(tmp_path: Path) -> None:
    """A base over a posterior and an alternative at fixed values would not be paired by
    particle: refused, naming the way out; --posterior for all makes them paired."""
    stderr = assert_input_error(invoke("compare", BASE, TINY, "-r", "4", "--out", tmp_path / "c"))
    assert "calibration" in stderr and "--posterior" in stderr
    result = invoke(
        "compare", BASE, TINY, "-r", "4", "--posterior", POSTERIOR, "--out", tmp_path / "d", "-q"
    )
    assert result.exit_code == 0, result.output


def test_sensitivity_and_sweep_pass_the_posterior_through(tmp_path: Path) -> None:
    import importlib.util

    commands = {"sweep": ("--vary", "followup.capacity=3,5", "-r", "4")}
    if importlib.util.find_spec("SALib") is not None:  # the sensitivity extra
        commands["sensitivity"] = ("--vary", "followup.capacity=3:5", "-n", "2", "-r", "2")
    for command, args in commands.items():
        out = tmp_path / command
        result = invoke(command, TINY, *args, "--posterior", POSTERIOR, "--out", out, "-q")
        assert result.exit_code == 0, result.output
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["extra"]["posterior"]["particles"] == 20, command
    assert "parameter_share" in pd.read_csv(tmp_path / "sweep" / "sweep.csv").columns
