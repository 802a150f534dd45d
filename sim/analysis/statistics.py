"""Intervals over replications: the one place where they are computed.

Every table of the analysis layer reports a mean over independent replications with its
t-interval (``summary.csv``, ``sweep.csv``, ``tradeoff.csv``, ``size.csv``), paired and
Welch intervals of differences (``comparison.csv``) or a Wilson interval of a share of
replications (``size.csv``); they all come from here. So does the split of a variance
over a posterior into chance and the parameters (:func:`parameter_shares`,
``parameter_share`` in those tables when a scenario runs over a posterior).

An interval of a quantity that cannot be negative (a count, nights, a wait, a share: every
metric of the catalogue whose unit is one of :data:`NON_NEGATIVE_UNITS`) is the
t-interval with its lower end raised to 0 where it falls below (:func:`floor_at_zero`):
the t-interval is symmetric, and with few replications of a metric that is mostly 0 its
lower end goes below zero, where no replication can be. The upper end and the mean are
the t-interval's. Differences (between scenarios, or from a base) can be negative and
are never clipped.

>>> mean_interval([1.0, 2.0, 3.0])          # mean 2, half-width t(0.975; 2) · 1 / √3
(2.0, -0.484137711750..., 4.484137711750...)
>>> wilson_interval(8, 10)
(0.4901624..., 0.9433178...)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeAlias, TypeVar

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.labels import TRADEOFF_MEASURES, TRADEOFF_METRICS
from sim.model.catalogue import CATALOGUE

Z_95 = 1.959964
"""The standard normal quantile of 0.975 (to seven digits), used by the Wilson interval."""

ArrayOrFloat = TypeVar("ArrayOrFloat", np.ndarray, float)

NON_NEGATIVE_UNITS = frozenset(
    {
        "households",
        "households/year",
        "persons",
        "persons/year",
        "offers/year",
        "stays/year",
        "contracts/year",
        "dwellings",
        "dwellings/year",
        "nights/year",
        "days/year",
        "years",
        "per 100 tenant-years",
        "per 100 units/year",
        "share",
        "NOK/year",
    }
)
"""The catalogue's units of quantities that cannot be negative (counts, nights, waits,
shares, costs): an interval of such a metric does not reach below 0."""

SIGNED_UNITS = frozenset({"NOK/year, net"})
"""The catalogue's units of quantities that can be negative (the net cost: below 0 where
rent income is more than the costs): their intervals are left as they are."""


def cannot_be_negative(metric: str) -> bool:
    """Whether ``metric`` cannot be negative: a name of the metric catalogue by its unit,
    or one of the trade-off's measures (rates per 100 units or tenant-years, counts a
    year and shares, :data:`sim.analysis.labels.TRADEOFF_MEASURES`); ``False`` for any
    other name (a difference).

    >>> cannot_be_negative("waiting"), cannot_be_negative("vacant_share_year_end")
    (True, True)
    >>> cannot_be_negative("difference")
    False
    """
    metric = TRADEOFF_METRICS.get(metric, metric)
    entry = CATALOGUE.get(metric)
    if entry is None:
        return metric in TRADEOFF_MEASURES
    return entry.unit in NON_NEGATIVE_UNITS


def floor_at_zero(low: ArrayOrFloat, metrics: Sequence[str] | np.ndarray | str) -> ArrayOrFloat:
    """The lower ends ``low`` of intervals, raised to 0 where they are below 0 and their
    metric (one name, or one per element) :func:`cannot_be_negative`; NaN stays NaN.

    >>> floor_at_zero(-0.77, "waiting"), floor_at_zero(-0.77, "difference")
    (0.0, -0.77)
    >>> floor_at_zero(np.array([-1.0, -1.0, 2.0]), ["waiting", "x", "waiting"]).tolist()
    [0.0, -1.0, 2.0]
    """
    if isinstance(metrics, str):
        if not cannot_be_negative(metrics):
            return low
        clipped = np.maximum(np.asarray(low, dtype=float), 0.0)  # NaN stays NaN
        return clipped if clipped.ndim else float(clipped)  # type: ignore[return-value]
    names = pd.Series(np.asarray(metrics, dtype=object))
    floors = {name: cannot_be_negative(str(name)) for name in names.unique()}
    mask = names.map(floors).to_numpy(dtype=bool)
    array = np.asarray(low, dtype=float)
    return np.where(mask & (array < 0), 0.0, array)  # type: ignore[return-value]


def t_half_width(sd: ArrayOrFloat, n: ArrayOrFloat, confidence: float = 0.95) -> ArrayOrFloat:
    """Half-width of the t-interval of a mean: ``t(0.5 + confidence/2; n − 1) · sd / √n``.

    ``sd`` is the sample standard deviation (``ddof=1``) of ``n`` values; both may be
    arrays of the same shape (one interval per element). Where ``n < 2`` the half-width
    is NaN: one value says nothing about its spread.
    """
    n_array = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.5 + confidence / 2, np.maximum(n_array - 1, 1)) * sd / np.sqrt(n)
    result = np.where(n_array > 1, half, np.nan)
    return result if result.ndim else float(result)  # type: ignore[return-value]


Numbers: TypeAlias = Sequence[int] | np.ndarray | None
"""The replication numbers of a sequence of values (``None``: 0, 1, 2, ...)."""


def mean_interval(
    values: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
    per_draw: int | None = None,
    replications: Numbers = None,
    metric: str = "",
) -> tuple[float, float, float]:
    """Mean of ``values`` with the ends of its t-interval: ``(mean, low, high)``.

    Missing values (NaN) are left out. With no value every part is NaN; with one value
    the ends are NaN. Over a posterior, replications in a block of ``per_draw`` share
    their parameters and are not independent: the interval is then the t-interval of
    the block means (:func:`block_means`), centred on the mean of ``values``. Where the
    values are of a catalogue ``metric`` that cannot be negative, the lower end is at
    least 0 (:func:`floor_at_zero`).

    >>> mean_interval([0.0, 0.0, 3.0], metric="waiting")
    (1.0, 0.0, 5.30265...)

    >>> mean_interval([1.0, 1.0, 5.0, 5.0, 3.0, 3.0], per_draw=2) == mean_interval([1, 5, 3])
    True
    """
    array = np.asarray(values, dtype=float)
    spread = array if per_draw is None else block_means(array, per_draw, replications)
    array = array[~np.isnan(array)]
    spread = spread[~np.isnan(spread)]
    if array.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(array.mean())
    if spread.size < 2:
        return mean, math.nan, math.nan
    half = t_half_width(float(spread.std(ddof=1)), float(spread.size), confidence)
    return mean, floor_at_zero(mean - half, metric), mean + half


def block_means(
    values: Sequence[float] | np.ndarray, per_draw: int, replications: Numbers = None
) -> np.ndarray:
    """The mean of each block of ``per_draw`` replications (replication ``r`` is in block
    ``r // per_draw``) that has a value, in block order; missing values are left out.

    >>> block_means([1.0, 3.0, 5.0, float("nan"), float("nan"), float("nan")], 2).tolist()
    [2.0, 5.0]
    """
    array = np.asarray(values, dtype=float)
    numbers = np.arange(len(array)) if replications is None else np.asarray(replications)
    kept = ~np.isnan(array)
    _, inverse = np.unique(numbers[kept] // per_draw, return_inverse=True)
    sums = np.bincount(inverse, weights=array[kept])
    counts = np.bincount(inverse)
    return np.asarray(sums / np.maximum(counts, 1), dtype=float)


def block_half_widths(
    frame: pd.DataFrame, keys: list[str], per_draw: int, confidence: float = 0.95
) -> pd.Series:
    """The half-widths :func:`mean_interval` gives over a posterior, for each group of
    ``keys`` of ``frame`` (its ``replication`` and ``value`` columns): the t-interval
    of the block means."""
    data = frame.dropna(subset=["value"])
    block = data["replication"].to_numpy() // per_draw
    means = data.assign(_block=block).groupby([*keys, "_block"], sort=True)["value"].mean()
    levels = list(range(len(keys)))
    spread = means.groupby(level=levels).agg(["std", "count"])
    if len(keys) == 1:
        spread.index.name = keys[0]
    half = t_half_width(
        spread["std"].fillna(0.0).to_numpy(dtype=float),
        spread["count"].to_numpy(dtype=float),
        confidence,
    )
    return pd.Series(half, index=spread.index)


def paired_interval(
    base: Sequence[float] | np.ndarray,
    alternative: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
    per_draw: int | None = None,
    replications: Numbers = None,
) -> tuple[float, float, float]:
    """Mean difference ``alternative − base`` of paired values, with its t-interval.

    Element ``i`` of both samples belongs together (the same replication, hence the same
    random numbers), so the interval is the t-interval of the differences:
    ``(mean difference, low, high)``. Pairs with a missing value are left out. Over a
    posterior (``per_draw``), the interval of the differences' block means.
    """
    differences = np.asarray(alternative, dtype=float) - np.asarray(base, dtype=float)
    return mean_interval(differences, confidence, per_draw, replications)


def welch_interval(
    base: Sequence[float] | np.ndarray,
    alternative: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
    per_draw: int | None = None,
    replications: Numbers = None,
) -> tuple[float, float]:
    """Welch's t-interval ``(low, high)`` of ``mean(alternative) − mean(base)``.

    For two independent samples with possibly different variances; the degrees of
    freedom follow Welch–Satterthwaite. NaN when either sample has fewer than two
    values; a point when both have no spread. Over a posterior (``per_draw``), of the
    samples' block means.
    """
    a = np.asarray(base, dtype=float)
    b = np.asarray(alternative, dtype=float)
    if per_draw is not None:
        a, b = (block_means(x, per_draw, replications) for x in (a, b))
    n1, n2 = len(a), len(b)
    if n1 < 2 or n2 < 2:
        return math.nan, math.nan
    v1, v2 = a.var(ddof=1) / n1, b.var(ddof=1) / n2
    se = math.sqrt(v1 + v2)
    mean = float(b.mean() - a.mean())
    if se == 0:
        return mean, mean
    dof = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    half = stats.t.ppf(0.5 + confidence / 2, dof) * se
    return float(mean - half), float(mean + half)


def wilson_interval(
    successes: float, n: float, z: float = Z_95, design_effect: float = 1.0
) -> tuple[float, float]:
    """Wilson score interval ``(low, high)`` of a proportion ``successes / n``.

    ``z`` is the normal quantile of the two-sided level (default 95 %). Unlike the
    normal approximation it stays inside [0, 1] and is not empty at 0 or ``n``
    successes; it always contains ``successes / n`` (also where rounding would put an
    end a hair past it, as at ``n`` of ``n``). With ``n = 0`` it is the whole range.
    Replications that are not independent (blocks sharing a draw of a posterior) count
    as ``n / design_effect`` (:func:`design_effect`).
    """
    successes, n = successes / design_effect, n / design_effect
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, min(centre - half, p)), min(1.0, max(centre + half, p))


def weighted_quantiles(
    values: np.ndarray, weights: np.ndarray, levels: tuple[float, ...]
) -> list[float]:
    """Quantiles of weighted draws (a posterior's particles): the inverse of the weighted
    empirical distribution function, each weight's mass centred on its value."""
    order = np.argsort(values)
    sorted_values = np.asarray(values, dtype=float)[order]
    mass = np.asarray(weights, dtype=float)[order]
    cumulative = (np.cumsum(mass) - 0.5 * mass) / mass.sum()
    return [float(np.interp(level, cumulative, sorted_values)) for level in levels]


def weighted_moments(values: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """Mean and variance of weighted draws (weights need not sum to 1)."""
    w = np.asarray(weights, dtype=float) / np.sum(weights)
    mean = float(np.sum(w * values))
    return mean, float(np.sum(w * (np.asarray(values, dtype=float) - mean) ** 2))


def design_effect(
    values: Sequence[float] | np.ndarray, per_draw: int | None, replications: Numbers = None
) -> float:
    """How many times the variance of a mean of ``values`` exceeds that of as many
    independent values, where blocks of ``per_draw`` replications share a draw of the
    parameters: ``1 + (per_draw − 1) ρ``, with ρ the :func:`parameter_share` (the share
    of the variance common to a block). 1 without a posterior or without spread.

    >>> design_effect([0.0, 0.0, 1.0, 1.0], 2), design_effect([0.0, 1.0, 0.0, 1.0], 2)
    (2.0, 1.0)
    """
    if per_draw is None:
        return 1.0
    share = parameter_share(values, per_draw, replications)
    return 1.0 + (per_draw - 1) * (0.0 if math.isnan(share) else share)


def parameter_share(
    values: Sequence[float] | np.ndarray,
    per_draw: int,
    replications: Sequence[int] | np.ndarray | None = None,
) -> float:
    """The share of the variance of ``values`` that comes from the parameters, by the law
    of total variance, where replications come in blocks of ``per_draw`` that share one
    draw of the parameters (value ``i`` is replication ``i``'s).

    ``Var(Y) = E[Var(Y | θ)] + Var(E[Y | θ])``: the mean of the variances within the
    blocks estimates the first part (chance), the rest of the total variance is the
    parameters'. The share is ``max(0, total − within) / total``; NaN without spread, or
    without a block of two values. Missing values are left out. ``replications`` numbers
    the values (default 0, 1, ...): replication ``r`` is in block ``r // per_draw``.

    >>> parameter_share([1.0, 1.0, 5.0, 5.0], 2), parameter_share([1.0, 5.0, 1.0, 5.0], 2)
    (1.0, 0.0)
    """
    array = np.asarray(values, dtype=float)
    numbers = np.arange(len(array)) if replications is None else np.asarray(replications)
    frame = pd.DataFrame({"key": 0, "replication": numbers, "value": array})
    shares = parameter_shares(frame, ["key"], per_draw)
    return float(shares.iloc[0]) if len(shares) else math.nan


def parameter_shares(frame: pd.DataFrame, keys: list[str], per_draw: int) -> pd.Series:
    """:func:`parameter_share` of the ``value`` column of ``frame`` for each group of
    ``keys`` (sorted, as the index), with blocks of ``per_draw`` by its ``replication``
    column. The one place the split of the variance is computed."""
    data = frame.dropna(subset=["value"])
    block = data["replication"].to_numpy() // per_draw
    total = data.groupby(keys, sort=True)["value"].var(ddof=1)
    within = (
        data.assign(_block=block)
        .groupby([*keys, "_block"], sort=True)["value"]
        .var(ddof=1)
        .groupby(level=list(range(len(keys))))
        .mean()  # blocks of one value (NaN) are left out
    )
    if len(keys) == 1:
        within.index.name = keys[0]
    within = within.reindex(total.index)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (total - within).clip(lower=0.0) / total
    return share.where(total > 0).rename("parameter_share")
