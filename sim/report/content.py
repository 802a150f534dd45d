"""What a report says, read from a result folder only (so that it can be remade later):
its manifest, ``summary.csv``, the merged scenario, and the comments of the scenario
files it names, in English or Norwegian.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.figures import write_figures
from sim.analysis.labels import label, metric_number, unit_after
from sim.analysis.tables import KEY_METRICS
from sim.config.comments import assumptions, data_dictionary, meaning
from sim.config.errors import InputError, Problem, brief_text
from sim.model.catalogue import CATALOGUE
from sim.report import reading
from sim.report.document import Report
from sim.report.kinds import BUILDERS
from sim.report.words import FAMILIES, say, unit

LANGUAGES = ("en", "nb")
"""``--lang`` values: English and Norwegian bokmål (also the catalogue's codes)."""
DEFAULT_LANGUAGE = "en"
"""``--lang``'s default: its report files carry no language in their names."""

REPORTED_KINDS = ("run", *BUILDERS)
"""Result folders a report is made of: every command's that writes one."""

SCENARIO_FILES = ("scenario.resolved.yaml", "best.yaml")
"""Where a folder keeps the scenario it ran (a calibration: its best fit)."""


def _folder_error(folder: Path, message: str) -> InputError:
    return InputError([Problem(str(folder), "", message)])


def read_manifest(folder: Path) -> dict[str, Any]:
    """The folder's manifest, checked; an input error if it is not a result folder of a
    command reports are made of, or is damaged (:mod:`sim.report.reading`)."""
    return reading.read_manifest(folder, REPORTED_KINDS)


SUMMARY_COLUMNS = {
    "year": reading.NUMBER,
    "group": reading.TEXT,
    "category": reading.TEXT,
    "metric": reading.TEXT,
    **{c: reading.NUMBER for c in ("mean", "sd", "ci_low", "ci_high", "p10", "p50", "p90", "n")},
}


def key_figures(summary: pd.DataFrame, first: int, last: int, language: str) -> pd.DataFrame:
    """Totals of the key metrics in the first and last reported year with 95 % intervals."""
    totals = summary[(summary.group == "") & (summary.category == "")]
    rows = []
    for name in KEY_METRICS:
        for year in dict.fromkeys((first, last)):
            found = totals[(totals.metric == name) & (totals.year == year)]
            if found.empty:
                continue
            row = found.iloc[0]
            rows.append(
                {
                    "metric": name,
                    "label": label(name, language),
                    "unit": unit(name, language),
                    "year": year,
                    "mean": float(row["mean"]),
                    "ci_low": float(row["ci_low"]),
                    "ci_high": float(row["ci_high"]),
                }
            )
            if "parameter_share" in summary.columns:  # run over a posterior
                rows[-1]["parameter_share"] = float(row["parameter_share"])
    return pd.DataFrame(rows)


def key_sentences(figures: pd.DataFrame, language: str) -> list[str]:
    """A sentence per key metric: its mean and interval in the first and last year."""
    out = []
    for name in dict.fromkeys(figures.metric):
        rows = figures[figures.metric == name]
        after = unit_after(str(name), language)
        parts = [
            f"{metric_number(r.mean, str(name), language)} {after} "
            f"{say('in_year', language, year=r.year)} "
            f"({say('interval', language)} {metric_number(r.ci_low, str(name), language)}–"
            f"{metric_number(r.ci_high, str(name), language)})"
            for r in rows.itertuples()
        ]
        out.append(f"{rows.iloc[0].label}: " + "; ".join(parts))
    return out


def family_tables(summary: pd.DataFrame, language: str) -> dict[str, pd.DataFrame]:
    """Per metric family (catalogue kind): one row per metric, group, category and
    statistic (mean, 95 % interval ends), one column per year."""
    tables = {}
    for family, kinds in FAMILIES.items():
        names = [n for n, m in CATALOGUE.items() if m.kind in kinds]
        rows = summary[summary.metric.isin(names)]
        if rows.empty:
            continue
        long = rows.melt(
            id_vars=["metric", "group", "category", "year"],
            value_vars=["mean", "ci_low", "ci_high"],
            var_name="statistic",
        )
        wide = long.pivot_table(
            index=["metric", "group", "category", "statistic"],
            columns="year",
            values="value",
            aggfunc="first",
        ).reset_index()
        rank = {name: i for i, name in enumerate(names)}
        statistics = {"mean": 0, "ci_low": 1, "ci_high": 2}
        wide = (
            wide.assign(_m=wide.metric.map(rank), _s=wide.statistic.map(statistics))
            .sort_values(["_m", "group", "category", "_s"])
            .drop(columns=["_m", "_s"])
        )
        wide.insert(1, "label", [label(n, language) for n in wide.metric])
        wide.insert(2, "unit", [unit(n, language) for n in wide.metric])
        wide["statistic"] = [say(f"stat_{s}", language) for s in wide.statistic]
        wide.columns = [str(c) for c in wide.columns]
        tables[family] = wide.reset_index(drop=True)
    return tables


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted key, value) for every leaf of the scenario: a number as a number, anything
    else as text; a mapping with number keys (a yearly series, room shares) is one value."""
    if isinstance(value, dict) and value and not all(isinstance(k, int) for k in value):
        rows = []
        for key, item in value.items():
            rows += _flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return rows
    if isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
        rows = []
        for index, item in enumerate(value):
            rows += _flatten(item, f"{prefix}.{index}")
        return rows
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return [(prefix, value)]
    text = json.dumps(value, ensure_ascii=False, default=str)
    return [(prefix, text.strip('"') if isinstance(value, str) else text)]


def assumption_table(
    scenario: dict[str, Any], scenario_file: Path | None, language: str
) -> pd.DataFrame:
    """Every key of the merged scenario with its value, the comment beside it in the
    scenario file (or a file it extends) where there is one, and its meaning."""
    comments: dict[str, tuple[str, str]] = {}
    dictionary: dict[str, tuple[str, str]] = {}
    if scenario_file is not None and scenario_file.is_file():
        try:
            for notes in assumptions(scenario_file):
                for row in notes.keys:
                    if row.source and row.key not in comments:
                        comments[row.key] = (row.source, notes.name)
        except InputError:
            comments = {}
        dictionary = data_dictionary(scenario_file.parent)
    rows = []
    for key, value in _flatten(scenario):
        source, file = comments.get(key, ("", ""))
        rows.append(
            {
                say("key", language): key,
                say("value", language): value,
                say("source", language): source,
                say("file", language): file,
                say("meaning", language): meaning(key, dictionary)[0],
            }
        )
    return pd.DataFrame(rows)


def figures(report: Report) -> dict[str, bytes]:
    """The run's four figures redrawn from its summary in the report's language, groups
    and categories by their display names."""
    names = report.shown_names()
    groups = [names.group(g) for g in report.scenario.get("groups", {})]
    categories = [names.category(c) for c in report.scenario.get("stock", {})]
    summary = report.summary.assign(
        group=[names.group(g) for g in report.summary.group],
        category=[names.category(c) for c in report.summary.category],
    )
    with tempfile.TemporaryDirectory() as temporary:
        paths = write_figures(
            summary,
            Path(temporary),
            report.display_name,
            groups,
            categories,
            int(report.manifest.get("replications", 0)),
            report.language,
        )
        return {path.stem: path.read_bytes() for path in paths}


def _read_summary(folder: Path, manifest: dict[str, Any]) -> pd.DataFrame:
    summary = reading.read_table(folder, manifest, "summary.csv", SUMMARY_COLUMNS)
    summary["group"] = summary["group"].fillna("").astype(str)
    summary["category"] = summary["category"].fillna("").astype(str)
    return summary


def _read_scenario(folder: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The scenario the folder ran; a run's must be there, the others' may be missing
    (folders written before they kept it)."""
    scenario = reading.read_scenario(folder, manifest, SCENARIO_FILES)
    if scenario is not None:
        return scenario
    if manifest["kind"] == "run":
        raise _folder_error(folder, "has no scenario.resolved.yaml; " + reading.remake(manifest))
    return {}


def load_report(folder: str | Path, language: str = "en") -> Report:
    """Read a result folder of any command into a report in ``en`` or ``nb``."""
    folder = Path(folder)
    if language not in LANGUAGES:
        raise InputError(
            [Problem("--lang", language, "unknown language; allowed: " + ", ".join(LANGUAGES))]
        )
    lang = language
    manifest = read_manifest(folder)
    files = reading.check_files(folder, manifest)
    try:
        return _build(folder, manifest, lang, files)
    except (ArithmeticError, AttributeError, LookupError, TypeError, ValueError) as error:
        if reading.checked(manifest):
            raise  # the files are those written: a fault of this program, not the folder's
        raise _folder_error(
            folder,
            "cannot be reported: its files do not fit together "
            f"({type(error).__name__}: {brief_text(str(error), 120)}); it was written before "
            "manifests recorded checksums, so they cannot be checked; " + reading.remake(manifest),
        ) from None


def _build(folder: Path, manifest: dict[str, Any], lang: str, files: int) -> Report:
    kind = str(manifest["kind"])
    summary = _read_summary(folder, manifest) if kind == "run" else pd.DataFrame()
    scenario = _read_scenario(folder, manifest)
    report = Report(lang, folder, manifest, scenario, summary, pd.DataFrame())
    report.files_checked = files if reading.checked(manifest) else None
    if kind == "run":
        report.key_figures = key_figures(summary, report.first_year, report.last_year, lang)
        report.sentences = key_sentences(report.key_figures, lang)
        report.families = family_tables(summary, lang)
        report.figures = figures(report)
    else:
        BUILDERS[kind](report)
    if scenario:
        file = _scenario_file(manifest.get("scenario_file"))
        report.assumptions = assumption_table(scenario, file, lang)
    return report


def _scenario_file(name: Any) -> Path | None:
    """The scenario file the manifest names, if it is still there (its comments are
    shown beside the assumptions); ``None`` if not, or if no file can have that name."""
    if not isinstance(name, str) or not name:
        return None
    try:
        return Path(name) if Path(name).is_file() else None
    except (OSError, ValueError):  # a name too long, a NUL byte ...
        return None
