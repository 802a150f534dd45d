"""Summaries over replications: means with 95 % t-intervals and percentiles."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.analysis.labels import label, percent
from sim.analysis.statistics import (
    block_half_widths,
    floor_at_zero,
    parameter_shares,
    t_half_width,
)
from sim.config.schema import Scenario

KEYS = ["year", "group", "category", "metric"]
SUMMARY_COLUMNS = [*KEYS, "mean", "sd", "ci_low", "ci_high", "p10", "p50", "p90", "n"]
SHARE = "parameter_share"
"""The column a summary over a posterior adds: the share of the variance over
replications that comes from the parameters (:func:`sim.analysis.statistics.parameter_shares`)."""

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
    "cost_total",
    "cost_net",
    "forced_moves",
    "followup_waiting",
    "tenants",
    "units",
]
"""The totals a run's summary leads with (``sim run``'s table, a report's overview); of
the money, the total cost and the net cost (less rent), where prices are given (every
cost and the rent are in ``summary.csv``)."""


def per_draw(scenario: Scenario) -> int | None:
    """Replications that share a draw of the parameters (``None``: no posterior)."""
    return scenario.replications_per_draw if scenario.posterior is not None else None


def summary_columns(draws: int | None) -> list[str]:
    """The columns of a summary: with ``parameter_share`` over a posterior."""
    return SUMMARY_COLUMNS if draws is None else [*SUMMARY_COLUMNS, SHARE]


def summarise(
    yearly: pd.DataFrame, confidence: float = 0.95, draws: int | None = None
) -> pd.DataFrame:
    """One row per year, group, category and metric over replications.

    ``ci_low``/``ci_high`` are the t-interval of the mean at ``confidence`` (its lower end
    at least 0 for a metric that cannot be negative,
    :func:`sim.analysis.statistics.floor_at_zero`); ``p10``..``p90``
    are percentiles of the replication values; ``n`` counts the replications with a value
    (a wait statistic has none in a year in which nobody was housed). Over a posterior
    whose draws ``draws`` replications share, ``parameter_share`` is the share of the
    variance from the parameters.
    """
    table = summarise_by(yearly, KEYS, confidence, draws).reset_index()
    return table[summary_columns(draws)]


def summarise_by(
    yearly: pd.DataFrame, keys: list[str], confidence: float = 0.95, draws: int | None = None
) -> pd.DataFrame:
    """The statistics of :func:`summarise` of the ``value`` column grouped by ``keys``
    (sorted), indexed by them: what :func:`summarise` and a streamed run's summary
    (grouped by one number per key) share. With ``draws``, ``yearly`` has a
    ``replication`` column and the table gets ``parameter_share``."""
    data = yearly.dropna(subset=["value"])
    grouped = data.groupby(keys, sort=True)["value"]
    table = grouped.agg(["mean", "std", "count"]).rename(columns={"std": "sd", "count": "n"})
    quantiles = grouped.quantile(np.array([0.1, 0.5, 0.9])).unstack()
    quantiles.columns = ["p10", "p50", "p90"]
    table = table.join(quantiles)
    n = table["n"].to_numpy(dtype=float)
    sd = table["sd"].fillna(0.0).to_numpy(dtype=float)
    half = t_half_width(sd, n, confidence)
    if draws is not None:  # over a posterior: the interval of the block means
        half = block_half_widths(data, keys, draws, confidence).reindex(table.index).to_numpy()
    table["ci_low"] = table["mean"] - half
    if "metric" in keys:
        metrics = table.index.get_level_values("metric")
        table["ci_low"] = floor_at_zero(table["ci_low"].to_numpy(dtype=float), metrics)
    table["ci_high"] = table["mean"] + half
    table["n"] = table["n"].astype(int)
    if draws is not None:
        table[SHARE] = parameter_shares(data, keys, draws)
    return table


def _cell(row: pd.Series | None) -> str:
    if row is None or pd.isna(row["mean"]):
        return "–"
    mean, low, high = row["mean"], row["ci_low"], row["ci_high"]
    digits = 2 if abs(mean) < 10 else 0
    if pd.isna(low) or math.isclose(low, high):
        return f"{mean:,.{digits}f}"
    return f"{mean:,.{digits}f} [{low:,.{digits}f}, {high:,.{digits}f}]"


def share_cell(share: float, language: str = "en") -> str:
    """A parameter share as a table shows it (``–`` where there is no spread): ``12 %``
    in English tables, Norwegian as :func:`sim.analysis.labels.percent` writes it.

    >>> share_cell(0.125), share_cell(0.5, "nb") == "50\\u00a0%", share_cell(float("nan"))
    ('12 %', True, '–')
    """
    if pd.isna(share):
        return "–"
    return percent(share, language, 0) if language == "nb" else f"{100 * share:.0f} %"


def summary_text(summary: pd.DataFrame, first: int, last: int, replications: int) -> str:
    """A short plain-text table: key totals in the first and last reported year (what
    ``sim run`` prints); over a posterior also the share of the last year's variance
    that comes from the parameters."""
    totals = summary[(summary.group == "") & (summary.category == "")]
    lookup = {(r.metric, r.year): r for _, r in totals.iterrows()}
    years = [first] if first == last else [first, last]
    split = SHARE in summary.columns
    header = ["metric", *[str(y) for y in years]]
    if split:
        header.append(f"from parameters {last}")
    lines = [
        [
            label(m, with_unit=True),
            *[_cell(lookup.get((m, y))) for y in years],
            *([share_cell(_share(lookup.get((m, last))))] if split else []),
        ]
        for m in KEY_METRICS
        if any((m, y) in lookup for y in years)  # a cost only where its price is given
    ]
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
    out = [f"\nSummary (mean [95 % CI] over {replications} replications)"]
    if split:
        out[0] = (
            f"\nSummary (mean [95 % CI] over {replications} replications, over chance and "
            "the posterior of the parameters; from parameters: the share of the variance "
            "that the parameters' uncertainty makes)"
        )
    out.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    out.append("  ".join("-" * w for w in widths))
    out.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in lines)
    return "\n".join(out)


def _share(row: pd.Series | None) -> float:
    return float(row[SHARE]) if row is not None else float("nan")
