"""Intervals over replications: the one place where they are computed.

Every table of the analysis layer reports a mean over independent replications with its
t-interval (``summary.csv``, ``sweep.csv``, ``tradeoff.csv``, ``size.csv``), paired and
Welch intervals of differences (``comparison.csv``) or a Wilson interval of a share of
replications (``size.csv``); they all come from here.

>>> mean_interval([1.0, 2.0, 3.0])          # mean 2, half-width t(0.975; 2) · 1 / √3
(2.0, -0.484137711750..., 4.484137711750...)
>>> wilson_interval(8, 10)
(0.4901624..., 0.9433178...)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
from scipy import stats

Z_95 = 1.959964
"""The standard normal quantile of 0.975 (to seven digits), used by the Wilson interval."""

ArrayOrFloat = TypeVar("ArrayOrFloat", np.ndarray, float)


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


def mean_interval(
    values: Sequence[float] | np.ndarray, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Mean of ``values`` with the ends of its t-interval: ``(mean, low, high)``.

    Missing values (NaN) are left out. With no value every part is NaN; with one value
    the ends are NaN.
    """
    array = np.asarray(values, dtype=float)
    array = array[~np.isnan(array)]
    if array.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(array.mean())
    if array.size < 2:
        return mean, math.nan, math.nan
    half = t_half_width(float(array.std(ddof=1)), float(array.size), confidence)
    return mean, mean - half, mean + half


def paired_interval(
    base: Sequence[float] | np.ndarray,
    alternative: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
) -> tuple[float, float, float]:
    """Mean difference ``alternative − base`` of paired values, with its t-interval.

    Element ``i`` of both samples belongs together (the same replication, hence the same
    random numbers), so the interval is the t-interval of the differences:
    ``(mean difference, low, high)``. Pairs with a missing value are left out.
    """
    differences = np.asarray(alternative, dtype=float) - np.asarray(base, dtype=float)
    return mean_interval(differences, confidence)


def welch_interval(
    base: Sequence[float] | np.ndarray,
    alternative: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
) -> tuple[float, float]:
    """Welch's t-interval ``(low, high)`` of ``mean(alternative) − mean(base)``.

    For two independent samples with possibly different variances; the degrees of
    freedom follow Welch–Satterthwaite. NaN when either sample has fewer than two
    values; a point when both have no spread.
    """
    a = np.asarray(base, dtype=float)
    b = np.asarray(alternative, dtype=float)
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


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval ``(low, high)`` of a proportion ``successes / n``.

    ``z`` is the normal quantile of the two-sided level (default 95 %). Unlike the
    normal approximation it stays inside [0, 1] and is not empty at 0 or ``n``
    successes; it always contains ``successes / n`` (also where rounding would put an
    end a hair past it, as at ``n`` of ``n``). With ``n = 0`` it is the whole range.
    """
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
