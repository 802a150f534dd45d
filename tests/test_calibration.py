"""Calibration tests: parameter recovery (functional), loss functions and spec/target
validation (unit), `sim calibrate` end to end (CLI) and the shipped specs with a tiny budget.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sim.calibration import calibrate, load_calibration, poisson_deviance, target_losses
from sim.cli import main
from sim.config.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
RECOVERY = ROOT / "tests" / "data" / "recovery"
TRUTH = {"groups.families.applications_per_year": 40.0, "groups.elderly.other_exit_per_year": 0.2}
RECOVERY_TOLERANCE = 0.15  # relative; the targets are means of 40 replications


def test_recovers_the_parameters_that_made_the_targets() -> None:
    """Targets from truth.yaml (seed 999); calibration starts from wrong guesses."""
    calibration = load_calibration(RECOVERY / "recovery.yaml")
    start = {k: p.guess for k, p in calibration.spec.parameters.items()}
    for key, true in TRUTH.items():
        assert abs(start[key] - true) / true >= 0.5, "the guess must start far from the truth"
    result = calibrate(calibration)
    assert result.best is not None
    for key, true in TRUTH.items():
        assert result.best.values[key] == pytest.approx(true, rel=RECOVERY_TOLERANCE), key
    assert result.fit is not None
    fitted = result.fit[~result.fit.target.str.startswith("sum_")]
    assert fitted.inside.mean() >= 0.9
    assert len(result.trials) == calibration.spec.budget + 4 * len(TRUTH)  # search + profile


def test_calibration_is_reproducible_and_independent_of_workers() -> None:
    calibration = load_calibration(
        RECOVERY / "recovery.yaml", budget=8, overrides=["profile=false", "fit_replications=4"]
    )
    serial = calibrate(calibration, jobs=1)
    parallel = calibrate(calibration, jobs=2)
    pd.testing.assert_frame_equal(serial.trials_table(), parallel.trials_table())
    assert serial.fit is not None and parallel.fit is not None
    pd.testing.assert_frame_equal(serial.fit, parallel.fit)


def test_poisson_deviance() -> None:
    assert poisson_deviance(40, 40) == 0
    assert poisson_deviance(40, 30) > poisson_deviance(40, 35) > 0
    assert poisson_deviance(40, 50) > 0
    assert poisson_deviance(0, 2) == pytest.approx(4)
    assert math.isfinite(poisson_deviance(5, 0))


def _targets(**columns: list) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "year": [2010] * n,
        "metric": ["waiting"] * n,
        "group": [""] * n,
        "category": [""] * n,
        "observed": [math.nan] * n,
        "low": [math.nan] * n,
        "high": [math.nan] * n,
        "weight": [1.0] * n,
        "source": [""] * n,
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_a_target_of_weight_0_and_a_held_out_year_are_not_used_in_the_fit() -> None:
    """fit.csv and predictive.csv mark what the fit used: not a target of weight 0 (it is
    reported beside the others), not a held-out year; the sums follow their year."""
    from sim.calibration.engine import fit_table

    targets = _targets(
        target=["a2009", "b2009", "a2010"],
        year=[2009, 2009, 2010],
        group=["a", "b", "a"],
        observed=[10.0, 20.0, 30.0],
        weight=[1.0, 0.0, 1.0],
    )
    simulated = np.array([[10.0, 11.0], [20.0, 21.0], [30.0, 31.0]])
    fit = fit_table(targets, simulated, {2010}).set_index("target")
    assert fit.loc["a2009", "used_in_fit"]
    assert not fit.loc["b2009", "used_in_fit"]  # weight 0
    assert not fit.loc["a2010", "used_in_fit"]  # held out
    assert fit.loc["sum_waiting_2009", "used_in_fit"]


def test_range_loss_is_zero_inside_and_grows_outside() -> None:
    targets = _targets(low=[420.0] * 4, high=[440.0] * 4)
    losses = target_losses(targets, np.array([430.0, 420.0, 450.0, 400.0]))
    assert losses[0] == losses[1] == 0
    assert losses[2] == pytest.approx(0.25)  # half a range width outside: (10/20)^2
    assert losses[3] == pytest.approx(1.0)


def test_non_count_metrics_use_relative_error_and_weights_scale() -> None:
    targets = _targets(
        metric=["vacancy_share", "waiting"], observed=[0.02, 50.0], weight=[1.0, 0.5]
    )
    losses = target_losses(targets, np.array([0.03, 60.0]))
    assert losses[0] == pytest.approx(0.25)
    assert losses[1] == pytest.approx(0.5 * poisson_deviance(50, 60))


def _bad_spec(tmp_path: Path, text: str, targets: str | None = None) -> Path:
    for name in ("truth.yaml", "start.yaml", "targets.csv"):
        shutil.copy(RECOVERY / name, tmp_path / name)
    if targets is not None:
        (tmp_path / "targets.csv").write_text(targets, encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    return spec


GOOD = (RECOVERY / "recovery.yaml").read_text(encoding="utf-8")
HEADER = "year,metric,group,category,observed,low,high,weight,source\n"


@pytest.mark.parametrize(
    ("spec", "targets", "expected"),
    [
        (GOOD.replace("budget:", "budgett:"), None, ["budgett", "did you mean 'budget'"]),
        (
            GOOD.replace("groups.elderly.other_exit_per_year", "groups.elderly.other_exits"),
            None,
            ["not a key of the base"],
        ),
        (GOOD.replace("guess: 0.08", "guess: 0.09"), None, ["differs from the base"]),
        (GOOD.replace("low: 0.02", "low: 0.6"), None, ["must be below high"]),
        (
            GOOD.replace("scenario: start.yaml", "scenario: nowhere.yaml"),
            None,
            ["nowhere.yaml", "not found"],
        ),
        (GOOD, "year,metric,observed\n2010,waiting,4\n", ["columns must be exactly"]),
        (GOOD, HEADER + "2010,waitin,families,,5,,,1,x\n", ["unknown metric", "'waiting'"]),
        (GOOD, HEADER + "2010,waiting,familes,,5,,,1,x\n", ["unknown group 'familes'"]),
        (GOOD, HEADER + "2010,allocations,,flat,5,,,1,x\n", ["unknown category 'flat'"]),
        (GOOD, HEADER + "2030,waiting,families,,5,,,1,x\n", ["outside the reported years"]),
        (GOOD, HEADER + "2010,waiting,families,,,4,,1,x\n", ["both low and high"]),
        (GOOD, HEADER + "2010,waiting,families,,,9,4,1,x\n", ["is above high"]),
    ],
)
def test_bad_specs_and_targets_exit_2_with_a_clear_message(
    tmp_path: Path, spec: str, targets: str | None, expected: list[str]
) -> None:
    path = _bad_spec(tmp_path, spec, targets)
    result = CliRunner().invoke(main, ["calibrate", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, (text, result.output)
    assert not (tmp_path / "o").exists()


def test_sim_calibrate_writes_the_result_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    overlay = tmp_path / "calibrated.yaml"
    result = CliRunner().invoke(
        main,
        [
            "calibrate",
            str(RECOVERY / "recovery.yaml"),
            "--budget",
            "10",
            "--holdout",
            "2015",
            "--out",
            str(out),
            "--scenario-out",
            str(overlay),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    for name in (
        "trials.csv",
        "best.yaml",
        "fit.csv",
        "identifiability.csv",
        "holdout.csv",
        "manifest.json",
        "figures/fit.png",
    ):
        assert (out / name).exists(), name
    trials = pd.read_csv(out / "trials.csv")
    assert len(trials) == 10 + 8 and "loss" in trials.columns
    assert any(column.startswith("loss_t00") for column in trials.columns)
    fit = pd.read_csv(out / "fit.csv")
    assert {"observed", "simulated_mean", "simulated_p05", "simulated_p95", "inside"} <= set(
        fit.columns
    )
    holdout = pd.read_csv(out / "holdout.csv")
    assert (holdout.year == 2015).all() and not holdout.used_in_fit.any()
    assert fit[fit.year != 2015].used_in_fit.all()
    identifiability = pd.read_csv(out / "identifiability.csv")
    assert list(identifiability.parameter) == list(TRUTH)
    best = load_scenario(out / "best.yaml")
    assert (out / "best.yaml").read_text(encoding="utf-8").startswith("# Made by `sim calibrate")
    calibrated = load_scenario(overlay)
    assert calibrated.name == "recovery-calibrated"
    assert (
        calibrated.groups["families"].applications_per_year
        == best.groups["families"].applications_per_year
    )
    assert "# calibrated in [10, 80]" in overlay.read_text(encoding="utf-8")
    again = CliRunner().invoke(
        main, ["calibrate", str(RECOVERY / "recovery.yaml"), "--out", str(out), "--quiet"]
    )
    assert again.exit_code == 2 and "--force" in again.output


SPECS = sorted((ROOT / "calibration").glob("*.yaml")) + sorted(
    (ROOT / "calibration" / "example").glob("*-spec.yaml")
)


def test_the_shipped_specs_exist() -> None:
    assert {"asker.yaml", "lorenskog.yaml"} <= {spec.name for spec in SPECS}


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_shipped_specs_run_with_a_tiny_budget(spec: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "calibrate",
            str(spec),
            "--budget",
            "2",
            "--set",
            "replications=1",
            "--set",
            "fit_replications=2",
            "--set",
            "profile=false",
            "--out",
            str(tmp_path / "out"),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "fit.csv").exists()


@pytest.mark.parametrize("spec", ["lorenskog", "asker"])
def test_a_fit_stops_after_the_last_target_year_with_the_same_values(spec: str) -> None:
    """Fits simulate only through the last year with a target: the targets' values are
    those of a replication over the whole horizon, replication by replication."""
    from sim.calibration.engine import _replication_values, target_keys
    from sim.calibration.spec import fit_scenario, scenario_with

    calibration = load_calibration(ROOT / "calibration" / f"{spec}.yaml")
    values = {name: p.guess for name, p in calibration.spec.parameters.items()}
    whole = scenario_with(calibration, values)
    short = fit_scenario(calibration, values)
    last = int(calibration.targets.year.max())
    assert short.time.end == last + 1 < whole.time.end
    keys = target_keys(calibration.targets)
    for replication in range(2):
        assert _replication_values((short, replication, keys)) == _replication_values(
            (whole, replication, keys)
        )
