"""What the reports of ``sim compare``, ``sim sweep``, ``sim tradeoff``, ``sim size`` and
``sim calibrate`` say, read from their result folders: the answer in sentences, the tables
(headers in the report's language, numbers as numbers) and the figures redrawn in the
report's language."""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.figures import say as figure_words
from sim.analysis.labels import label, measure_label, metric_number, unit_after
from sim.config.errors import InputError, Problem
from sim.report import reading
from sim.report.document import Report
from sim.report.parts import draw, shown, with_labels
from sim.report.words import number, say, unit

N, T, B = reading.NUMBER, reading.TEXT, reading.BOOL
COLUMNS: dict[str, dict[str, str]] = {
    "comparison.csv": {
        "alternative": T,
        "metric": T,
        "year": T,
        **dict.fromkeys(("base_mean", "alternative_mean", "difference", "ci_low", "ci_high"), N),
    },
    "sweep.csv": {"metric": T, "year": T, **dict.fromkeys(("mean", "ci_low", "ci_high", "n"), N)},
    "tradeoff.csv": {
        "policy": T,
        **{
            f"{m}{end}": N
            for m in ("throughput_per_100_units", "forced_moves_per_100_tenant_years")
            for end in ("", "_ci_low", "_ci_high")
        },
    },
    "size.csv": {
        "units": N,
        "metric": T,
        **dict.fromkeys(("metric_mean", "metric_ci_low", "metric_ci_high"), N),
        **dict.fromkeys(("probability", "probability_ci_low", "probability_ci_high"), N),
        "replications": N,
        "chosen": B,
    },
    "fit.csv": reading.FIT_COLUMNS,
    "identifiability.csv": {
        "parameter": T,
        **dict.fromkeys(("best", "search_low", "search_high"), N),
        "log_scale": B,
        "verdict": T,
    },
}
"""The columns a report reads of each kind's table, and what they hold."""


def read_table(report: Report, name: str) -> pd.DataFrame:
    """A CSV table of the report's folder, checked (:func:`sim.report.reading.read_table`)."""
    return reading.read_table(report.folder, report.manifest, name, COLUMNS[name])


def _years(report: Report) -> dict[str, Any]:
    m = report.manifest
    return {
        "name": report.display_name,
        "first": report.first_year,
        "last": report.last_year,
        "n": m.get("replications", ""),
    }


HEADLINE = 3
"""Changes the compare report leads with ("The main changes"); the others follow."""


def ranked(horizon: pd.DataFrame) -> pd.DataFrame:
    """The comparison's rows over the reported years, largest change first.

    The rule: changes whose 95 % interval excludes zero come before those whose interval
    holds it; within each, by the size of the difference relative to the base's mean
    (``|difference| / |base mean|``; a base mean of zero ranks by the difference relative
    to its interval's half-width instead, after the others).
    """
    rows = horizon.copy()
    base = rows.base_mean.abs()
    half = ((rows.ci_high - rows.ci_low) / 2).abs()
    relative = rows.difference.abs() / base.where(base > 0)
    clear = (rows.ci_low > 0) | (rows.ci_high < 0)
    rows = rows.assign(
        _clear=clear,
        _relative=relative,
        _noise=rows.difference.abs() / half.where(half > 0),
    )
    rows = rows.sort_values(
        ["_clear", "_relative", "_noise"], ascending=False, na_position="last", kind="stable"
    )
    return rows.drop(columns=["_clear", "_relative", "_noise"]).reset_index(drop=True)


def in_sentence(text: str) -> str:
    """A label inside a sentence: its first letter small, unless it opens an abbreviation."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def change_sentence(row: Any, report: Report, several: bool) -> str:
    """One change in one sentence: the measure, the difference with its unit and interval,
    relative to the base, the alternative's display name."""
    lang = report.language
    names = report.shown_names()
    metric = str(row.metric)
    base = float(row.base_mean)
    share = (
        say("compare_share", lang, share=number(100 * float(row.difference) / abs(base), lang, 0))
        if base and math.isfinite(base)
        else ""
    )
    return say(
        "compare_change" if several else "compare_change_one",
        lang,
        alternative=names.of_scenario(str(row.alternative)),
        name=names.base(),
        metric=label(metric, lang),
        difference=metric_number(float(row.difference), metric, lang, signed=True),
        unit=unit_after(metric, lang),
        share=share,
        interval=say("interval", lang),
        low=metric_number(float(row.ci_low), metric, lang),
        high=metric_number(float(row.ci_high), metric, lang),
        base=metric_number(base, metric, lang),
    )


def compare(report: Report) -> None:
    from sim.analysis.compare import HORIZON, comparison_figures

    lang = report.language
    names = report.shown_names()
    table = read_table(report, "comparison.csv")
    table["year"] = table["year"].astype(str)
    alternatives = list(dict.fromkeys(table.alternative.astype(str)))
    report.heading = say("title_compare", lang, name=report.display_name)
    report.asks = say(
        "question_compare",
        lang,
        alternatives=", ".join(names.of_scenario(a) for a in alternatives),
        **_years(report),
    )
    horizon = table[table.year == HORIZON].drop(columns=["year"]).copy()
    order = ranked(horizon)
    several = len(alternatives) > 1
    sentences = [change_sentence(row, report, several) for row in order.itertuples()]
    report.headline = sentences[:HEADLINE]
    if not order.empty:
        top = order.iloc[0]
        report.lead = say(
            "compare_answer",
            lang,
            alternative=names.of_scenario(str(top.alternative)),
            name=names.base(),
            metric=in_sentence(label(str(top.metric), lang)),
            difference=metric_number(float(top.difference), str(top.metric), lang, signed=True),
            unit=unit_after(str(top.metric), lang),
            interval=say("interval", lang),
            low=metric_number(float(top.ci_low), str(top.metric), lang),
            high=metric_number(float(top.ci_high), str(top.metric), lang),
        )
        report.main_figure = f"difference_{top.metric}"
        if not several:
            report.intro = say(
                "compare_lead",
                lang,
                alternative=names.of_scenario(alternatives[0]),
                name=names.base(),
            )
    report.sentences = sentences
    report.rule = say("compare_rule", lang)
    yearly = table[table.year != HORIZON].copy()
    yearly["year"] = yearly.year.astype(int)
    for frame in (horizon, yearly):
        frame["alternative"] = [names.of_scenario(str(a)) for a in frame.alternative]
    report.add_table("horizon", say("table_horizon", lang), shown(with_labels(horizon, lang), lang))
    report.tables[-1].note = say("horizon_note", lang)
    report.add_table("by_year", say("table_by_year", lang), shown(with_labels(yearly, lang), lang))
    drawn = table.assign(alternative=[names.of_scenario(str(a)) for a in table.alternative])
    with tempfile.TemporaryDirectory() as temporary:
        for path in comparison_figures(drawn, Path(temporary), report.display_name, lang):
            report.figures[path.stem] = path.read_bytes()


def sweep(report: Report) -> None:
    from sim.analysis.sweep import SWEEP_COLUMNS, point_labels, sweep_figure

    lang = report.language
    table = read_table(report, "sweep.csv")
    keys = [c for c in table.columns if c not in SWEEP_COLUMNS]
    points = report.manifest.get("extra", {}).get("points", "")
    report.heading = say("title_sweep", lang, name=report.display_name)
    report.asks = say("question_sweep", lang, points=points, keys=", ".join(keys), **_years(report))
    table["year"] = table.year.astype(str)
    last = table[table.year == str(report.last_year)].copy()
    last["point"] = point_labels(last, keys)
    for metric, block in last.groupby("metric", sort=False):
        low, high = block.loc[block["mean"].idxmin()], block.loc[block["mean"].idxmax()]
        report.sentences.append(
            say(
                "sweep_sentence",
                lang,
                metric=label(str(metric), lang),
                year=report.last_year,
                low=number(low["mean"], lang),
                high=number(high["mean"], lang),
                unit=unit(str(metric), lang),
                low_point=low.point,
                high_point=high.point,
            )
        )
    rows = table.copy()
    rows["year"] = [say("all", lang) if y == "all" else int(y) for y in rows.year]
    frame = shown(with_labels(rows, lang), lang, {k: k for k in keys})
    report.add_table("points", say("table_points", lang), frame)
    replications = int(report.manifest.get("replications", 0))
    report.figures["sweep"] = draw(
        lambda path: sweep_figure(table, path, report.name, replications, lang)
    )


MEASURES = (
    "first_housed_per_100_units",
    "rehoused_per_100_units",
    "throughput_per_100_units",
    "forced_moves_per_100_tenant_years",
    "share_permanent_need_moved",
    "wait_years_mean",
    "hospits_nights_per_year",
    "returns_from_private_per_year",
    "vacant_share_year_end",
    "vacant_share_varied_year_end",
)
"""The trade-off's measures a report shows, where its table has them (a table written
before they were added lacks the first two and the last three)."""


def tradeoff(report: Report) -> None:
    from sim.analysis.tradeoff import STABILITY_YEARS, throughput_column, tradeoff_figure

    lang = report.language
    table = read_table(report, "tradeoff.csv")
    extra = report.manifest.get("extra", {})
    keys = list(extra.get("vary", {}))
    years = int(extra.get("stability_years", STABILITY_YEARS))
    report.heading = say("title_tradeoff", lang, name=report.display_name)
    facts = {"points": len(table), "keys": ", ".join(keys), **_years(report)}
    report.asks = say("question_tradeoff", lang, **facts)
    through = throughput_column(table)
    most = table.loc[table[through].idxmax()]
    fewest = table.loc[table.forced_moves_per_100_tenant_years.idxmin()]
    report.sentences.append(
        say(
            "tradeoff_sentence",
            lang,
            most=most.policy,
            most_value=number(most[through], lang),
            fewest=fewest.policy,
            fewest_value=number(fewest.forced_moves_per_100_tenant_years, lang),
        )
    )
    names: dict[str, str] = {"policy": say("policy", lang), **{k: k for k in keys}}
    for measure in MEASURES:
        text = measure_label(measure, lang, years)
        names[measure] = text
        names[f"{measure}_ci_low"] = say("interval_low", lang, name=text)
        names[f"{measure}_ci_high"] = say("interval_high", lang, name=text)
        names[f"{measure}_parameter_share"] = f"{text}: {say('parameter_share', lang)}"
    columns = [c for c in table.columns if c in names]
    report.add_table("policies", say("table_policies", lang), shown(table[columns], lang, names))
    caption = figure_words("tradeoff_caption", lang, **facts)
    report.figures["tradeoff"] = draw(lambda path: tradeoff_figure(table, path, caption, lang))


def size(report: Report) -> None:
    from sim.analysis.sizing_figure import size_caption, size_figure
    from sim.analysis.sizing_question import SizingQuestion, confidence_text
    from sim.analysis.target import parse_target
    from sim.model.catalogue import CATALOGUE

    lang = report.language
    table = read_table(report, "size.csv")
    table["chosen"] = table.chosen.astype(bool)
    extra = report.manifest.get("extra", {})
    how = say("once" if extra.get("once") else "a_year", lang)
    facts = {"category": report.shown_names().category(str(extra.get("category", ""))), "how": how}
    report.heading = say("title_size", lang, name=report.display_name)
    report.asks = say(
        "question_size",
        lang,
        target=extra.get("target", ""),
        first=extra.get("from", ""),
        last=extra.get("to", ""),
        p=confidence_text(float(extra.get("confidence", 0)), lang),
        **facts,
    )
    answer = extra.get("answer")
    report.sentences.append(
        say("size_answer", lang, units=answer, first=extra.get("from", ""), **facts)
        if answer is not None
        else say("size_none", lang, units=extra.get("max_units", ""), **facts)
    )
    analytic = extra.get("analytic", {}).get("units")
    if isinstance(analytic, int | float) and math.isfinite(analytic):
        report.sentences.append(say("size_analytic", lang, units=int(analytic), **facts))
    report.add_table(
        "curve", say("table_curve", lang), shown(table, lang, {"metric": say("target", lang)})
    )
    scenario = report.scenario
    try:
        target = parse_target(
            str(extra.get("target", "")),
            CATALOGUE,
            scenario.get("groups", {}),
            scenario.get("stock", {}),
        )
    except InputError as error:  # the manifest's, not the user's: say where it is
        manifest = str(report.folder / reading.MANIFEST)
        raise InputError(
            [
                Problem(manifest, "extra.target", f"{p.message}; {reading.remake(report.manifest)}")
                for p in error.problems
            ]
        ) from None
    question = SizingQuestion(
        str(extra.get("category", "")),
        target,
        int(extra.get("from", report.first_year)),
        int(extra.get("to", report.last_year)),
        float(extra.get("confidence", 0.8)),
        int(extra.get("max_units", 0)),
        bool(extra.get("once", False)),
    )
    caption = size_caption(report.name, table, lang)
    report.figures["size"] = draw(lambda path: size_figure(table, path, question, caption, lang))


def calibrate(report: Report) -> None:
    from sim.calibration.result import fit_figure
    from sim.report.posterior import bayesian, is_bayesian

    if is_bayesian(report.manifest):
        bayesian(report)
        return
    lang = report.language
    fit = read_table(report, "fit.csv")
    parameters = read_table(report, "identifiability.csv")
    extra = report.manifest.get("extra", {})
    report.heading = say("title_calibrate", lang, name=report.display_name)
    report.asks = say(
        "question_calibrate", lang, evaluations=extra.get("evaluations", ""), **_years(report)
    )
    fit["inside"] = fit.inside.astype(bool)
    fit["used_in_fit"] = fit.used_in_fit.astype(bool)
    used = fit[fit.used_in_fit & ~fit.target.astype(str).str.startswith("sum_")]
    report.sentences.append(
        say("fit_sentence", lang, inside=int(used.inside.sum()), total=len(used))
    )
    for row in parameters.itertuples():
        report.sentences.append(
            say(
                "parameter_sentence",
                lang,
                parameter=row.parameter,
                value=number(float(row.best), lang, 3 if abs(row.best) < 10 else None),
                verdict=say(str(row.verdict), lang),
            )
        )
    words = ("all groups", "all categories", "sum of the targets above")
    table = fit.drop(columns=["target"]).copy()
    names = report.shown_names()
    for column in ("group", "category", "source"):
        table[column] = [say(v, lang) if v in words else v for v in table[column].fillna("")]
    table["group"] = [names.group(str(v)) for v in table.group]
    table["category"] = [names.category(str(v)) for v in table.category]
    report.add_table("fit", say("table_fit", lang), shown(with_labels(table, lang), lang))
    parameters["verdict"] = [say(str(v), lang) for v in parameters.verdict]
    parameters["log_scale"] = parameters.log_scale.astype(bool)
    report.add_table("parameters", say("table_parameters", lang), shown(parameters, lang))
    specs = [i for i in report.manifest.get("inputs", []) if i.get("role") == "spec"]
    name = str(specs[0].get("name") or report.name) if specs else report.name
    report.figures["fit"] = draw(lambda path: fit_figure(fit, path, name, lang))


BUILDERS: dict[str, Callable[[Report], None]] = {
    "compare": compare,
    "sweep": sweep,
    "tradeoff": tradeoff,
    "size": size,
    "calibrate": calibrate,
}
"""How the report of each kind of result folder (other than ``sim run``'s) is made."""
