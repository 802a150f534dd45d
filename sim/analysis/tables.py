"""Summaries over replications: means with 95 % t-intervals and percentiles."""

from __future__ import annotations

import numpy as np
import pandas as pd

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
