"""Money: prices with their year and source, converted with the consumer price index;
cost rows that are price times quantity; their paired differences in ``sim compare``; and
kroner written the Norwegian way in the nb report."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner, Result

from sim.analysis.labels import kroner, metric_number
from sim.cli import main
from sim.config.costs import PRICE_KEYS, PriceEntry
from sim.config.loader import load_scenario
from sim.config.prices import in_price_year, index_table, index_years
from sim.config.schema import Scenario
from sim.model.catalogue import CATALOGUE, PRICED
from sim.runner.replications import run_scenario

ROOT = Path(__file__).resolve().parent.parent
TINY = yaml.safe_load((ROOT / "tests" / "data" / "tiny.yaml").read_text(encoding="utf-8"))
NBSP = "\u00a0"

PRICES: dict[str, Any] = {
    "price_year": 2024,
    "index": "kpi",
    "hospits_per_night": {"nok": 1200, "year": 2019, "source": "assumption"},
    "emergency_per_night": 400,
    "followup_per_year": {"nok": 200000, "source": "assumption", "note": "a third of a year"},
    "build_per_unit": {"nok": 2000000, "year": 2010, "source": "a report, l. 12"},
    "forced_move_per_case": 10000,
    "rent_per_unit_year": {"nok": 70000, "year": 2010, "source": "assumption"},
}


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def write(folder: Path, name: str, data: dict[str, Any]) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def tiny(costs: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(TINY)
    data["costs"] = costs
    data.update(changes)
    return data


# --- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("costs", "key", "words"),
    [
        ({"price_year": 2030, "hospits_per_night": 900}, "costs.price_year", "2000-2024"),
        (
            {"price_year": 2020, "hospits_per_night": {"nok": 9, "year": 1990, "source": "x"}},
            "costs.hospits_per_night.year",
            "outside the kpi table",
        ),
        (
            {"hospits_per_night": {"nok": 900, "year": 2019, "source": "assumption"}},
            "costs.price_year",
            "is missing, but costs.hospits_per_night.year is 2019",
        ),
        ({"index": "cpi", "hospits_per_night": 900}, "costs.index", "allowed: kpi"),
        ({"rent_per_unit_year": {"nok": 70000}}, "costs.rent_per_unit_year.source", "required"),
        (
            {"forced_move_per_case": "a lot"},
            "costs.forced_move_per_case",
            "must be a number or a mapping",
        ),
        ({"build_per_unit": -5}, "costs.build_per_unit", "0"),
        ({"hospits_per_nite": 900}, "costs.hospits_per_nite", "did you mean 'hospits_per_night'"),
    ],
)
def test_a_bad_price_exits_2_naming_the_key(
    tmp_path: Path, costs: dict[str, Any], key: str, words: str
) -> None:
    result = invoke("validate", write(tmp_path, "bad", tiny(costs)))
    assert result.exit_code == 2, result.output
    line = next((line for line in result.output.splitlines() if f": {key}:" in line), "")
    assert words in line, result.output


def test_a_plain_number_is_a_price_of_the_price_year(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, "ok", tiny(PRICES)))
    costs = scenario.costs
    assert costs.amount("emergency_per_night") == 400.0
    assert costs.year_of("emergency_per_night") == 2024
    assert costs.year_of("hospits_per_night") == 2019
    assert costs.year_of("followup_per_year") == 2024  # a mapping without a year
    assert costs.source_of("build_per_unit") == "a report, l. 12"
    assert isinstance(costs.followup_per_year, PriceEntry)
    assert costs.followup_per_year.note == "a third of a year"


def test_price_keys_are_the_engines() -> None:
    assert list(PRICE_KEYS) == list(PRICED)
    assert all(
        metric in CATALOGUE and quantity in CATALOGUE for metric, quantity in PRICED.values()
    )


# --- the index --------------------------------------------------------------------------


def test_index_conversion_is_the_hand_computation() -> None:
    # KPI (table 03014, 2015=100): 2019 110.8, 2024 133.6, 2010 92.1
    assert in_price_year(1200.0, 2019, 2024) == pytest.approx(1200 * 133.6 / 110.8)
    assert in_price_year(1200.0, 2019, 2024) == pytest.approx(1446.93, abs=0.01)
    assert in_price_year(2000000.0, 2010, 2024) == pytest.approx(2000000 * 133.6 / 92.1)
    assert in_price_year(500.0, 2024, 2010) == pytest.approx(500 * 92.1 / 133.6)
    assert in_price_year(500.0, 2024, 2024) == 500.0


def test_the_index_table_is_whole_and_based_on_2015() -> None:
    table = index_table("kpi")
    first, last = index_years("kpi")
    assert (first, last) == (2000, 2024)
    assert sorted(table) == list(range(first, last + 1))
    assert table[2015] == 100.0
    changes = [table[y] / table[y - 1] - 1 for y in range(first + 1, last + 1)]
    assert all(-0.02 < change < 0.07 for change in changes)  # Norway's yearly inflation


def test_a_year_outside_the_index_is_refused() -> None:
    with pytest.raises(ValueError, match="2000-2024"):
        in_price_year(100.0, 1999, 2024)
    with pytest.raises(ValueError, match="outside the kpi table"):
        in_price_year(100.0, 2020, 2025)


# --- cost rows ----------------------------------------------------------------------------


def test_cost_rows_are_price_times_quantity(tmp_path: Path) -> None:
    data = tiny(PRICES)
    data["builds"] = [{"year": 2021, "category": "ordinary", "units": 2}]
    scenario = Scenario.model_validate(data)
    yearly = run_scenario(scenario, replications=1).yearly
    totals = yearly[(yearly.group == "") & (yearly.category == "")]
    table = totals.pivot_table(index="year", columns="metric", values="value")
    prices = {
        "hospits_per_night": 1200 * 133.6 / 110.8,
        "emergency_per_night": 400.0,
        "followup_per_year": 200000.0,
        "build_per_unit": 2000000 * 133.6 / 92.1,
        "forced_move_per_case": 10000.0,
        "rent_per_unit_year": 70000 * 133.6 / 92.1,
    }
    for key, (metric, quantity) in PRICED.items():
        np.testing.assert_allclose(table[metric], prices[key] * table[quantity], err_msg=key)
    assert table.units_built.sum() == 2  # the build is priced
    costs = [metric for key, (metric, _) in PRICED.items() if key != "rent_per_unit_year"]
    np.testing.assert_allclose(table.cost_total, table[costs].sum(axis=1))
    np.testing.assert_allclose(table.cost_net, table.cost_total - table.income_rent)


def test_without_prices_there_are_no_money_rows() -> None:
    data = tiny({})
    yearly = run_scenario(Scenario.model_validate(data), replications=1).yearly
    money = [name for name, metric in CATALOGUE.items() if metric.kind == "cost"]
    assert not set(yearly.metric.astype(str)) & set(money)


# --- compare and report ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def priced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("priced")
    base = write(folder, "base", tiny(PRICES))
    more = tiny(PRICES, name="tiny-more-emergency")
    more["emergency"] = {"units": 6}
    return base, write(folder, "alternative", more)


def test_compare_prints_the_cost_difference_per_year_with_its_interval(
    priced: tuple[Path, Path], tmp_path: Path
) -> None:
    base, alternative = priced
    result = invoke("compare", base, alternative, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Cost differences from tiny per year, NOK a year (95 % CI" in text
    table = pd.read_csv(tmp_path / "out" / "comparison.csv")
    row = table[(table.metric == "cost_emergency") & (table.year == "2021")].iloc[0]
    shown = (
        f"{kroner(row.difference, 'en', signed=True)} "
        f"[{kroner(row.ci_low, 'en', signed=True)}, {kroner(row.ci_high, 'en', signed=True)}]"
    )
    lines = text.splitlines()
    line = next(line for line in lines if "Emergency-unit cost" in line and " 2021 " in line)
    assert shown in line
    assert row.difference > 0  # six emergency units instead of two are used more
    for year in (2020, 2021, 2022):
        assert any("Total cost" in line and f" {year} " in line for line in lines)


def test_the_nb_report_writes_kroner_the_norwegian_way(
    priced: tuple[Path, Path], tmp_path: Path
) -> None:
    base, _ = priced
    out = tmp_path / "run"
    assert invoke("run", base, "--out", out, "-q").exit_code == 0
    result = invoke("report", out, "--lang", "nb", "--format", "html,xlsx")
    assert result.exit_code == 0, result.output
    page = (out / "report.nb.html").read_text(encoding="utf-8")
    summary = pd.read_csv(out / "summary.csv")
    mean = summary[
        (summary.metric == "cost_total")
        & (summary.year == 2022)
        & summary.group.isna()
        & summary.category.isna()
    ].iloc[0]["mean"]
    expected = kroner(float(mean), "nb")
    assert re.fullmatch(rf"\d{{1,3}}({NBSP}\d{{3}})+{NBSP}kr", expected)
    assert "Samlede utgifter: " in page
    assert f"{expected} per år i 2022" in page
    import openpyxl

    overview = openpyxl.load_workbook(out / "report.nb.xlsx").worksheets[0]
    formats = {
        str(row[0].value): row[3].number_format
        for row in overview.iter_rows(min_row=6)
        if row[0].value and isinstance(row[3].value, float)
    }
    assert formats["Samlede utgifter"] == '#,##0 "kr"'  # a number, shown in kroner
    assert formats["Venteliste ved årets slutt"] == "#,##0.00"


def test_kroner_in_both_languages() -> None:
    assert kroner(1234567.4, "nb") == f"1{NBSP}234{NBSP}567{NBSP}kr"
    assert kroner(1234567.4, "en") == "NOK 1,234,567"
    assert kroner(-2500, "nb") == f"-2{NBSP}500{NBSP}kr"
    assert metric_number(1500.0, "income_rent", "nb") == f"1{NBSP}500{NBSP}kr"
    assert metric_number(1500.0, "hospits_nights", "nb") == f"1{NBSP}500"


# --- the shipped baselines ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["asker", "lorenskog"])
def test_the_shipped_baselines_price_everything_with_a_source(name: str) -> None:
    costs = load_scenario(ROOT / "scenarios" / f"{name}.yaml").costs
    assert costs.price_year == 2024
    for key in PRICE_KEYS:
        entry = getattr(costs, key)
        assert isinstance(entry, PriceEntry), key
        assert entry.year is not None, key
        assert entry.source == "assumption" or re.search(r"l\. \d|https://", entry.source), key
