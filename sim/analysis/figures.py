"""Figures of a run: mean over replications with a p10–p90 band."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, FuncFormatter, MaxNLocator, ScalarFormatter

from sim.analysis.labels import (
    Phrases,
    category_label,
    group_label,
    label,
    number,
    phrase,
    scenario_label,
)

TEXT: Phrases = {
    "year": ("Year", "År"),
    "households": ("Households", "Husstander"),
    "households_per_year": ("Households per year", "Husstander per år"),
    "nights_per_year": ("Nights per year", "Døgn per år"),
    "all_groups": ("all groups", "alle grupper"),
    "waiting": ("Waiting list at year end, by group", "Venteliste ved årets slutt, etter gruppe"),
    "allocations": (
        "New allocations per year, by dwelling category",
        "Nye tildelinger per år, etter boligkategori",
    ),
    "homeless": ("Homeless on the list at year end", "Bostedsløse på ventelisten ved årets slutt"),
    "nights": ("Nights in hospits and emergency units", "Døgn på hospits og i akuttboliger"),
    "followup": ("Follow-up (bo-oppfølging) at year end", "Bo-oppfølging ved årets slutt"),
    "band_note": (
        "lines: mean over {n} replications; bands: 10th–90th percentile",
        "linjer: gjennomsnitt over {n} replikasjoner; bånd: 10.–90. persentil",
    ),
    # sim compare
    "difference_title": ("{metric}: alternative − {base}", "{metric}: alternativ − {base}"),
    "difference": ("Difference", "Forskjell"),
    "difference_note": (
        "lines: mean paired difference over replications (common random numbers); "
        "bands: 95 % t-interval",
        "linjer: gjennomsnittlig parvis forskjell over replikasjoner (felles tilfeldige "
        "tall); bånd: 95 % t-intervall",
    ),
    # sim tradeoff
    "tradeoff_title": (
        "Throughput against stability (up and left is better)\npoints labelled {names}",
        "Gjennomstrømning mot stabilitet (opp og til venstre er bedre)\npunktene merket {names}",
    ),
    "tradeoff_permanent": (
        "… for tenants whose need is permanent\npoints labelled {names}",
        "… for leietakere med varig behov\npunktene merket {names}",
    ),
    "beside_waiting": ("Beside: waiting", "Ved siden av: venting"),
    "beside_hospits": ("Beside: hospits", "Ved siden av: hospits"),
    "tradeoff_note": (
        "Points and bars: means over replications; whiskers: 95 % intervals.",
        "Punkter og søyler: gjennomsnitt over replikasjoner; streker: 95 % intervaller.",
    ),
    "tradeoff_caption": (
        "Simulated: {name}, {n} replications per policy, {first}–{last}, same random "
        "numbers for every policy; policies vary {keys}.",
        "Simulert: {name}, {n} replikasjoner per politikk, {first}–{last}, de samme "
        "tilfeldige tallene for hver politikk; politikkene varierer {keys}.",
    ),
    # sim size
    "size_probability": (
        "probability of meeting the target (95 % interval)",
        "sannsynlighet for å nå målet (95 % intervall)",
    ),
    "size_required": ("required probability {p}", "påkrevd sannsynlighet {p}"),
    "size_chosen": ("chosen: {units}", "valgt: {units}"),
    "size_x_yearly": (
        "Units added to {category} a year from {year}",
        "Boliger lagt til {category} per år fra {year}",
    ),
    "size_x_once": (
        "Units added to {category} once in {year}",
        "Boliger lagt til {category} én gang i {year}",
    ),
    "size_y": ("Share of replications meeting the target", "Andel replikasjoner som når målet"),
    "size_title": ("{target} in every year from {year}", "{target} i hvert år fra {year}"),
    "size_caption": (
        "{name}: each point is {n}+ replications with the same random numbers; bars: 95 % "
        "Wilson intervals.",
        "{name}: hvert punkt er {n}+ replikasjoner med de samme tilfeldige tallene; "
        "streker: 95 % Wilson-intervaller.",
    ),
    # sim calibrate
    "fit_simulated": ("simulated (90 % interval)", "simulert (90 % intervall)"),
    "fit_range": ("reported range", "rapportert spenn"),
    "fit_observed": ("observed", "observert"),
    "fit_held_out": ("held out", "holdt utenfor"),
    "fit_all": ("all", "alle"),
    "fit_title": (
        "{name}: observed (x) against simulated; {inside} of {n} inside the simulated 90 % "
        "interval",
        "{name}: observert (x) mot simulert; {inside} av {n} innenfor det simulerte 90 "
        "%-intervallet",
    ),
    # sim calibrate --method abc
    "abc_posterior": ("posterior", "posterior"),
    "abc_prior": ("prior", "prior"),
    "abc_marginals": (
        "{name}: prior and posterior of each parameter",
        "{name}: prior og posterior for hver parameter",
    ),
    "abc_pairs": ("{name}: posterior pairs", "{name}: posterior, parvis"),
    # sim sweep
    "sweep_note": (
        "lines: mean over {n} replications per point (the same random numbers); bands: "
        "95 % t-interval",
        "linjer: gjennomsnitt over {n} replikasjoner per punkt (de samme tilfeldige "
        "tallene); bånd: 95 % t-intervall",
    ),
    # sim sensitivity
    "sensitivity_morris": (
        "μ*: mean absolute change when the parameter moves across its range (95 % interval)",
        "μ*: gjennomsnittlig absolutt endring når parameteren går over sitt spenn (95 % intervall)",
    ),
    "sensitivity_sobol": (
        "Sobol index: share of the variance (95 % interval)",
        "Sobol-indeks: andel av variansen (95 % intervall)",
    ),
    "effect_raises": ("raises it", "øker den"),
    "effect_lowers": ("lowers it", "senker den"),
    "effect_mixed": ("either way", "begge veier"),
    "sobol_total": ("total (ST)", "total (ST)"),
    "sobol_first": ("first order (S1)", "første orden (S1)"),
    "sensitivity_caption_morris": (
        "{name}: Morris screening of {k} parameters, {n} trajectories ({points} points × "
        "{r} replications, the same random numbers at every point); the {top} largest "
        "shown. Bars: mean absolute elementary effect; whiskers: 95 % bootstrap intervals.",
        "{name}: Morris-screening av {k} parametere, {n} baner ({points} punkter × {r} "
        "replikasjoner, de samme tilfeldige tallene i hvert punkt); de {top} største vist. "
        "Søyler: gjennomsnittlig absolutt elementæreffekt; streker: 95 % "
        "bootstrap-intervaller.",
    ),
    "sensitivity_caption_sobol": (
        "{name}: Sobol indices of {k} parameters, {n} base samples ({points} points × "
        "{r} replications, the same random numbers at every point); the {top} largest "
        "shown. Whiskers: 95 % bootstrap intervals.",
        "{name}: Sobol-indekser for {k} parametere, {n} basisutvalg ({points} punkter × "
        "{r} replikasjoner, de samme tilfeldige tallene i hvert punkt); de {top} største "
        "vist. Streker: 95 % bootstrap-intervaller.",
    ),
}
"""The figures' own words in English and Norwegian (metric names: the catalogue)."""


def say(key: str, language: str, **values: object) -> str:
    """A figure's text ``key`` in ``language`` (``en`` or ``nb``)."""
    return phrase(TEXT, key, language, **values)


class NumberFormatter(Formatter):
    """Tick labels as a reader of ``language`` writes numbers (:func:`number`: ``1 234,5``
    in Norwegian), with as many decimal places as the ticks need and the same for all;
    independent of the machine's locale."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.digits = 0

    def set_locs(self, locs: Any) -> None:
        super().set_locs(locs)
        self.digits = tick_digits(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        text = number(float(x), self.language, self.digits)
        return "\u2212" + text[1:] if text.startswith("-") else text  # a real minus sign


def tick_digits(locs: Any, most: int = 6) -> int:
    """The fewest decimal places that write every tick exactly (at most ``most``).

    >>> tick_digits([0.0, 0.2, 0.4, 0.6000000000000001]), tick_digits([0, 500, 1000])
    (1, 0)
    """
    values = [float(v) for v in locs if math.isfinite(float(v))]
    scale = max((abs(v) for v in values), default=0.0) or 1.0
    for digits in range(most):
        if all(abs(round(v, digits) - v) <= 1e-9 * scale for v in values):
            return digits
    return most


def year_axis(axis: Axis) -> None:
    """Mark ``axis`` as one of years: whole years, written ``2025`` in every language
    (no thousands separator)."""
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda x, pos=None: f"{x:.0f}"))


def localise(fig: Figure, language: str) -> None:
    """Give every linear axis of ``fig`` still on matplotlib's default tick labels
    :class:`NumberFormatter` labels in Norwegian (``nb``): decimal comma, a space between
    thousands. English keeps matplotlib's labels; year axes (:func:`year_axis`), log
    axes and axes with labels of their own are left alone."""
    if language != "nb":
        return
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            default = type(axis.get_major_formatter()) is ScalarFormatter
            if default and axis.get_scale() == "linear":
                axis.set_major_formatter(NumberFormatter(language))


class LocalFigure(Figure):
    """A figure whose tick labels are written in its ``language`` (:func:`localise`) when
    it is laid out or drawn, after every axis has its scale and limits."""

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language = language

    def tight_layout(self, *args: Any, **kwargs: Any) -> None:
        localise(self, self.language)
        super().tight_layout(*args, **kwargs)

    def draw(self, renderer: Any) -> None:
        localise(self, self.language)
        super().draw(renderer)


def new_figure(
    rows: int = 1,
    columns: int = 1,
    figsize: tuple[float, float] = (8, 4.5),
    *,
    language: str = "en",
    **subplots: Any,
) -> tuple[Figure, Any]:
    """A figure drawn off screen (Agg) with its axes, touching no global state: no
    pyplot, no backend chosen for the process, no locale. In Norwegian (``nb``) its
    tick labels have a decimal comma and a space between thousands (:func:`localise`)."""
    fig = LocalFigure(figsize=figsize, language=language)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(rows, columns, **subplots)


def _series(
    summary: pd.DataFrame, metric: str, group: str = "", category: str = ""
) -> pd.DataFrame:
    rows = summary[
        (summary.metric == metric) & (summary.group == group) & (summary.category == category)
    ]
    return rows.sort_values("year")


def _band(ax: Axes, rows: pd.DataFrame, name: str) -> None:
    if rows.empty:
        return
    line = ax.plot(rows.year, rows["mean"], marker="o", markersize=3, label=name)[0]
    ax.fill_between(rows.year, rows.p10, rows.p90, alpha=0.2, color=line.get_color())


def _finish(
    fig: Figure, ax: Axes, title: str, ylabel: str, note: str, path: Path, language: str = "en"
) -> None:
    ax.set_title(title)
    ax.set_xlabel(say("year", language))
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    year_axis(ax.xaxis)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="best")
    fig.text(0.01, 0.01, note, fontsize=7, color="0.35")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(path, dpi=110)


def _data(
    summary: pd.DataFrame,
    metrics: list[str],
    figure: Path,
    group: str | None = None,
    category: str | None = None,
) -> None:
    """The rows of summary.csv a figure draws, as a CSV beside it (to redraw it elsewhere)."""
    rows = summary[summary.metric.isin(metrics)]
    if group is not None:
        rows = rows[rows.group == group]
    if category is not None:
        rows = rows[rows.category == category]
    rows.to_csv(figure.with_suffix(".csv"), index=False)


def write_figures(
    summary: pd.DataFrame,
    folder: Path,
    scenario_name: str,
    groups: list[str],
    categories: list[str],
    replications: int,
    language: str = "en",
    scenario: Any = None,
) -> list[Path]:
    """Write the four standard figures into ``folder``, in English (``en``) or Norwegian
    (``nb``); return their paths. With the ``scenario`` (validated, or the mapping of a
    results folder's ``scenario.resolved.yaml``), the scenario, its groups and its
    categories are shown by their display names in the language; else by their ids."""
    folder.mkdir(parents=True, exist_ok=True)
    lang = language
    name = scenario_label(scenario, lang) if scenario is not None else scenario_name
    note = f"{name}: " + say("band_note", lang).format(n=replications)
    written = []

    fig, ax = new_figure(language=lang)
    for group in groups:
        shown = group_label(scenario, group, lang) if scenario is not None else group
        _band(ax, _series(summary, "waiting", group=group), shown)
    _band(ax, _series(summary, "waiting"), say("all_groups", lang))
    path = folder / "waiting_list.png"
    _finish(fig, ax, say("waiting", lang), say("households", lang), note, path, lang)
    _data(summary, ["waiting"], path, category="")
    written.append(path)

    fig, ax = new_figure(language=lang)
    for category in categories:
        shown = category_label(scenario, category, lang) if scenario is not None else category
        _band(ax, _series(summary, "allocations", category=category), shown)
    path = folder / "allocations.png"
    _finish(fig, ax, say("allocations", lang), say("households_per_year", lang), note, path, lang)
    _data(summary, ["allocations"], path, group="")
    written.append(path)

    fig, axes = new_figure(1, 2, figsize=(11, 4.5), language=lang)
    for metric in ("homeless_waiting", "in_hospits", "in_emergency"):
        _band(axes[0], _series(summary, metric), label(metric, lang))
    axes[0].set_title(say("homeless", lang))
    axes[0].set_xlabel(say("year", lang))
    axes[0].set_ylabel(say("households", lang))
    axes[0].set_ylim(bottom=0)
    axes[0].grid(alpha=0.3)
    year_axis(axes[0].xaxis)
    axes[0].legend(fontsize=8)
    for metric in ("hospits_nights", "emergency_nights"):
        _band(axes[1], _series(summary, metric), label(metric, lang))
    path = folder / "homeless_hospits.png"
    _finish(fig, axes[1], say("nights", lang), say("nights_per_year", lang), note, path, lang)
    _data(
        summary,
        ["homeless_waiting", "in_hospits", "in_emergency", "hospits_nights", "emergency_nights"],
        path,
        group="",
        category="",
    )
    written.append(path)

    fig, ax = new_figure(language=lang)
    for metric in ("followup_active", "followup_waiting"):
        _band(ax, _series(summary, metric), label(metric, lang))
    path = folder / "followup.png"
    _finish(fig, ax, say("followup", lang), say("households", lang), note, path, lang)
    _data(summary, ["followup_active", "followup_waiting"], path, group="", category="")
    written.append(path)
    return written
