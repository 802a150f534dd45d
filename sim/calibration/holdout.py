"""The hold-out check of a calibration: the fit's forecast of each held-out waiting list
against a naive forecast, the mean of the same list's two previous reported years.

A fit that forecasts the held-out lists worse than that mean has learnt nothing the last
two counts did not already say. The check sums the absolute errors over the held-out
``waiting`` rows that name a group and have both previous years among the targets (for
Asker with 2010 held out: the six lists of Table 7, forecast from 2008 and 2009).
"""

from __future__ import annotations

import math

import pandas as pd

COLUMNS = ["year", "group", "observed", "fit", "naive", "fit_error", "naive_error"]


def holdout_check(targets: pd.DataFrame, fit: pd.DataFrame, holdout: set[int]) -> pd.DataFrame:
    """Per held-out waiting list: observed, the fit's mean, the naive forecast (mean of the
    two previous years' observations) and both absolute errors; then one row per year,
    group ``sum``, with the summed errors (``holdout_check.csv``).

    >>> targets = pd.DataFrame({"year": [2008, 2009, 2010], "metric": ["waiting"] * 3,
    ...     "group": ["g"] * 3, "category": [""] * 3, "observed": [30.0, 34.0, 27.0]})
    >>> fit = targets.assign(target=["a", "b", "c"], simulated_mean=[31.0, 33.0, 29.0])
    >>> total = holdout_check(targets, fit, {2010}).iloc[-1]
    >>> float(total.fit_error), float(total.naive_error)
    (2.0, 5.0)
    """
    observed = {
        (int(row.year), row.group): float(row.observed)
        for row in targets.itertuples(index=False)
        if row.metric == "waiting" and row.group and not row.category
    }
    rows = []
    for year in sorted(holdout):
        block = fit[
            (fit.year == year)
            & (fit.metric == "waiting")
            & (fit.group != "")
            & (fit.category == "")
        ]
        block = block[~block.target.str.startswith("sum_")]
        year_rows = []
        for row in block.itertuples(index=False):
            before = [observed.get((year - lag, row.group)) for lag in (1, 2)]
            if any(value is None or math.isnan(value) for value in before):
                continue
            naive = sum(before) / 2  # type: ignore[arg-type]
            year_rows.append(
                {
                    "year": year,
                    "group": row.group,
                    "observed": row.observed,
                    "fit": row.simulated_mean,
                    "naive": naive,
                    "fit_error": abs(row.simulated_mean - row.observed),
                    "naive_error": abs(naive - row.observed),
                }
            )
        if year_rows:
            rows += year_rows
            rows.append(
                {
                    "year": year,
                    "group": "sum",
                    "observed": sum(r["observed"] for r in year_rows),
                    "fit": sum(r["fit"] for r in year_rows),
                    "naive": sum(r["naive"] for r in year_rows),
                    "fit_error": sum(r["fit_error"] for r in year_rows),
                    "naive_error": sum(r["naive_error"] for r in year_rows),
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def check_lines(check: pd.DataFrame) -> list[str]:
    """The check as ``sim calibrate`` prints it: one line per held-out year."""
    lines = []
    for row in check[check.group == "sum"].itertuples(index=False):
        lists = int((check[(check.year == row.year) & (check.group != "sum")]).shape[0])
        better = "better" if row.fit_error < row.naive_error else "not better"
        lines.append(
            f"  hold-out check {row.year}: summed absolute error over the {lists} waiting "
            f"lists {row.fit_error:.1f} (fit) against {row.naive_error:.1f} (naive: mean of "
            f"{row.year - 2} and {row.year - 1}); the fit is {better}"
        )
    return lines
