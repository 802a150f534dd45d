"""Result folders stay openable: ``yearly.csv`` is written only up to a spreadsheet's row
limit unless asked for; ``yearly.parquet`` and ``summary.csv`` are always there, and the
manifest says what was written."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest
from helpers import DATA, invoke

import sim.analysis.output as output
import sim.cli.run as run_command
from sim.config.loader import load_scenario
from sim.runner.replications import run_scenario


@pytest.fixture(scope="module")
def results():
    return run_scenario(load_scenario(DATA / "tiny.yaml"), replications=2)


SHEET_ROWS = 1_048_576
"""Rows of a spreadsheet (Excel, LibreOffice Calc): the header and the data together."""


@pytest.mark.parametrize(
    ("extra", "written"),
    [pytest.param(0, True, marks=pytest.mark.slow), (1, False)],  # (slow: writes 1M rows)
)
def test_a_yearly_csv_fills_a_spreadsheet_at_most(results, tmp_path, extra, written) -> None:
    """The longest table written as CSV by default opens whole in a spreadsheet (its
    header and rows fill the sheet to the last row); one row more is not written."""
    rows = SHEET_ROWS - 1 + extra
    tiny = results.yearly
    repeats = -(-rows // len(tiny))
    yearly = pd.concat([tiny] * repeats, ignore_index=True).iloc[:rows]
    folder = output.write_results(replace(results, yearly=yearly), tmp_path / "out")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["extra"]["yearly_rows"] == rows
    assert manifest["extra"]["yearly_csv"] == written
    assert (folder / "yearly.csv").exists() == written
    if written:
        with open(folder / "yearly.csv", "rb") as handle:
            assert sum(1 for _ in handle) == SHEET_ROWS


@pytest.mark.parametrize(
    ("limit", "asked", "written"),
    [(10**9, None, True), (10, None, False), (10, True, True), (10**9, False, False)],
)
def test_yearly_csv_by_size_or_on_request(
    results, tmp_path, monkeypatch, limit, asked, written
) -> None:
    monkeypatch.setattr(output, "CSV_MAX_ROWS", limit)
    folder = output.write_results(results, tmp_path / "out", yearly_csv=asked)
    assert (folder / "yearly.csv").exists() == written
    assert (folder / "summary.csv").exists() and (folder / "yearly.parquet").exists()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["extra"]["yearly_csv"] == written
    assert manifest["extra"]["yearly_rows"] == len(results.yearly)
    parquet = pd.read_parquet(folder / "yearly.parquet")
    assert len(parquet) == len(results.yearly)


def test_sim_run_says_why_the_csv_is_missing(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(output, "CSV_MAX_ROWS", 10)
    monkeypatch.setattr(run_command, "CSV_MAX_ROWS", 10)
    result = invoke("run", DATA / "tiny.yaml", "-r", "2", "--quiet", "--out", tmp_path / "a")
    assert result.exit_code == 0, result.output
    assert "yearly.csv not written" in result.stderr and "--yearly-csv" in result.stderr
    assert not (tmp_path / "a" / "yearly.csv").exists()
    forced = invoke(
        "run", DATA / "tiny.yaml", "-r", "2", "--quiet", "--yearly-csv", "--out", tmp_path / "b"
    )
    assert forced.exit_code == 0 and "not written" not in forced.stderr
    assert (tmp_path / "b" / "yearly.csv").exists()
