"""The tables of ``sim.model.durations``, made once a distribution with numpy and scipy.

A table holds log x at uniformly spaced log-odds w = log(u/(1-u)) from ``start`` to
:data:`W_END`, with the slopes d(log x)/dw (exact, from the density): the quantile of a
gamma (``gammaincinv``) and the residual of any distribution given by its ``parts``. Not
part of the compiled event loop: numpy arrays, made once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from numpy import ndarray

    Parts = Callable[[ndarray], tuple[ndarray, ndarray, ndarray]]

W_END = 37.0
"""Largest |log(u/(1-u))| a table spans: a uniform with 53 bits stays within 36.74."""
INTERVALS = 2048
"""Intervals of a table's grid in log-odds (about 0.036 wide over the full span)."""
NEWTON_STEPS = 100
"""Most steps of the root search in log x when a table is made (it needs about 10)."""

Nodes = tuple[list[float], list[float]]
"""log x at the nodes of a table, and its slopes d(log x)/dw there."""


def residual_nodes(parts: Parts, start: float) -> Nodes:
    """The table of R from ``parts(x) = (1 - F(x), G(x), 1 - G(x))``, G(x) = ∫0^x 1 - F."""
    import numpy as np

    w = np.linspace(start, W_END, INTERVALS + 1)
    u, v = 1.0 / (1.0 + np.exp(-w)), 1.0 / (1.0 + np.exp(w))
    x = equilibrium_quantile(parts, u, v)
    survival = parts(x)[0]
    return np.log(x).tolist(), (u * v / np.maximum(x * survival, 1e-300)).tolist()


def equilibrium_quantile(parts: Parts, u: ndarray, v: ndarray) -> ndarray:
    """x with G(x) = u, i.e. 1 - G(x) = v (given apart, for accuracy near 1).

    Newton's method for log G(x) = log u (below u = 1/2) or log(1 - G(x)) = log v (above),
    each accurate where it is used and nearly straight in log x in the tails, kept inside
    a bracket by bisection. As G(x) <= x the root is at least u; the bracket grows up from
    there.
    """
    import numpy as np

    tiny = 1e-300
    lower_half = u <= 0.5

    def error(y: ndarray) -> tuple[ndarray, ndarray]:  # increasing in y, 0 at the root
        x = np.exp(y)
        survival, lower, upper = parts(x)
        lower, upper = np.maximum(lower, tiny), np.maximum(upper, tiny)
        miss = np.where(lower_half, np.log(lower / u), np.log(v / upper))
        return miss, x * survival / np.where(lower_half, lower, upper)

    low = np.log(u)
    high, step = low + 1.0, 1.0
    for _ in range(10):
        more = error(high)[0] < 0.0
        if not more.any():
            break
        low, high, step = np.where(more, high, low), np.where(more, high + step, high), step * 2
    y = 0.5 * (low + high)
    for _ in range(NEWTON_STEPS):
        miss, slope = error(y)
        low, high = np.where(miss < 0.0, y, low), np.where(miss > 0.0, y, high)
        newton = y - miss / np.maximum(slope, tiny)
        inside = (newton >= low) & (newton <= high)
        step_to = np.where(miss == 0.0, y, np.where(inside, newton, 0.5 * (low + high)))
        done = np.all(np.abs(step_to - y) <= 1e-12)  # in log x: a relative error in x
        y = step_to
        if done:
            break
    result: ndarray = np.exp(y)
    return result


def gamma_quantile_nodes(shape: float) -> Nodes:
    """The table of Q of a gamma with mean 1 (``gammaincinv``; a power law where x underflows)."""
    import numpy as np
    from scipy import special

    k = shape
    w = np.linspace(-W_END, W_END, INTERVALS + 1)
    u, v = 1.0 / (1.0 + np.exp(-w)), 1.0 / (1.0 + np.exp(w))
    x = np.where(u <= 0.5, special.gammaincinv(k, u), special.gammainccinv(k, v)) / k
    with np.errstate(divide="ignore"):
        y = np.where(
            x > 1e-290, np.log(x), (np.log(u) + special.gammaln(k + 1.0)) / k - math.log(k)
        )
    log_x_density = k * (y + math.log(k)) - k * np.exp(y) - special.gammaln(k)
    return y.tolist(), np.exp(np.log(u) + np.log(v) - log_x_density).tolist()


def gamma_parts(shape: float) -> Parts:
    from scipy import special

    k = shape

    def parts(x: ndarray) -> tuple[ndarray, ndarray, ndarray]:
        survival = special.gammaincc(k, k * x)
        lower = x * survival + special.gammainc(k + 1.0, k * x)
        upper = special.gammaincc(k + 1.0, k * x) - x * survival
        return survival, lower, upper

    return parts


def lognormal_parts(sigma: float) -> Parts:
    import numpy as np
    from scipy import special

    mu = -0.5 * sigma * sigma

    def parts(x: ndarray) -> tuple[ndarray, ndarray, ndarray]:
        z = (np.log(x) - mu) / sigma
        survival = special.ndtr(-z)
        lower = x * survival + special.ndtr(z - sigma)
        upper = special.ndtr(sigma - z) - x * survival
        return survival, lower, upper

    return parts


def triangular_parts(a: float, c: float, b: float) -> Parts:
    """1 - F, G and 1 - G of a triangular with mean 1, each as a sum of positive terms."""
    import numpy as np

    r, q = b - a, c - a
    left = r * q if q > 0.0 else 1.0  # a zero-width piece is never selected
    right = r * (b - c) if b > c else 1.0
    g_mode = a + q - q * q / (3.0 * r)  # G(c)
    t_mode = (b - c) ** 2 / (3.0 * r)  # 1 - G(c)

    def parts(x: ndarray) -> tuple[ndarray, ndarray, ndarray]:
        p = np.clip(x - a, 0.0, q)  # from the start, in the rising piece
        d = np.clip(c - x, 0.0, q)  # to the mode, in the rising piece
        e = np.clip(b - x, 0.0, b - c)  # to the end, in the falling piece
        pieces = [x < a, x < c, x < b]  # the first that holds: before, rising, falling
        survival = np.select(pieces, [1.0, 1.0 - p * p / left, e * e / right], 0.0)
        rising = a + p - p**3 / (3.0 * left)
        falling = g_mode + (x - c) * ((b - c) ** 2 + (b - c) * e + e * e) / (3.0 * right)
        lower = np.select(pieces, [x, rising, falling], 1.0)
        rising = t_mode + d * (3.0 * (r - q) * q + d * (2.0 * q + p)) / (3.0 * left)
        upper = np.select(pieces, [1.0 - x, rising, e**3 / (3.0 * right)], 0.0)
        return survival, lower, upper

    return parts
