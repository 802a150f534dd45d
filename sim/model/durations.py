"""Durations with mean 1, drawn by inverse transform from one uniform.

A household's clock is a *budget* that runs down at rate 1/mean while its condition holds
(``sim/model/housing.py``); a duration with mean m is m·X for a standardised X with mean
1. One uniform u of the household's block gives X = Q(u), whatever the mean, so the same
household keeps the same rank in every scenario (common random numbers), and a mean or a
rate changed during a spell changes only how fast the budget runs down.

An initial tenant is already somewhere in its spell when the run starts. What is left of
it follows the *residual* (forward-recurrence, equilibrium) distribution, of density
1 - F(x) (X has mean 1), drawn as R(u). The exponential has no memory: R = Q. A fixed
duration leaves a uniform part of it: R(u) = u.

Q and R are exact where a closed form exists (exponential, fixed, lognormal Q, triangular
Q, empirical). The rest (gamma Q; lognormal, gamma and triangular R) are read from a
table made once with scipy when the distribution is made (``duration_tables.py``),
within the limits of a scenario (cv 0.01 to 10, a triangular's max - min at least 0.001
of its mean; a table that is not finite is refused): log x as a monotone cubic
(Hermite, with exact slopes) of the log-odds w = log(u/(1-u)) on a uniform grid, which
spans every 53-bit uniform in (0, 1) and keeps the tails in relative accuracy. The
largest relative errors, checked in ``tests/test_durations.py`` for cv from 0.01 to 10:
1e-9 for R of lognormal and gamma, 2e-8 for R of a triangular with its mode inside,
6e-8 for gamma Q (cv 10). A draw costs plain Python and two calls of ``math`` (about 3
to 5 times an exponential draw): no scipy, no numpy.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from functools import lru_cache
from statistics import NormalDist

from sim.config.durations import Distribution, DurationSpec
from sim.config.types import MAX_CV, MIN_CV, MIN_SPREAD
from sim.model.duration_tables import (
    W_END,
    gamma_parts,
    gamma_quantile_nodes,
    lognormal_parts,
    residual_nodes,
    triangular_parts,
)

_NORMAL = NormalDist()


class Standardised:
    """A distribution of a duration with mean 1, drawn from one uniform u in [0, 1).

    ``quantile(u)`` is the duration of a fresh spell, ``residual(u)`` what is left of a
    spell in progress at a random time. ``variance`` (of the standardised duration, so
    cv²) lets one generic test check every kind: the residual has mean (1 + cv²) / 2.

    >>> spell = triangular(1.0, 1.0, 4.0)  # years; mean 2, so 0.5 to 2 standardised
    >>> spell.quantile(0.0), spell.residual(0.25), spell.residual_mean
    (0.5, 0.25, 0.5625)
    """

    __slots__ = ("kind", "variance")

    def __init__(self, kind: str, variance: float) -> None:
        self.kind = kind
        self.variance = variance

    def quantile(self, u: float) -> float:
        raise NotImplementedError

    def residual(self, u: float) -> float:
        raise NotImplementedError

    @property
    def residual_mean(self) -> float:
        """Mean of the residual duration, E[X²] / 2."""
        return (1.0 + self.variance) / 2.0

    def __repr__(self) -> str:
        return f"<{self.kind} duration, mean 1, cv {math.sqrt(self.variance):.4g}>"


class Exponential(Standardised):
    """No memory: Q = R, exactly ``sim.model.streams.unit_exponential``."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__("exponential", 1.0)

    def quantile(self, u: float) -> float:
        return -math.log(1.0 - u)

    def residual(self, u: float) -> float:
        return -math.log(1.0 - u)


class Fixed(Standardised):
    """Every spell lasts its mean; a spell in progress has a uniform part left."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__("fixed", 0.0)

    def quantile(self, u: float) -> float:
        return 1.0

    def residual(self, u: float) -> float:
        return u


class Table:
    """x(u) = exp(y(w)) with w = log(u/(1-u)): y a monotone cubic on a uniform grid.

    ``start`` is the first node's w (a kink of the distribution may sit there); uniforms
    beyond the grid's ends read its end values, and u = 0 reads 0.
    """

    __slots__ = ("_cubics", "_end", "_first", "_last", "_scale", "_start")

    def __init__(self, start: float, y: Sequence[float], slope: Sequence[float]) -> None:
        import numpy as np

        nodes = np.maximum.accumulate(np.asarray(y, dtype=float))  # monotone despite noise
        width = (W_END - start) / (len(nodes) - 1)
        rise = np.diff(nodes)
        left = np.asarray(slope[:-1], dtype=float) * width
        right = np.asarray(slope[1:], dtype=float) * width
        # Fritsch–Carlson: slopes within a circle of radius 3 (in units of the secant)
        # keep each cubic monotone; a flat interval gets flat slopes
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(rise > 0.0, np.minimum(1.0, 3.0 * rise / np.hypot(left, right)), 0.0)
        left, right = left * factor, right * factor
        if not (np.isfinite(nodes).all() and np.isfinite(left).all() and np.isfinite(right).all()):
            raise ArithmeticError("a duration table is not finite (parameters out of range)")
        self._start = start
        self._scale = 1.0 / width
        self._last = len(rise) - 1
        # interval j: y = ((c3·f + c2)·f + c1)·f + c0 at f = t - j in [0, 1]
        self._cubics = list(
            zip(
                (left + right - 2.0 * rise).tolist(),
                (3.0 * rise - 2.0 * left - right).tolist(),
                left.tolist(),
                nodes[:-1].tolist(),
                strict=True,
            )
        )
        self._first = math.exp(nodes[0])
        self._end = math.exp(nodes[-1])

    def at(self, u: float) -> float:
        if u <= 0.0:
            return 0.0
        t = (math.log(u / (1.0 - u)) - self._start) * self._scale
        if t <= 0.0:
            return self._first
        j = int(t)
        if j > self._last:
            return self._end
        f = t - j
        c3, c2, c1, c0 = self._cubics[j]
        return math.exp(((c3 * f + c2) * f + c1) * f + c0)


class Triangular(Standardised):
    """Triangular on [low, high] with its peak at mode (standardised: mean 1).

    Q is exact. So is R below ``low``, where nothing has ended yet (R(u) = u); above, R is
    read from a table that starts at ``low`` so that the kink there falls on a node.
    """

    __slots__ = ("_left", "_residual", "_right", "_split", "high", "low", "mode")

    def __init__(self, low: float, mode: float, high: float) -> None:
        span = high - low
        variance = (low**2 + mode**2 + high**2 - low * mode - low * high - mode * high) / 18.0
        super().__init__("triangular", variance)
        self.low, self.mode, self.high = low, mode, high
        self._split = (mode - low) / span
        self._left = span * (mode - low)
        self._right = span * (high - mode)
        start = -W_END if low <= 0.0 else min(math.log(low / (1.0 - low)), W_END - 1.0)
        self._residual = Table(start, *residual_nodes(triangular_parts(low, mode, high), start))

    def quantile(self, u: float) -> float:
        if u < self._split:
            return self.low + math.sqrt(u * self._left)
        return self.high - math.sqrt((1.0 - u) * self._right)

    def residual(self, u: float) -> float:
        if u <= self.low:
            return u
        return self._residual.at(u)


class Lognormal(Standardised):
    """Lognormal with mean 1 and coefficient of variation cv: Q exact, R tabulated."""

    __slots__ = ("_mu", "_residual", "_sigma")

    def __init__(self, cv: float) -> None:
        super().__init__("lognormal", cv * cv)
        self._sigma = math.sqrt(math.log1p(cv * cv))
        self._mu = -0.5 * self._sigma**2
        self._residual = Table(-W_END, *residual_nodes(lognormal_parts(self._sigma), -W_END))

    def quantile(self, u: float) -> float:
        if u <= 0.0:
            return 0.0
        return math.exp(self._mu + self._sigma * _NORMAL.inv_cdf(u))

    def residual(self, u: float) -> float:
        return self._residual.at(u)


class Gamma(Standardised):
    """Gamma with mean 1 and coefficient of variation cv (shape 1/cv²): Q and R tabulated.

    ``scipy.special.gammaincinv`` costs 2 to 5 µs a call; the table about 0.5 µs.
    """

    __slots__ = ("_quantile", "_residual", "shape")

    def __init__(self, cv: float) -> None:
        super().__init__("gamma", cv * cv)
        self.shape = 1.0 / (cv * cv)
        self._quantile = Table(-W_END, *gamma_quantile_nodes(self.shape))
        self._residual = Table(-W_END, *residual_nodes(gamma_parts(self.shape), -W_END))

    def quantile(self, u: float) -> float:
        return self._quantile.at(u)

    def residual(self, u: float) -> float:
        return self._residual.at(u)


class Empirical(Standardised):
    """The observed durations, resampled (each with probability 1/n), divided by their mean.

    A spell in progress is one of the observed spells picked in proportion to its length,
    and a uniform point in it: with the standardised values laid end to end (cumulative
    sums c), the point u·c_n falls in spell i, which has c_i - u·c_n left.
    """

    __slots__ = ("_count", "_cumulative", "_total", "_values")

    def __init__(self, values: Sequence[float]) -> None:
        observed = sorted(float(value) for value in values)
        if not observed or observed[0] <= 0.0 or not math.isfinite(observed[-1]):
            raise ValueError("empirical durations must be positive finite numbers, at least one")
        count = len(observed)
        mean = math.fsum(observed) / count
        standardised = [value / mean for value in observed]
        super().__init__("empirical", math.fsum(x * x for x in standardised) / count - 1.0)
        self._count = count
        self._values = [*standardised, standardised[-1]]  # u·n rounded up to n reads the last
        self._cumulative = list(itertools.accumulate(standardised))
        self._total = self._cumulative[-1]

    def quantile(self, u: float) -> float:
        return self._values[int(u * self._count)]

    def residual(self, u: float) -> float:
        point = u * self._total
        spell = bisect.bisect_right(self._cumulative, point, 0, self._count - 1)
        return self._cumulative[spell] - point


_EXPONENTIAL = Exponential()
_FIXED = Fixed()


def exponential() -> Standardised:
    """The exponential duration with mean 1 (the model's clocks until now)."""
    return _EXPONENTIAL


def fixed() -> Standardised:
    """A duration that always equals its mean."""
    return _FIXED


def _check_cv(cv: float) -> None:
    if not MIN_CV <= cv <= MAX_CV:  # where the tables are exact (scenarios/README.md)
        raise ValueError(f"cv must be >= {MIN_CV} and <= {MAX_CV}, got {cv!r}")


@lru_cache(maxsize=64)
def lognormal(cv: float) -> Standardised:
    """Lognormal with mean 1 and coefficient of variation ``cv`` (a table: ~10 ms, once)."""
    _check_cv(cv)
    return Lognormal(cv)


@lru_cache(maxsize=64)
def gamma(cv: float) -> Standardised:
    """Gamma with mean 1 and coefficient of variation ``cv`` (two tables: 20-110 ms, once)."""
    _check_cv(cv)
    return Gamma(cv)


@lru_cache(maxsize=64)
def triangular(low: float, mode: float, high: float) -> Standardised:
    """Triangular from ``low`` to ``high`` peaking at ``mode`` (any unit), scaled to mean 1."""
    mean = (low + mode + high) / 3.0
    if not (0.0 <= low <= mode <= high < math.inf and high - low >= MIN_SPREAD * mean > 0.0):
        raise ValueError(
            f"triangular needs 0 <= low <= mode <= high, high - low >= {MIN_SPREAD} x the "
            f"mean; got {low!r}, {mode!r}, {high!r}"
        )
    return Triangular(low / mean, mode / mean, high / mean)


def empirical(values: Sequence[float]) -> Standardised:
    """The observed durations ``values`` (any unit), resampled and scaled to mean 1."""
    return Empirical(values)


def sampler(duration: float | DurationSpec | None) -> Standardised:
    """The standardised distribution of a duration key: a plain number (or none) is the
    mean of an exponential."""
    if duration is None or not isinstance(duration, DurationSpec):
        return exponential()
    kind = duration.distribution
    if kind is Distribution.exponential:
        return exponential()
    if kind is Distribution.fixed:
        return fixed()
    if kind is Distribution.lognormal:
        assert duration.cv is not None
        return lognormal(duration.cv)
    if kind is Distribution.gamma:
        assert duration.cv is not None
        return gamma(duration.cv)
    if kind is Distribution.triangular:
        assert duration.low is not None and duration.mode is not None
        assert duration.high is not None
        return triangular(duration.low, duration.mode, duration.high)
    assert duration.values is not None
    return empirical(duration.values)


def mean(duration: float | DurationSpec) -> float:
    """The mean of a duration key, in its unit."""
    return duration.mean if isinstance(duration, DurationSpec) else float(duration)
