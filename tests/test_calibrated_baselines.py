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
from sim.calibration.holdout import holdout_check
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


def table_7(fit: pd.DataFrame) -> pd.DataFrame:
    """The 36 cells of Table 7: waiting lists and allocations of six rows in 2008-2010."""
    return fit[
        fit.metric.isin(["waiting", "allocations"])
        & ~fit.target.str.startswith("sum_")
        & (fit.category != "refugee")  # refugee settlements (l. 1756-1757) are not in Table 7
    ]


def test_asker_table_7_cells_inside_the_90_percent_interval(asker: pd.DataFrame) -> None:
    cells = table_7(asker)
    assert len(cells) == 36
    # the target of the fit that counts renewal decisions and keeps the disadvantaged on
    # their list until housed (calibration/targets/README.md, "Asker: flows against Table 7")
    assert cells.inside.sum() >= 30, cells[~cells.inside][["target", "observed", "simulated_mean"]]


def test_asker_total_waiting_list_within_15_percent_each_year(asker: pd.DataFrame) -> None:
    totals = asker[asker.target.str.startswith("sum_waiting_")]
    assert sorted(totals.year) == [2008, 2009, 2010]
    assert (totals.relative_error.abs() <= 0.15).all(), totals[
        ["year", "observed", "simulated_mean"]
    ]


def test_asker_held_out_2010_totals_within_10_percent(asker: pd.DataFrame) -> None:
    # 2010 is not fitted (calibration/asker.yaml, holdout_years): its totals are predictions
    spec = load_calibration(ROOT / "calibration" / "asker.yaml").spec
    assert 2010 in spec.holdout_years
    totals = asker[
        asker.target.isin(["sum_waiting_2010", "sum_allocations_2010"])
        | (asker.target.str.startswith("sum_") & (asker.year == 2010))
    ]
    totals = totals[totals.metric.isin(["waiting", "allocations"])]
    assert len(totals) == 2, totals
    assert (totals.relative_error.abs() <= 0.10).all(), totals[
        ["target", "observed", "simulated_mean"]
    ]


def test_asker_disadvantaged_stay_on_their_list_until_housed() -> None:
    # "De blir stående på ventelisten inntil de blir tildelt bolig" (l. 1992-1993)
    calibrated = load_scenario(ROOT / "scenarios" / "asker-calibrated.yaml")
    assert calibrated.groups["disadvantaged"].withdraw_per_year <= 0.1
    assert calibrated.policy.renewal_decisions.value == "counted"


def test_asker_held_out_lists_forecast_better_than_the_mean_of_two_years(
    asker: pd.DataFrame,
) -> None:
    calibration = load_calibration(ROOT / "calibration" / "asker.yaml")
    check = holdout_check(calibration.targets, asker, {2010})
    total = check[check.group == "sum"].iloc[0]
    assert len(check) == 7  # six lists and their sum
    assert total.fit_error < total.naive_error, check


def flow(fit: pd.DataFrame, metric: str, year: int, group: str = "") -> pd.Series:
    rows = fit[(fit.metric == metric) & (fit.year == year) & (fit.group == group)]
    rows = rows[~rows.target.str.startswith("sum_")]
    assert len(rows) == 1, (metric, year, group)
    return rows.iloc[0]


FLOWS_WITHIN_25_PERCENT = [
    ("applications", 2010, ""),  # 299 (l. 1386-1387), held out
    ("approvals", 2008, "disadvantaged"),  # 85 list decisions (l. 2077-2079)
    ("refusals", 2008, "disadvantaged"),  # 45 refusals (l. 2079-2080)
]


@pytest.mark.parametrize(("metric", "year", "group"), FLOWS_WITHIN_25_PERCENT)
def test_asker_flows_within_25_percent(asker: pd.DataFrame, metric, year, group) -> None:
    # the flows the fit misses by more are explained in calibration/targets/README.md
    row = flow(asker, metric, year, group)
    assert abs(row.relative_error) <= 0.25, row[["observed", "simulated_mean"]]


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


def test_lorenskog_homeless_persons_hold_together_with_the_hospits_stays() -> None:
    # the 30-35 homeless persons (l. 1616-1617) with the 20-30 hospits stays a year
    # (l. 1617-1620) and the 15-20 homeless substance users (l. 1693-1698): together
    fit = fit_of("lorenskog.yaml", "lorenskog-calibrated.yaml").set_index("metric")
    persons = fit.loc["homeless_persons"]
    assert persons.simulated_p05 <= 35 and persons.simulated_p95 >= 30
    assert 20 <= persons.simulated_mean <= 45
    assert 20 <= fit.loc["hospits_stays", "simulated_mean"] <= 30
    assert 15 <= fit.loc["homeless_waiting", "simulated_mean"] <= 20


def test_flexbo_builds_on_the_calibrated_lorenskog() -> None:
    text = (ROOT / "scenarios" / "flexbo.yaml").read_text(encoding="utf-8")
    assert "extends: lorenskog-calibrated.yaml" in text
    flexbo = load_scenario(ROOT / "scenarios" / "flexbo.yaml")
    calibrated = load_scenario(ROOT / "scenarios" / "lorenskog-calibrated.yaml")
    assert flexbo.groups["disadvantaged"] == calibrated.groups["disadvantaged"]


def test_lorenskog_permanent_need_tenants_move_at_most_six_times_in_ten_years() -> None:
    # the report's cases of tenants sent round six similar dwellings in ten years
    # (l. 2901-2904) are an upper reference: the typical permanent-need tenant housed
    # through 2008-2017 is forced to move less often
    from sim.model.housing import run_replication

    calibrated = load_scenario(ROOT / "scenarios" / "lorenskog-calibrated.yaml")
    start, end = calibrated.time.start, calibrated.time.start + 10
    counts = []
    for replication in range(4):
        _, records = run_replication(calibrated, replication, track_households=True)
        for record in records:
            moves = record["moves"]
            housed = [m for m in moves if m["time"] <= start]
            gone = record["exit_time"] is not None and record["exit_time"] < end
            if not record["permanent_need"] or not housed or gone:
                continue
            forced = [m for m in moves if m["kind"] == "forced_move" and start <= m["time"] < end]
            counts.append(len(forced))
    assert len(counts) > 200
    assert float(pd.Series(counts).median()) <= 6
