"""The likelihood of a Bayesian fit: how probable the reported figures are given what the
model simulates, with chance and a model-discrepancy term per target.

The model for the data (Wilkinson 2013, "ABC gives exact results under the assumption of
model error"): a reported figure is what the model produces (one run of chance) plus a
discrepancy ``e ~ N(0, delta²)``, the part of the report the model cannot reach (its
simplifications, the report's rounding). From ``R`` replications of a particle
(values ``s_1..s_R``, mean ``m``, variance ``v``) each target contributes

* a figure ``o`` (point target): the normal density of ``o`` with mean ``m`` and
  variance ``tau² = (delta² + v (1 + 1/R)) / weight`` (chance of the report's own run,
  the error of ``m`` as an estimate of the model's mean, the discrepancy), a synthetic
  likelihood (Wood 2010);
* a range ``[low, high]`` (the report gives only that): the probability that ``m`` plus
  that noise falls in the range;
* a count with discrepancy 0 (an exact figure the model must produce): the share of the
  replications that produce it exactly, an unbiased estimate of its probability, which
  makes the fit exact rejection ABC for that target.

``delta`` is ``abc.discrepancy.targets[<target id>]`` if given, else ``share`` times the
observed value (or the range's middle), at least ``minimum`` for counts. A weight of 0
leaves a target out; weights scale its variance as the optimiser's weights scale its loss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import log_ndtr

from sim.calibration.spec import Discrepancy
from sim.calibration.targets import NON_COUNT_METRICS

POINT, RANGE, EXACT = "point", "range", "exact"
VARIANCE_FLOOR = 1e-12


@dataclass(frozen=True)
class TargetTerm:
    """One target's part of the likelihood."""

    target: str
    kind: str  # POINT, RANGE or EXACT
    observed: float
    low: float
    high: float
    weight: float
    delta: float  # the discrepancy's standard deviation


def discrepancy_of(row: Any, settings: Discrepancy) -> float:
    """The discrepancy's standard deviation for one target row (see the module docstring)."""
    target = str(row.target)
    if target in settings.targets:
        return float(settings.targets[target])
    observed = float(row.observed)
    reference = (float(row.low) + float(row.high)) / 2 if math.isnan(observed) else observed
    delta = settings.share * abs(reference)
    if row.metric not in NON_COUNT_METRICS:
        delta = max(delta, settings.minimum)
    return delta


def terms_of(targets: pd.DataFrame, settings: Discrepancy) -> list[TargetTerm]:
    """The likelihood's terms, one per target with a weight above 0 (in table order)."""
    terms = []
    for row in targets.itertuples(index=False):
        delta = discrepancy_of(row, settings)
        has_range = not math.isnan(row.low) and not math.isnan(row.high)
        if has_range and math.isnan(row.observed):
            kind = RANGE
        elif delta == 0 and row.metric not in NON_COUNT_METRICS and not has_range:
            kind = EXACT
        else:
            kind = RANGE if has_range else POINT
        terms.append(
            TargetTerm(
                str(row.target),
                kind,
                float(row.observed),
                float(row.low),
                float(row.high),
                float(row.weight),
                delta,
            )
        )
    return terms


class Likelihood:
    """The log-likelihood of the targets given a particle's replications."""

    def __init__(self, terms: list[TargetTerm]) -> None:
        self.terms = terms

    def log(self, values: np.ndarray) -> float:
        """``values``: shape (targets, replications), rows in the order of the terms."""
        total = 0.0
        replications = values.shape[1]
        for term, row in zip(self.terms, values, strict=True):
            if term.weight == 0:
                continue
            if not np.isfinite(row).all():  # no value (NaN) or a ratio over 0 (inf)
                return -math.inf  # impossible (an inf would make the variance and the sum NaN)
            if term.kind == EXACT:
                hits = float(np.count_nonzero(np.abs(row - term.observed) < 0.5))
                if hits == 0:
                    return -math.inf
                total += term.weight * math.log(hits / replications)
                continue
            chance = float(row.var(ddof=1)) if replications > 1 else 0.0
            total += term_log(term, float(row.mean()), chance * (1 + 1 / replications))
        return total

    def noise(self, random: np.random.Generator, draws: int) -> np.ndarray:
        """Discrepancy noise for posterior predictive draws: shape (targets, draws)."""
        deltas = np.array([t.delta for t in self.terms])
        return random.normal(size=(len(self.terms), draws)) * deltas[:, None]


def term_log(term: TargetTerm, mean: float, chance: float) -> float:
    """A point or range target's log-likelihood given the model's ``mean`` and the
    variance ``chance`` that chance adds (with the error of ``mean`` as an estimate, when
    it is one), the discrepancy and the weight added here (the module docstring)."""
    variance = (term.delta**2 + chance) / term.weight
    sd = math.sqrt(max(variance, VARIANCE_FLOOR))
    if term.kind == POINT:
        return _log_normal(term.observed, mean, sd)
    return _log_interval(term.low, term.high, mean, sd)


LOG_SQRT_2PI = float(np.log(np.sqrt(2 * np.pi)))


def _log_normal(x: float, mean: float, sd: float) -> float:
    """The normal log-density, the very floating-point steps of scipy's ``norm.logpdf``
    (``-z²/2 - log √(2π) - log sd``, the logarithm numpy's) without its per-call checks,
    which cost more than a small model's replication."""
    z = (x - mean) / sd
    return float(-(z * z) / 2.0 - LOG_SQRT_2PI - np.log(sd))


def _log_interval(low: float, high: float, mean: float, sd: float) -> float:
    """log P(low <= X <= high) for X ~ N(mean, sd²), accurate far in the tails."""
    upper, lower = (high - mean) / sd, (low - mean) / sd
    if lower > 0:  # both above the mean: use the upper tail
        upper, lower = -lower, -upper
    log_upper, log_lower = float(log_ndtr(upper)), float(log_ndtr(lower))
    if log_lower == -math.inf:
        return log_upper
    difference = 1 - math.exp(log_lower - log_upper)
    return log_upper + math.log(difference) if difference > 0 else -math.inf
