"""The figure of a sensitivity analysis: each metric's most influential factors, sorted,
with their 95 % intervals (drawn into its result folder by
:func:`sim.analysis.sensitivity.write_sensitivity`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from sim.analysis.figures import new_figure, say
from sim.analysis.labels import measure_label, number

TOP = 15
"""Factors shown per metric (the table has them all)."""


class Sensitivity(Protocol):
    """What the figure reads of a :class:`sim.analysis.sensitivity.Sensitivity`: its
    plan (method, factors, metrics, samples, points, base scenario) and its table."""

    plan: Any
    table: pd.DataFrame


DIRECTION_COLOURS = {"raises": "#1f77b4", "lowers": "#d62728", "mixed": "0.6"}


def direction(mu: float, mu_star: float) -> str:
    """Morris: ``raises`` (or ``lowers``) where the signed mean effect is at least half
    the mean absolute one, so most steps go one way; else ``mixed``.

    >>> direction(2.0, 2.1), direction(-1.0, 1.5), direction(0.2, 1.0)
    ('raises', 'lowers', 'mixed')
    """
    if mu_star > 0 and abs(mu) >= mu_star / 2:
        return "raises" if mu > 0 else "lowers"
    return "mixed"


def drawn_rows(result: Sensitivity, top: int = TOP) -> pd.DataFrame:
    """The rows of ``sensitivity.csv`` the figure draws: each metric's ``top`` factors."""
    table = result.table
    return table[table["rank"] <= top].sort_values(["metric", "rank", "index"], kind="stable")


def sensitivity_figure(
    result: Sensitivity, path: Path, language: str = "en", top: int = TOP
) -> pd.DataFrame:
    """One panel per metric: horizontal bars of the main index (Morris μ*, coloured by
    the direction of the effect; Sobol ST with S1 beside it), largest on top, whiskers
    the 95 % bootstrap intervals. Texts in English (``en``) or Norwegian (``nb``).
    Return the rows drawn."""
    plan = result.plan
    rows = drawn_rows(result, top)
    metrics = list(dict.fromkeys(plan.metrics))
    shown = min(top, len(plan.factors))
    columns = min(2, len(metrics))
    lines = (len(metrics) + columns - 1) // columns
    height = 1.2 + 0.28 * shown
    fig, axes = new_figure(
        lines,
        columns,
        figsize=(7.2 * columns, height * lines + 0.6),
        language=language,
        squeeze=False,
    )
    for ax, metric in zip(axes.flat, metrics, strict=False):
        block = rows[rows.metric == metric]
        if plan.method == "morris":
            _morris_panel(ax, block, language)
        else:
            _sobol_panel(ax, block, language)
        ax.set_title(measure_label(metric, language), fontsize=9)
        ax.grid(alpha=0.3, axis="x")
        ax.tick_params(axis="y", labelsize=7)
        ax.tick_params(axis="x", labelsize=8)
        ax.legend(fontsize=7, loc="lower right")
    for ax in list(axes.flat)[len(metrics) :]:
        ax.axis("off")
    caption = say(
        f"sensitivity_caption_{plan.method}",
        language,
        name=plan.base.name,
        k=number(len(plan.factors), language, 0),
        n=number(plan.samples, language, 0),
        points=number(len(plan.points), language, 0),
        r=number(plan.base.replications, language, 0),
        top=shown,
    )
    fig.text(0.01, 0.005, caption, fontsize=7, color="0.3", wrap=True)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=110)
    return rows


def _bars(
    ax: Axes, block: pd.DataFrame, index: str, offset: float, height: float, **style: Any
) -> pd.DataFrame:
    part = block[block["index"] == index].sort_values("rank")
    y = np.arange(len(part)) + offset
    values = part["value"].to_numpy(dtype=float)
    errors = np.vstack(
        [values - part.ci_low.to_numpy(dtype=float), part.ci_high.to_numpy(dtype=float) - values]
    )
    ax.barh(y, values, height=height, xerr=np.nan_to_num(errors), capsize=2, **style)
    return part


def _morris_panel(ax: Axes, block: pd.DataFrame, language: str) -> None:
    mu = block[block["index"] == "mu"].set_index("parameter")["value"]
    part = block[block["index"] == "mu_star"].sort_values("rank")
    kinds = [
        direction(float(mu[p]), float(v)) for p, v in zip(part.parameter, part.value, strict=True)
    ]
    colours = [DIRECTION_COLOURS[k] for k in kinds]
    _bars(ax, block, "mu_star", 0.0, 0.7, color=colours)
    for kind, colour in DIRECTION_COLOURS.items():
        if kind in kinds:
            ax.barh([np.nan], [np.nan], color=colour, label=say(f"effect_{kind}", language))
    _labels(ax, part, say("sensitivity_morris", language))
    ax.set_xlim(left=0)


def _sobol_panel(ax: Axes, block: pd.DataFrame, language: str) -> None:
    part = _bars(ax, block, "ST", -0.2, 0.4, color="#1f77b4", label=say("sobol_total", language))
    _bars(ax, block, "S1", 0.2, 0.4, color="#aec7e8", label=say("sobol_first", language))
    _labels(ax, part, say("sensitivity_sobol", language))


def _labels(ax: Axes, part: pd.DataFrame, xlabel: str) -> None:
    ax.set_yticks(np.arange(len(part)))
    ax.set_yticklabels(part.parameter)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel, fontsize=8)
