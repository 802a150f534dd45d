"""Figures in Norwegian: tick labels with a decimal comma and a space between thousands
(whatever the machine's locale), years without one, and groups, categories and the
scenario by their display names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.analysis import figures
from sim.analysis.figures import NumberFormatter, new_figure, year_axis

NBSP = "\u00a0"
SCENARIO = {
    "name": "tiny",
    "label": {"nb": "Lille kommune", "en": "Small town"},
    "groups": {
        "rus": {"label": {"nb": "Rusavhengige", "en": "Substance use"}},
        "ordinary": {"label": {"nb": "Ordinære", "en": "Ordinary"}},
        "plain": {},
    },
    "stock": {"ordinary": {"label": {"nb": "Ordinære boliger", "en": "Ordinary units"}}},
}


def _summary() -> pd.DataFrame:
    rows = []
    for year in range(2020, 2026):
        step = year - 2020
        for group, category, metric, mean in [
            ("rus", "", "waiting", 0.25 + 0.3 * step),
            ("ordinary", "", "waiting", 0.1 * step),
            ("plain", "", "waiting", 0.5),
            ("", "", "waiting", 0.35 + 0.4 * step),
            ("", "ordinary", "allocations", 1.5 + 0.25 * step),
            ("", "", "hospits_nights", 1000.0 + 350.0 * step),
            ("", "", "emergency_nights", 200.0),
            ("", "", "homeless_waiting", 0.5),
            ("", "", "in_hospits", 0.2 * step),
            ("", "", "in_emergency", 0.0),
            ("", "", "followup_active", 1.25),
            ("", "", "followup_waiting", 0.75),
        ]:
            rows.append(
                {
                    "year": year,
                    "group": group,
                    "category": category,
                    "metric": metric,
                    "mean": mean,
                    "p10": mean * 0.8,
                    "p90": mean * 1.2,
                }
            )
    return pd.DataFrame(rows)


def _drawn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, language: str) -> list[Any]:
    made: list[Any] = []

    def capture(*args: Any, **kwargs: Any) -> Any:
        fig, axes = new_figure(*args, **kwargs)
        made.append(fig)
        return fig, axes

    monkeypatch.setattr(figures, "new_figure", capture)
    figures.write_figures(
        _summary(),
        tmp_path,
        "tiny",
        ["rus", "ordinary", "plain"],
        ["ordinary"],
        3,
        language,
        scenario=SCENARIO,
    )
    return made


def _ticks(axis: Any) -> list[str]:
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


def test_norwegian_figures_write_numbers_as_norwegians(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    made = _drawn(monkeypatch, tmp_path, "nb")
    assert len(made) == 4
    values, years = [], []
    for fig in made:
        for ax in fig.axes:
            values += _ticks(ax.yaxis)
            years += _ticks(ax.xaxis)
    assert values and years
    assert not [v for v in values if "." in v], values  # no decimal point
    assert any("," in v for v in values)  # decimal commas (0,5 on a list of 0.25..1.85)
    assert any(re.fullmatch(rf"\d{{1,3}}{NBSP}\d{{3}}", v) for v in values), values  # 1 000
    assert set(years) <= {str(y) for y in range(2019, 2027)}, years  # years as written
    legends = [
        t.get_text()
        for fig in made
        for ax in fig.axes
        if ax.get_legend()
        for t in ax.get_legend().get_texts()
    ]
    assert {"Rusavhengige", "Ordinære", "plain", "Ordinære boliger"} <= set(legends)
    assert "rus" not in legends and "ordinary" not in legends
    note = [t.get_text() for t in made[0].texts]
    assert any(n.startswith("Lille kommune:") for n in note)


def test_english_figures_keep_matplotlib_numbers_and_show_english_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    made = _drawn(monkeypatch, tmp_path, "en")
    values = [v for fig in made for ax in fig.axes for v in _ticks(ax.yaxis)]
    assert any("." in v for v in values) and not any("," in v and "." in v for v in values)
    legends = [
        t.get_text()
        for fig in made
        for ax in fig.axes
        if ax.get_legend()
        for t in ax.get_legend().get_texts()
    ]
    assert {"Substance use", "Ordinary", "Ordinary units"} <= set(legends)


def test_number_formatter_independent_of_locale() -> None:
    fig, ax = new_figure(language="nb")
    ax.plot([2008, 2030], [-0.5, 12345.0])
    year_axis(ax.xaxis)
    fig.canvas.draw()
    assert isinstance(ax.yaxis.get_major_formatter(), NumberFormatter)
    assert all(NBSP not in t for t in _ticks(ax.xaxis))
    assert f"10{NBSP}000" in _ticks(ax.yaxis)
    fig, ax = new_figure(language="nb")
    ax.plot([0, 1], [-0.5, 0.75])
    fig.canvas.draw()
    ticks = _ticks(ax.yaxis)
    assert "0,0" in ticks and "\u22120,2" in ticks and "0,4" in ticks


def test_size_figure_and_question_in_norwegian(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``sim size``'s figure and question in Norwegian: the required probability as
    ``0,8`` (not ``0.8``), the category by its display name, no decimal point on the axes."""
    from sim.analysis import sizing_figure
    from sim.analysis.sizing_question import SizingQuestion, confidence_text
    from sim.analysis.target import Target

    target = Target("waiting", "", "", "<=", 0.5, "waiting <= 0.5")
    question = SizingQuestion("ordinary", target, 2021, 2025, 0.8, 40)
    assert question.facts("nb", SCENARIO)["p"] == "0,8"
    assert question.facts("nb", SCENARIO)["category"] == "Ordinære boliger"
    assert question.facts("en", SCENARIO)["category"] == "Ordinary units"
    assert question.facts("en")["p"] == "0.8" and question.facts("en")["category"] == "ordinary"
    assert confidence_text(0.95, "nb") == "0,95"
    table = pd.DataFrame(
        {
            "units": [0, 5, 10, 20],
            "probability": [0.0, 0.35, 0.85, 1.0],
            "probability_ci_low": [0.0, 0.2, 0.7, 0.9],
            "probability_ci_high": [0.1, 0.5, 0.95, 1.0],
            "replications": [20, 20, 20, 20],
            "chosen": [False, False, True, False],
        }
    )
    made: list[Any] = []

    def capture(*args: Any, **kwargs: Any) -> Any:
        fig, axes = new_figure(*args, **kwargs)
        made.append(fig)
        return fig, axes

    monkeypatch.setattr(figures, "new_figure", capture)
    caption = sizing_figure.size_caption("Lille kommune", table, "nb")
    sizing_figure.size_figure(table, tmp_path / "size.png", question, caption, "nb", SCENARIO)
    (ax,) = made[0].axes
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "påkrevd sannsynlighet 0,8" in legend
    assert "Ordinære boliger" in ax.get_xlabel()
    ticks = _ticks(ax.yaxis)
    assert "0,8" in ticks and not [t for t in ticks if "." in t]
