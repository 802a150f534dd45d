"""The figure of ``sim size``: the probability of meeting the target against units."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.analysis.labels import category_label, number, short

if TYPE_CHECKING:
    from sim.analysis.sizing_question import SizingQuestion


def size_figure(
    table: pd.DataFrame,
    path: Any,
    question: SizingQuestion,
    caption: str,
    language: str = "en",
    scenario: Any = None,
) -> None:
    """Probability of meeting the target against units, the chosen value marked; texts and
    numbers in English (``en``) or Norwegian (``nb``). With the ``scenario`` (validated,
    or a results folder's ``scenario.resolved.yaml``), the category by its display name."""
    from sim.analysis.figures import new_figure, say

    fig, ax = new_figure(figsize=(8, 4.8), language=language)
    ax.errorbar(
        table.units,
        table.probability,
        yerr=[
            table.probability - table.probability_ci_low,
            table.probability_ci_high - table.probability,
        ],
        fmt="o-",
        capsize=3,
        label=say("size_probability", language),
    )
    ax.axhline(
        question.confidence,
        color="tab:red",
        linestyle="--",
        label=say("size_required", language, p=short(question.confidence, language)),
    )
    chosen = table[table.chosen]
    if not chosen.empty:
        ax.scatter(
            chosen.units,
            chosen.probability,
            s=160,
            facecolors="none",
            edgecolors="tab:red",
            zorder=3,
            label=say(
                "size_chosen", language, units=number(int(chosen.units.iloc[0]), language, 0)
            ),
        )
    xlabel = "size_x_once" if question.once else "size_x_yearly"
    category = (
        category_label(scenario, question.category, language)
        if scenario is not None
        else question.category
    )
    ax.set_xlabel(say(xlabel, language, category=category, year=question.from_year))
    ax.set_ylabel(say("size_y", language))
    ax.set_ylim(-0.03, 1.03)
    ax.set_title(
        say("size_title", language, target=question.target, year=question.to_year), fontsize=10
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.text(0.01, 0.01, caption, fontsize=7, color="0.3")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=110)


def size_caption(name: str, table: pd.DataFrame, language: str = "en") -> str:
    """The size figure's caption: the scenario and the fewest replications of a point."""
    from sim.analysis.figures import say

    fewest = number(int(table.replications.min()), language, 0)
    return say("size_caption", language, name=name, n=fewest)
