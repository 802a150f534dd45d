"""The report of a Bayesian calibration (``sim calibrate --method abc``), read from its
result folder: the answer (how many targets the posterior predictive interval covers,
which values the counts pin down and which they leave to the prior), each parameter's
prior against its posterior, the posterior predictive check per target, the generations
of the fit, and its figures."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.report import reading
from sim.report.document import Report
from sim.report.words import number, say

FEW_EFFECTIVE = 0.25
"""Below this share of the particles, the last generation's effective sample size is
warned of: the weights rest on a few particles, so intervals and contractions are too
narrow to trust."""
N, T, B = reading.NUMBER, reading.TEXT, reading.BOOL
COLUMNS: dict[str, dict[str, str]] = {
    "parameters.csv": {
        "parameter": T,
        "prior": T,
        **dict.fromkeys(("low", "high", "prior_mean", "prior_p05", "prior_p50", "prior_p95"), N),
        **dict.fromkeys(("posterior_mean", "posterior_p05", "posterior_p50", "posterior_p95"), N),
        "contraction": N,
        "verdict": T,
    },
    "predictive.csv": reading.FIT_COLUMNS,
    "generations.csv": {
        "generation": N,
        **dict.fromkeys(("temperature", "candidates", "accepted", "acceptance_rate"), N),
        "effective_sample_size": N,
    },
}
"""The columns the report reads of each table of a Bayesian fit, and what they hold."""

PINNED = ("pinned down", "identified")
"""Verdicts (:data:`sim.calibration.abc_result.VERDICTS`) of values the counts determine."""
FIGURES = ("marginals", "pairs")
"""The folder's own figures shown as they are (they need the spec's priors to redraw)."""


def is_bayesian(manifest: dict[str, Any]) -> bool:
    """Whether a calibration folder holds a Bayesian fit (not the optimiser's)."""
    extra = manifest.get("extra")
    return isinstance(extra, dict) and extra.get("method") == "abc"


def read_table(report: Report, name: str) -> pd.DataFrame:
    return reading.read_table(report.folder, report.manifest, name, COLUMNS[name])


def digits(value: float) -> int:
    """Decimals for a parameter's values, from the size of its mean, so that its mean and
    both intervals read alike: 0 from 100, 1 from 10, 2 from 1, else 3."""
    size = abs(value)
    return 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 1 else 3


def _contraction(value: float, language: str) -> str:
    return number(value, language, 2)


def _sentences(
    report: Report,
    parameters: pd.DataFrame,
    predictive: pd.DataFrame,
    generations: pd.DataFrame,
    extra: dict[str, Any],
) -> None:
    lang = report.language
    fitted = predictive[predictive.used_in_fit & ~predictive.target.str.startswith("sum_")]
    report.sentences.append(
        say("abc_coverage", lang, inside=int(fitted.inside.sum()), total=len(fitted))
    )
    held = predictive[~predictive.used_in_fit & ~predictive.target.str.startswith("sum_")]
    if len(held):
        report.sentences.append(
            say("abc_holdout", lang, inside=int(held.inside.sum()), total=len(held))
        )
    pinned = parameters[parameters.verdict.isin(PINNED)]
    loose = parameters[~parameters.verdict.isin(PINNED)]

    def listed(rows: pd.DataFrame) -> str:
        return ", ".join(
            f"{row.parameter} ({_contraction(float(row.contraction), lang)})"
            for row in rows.itertuples()
        )

    if len(pinned):
        report.sentences.append(say("abc_pinned", lang, names=listed(pinned)))
    if len(loose):
        report.sentences.append(say("abc_loose", lang, names=listed(loose)))
    for row in parameters.itertuples():
        places = digits(float(row.posterior_mean))

        def value(x: float, places: int = places) -> str:
            return number(float(x), lang, places)

        report.sentences.append(
            say(
                "abc_parameter",
                lang,
                parameter=row.parameter,
                mean=value(row.posterior_mean),
                low=value(row.posterior_p05),
                high=value(row.posterior_p95),
                prior_low=value(row.prior_p05),
                prior_high=value(row.prior_p95),
                contraction=_contraction(float(row.contraction), lang),
                verdict=say(str(row.verdict), lang),
            )
        )
    # what qualifies every sentence above comes first
    warnings = []
    temperature = extra.get("final_temperature")
    if isinstance(temperature, int | float) and temperature > 1.0 + 1e-9:
        warnings.append(say("abc_tempered", lang, temperature=number(temperature, lang)))
    if len(generations):
        last = generations.iloc[-1]
        effective, accepted = float(last.effective_sample_size), float(last.accepted)
        if effective < FEW_EFFECTIVE * accepted:
            warnings.append(
                say(
                    "abc_few_effective",
                    lang,
                    effective=number(effective, lang, 1),
                    particles=f"{accepted:.0f}",
                )
            )
    report.sentences[0:0] = warnings


def _parameter_table(parameters: pd.DataFrame, language: str) -> pd.DataFrame:
    table = parameters[[c for c in COLUMNS["parameters.csv"]]].copy()
    table["verdict"] = [say(str(v), language) for v in table.verdict]
    names = {c: say(f"abc_{c}", language) for c in table.columns if c != "verdict"}
    names["parameter"] = say("abc_parameter_name", language)
    names["verdict"] = say("verdict", language)
    return table.rename(columns=names)


def _generation_table(generations: pd.DataFrame, language: str) -> pd.DataFrame:
    columns = list(COLUMNS["generations.csv"])
    table = generations[columns].copy()
    for column in ("generation", "candidates", "accepted"):
        table[column] = table[column].astype(int)
    return table.rename(columns={c: say(f"abc_{c}", language) for c in columns})


def _provenance(report: Report, extra: dict[str, Any]) -> list[tuple[str, str]]:
    lang = report.language
    rows = [(say("abc_method", lang), say("abc_method_value", lang))]
    for key in ("search_seed", "population", "generations", "candidates", "predictive_draws"):
        if key in extra:
            rows.append((say(f"abc_{key}", lang), str(extra[key])))
    temperature = extra.get("final_temperature")
    if isinstance(temperature, int | float):
        rows.append((say("abc_final_temperature", lang), f"{temperature:.4g}"))
    discrepancy = extra.get("discrepancy")
    if isinstance(discrepancy, dict):
        shown = ", ".join(f"{k}: {v}" for k, v in discrepancy.items() if v not in (None, {}, []))
        rows.append((say("abc_discrepancy", lang), shown))
    return rows


def bayesian(report: Report) -> None:
    """Fill ``report`` from the folder of ``sim calibrate --method abc``."""
    from sim.calibration.result import fit_figure
    from sim.report.parts import draw, shown, with_labels

    lang = report.language
    extra = report.manifest.get("extra", {})
    parameters = read_table(report, "parameters.csv")
    predictive = read_table(report, "predictive.csv")
    generations = read_table(report, "generations.csv")
    predictive["inside"] = predictive.inside.astype(bool)
    predictive["used_in_fit"] = predictive.used_in_fit.astype(bool)
    predictive["target"] = predictive.target.astype(str)
    report.heading = say("title_abc", lang, name=report.display_name)
    report.asks = say(
        "question_abc",
        lang,
        name=report.display_name,
        population=extra.get("population", ""),
        generations=extra.get("generations", ""),
        candidates=extra.get("candidates", ""),
        n=report.manifest.get("replications", ""),
    )
    report.guide = say("abc_how_to_read", lang)
    _sentences(report, parameters, predictive, generations, extra)
    report.add_table(
        "parameters", say("table_abc_parameters", lang), _parameter_table(parameters, lang)
    )
    report.tables[-1].note = say("abc_parameters_note", lang)
    words = ("all groups", "all categories", "sum of the targets above")
    table = predictive.drop(columns=["target"]).copy()
    for column in ("group", "category", "source"):
        table[column] = [say(v, lang) if v in words else v for v in table[column].fillna("")]
    rename = {
        "simulated_mean": say("abc_predicted_mean", lang),
        "simulated_p05": say("abc_predicted_p05", lang),
        "simulated_p95": say("abc_predicted_p95", lang),
        "inside": say("abc_inside", lang),
    }
    report.add_table(
        "predictive",
        say("table_abc_predictive", lang),
        shown(with_labels(table, lang), lang, rename),
    )
    report.tables[-1].note = say("abc_predictive_note", lang)
    report.add_table(
        "generations", say("table_abc_generations", lang), _generation_table(generations, lang)
    )
    report.tables[-1].note = say("abc_generations_note", lang)
    report.more_provenance = _provenance(report, extra)
    specs = [i for i in report.manifest.get("inputs", []) if i.get("role") == "spec"]
    name = str(specs[0].get("name") or report.name) if specs else report.name
    report.figures["predictive"] = draw(lambda path: fit_figure(predictive, path, name, lang))
    for figure in FIGURES:
        path = reading.optional_file(report.folder, report.manifest, f"figures/{figure}.png")
        if path is not None:
            report.figures[figure] = path.read_bytes()
