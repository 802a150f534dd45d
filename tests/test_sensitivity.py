"""`sim sensitivity`: factors and their checks, SALib's indices on scenarios whose answer is
known (a toy whose output depends on one parameter; the M/M/c queue), and the command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import DATA, assert_input_error, invoke, mmc_data, scenario
from queueing_theory import mmc_mean_wait

from sim.analysis.factors import assumption_factors, parse_ranges
from sim.analysis.sensitivity import Sensitivity
from sim.api import sensitivity
from sim.config.errors import InputError

pytest.importorskip("SALib")

TINY = DATA / "tiny.yaml"
LAMBDA = "groups.applicants.applications_per_year"
MU = "groups.applicants.other_exit_per_year"
PRIORITY = "groups.applicants.priority"  # unused under seniority allocation: no effect


def index(result: Sensitivity, metric: str, parameter: str, name: str) -> pd.Series:
    table = result.table
    rows = table[(table.metric == metric) & (table.parameter == parameter)]
    return rows[rows["index"] == name].iloc[0]


# --- a toy: applications depend on the arrival rate only ---------------------------------

TOY = mmc_data(3, 30.0, 12.0, years=3, warmup=1, replications=1, seed=3)
TOY_VARY = [f"{LAMBDA}=20:40", f"{MU}=10:14", "stock.units.turnaround_days=0:30"]


@pytest.mark.parametrize(("method", "samples"), [("morris", 10), ("sobol", 16)])
def test_toy_output_of_one_parameter_ranks_it_first_and_the_others_at_zero(
    method: str, samples: int
) -> None:
    """Applications depend on the arrival rate alone: with the same random numbers at
    every point, moving any other factor leaves them exactly as they were."""
    result = sensitivity(
        scenario(TOY), vary=TOY_VARY, method=method, samples=samples, metrics=["applications"]
    )
    main = "mu_star" if method == "morris" else "ST"
    assert index(result, "applications", LAMBDA, main)["rank"] == 1
    for other in (MU, "stock.units.turnaround_days"):
        for name in ("mu_star",) if method == "morris" else ("ST", "S1"):
            row = index(result, "applications", other, name)
            assert row.ci_low <= 0 <= row.ci_high and abs(row.value) < 1e-9, row
    lam = index(result, "applications", LAMBDA, main)
    if method == "morris":  # moving λ across its range (20 a year) adds about 20 a year
        assert lam.ci_low > 0 and 15 < lam.value < 25, lam
    else:  # all of the variance is λ's
        first = index(result, "applications", LAMBDA, "S1")
        assert lam.ci_low <= 1 <= lam.ci_high and first.ci_low <= 1 <= first.ci_high
        assert lam.value > 0.8 and first.value > 0.8
    points = len(result.plan.points)
    assert points == (samples * 4 if method == "morris" else samples * 5)
    assert (result.outputs[LAMBDA].between(20, 40)).all()


def test_whole_numbers_stay_whole_and_every_point_uses_the_scenario_seed() -> None:
    result = sensitivity(
        scenario(TOY), vary=["stock.units.units=2:6", f"{LAMBDA}=20:40"], samples=3,
        metrics=["applications"],
    )  # fmt: skip
    units = result.outputs["stock.units.units"]
    assert units.map(lambda v: isinstance(v, int | np.integer)).all()
    assert set(units) <= {2, 3, 4, 5, 6} and len(set(units)) > 1
    # common random numbers: points with the same λ have the same applications
    same = result.outputs.groupby(LAMBDA)["applications"].nunique()
    assert (same == 1).all()


# --- the M/M/c queue: the ranking follows the formula's partial derivatives --------------


@pytest.mark.slow
def test_mmc_ranking_agrees_with_the_formulas_partial_derivatives() -> None:
    """M/M/5 at λ = 160, μ = 50 a year (utilisation 0.52-0.76 over the ranges): the
    mean wait W(λ, μ) (Erlang C). Morris's μ* of a factor estimates the change of W
    over its range, about |∂W/∂x| × (high − low) at the centre: 0.0058 years for λ over
    130-190 and 0.0019 for μ over 47.5-52.5, so λ ranks first. Allocations equal λ in a
    stable queue (∂/∂λ = 1, ∂/∂μ = 0)."""
    c, lam, mu, wide, narrow = 5, 160.0, 50.0, 60.0, 5.0
    data = mmc_data(c, lam, mu, years=40, warmup=2, replications=2, seed=5)
    result = sensitivity(
        scenario(data),
        [f"{LAMBDA}={lam - wide / 2}:{lam + wide / 2}", f"{MU}={mu - narrow / 2}:{mu + narrow / 2}",
         f"{PRIORITY}=-5:5"],
        samples=10,
        metrics=["wait_years_mean", "allocations"],
    )  # fmt: skip
    h = 1e-4
    slopes = {
        LAMBDA: (mmc_mean_wait(c, lam + h, mu) - mmc_mean_wait(c, lam - h, mu)) / (2 * h) * wide,
        MU: (mmc_mean_wait(c, lam, mu + h) - mmc_mean_wait(c, lam, mu - h)) / (2 * h) * narrow,
    }
    expected = sorted(slopes, key=lambda key: -abs(slopes[key]))
    ranked = [
        index(result, "wait_years_mean", key, "mu_star")["rank"] for key in (*expected, PRIORITY)
    ]
    assert ranked == [1, 2, 3]
    for key, slope in slopes.items():
        star = index(result, "wait_years_mean", key, "mu_star")
        signed = index(result, "wait_years_mean", key, "mu")
        assert np.sign(signed.value) == np.sign(slope)  # λ lengthens the wait, μ shortens it
        assert abs(slope) / 1.5 < star.value < 1.5 * abs(slope), (key, star.value, slope)
        assert star.ci_low > 0
    assert index(result, "wait_years_mean", PRIORITY, "mu_star").value == 0
    throughput = index(result, "allocations", LAMBDA, "mu_star")
    assert abs(throughput.value - wide) < 0.05 * wide  # ∂(allocations)/∂λ = 1
    assert index(result, "allocations", MU, "mu_star").value < 0.01 * throughput.value


# --- factors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("refusal.probability", "KEY=LOW:HIGH"),
        ("refusal.probability=0.1", "KEY=LOW:HIGH"),
        ("refusal.probability=a:0.2", "must be numbers"),
        ("refusal.probability=0.3:0.2", "LOW must be below HIGH"),
        ("refusal.probability=0.2:0.2", "LOW must be below HIGH"),
        ("refusal.probability=nan:1", "finite"),
    ],
)
def test_bad_ranges_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as error:
        parse_ranges([text])
    assert error.value.problems[0].file == "--vary"


ASSUMED = """\
extends: parent.yaml
groups:
  g:
    approval: 0.9          # calibrated in [0.5, 1]; pinned down
"""
PARENT = """\
name: assumed
time: {start: 2020, years: 2, warmup_years: 1}   # assumption: short
replications: 1          # assumption
seed: 4
stock:
  s:
    units: 20            # assumption: half the stock
    turnaround_days: 10  # l. 12 of the report
    turnaround_cv: 0.5   # Assumption (default)
groups:
  g:
    applications_per_year: 9   # assumption
    approval: 0.5              # assumption
    permanent_need: 0.9        # assumption: nearly all
    followup_need: 0.0         # assumption
    eligible: [s]              # assumption
    exit_to: {ownership: 0.5, private_rental: 0.5}   # assumption
policy:
  after_nonrenewal:
    transfer: 0.8      # assumption
    homeless: 0.2      # assumption
"""


def test_from_assumptions_varies_each_assumed_number_within_its_limits(tmp_path: Path) -> None:
    (tmp_path / "parent.yaml").write_text(PARENT)
    (tmp_path / "child.yaml").write_text(ASSUMED)
    factors, skipped = assumption_factors(tmp_path / "child.yaml", 0.2)
    found = {f.key: (f.low, f.high, f.integer) for f in factors}
    assert found == {
        "stock.s.units": (16, 24, True),
        "stock.s.turnaround_cv": (0.4, 0.6, False),
        "groups.g.applications_per_year": (pytest.approx(7.2), pytest.approx(10.8), False),
        "groups.g.permanent_need": (pytest.approx(0.72), 1.0, False),  # a probability: ≤ 1
    }
    reasons = {s.key: s.reason for s in skipped}
    assert "no range" in reasons["groups.g.followup_need"]  # 0 ± 20 % is 0
    assert "sum to 1" in reasons["policy.after_nonrenewal.transfer"]
    assert "groups.g.approval" not in found | reasons  # the child's comment is not one


def _run(tmp_path: Path, *args: str) -> tuple[object, Path]:
    out = tmp_path / "out"
    return invoke("sensitivity", *args, "--out", out, "-q"), out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vary", "policy.renewl_probability=0.1:0.2"], "did you mean"),
        (["--vary", "refusal.probability=0.3:0.1"], "LOW must be below HIGH"),
        (["--vary", "refusal.probability=x:0.1"], "must be numbers"),
        (["--vary", "policy.renewal=1:2"], "not a number"),
        (["--vary", "stock.ordinary=1:2"], "is a section"),
        (["--vary", "seed=1:2"], "how the scenario is run"),
        (["--vary", "refusal.probability=0.5:1.5"], "refusal.probability"),
        (["--vary", "stock.ordinary.units=10.2:10.4"], "whole numbers"),
        ([], "--from-assumptions"),
        (["--vary", "refusal.probability=0.1:0.2", "--metrics", "waitng"], "did you mean"),
        (["--vary", "refusal.probability=0.1:0.2", "--method", "sobol"], "two factors"),
        (
            [
                "--vary",
                "refusal.probability=0.1:0.2",
                "--vary",
                "followup.capacity=2:5",
                "--method",
                "sobol",
                "-n",
                "10",
            ],
            "power of two",
        ),
    ],
)
def test_bad_input_exits_2_before_anything_runs(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result, out = _run(tmp_path, str(TINY), *args)
    stderr = assert_input_error(result)  # type: ignore[arg-type]
    assert message in stderr
    assert not out.exists()


def test_without_salib_it_says_how_to_install(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "SALib", None)  # import fails as if absent
    result, out = _run(tmp_path, str(TINY), "--vary", "refusal.probability=0.1:0.2")
    assert 'pip install ".[sensitivity]"' in assert_input_error(result)  # type: ignore[arg-type]
    assert not out.exists()


def test_command_writes_indices_samples_figure_and_manifest(tmp_path: Path) -> None:
    result, out = _run(
        tmp_path, str(TINY), "--vary", "refusal.probability=0.05:0.3",
        "--vary", "stock.ordinary.units=15:25", "-n", "3", "-r", "1",
        "--metrics", "waiting,throughput_per_100_units",
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    table = pd.read_csv(out / "sensitivity.csv")
    assert list(table.columns) == [
        "metric", "parameter", "low", "high", "index", "value", "ci_low", "ci_high", "rank"
    ]  # fmt: skip
    assert set(table["index"]) == {"mu_star", "mu", "sigma"}
    assert set(table.metric) == {"waiting", "throughput_per_100_units"}
    samples = pd.read_csv(out / "samples.csv")
    assert len(samples) == 3 * 3  # trajectories × (factors + 1)
    assert samples["stock.ordinary.units"].between(15, 25).all()
    assert (out / "figures" / "sensitivity.png").stat().st_size > 10_000
    assert not pd.read_csv(out / "figures" / "sensitivity.csv").empty
    assert (out / "scenario.resolved.yaml").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sensitivity"
    assert manifest["extra"]["method"] == "morris" and manifest["extra"]["points"] == 9
    assert [f["key"] for f in manifest["extra"]["factors"]] == [
        "refusal.probability", "stock.ordinary.units"
    ]  # fmt: skip
