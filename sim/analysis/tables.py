"""Summaries over replications: means with 95 % t-intervals and percentiles."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.analysis.labels import label
from sim.analysis.statistics import t_half_width

KEYS = ["year", "group", "category", "metric"]
SUMMARY_COLUMNS = [*KEYS, "mean", "sd", "ci_low", "ci_high", "p10", "p50", "p90", "n"]

KEY_METRICS = [
    "waiting",
    "allocations",
    "wait_years_mean",
    "homeless_waiting",
    "in_emergency",
    "in_hospits",
    "own_solution",
    "homeless_outside",
    "homeless_persons",
    "hospits_nights",
    "cost_hospits",
    "forced_moves",
    "followup_waiting",
    "tenants",
    "units",
]
"""The totals a run's summary leads with (``sim run``'s table, a report's overview)."""


def summarise(yearly: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """One row per year, group, category and metric over replications.

    ``ci_low``/``ci_high`` are the t-interval of the mean at ``confidence``; ``p10``..``p90``
    are percentiles of the replication values; ``n`` counts the replications with a value
    (a wait statistic has none in a year in which nobody was housed).
    """
    return summarise_by(yearly, KEYS, confidence).reset_index()[SUMMARY_COLUMNS]


def summarise_by(yearly: pd.DataFrame, keys: list[str], confidence: float = 0.95) -> pd.DataFrame:
    """The statistics of :func:`summarise` of the ``value`` column grouped by ``keys``
    (sorted), indexed by them: what :func:`summarise` and a streamed run's summary
    (grouped by one number per key) share."""
    data = yearly.dropna(subset=["value"])
    grouped = data.groupby(keys, sort=True)["value"]
    table = grouped.agg(["mean", "std", "count"]).rename(columns={"std": "sd", "count": "n"})
    quantiles = grouped.quantile(np.array([0.1, 0.5, 0.9])).unstack()
    quantiles.columns = ["p10", "p50", "p90"]
    table = table.join(quantiles)
    n = table["n"].to_numpy(dtype=float)
    sd = table["sd"].fillna(0.0).to_numpy(dtype=float)
    half = t_half_width(sd, n, confidence)
    table["ci_low"] = table["mean"] - half
    table["ci_high"] = table["mean"] + half
    table["n"] = table["n"].astype(int)
    return table


def _cell(row: pd.Series | None) -> str:
    if row is None or pd.isna(row["mean"]):
        return "–"
    mean, low, high = row["mean"], row["ci_low"], row["ci_high"]
    digits = 2 if abs(mean) < 10 else 0
    if pd.isna(low) or math.isclose(low, high):
        return f"{mean:,.{digits}f}"
    return f"{mean:,.{digits}f} [{low:,.{digits}f}, {high:,.{digits}f}]"


def summary_text(summary: pd.DataFrame, first: int, last: int, replications: int) -> str:
    """A short plain-text table: key totals in the first and last reported year (what
    ``sim run`` prints)."""
    totals = summary[(summary.group == "") & (summary.category == "")]
    lookup = {(r.metric, r.year): r for _, r in totals.iterrows()}
    years = [first] if first == last else [first, last]
    header = ["metric", *[str(y) for y in years]]
    lines = [
        [label(m, with_unit=True), *[_cell(lookup.get((m, y))) for y in years]]
        for m in KEY_METRICS
        if any((m, y) in lookup for y in years)  # a cost only where its price is given
    ]
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
    out = [f"\nSummary (mean [95 % CI] over {replications} replications)"]
    out.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    out.append("  ".join("-" * w for w in widths))
    out.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in lines)
    return "\n".join(out)
