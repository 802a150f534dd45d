"""Figures of a Bayesian fit: each parameter's prior against its posterior, and the
posterior's pairs (where two parameters trade off against each other)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.figures import new_figure, say
from sim.calibration.spec import Calibration


def _grid(low: float, high: float, log: bool, points: int = 200) -> np.ndarray:
    if log:
        return np.exp(np.linspace(np.log(low), np.log(high), points))
    return np.linspace(low, high, points)


def marginals_figure(
    calibration: Calibration, posterior: pd.DataFrame, path: Path, language: str = "en"
) -> None:
    """One panel per parameter: the prior's density (line) and the posterior's weighted
    histogram (bars), on the parameter's own scale (logarithmic where the spec says);
    texts and numbers in English (``en``) or Norwegian (``nb``)."""
    parameters = calibration.spec.parameters
    columns = min(3, len(parameters))
    rows = (len(parameters) + columns - 1) // columns
    fig, axes = new_figure(
        rows, columns, figsize=(4.6 * columns, 3.2 * rows), language=language, squeeze=False
    )
    weights = posterior.weight.to_numpy()
    for ax, (name, parameter) in zip(axes.flat, parameters.items(), strict=False):
        prior = parameter.bounded_prior()
        edges = _grid(parameter.low, parameter.high, parameter.log, 31)
        widths = np.diff(edges)
        counts, _ = np.histogram(posterior[name].to_numpy(), bins=edges, weights=weights)
        ax.bar(
            edges[:-1],
            counts / widths,
            width=widths,
            align="edge",
            alpha=0.5,
            color="tab:blue",
            label=say("abc_posterior", language),
        )
        grid = _grid(parameter.low, parameter.high, parameter.log)
        ax.plot(
            grid,
            [prior.pdf(float(x)) for x in grid],
            color="black",
            label=say("abc_prior", language),
        )
        if parameter.log:
            ax.set_xscale("log")
        ax.set_title(name, fontsize=8)
        ax.set_yticks([])
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(parameters) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(say("abc_marginals", language, name=calibration.spec.name), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def pairs_figure(
    calibration: Calibration, posterior: pd.DataFrame, path: Path, language: str = "en"
) -> None:
    """The posterior's particles for each pair of parameters (at most the first six
    parameters), dot size by weight; texts and numbers in English (``en``) or Norwegian
    (``nb``)."""
    names = list(calibration.spec.parameters)[:6]
    n = len(names)
    size = max(n - 1, 1)
    fig, axes = new_figure(
        size, size, figsize=(2.6 * size + 1, 2.6 * size + 1), language=language, squeeze=False
    )
    weights = posterior.weight.to_numpy()
    dots = 4 + 60 * weights / max(float(weights.max()), 1e-12)
    for i in range(size):
        for j in range(size):
            ax = axes[i][j]
            x_name, y_name = names[j], names[i + 1] if n > 1 else names[0]
            if n == 1 or j > i:
                ax.axis("off")
                continue
            ax.scatter(posterior[x_name], posterior[y_name], s=dots, alpha=0.4, color="tab:blue")
            for axis, key in ((ax.set_xscale, x_name), (ax.set_yscale, y_name)):
                if calibration.spec.parameters[key].log:
                    axis("log")
            ax.tick_params(labelsize=6)
            if i == size - 1:
                ax.set_xlabel(x_name, fontsize=6)
            if j == 0:
                ax.set_ylabel(y_name, fontsize=6)
    fig.suptitle(say("abc_pairs", language, name=calibration.spec.name), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
