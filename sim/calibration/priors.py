"""Priors of a Bayesian calibration: what is believed about a parameter before the counts.

Each fitted parameter of a spec may carry a ``prior`` (default: uniform on its bounds, or
log-uniform with ``log: true``). Every prior is cut to the parameter's bounds
``[low, high]`` and renormalised there, so no draw ever leaves the range the scenario
accepts:

========== ============================ =================================================
kind       settings                     density on [low, high]
========== ============================ =================================================
uniform    (none)                       constant
log-uniform (none)                      proportional to 1/x (needs low > 0)
normal     ``mean``, ``sd``             a normal cut to the bounds
beta       ``a``, ``b``                 Beta(a, b) stretched over [low, high]
gamma      ``shape``, ``rate``          a gamma cut to the bounds
========== ============================ =================================================

A report's qualitative statement becomes a prior with its line cited in the spec's
comment, e.g. "listed households stay until housed" as a beta prior near the low bound.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import stats

PriorKind = Literal["uniform", "log-uniform", "normal", "beta", "gamma"]
PRIOR_SETTINGS: dict[str, tuple[str, ...]] = {
    "uniform": (),
    "log-uniform": (),
    "normal": ("mean", "sd"),
    "beta": ("a", "b"),
    "gamma": ("shape", "rate"),
}


class Prior(BaseModel):
    """A prior's kind and its settings (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    kind: PriorKind = "uniform"
    mean: float | None = None
    sd: float | None = Field(default=None, gt=0)
    a: float | None = Field(default=None, gt=0)
    b: float | None = Field(default=None, gt=0)
    shape: float | None = Field(default=None, gt=0)
    rate: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _settings(self) -> Prior:
        wanted = PRIOR_SETTINGS[self.kind]
        settings = ("mean", "sd", "a", "b", "shape", "rate")
        given = {k for k in settings if getattr(self, k) is not None}
        missing = [k for k in wanted if k not in given]
        extra = sorted(given - set(wanted))
        if missing:
            raise ValueError(
                f"a {self.kind} prior needs {', '.join(wanted)}; missing {', '.join(missing)}"
            )
        if extra:
            allowed = ", ".join(wanted) if wanted else "no settings"
            raise ValueError(f"a {self.kind} prior takes {allowed}; remove {', '.join(extra)}")
        return self


class BoundedPrior:
    """A prior cut to ``[low, high]``: density, distribution function, draws, moments."""

    def __init__(self, prior: Prior, low: float, high: float) -> None:
        if prior.kind == "log-uniform" and low <= 0:
            raise ValueError("a log-uniform prior needs low > 0")
        self.prior = prior
        self.low = float(low)
        self.high = float(high)
        self.base = _scipy(prior, self.low, self.high)
        self.cdf_low = float(self.base.cdf(self.low))
        self.mass = float(self.base.cdf(self.high)) - self.cdf_low
        if not self.mass > 1e-12:
            raise ValueError(
                f"the {prior.kind} prior puts no weight on [{low:g}, {high:g}]; "
                "move its settings or the bounds"
            )

    def pdf(self, x: float) -> float:
        if not self.low <= x <= self.high:
            return 0.0
        return float(self.base.pdf(x)) / self.mass

    def cdf(self, x: float) -> float:
        if x <= self.low:
            return 0.0
        if x >= self.high:
            return 1.0
        return (float(self.base.cdf(x)) - self.cdf_low) / self.mass

    def ppf(self, q: np.ndarray | float) -> np.ndarray:
        """Quantiles (inverse distribution function), within the bounds."""
        values = self.base.ppf(self.cdf_low + np.asarray(q, dtype=float) * self.mass)
        return np.clip(values, self.low, self.high)

    def draw(self, size: int, random: np.random.Generator | None = None) -> np.ndarray:
        uniform = (random or np.random).uniform(size=size)
        return self.ppf(uniform)

    def moments(self) -> tuple[float, float]:
        """Mean and variance (by quadrature on a fine grid of quantiles)."""
        grid = self.ppf((np.arange(4000) + 0.5) / 4000)
        return float(grid.mean()), float(grid.var())

    def quantiles(self, levels: tuple[float, ...] = (0.05, 0.5, 0.95)) -> list[float]:
        return [float(v) for v in self.ppf(np.array(levels))]


def _scipy(prior: Prior, low: float, high: float) -> Any:
    if prior.kind == "uniform":
        return stats.uniform(loc=low, scale=high - low)
    if prior.kind == "log-uniform":
        return stats.loguniform(low, high)
    if prior.kind == "normal":
        return stats.norm(loc=prior.mean, scale=prior.sd)
    if prior.kind == "beta":
        return stats.beta(prior.a, prior.b, loc=low, scale=high - low)
    assert prior.rate is not None
    return stats.gamma(prior.shape, scale=1.0 / prior.rate)


def describe(prior: Prior) -> str:
    """``beta(a=1, b=20)``, ``uniform``: the prior as the tables show it."""
    settings = [f"{k}={getattr(prior, k):g}" for k in PRIOR_SETTINGS[prior.kind]]
    return f"{prior.kind}({', '.join(settings)})" if settings else prior.kind


def pyabc_prior(priors: dict[str, BoundedPrior]) -> Any:
    """A pyabc ``Distribution`` of the bounded priors (pyabc imported here, lazily)."""
    import pyabc

    class _Bounded(pyabc.RVBase):  # type: ignore[misc]
        def __init__(self, bounded: BoundedPrior) -> None:
            self.bounded = bounded

        def copy(self) -> _Bounded:
            return _Bounded(self.bounded)

        def rvs(self, *args: Any, **kwargs: Any) -> float:
            return float(self.bounded.draw(1)[0])

        def pmf(self, x: float, *args: Any, **kwargs: Any) -> float:
            return 0.0

        def pdf(self, x: float, *args: Any, **kwargs: Any) -> float:
            return self.bounded.pdf(float(x))

        def cdf(self, x: float, *args: Any, **kwargs: Any) -> float:
            return self.bounded.cdf(float(x))

    return pyabc.Distribution(**{name: _Bounded(p) for name, p in priors.items()})
