"""Back tests: the shipped calibrated baselines reproduce the reports' counts.

They run each calibrated scenario with its spec's ``fit_replications`` (30) and check the
figures the calibration promises (see calibration/README.md). The scenarios are made by
`sim calibrate ... --scenario-out`; re-make them on purpose only, by that command.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.calibration import load_calibration
from sim.calibration.engine import fit_table, simulate, target_keys
from sim.config.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def fit_of(spec: str, scenario: str) -> pd.DataFrame:
    calibration = load_calibration(ROOT / "calibration" / spec)
    calibrated = load_scenario(ROOT / "scenarios" / scenario)
    replications = calibration.spec.fit_replications
    simulated = simulate([calibrated], replications, target_keys(calibration.targets), None)[0]
    return fit_table(calibration.targets, simulated, set())


@pytest.fixture(scope="module")
def asker() -> pd.DataFrame:
    return fit_of("asker.yaml", "asker-calibrated.yaml")


def test_asker_table_7_cells_inside_the_90_percent_interval(asker: pd.DataFrame) -> None:
    cells = asker[
        asker.metric.isin(["waiting", "allocations"]) & ~asker.target.str.startswith("sum_")
    ]
    assert len(cells) == 36
    assert cells.inside.sum() >= 27, cells[~cells.inside][["target", "observed", "simulated_mean"]]


def test_asker_total_waiting_list_within_15_percent_each_year(asker: pd.DataFrame) -> None:
    totals = asker[asker.target.str.startswith("sum_waiting_")]
    assert sorted(totals.year) == [2008, 2009, 2010]
    assert (totals.relative_error.abs() <= 0.15).all(), totals[
        ["year", "observed", "simulated_mean"]
    ]


def test_asker_puh_queue_long_and_nearly_still(asker: pd.DataFrame) -> None:
    waiting = asker[(asker.metric == "waiting") & (asker.group == "puh")]
    allocations = asker[(asker.metric == "allocations") & (asker.category == "omsorg_puh")]
    assert waiting.simulated_mean.between(45, 65).all()
    assert allocations.simulated_mean.between(0.3, 2.0).all()


def test_lorenskog_fits_its_2008_counts() -> None:
    fit = fit_of("lorenskog.yaml", "lorenskog-calibrated.yaml").set_index("metric")
    assert fit.loc["waiting", "inside"]  # 54 inside the simulated 90 % interval
    for metric in ("units", "vacancy_share", "hospits_stays"):
        assert fit.loc[metric, "inside"], metric
    assert 420 <= fit.loc["units", "simulated_mean"] <= 440
    assert 20 <= fit.loc["hospits_stays", "simulated_mean"] <= 30


def test_flexbo_builds_on_the_calibrated_lorenskog() -> None:
    text = (ROOT / "scenarios" / "flexbo.yaml").read_text(encoding="utf-8")
    assert "extends: lorenskog-calibrated.yaml" in text
    flexbo = load_scenario(ROOT / "scenarios" / "flexbo.yaml")
    calibrated = load_scenario(ROOT / "scenarios" / "lorenskog-calibrated.yaml")
    assert flexbo.groups["disadvantaged"] == calibrated.groups["disadvantaged"]
