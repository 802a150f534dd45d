"""Calibration targets: read and check a targets CSV (errors name file, line, column).

Targets are a CSV of reported counts or ranges, one row per (year, metric, group,
category), with columns :data:`TARGET_COLUMNS`; a metric is any of the tables'
(:data:`~sim.model.catalogue.CATALOGUE`) but costs.
"""

from __future__ import annotations

import difflib
import io
import math
from pathlib import Path
from typing import Any

import pandas as pd

from sim.config.errors import Problem, ScenarioError, single
from sim.config.loader import _display
from sim.config.option_limits import MAX_TARGET_WEIGHT
from sim.config.schema import Scenario
from sim.config.yaml_io import read_text
from sim.model.catalogue import CATALOGUE

TARGET_COLUMNS = [
    "year",
    "metric",
    "group",
    "category",
    "observed",
    "low",
    "high",
    "weight",
    "source",
]
# targets may name any metric of the tables, or one derived for calibration (not costs)
KNOWN_METRICS = sorted(name for name, m in CATALOGUE.items() if m.kind != "cost")
# counts get a Poisson deviance; other metrics a squared relative error
NON_COUNT_METRICS = {name for name, m in CATALOGUE.items() if not m.count}


class CalibrationInputError(ScenarioError):
    """A calibration spec or targets file is invalid (exit code 2)."""


def load_targets(path: Path, scenario: Scenario) -> pd.DataFrame:
    """Read and check a targets CSV against the scenario it calibrates."""
    shown = _display(path)
    text = read_text(path, shown)
    try:
        table = pd.read_csv(
            io.StringIO(text),
            dtype={"group": str, "category": str, "source": str},
            keep_default_na=False,
            na_values={"observed": [""], "low": [""], "high": [""], "weight": [""]},
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise single(shown, "", f"cannot be read as CSV ({error})", CalibrationInputError) from None
    if list(table.columns) != TARGET_COLUMNS:
        raise single(
            shown,
            "",
            f"columns must be exactly {','.join(TARGET_COLUMNS)} (found "
            f"{','.join(map(str, table.columns))})",
            CalibrationInputError,
        )
    if table.empty:
        raise single(shown, "", "has no targets", CalibrationInputError)
    problems = []
    first, last = scenario.time.start, scenario.time.end - 1
    for row_number, row in enumerate(table.itertuples(index=False), start=2):
        where = f"line {row_number}"
        problems += _check_target(row, where, shown, scenario, first, last)
    if problems:
        raise CalibrationInputError(problems)
    table["weight"] = table["weight"].fillna(1.0).astype(float)
    for column in ("observed", "low", "high"):
        table[column] = table[column].astype(float)
    table["year"] = table["year"].astype(int)
    table.insert(0, "target", [_target_id(i, r) for i, r in enumerate(table.itertuples())])
    return table


def _target_id(index: int, row: Any) -> str:
    parts = [f"t{index:02d}", str(row.metric), str(row.group), str(row.category), str(row.year)]
    return "_".join(part for part in parts if part)


def _check_target(
    row: Any, where: str, file: str, scenario: Scenario, first: int, last: int
) -> list[Problem]:
    problems = []
    year = _number(row.year)
    if year is None or not year.is_integer():
        return [Problem(file, f"{where}: year", f"{row.year!r} is not a year (a whole number)")]
    year = int(year)
    if not first <= year <= last:
        problems.append(
            Problem(
                file,
                f"{where}: year",
                f"{year} lies outside the reported years {first}..{last} of {scenario.name}",
            )
        )
    if row.metric not in KNOWN_METRICS:
        guess = difflib.get_close_matches(str(row.metric), KNOWN_METRICS, n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        problems.append(
            Problem(
                file,
                f"{where}: metric",
                f"unknown metric {row.metric!r}{hint} Allowed: {', '.join(KNOWN_METRICS)}",
            )
        )
    if row.group and row.group not in scenario.groups:
        problems.append(
            Problem(
                file,
                f"{where}: group",
                f"unknown group {row.group!r}; "
                f"allowed: {', '.join(scenario.groups)} or empty (all)",
            )
        )
    if row.category and row.category not in scenario.stock:
        problems.append(
            Problem(
                file,
                f"{where}: category",
                f"unknown category "
                f"{row.category!r}; allowed: {', '.join(scenario.stock)} or "
                "empty (all)",
            )
        )
    numbers: dict[str, float | None] = {}
    for column in ("observed", "low", "high", "weight"):
        value = getattr(row, column)
        numbers[column] = None if _missing(value) else _number(value)
        if not _missing(value) and numbers[column] is None:
            problems.append(
                Problem(file, f"{where}: {column}", f"{value!r} is not a finite number")
            )
            return problems
    observed, low, high, weight = numbers.values()
    if observed is None and (low is None or high is None):
        problems.append(Problem(file, f"{where}: observed", "give observed, or both low and high"))
    if low is not None and high is not None and low > high:
        problems.append(Problem(file, f"{where}: low", f"low {low:g} is above high {high:g}"))
    if (low is None) != (high is None):
        problems.append(Problem(file, f"{where}: low", "give both low and high, or neither"))
    if weight is not None and not 0 <= weight <= MAX_TARGET_WEIGHT:
        problems.append(
            Problem(file, f"{where}: weight", f"must be >= 0 and <= {MAX_TARGET_WEIGHT:,g}")
        )
    return problems


def _missing(value: Any) -> bool:
    """An empty cell (read as NaN or ``""``); a written ``nan`` is not missing."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _number(value: Any) -> float | None:
    """A cell as a finite number, else ``None`` (``nan``, ``inf``, text)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None
