"""Unit tests of grid expansion, and functional tests of `sim sweep` and the trade-off."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sim.analysis.sweep import expand_grid, parse_vary, run_grid
from sim.analysis.tradeoff import tradeoff_table
from sim.cli import main
from sim.config.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def test_grid_expands_in_order_with_yaml_types() -> None:
    axes = parse_vary(["stock.ordinary.contract_years=1,3,null", "policy.renewal=strict,always"])
    assert axes == [
        ("stock.ordinary.contract_years", [1, 3, None]),
        ("policy.renewal", ["strict", "always"]),
    ]
    grid = expand_grid(axes)
    assert len(grid) == 6
    assert grid[0] == {"stock.ordinary.contract_years": 1, "policy.renewal": "strict"}
    assert grid[1] == {"stock.ordinary.contract_years": 1, "policy.renewal": "always"}
    assert grid[-1] == {"stock.ordinary.contract_years": None, "policy.renewal": "always"}
    assert parse_vary(["refusal.probability=0.1,0.25"])[0][1] == [0.1, 0.25]


@pytest.mark.parametrize(
    "bad", ["policy.renewal=", "policy.renewal", "=1,2", "a..b=1", "policy.renewal=strict,,always"]
)
def test_bad_vary_is_a_clear_error(bad: str) -> None:
    with pytest.raises(InputError) as error:
        parse_vary([bad])
    assert "--vary" in str(error.value)


def test_a_key_varied_twice_is_an_error() -> None:
    with pytest.raises(InputError, match="varied twice"):
        parse_vary(["seed=1,2", "seed=3"])


def test_unknown_key_or_value_fails_before_any_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["sweep", str(TINY), "--vary", "policy.renewl=strict", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "did you mean 'renewal'" in result.output
    result = CliRunner().invoke(
        main,
        [
            "sweep",
            str(TINY),
            "--vary",
            "policy.renewal=strict,sometimes",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2 and "'sometimes' is not allowed" in result.output
    assert not (tmp_path / "o").exists()


def test_sweep_writes_one_table_with_the_varied_keys_as_columns(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "sweep",
            str(TINY),
            "--vary",
            "stock.ordinary.units=20,40",
            "--vary",
            "policy.renewal=strict,always",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "sweep.csv", dtype={"year": str})
    assert {
        "stock.ordinary.units",
        "policy.renewal",
        "metric",
        "year",
        "mean",
        "ci_low",
        "ci_high",
    } <= set(table.columns)
    horizon = table[(table.year == "all") & (table.metric == "waiting")]
    assert len(horizon) == 4
    by_units = horizon.groupby("stock.ordinary.units")["mean"].mean()
    assert by_units[40] < by_units[20]


def test_tradeoff_strict_moves_more_and_permanent_contracts_never() -> None:
    runs = run_grid(
        TINY,
        parse_vary(["policy.renewal=strict,always", "stock.ordinary.contract_years=1,null"]),
        replications=6,
        jobs=1,
        households=True,
    )
    table = tradeoff_table(runs).set_index("policy")
    strict = table.loc["renewal=strict, contract_years=1"]
    always = table.loc["renewal=always, contract_years=1"]
    assert strict.forced_moves_per_100_tenant_years > 0
    assert always.forced_moves_per_100_tenant_years == 0
    assert strict.throughput_per_100_units > always.throughput_per_100_units
    # every letting from the list is a first-time or a re-housed one
    for row in (strict, always):
        assert row.throughput_per_100_units == pytest.approx(
            row.first_housed_per_100_units + row.rehoused_per_100_units
        )
    assert strict.first_housed_per_100_units > always.first_housed_per_100_units
    assert (table.returns_from_private_per_year == 0).all()  # nobody returns by default
    assert table.vacant_share_year_end.between(0, 1).all()
    for policy in (
        "renewal=strict, contract_years=permanent",
        "renewal=always, contract_years=permanent",
    ):
        assert table.loc[policy, "forced_moves_per_100_tenant_years"] == 0
        assert table.loc[policy, "share_permanent_need_moved"] == 0
    assert strict.share_permanent_need_moved > 0


def test_tradeoff_command_writes_figure_and_its_data(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "tradeoff",
            str(TINY),
            "-r",
            "3",
            "--vary",
            "policy.renewal=strict,always",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (out / "figures" / "tradeoff.png").exists()
    data = pd.read_csv(out / "figures" / "tradeoff.csv")
    assert list(data.policy) == ["renewal=strict", "renewal=always"]


def test_tradeoff_points_carry_their_policy_values() -> None:
    """Every point is labelled on the figure; policies with the same point share a label."""
    import matplotlib.pyplot as plt

    from sim.analysis.tradeoff import _name_points

    table = pd.DataFrame(
        {
            "policy": ["a", "b", "c"],
            "stock.ordinary.contract_years": [1.0, None, None],
            "policy.renewal": ["strict", "strict", "always"],
            "first_housed_per_100_units": [12.0, 11.0, 11.0],
            "forced_moves_per_100_tenant_years": [40.0, 0.0, 0.0],
        }
    )
    fig, ax = plt.subplots()
    ax.plot(table.forced_moves_per_100_tenant_years, table.first_housed_per_100_units, "o")
    _name_points(ax, table, "forced_moves_per_100_tenant_years")
    labels = sorted(text.get_text() for text in ax.texts)
    plt.close(fig)
    assert labels == ["1, strict", "permanent, strict/always"]


def test_a_tradeoff_table_written_before_first_time_housing_still_names_its_points() -> None:
    from sim.analysis.tradeoff import _point_keys, throughput_column

    old = pd.DataFrame(
        {
            "policy": ["a"],
            "policy.renewal": ["strict"],
            "throughput_per_100_units": [12.0],
            "forced_moves_per_100_tenant_years": [40.0],
        }
    )
    assert throughput_column(old) == "throughput_per_100_units"
    assert _point_keys(old) == ["policy.renewal"]
    new = old.assign(first_housed_per_100_units=11.0)[
        ["policy", "policy.renewal", "first_housed_per_100_units", "throughput_per_100_units"]
    ]
    assert throughput_column(new) == "first_housed_per_100_units"
    assert _point_keys(new) == ["policy.renewal"]


def labelled_tiny(tmp_path: Path) -> Path:
    """tiny.yaml with display names for the scenario, a category and a group."""
    path = tmp_path / "labelled.yaml"
    path.write_text(
        f"extends: {TINY}\nlabel: {{en: Tiny town, nb: Småby}}\n"
        "stock:\n  ordinary: {label: {en: Ordinary rentals, nb: Ordinære utleieboliger}}\n"
        "groups:\n  elderly: {label: {en: Older people, nb: Eldre}}\n",
        encoding="utf-8",
    )
    return path


def test_sweep_prints_display_names_and_intervals(tmp_path: Path) -> None:
    from sim.analysis.grid_text import interval_cell

    out = tmp_path / "out"
    vary = ["--vary", "stock.ordinary.units=20,40", "--vary", "groups.elderly.approval=0.5,1"]
    result = CliRunner().invoke(
        main, ["sweep", str(labelled_tiny(tmp_path)), *vary, "-r", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Tiny town (tiny): mean over 2020–2022 [95 % CI]" in text
    assert "Waiting list at year end (households)" in text  # a metric by its label
    assert "stock.ordinary" not in text and "groups.elderly" not in text
    table = pd.read_csv(out / "sweep.csv", dtype={"year": str})
    row = table[
        (table.year == "all")
        & (table.metric == "waiting")
        & (table["stock.ordinary.units"] == 40)
        & (table["groups.elderly.approval"] == 0.5)
    ].iloc[0]
    assert row.ci_low < row.ci_high
    line = "Ordinary rentals: units 40; Older people: approval 0.5"
    cell = interval_cell(row["mean"], row.ci_low, row.ci_high)
    assert "[" in cell
    block = text.split("Waiting list at year end (households)")[1].split("\n\n")[0]
    assert any(r.strip().startswith(line) and r.strip().endswith(cell) for r in block.splitlines())


def test_tradeoff_prints_display_names_and_intervals(tmp_path: Path) -> None:
    from sim.analysis.grid_text import interval_cell
    from sim.analysis.labels import measure_label

    out = tmp_path / "out"
    vary = ["--vary", "stock.ordinary.contract_years=1,null", "--set", "policy.renewal=strict"]
    result = CliRunner().invoke(
        main, ["tradeoff", str(labelled_tiny(tmp_path)), *vary, "-r", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Tiny town (tiny): every policy over 2020–2022" in text
    assert "stock.ordinary" not in text and "first_housed_per_100_units" not in text
    table = pd.read_csv(out / "tradeoff.csv")
    measure = "forced_moves_per_100_tenant_years"
    strict = table.iloc[0]
    cell = interval_cell(strict[measure], strict[f"{measure}_ci_low"], strict[f"{measure}_ci_high"])
    block = text.split(measure_label(measure, "en", 10))[1].split("\n\n")[0].splitlines()
    assert "  Ordinary rentals: contract_years 1  " in block[1]
    assert block[1].endswith(cell) and "[" in cell
    assert block[2].strip().startswith("Ordinary rentals: contract_years permanent")


def test_a_point_names_each_group_or_category_once() -> None:
    from sim.analysis.grid_text import point_name, setting_name
    from sim.config.loader import load_scenario

    lorenskog = load_scenario(ROOT / "scenarios" / "lorenskog.yaml")
    point = {
        "stock.ordinary.contract_years": None,
        "groups.rus.approval": 0.5,
        "stock.ordinary.renewal": "strict",
        "policy.renewal": "always",
    }
    ordinary = lorenskog.stock["ordinary"].label.en
    rus = lorenskog.groups["rus"].label.en
    assert ordinary and rus and ordinary != "ordinary" and rus != "rus"
    assert point_name(point, lorenskog) == (
        f"{ordinary}: contract_years permanent, renewal strict; {rus}: approval 0.5; "
        "policy.renewal always"
    )
    assert setting_name("groups.rus.approval", 0.5, lorenskog) == f"{rus}: approval 0.5"
