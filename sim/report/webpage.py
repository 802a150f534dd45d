"""``report.html``: the report as one self-contained web page to mail or print.

Jinja2 with autoescaping renders it; figures are embedded as ``data:`` URIs and the page
names no other host, so it opens offline, on a phone, and prints to PDF. Every number
carries its exact value in ``data-value`` beside the rounded text a reader sees.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from sim.analysis.labels import metric_number
from sim.analysis.tables import share_cell
from sim.report.document import Report, Table
from sim.report.words import number, say

TEMPLATE = """<!DOCTYPE html>
<html lang="{{ html_lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto;
       max-width: 62rem; padding: 1rem; line-height: 1.45; color: #1d2430; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem;
     border-bottom: 1px solid #ccd; }
.scroll { overflow-x: auto; }
#main-changes { font-size: 1.05rem; } #main-changes li { margin: 0.25rem 0; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 0.5rem 0; }
th, td { border: 1px solid #ccd; padding: 0.25rem 0.5rem; vertical-align: top; }
th { background: #e8edf5; text-align: left; }
td.long { min-width: 22rem; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; display: block; margin: 0.5rem 0 1.5rem; }
.note { color: #555; font-size: 0.85rem; }
details { margin: 0.5rem 0; } summary { cursor: pointer; font-weight: 600; }
@page { size: A4; margin: 15mm 12mm 15mm 12mm; }
@page wide { size: A4 landscape; margin: 12mm 12mm 12mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  details > summary { list-style: none; }
  details:not([open]) > summary::after { content: " (…)"; font-weight: normal; }
  h2 { break-after: avoid; } img { break-inside: avoid; max-height: 120mm; width: auto; }
  .scroll { overflow: visible !important; }
  table { width: 100%; table-layout: auto; break-inside: auto; font-size: 7.5pt; }
  thead { display: table-header-group; } tr { break-inside: avoid; }
  th, td { padding: 0.1rem 0.2rem; white-space: normal !important; overflow-wrap: anywhere; }
  td.n { white-space: nowrap !important; }
  th { overflow-wrap: normal; }
  td.long { min-width: 0; }
  .wide { page: wide; }
  th:first-child, td:first-child { min-width: 9em; }
  table.summary td:nth-child(2), table.summary th:nth-child(2) { min-width: 5em; }
  table#assumptions td:nth-child(3), table#assumptions td:nth-child(5) { min-width: 14em; }
}
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p>{{ question }}</p>
{% if description %}<p class="note">{{ description }}</p>{% endif %}

{% if headline %}<h2>{{ words.main_changes }}</h2>
{% if intro %}<p>{{ intro }}</p>{% endif %}
<ol id="main-changes">
{% for sentence in headline %}<li>{{ sentence }}</li>
{% endfor %}</ol>
<p class="note">{{ rule }}</p>{% endif %}
<h2>{% if key_rows %}{{ words.key_figures }}{% else %}{{ words.answer }}{% endif %}</h2>
<ul id="answer">
{% for sentence in sentences %}<li>{{ sentence }}</li>
{% endfor %}</ul>
{% if key_rows %}<div class="scroll"><table id="key-figures">
<thead><tr><th>{{ words.metric }}</th><th>{{ words.unit }}</th><th>{{ words.year }}</th>
<th>{{ words.mean }}</th><th>{{ words.interval }}</th>
{% if split %}<th>{{ words.parameter_share }}</th>{% endif %}</tr></thead>
{% for row in key_rows %}<tr data-metric="{{ row.metric }}" data-year="{{ row.year }}">
<td>{{ row.label }}</td><td>{{ row.unit }}</td><td class="n">{{ row.year }}</td>
<td class="n" data-value="{{ row.mean_value }}">{{ row.mean }}</td>
<td class="n">{{ row.low }} – {{ row.high }}</td>
{% if split %}<td class="n">{{ row.share }}</td>{% endif %}</tr>
{% endfor %}</table></div>{% endif %}

<h2>{{ words.how_to_read }}</h2>
<p>{{ how_to_read }}</p>

<h2>{{ words.figures }}</h2>
{% for name, uri in figures %}<img alt="{{ name }}" src="{{ uri }}">
{% endfor %}

{% for table in tables %}
<h2>{{ table.title }}</h2>
{% if table.note %}<p class="note">{{ table.note }}</p>{% endif %}
<div class="scroll wide"><table class="result" data-table="{{ table.key }}">
<thead><tr>{% for column in table.columns %}<th>{{ column }}</th>{% endfor %}</tr></thead>
{% for row in table.rows %}<tr>{% for cell in row %}{% if cell.number %}<td class="n"
 data-value="{{ cell.value }}">{{ cell.text }}</td>{% else %}<td
{%- if cell.text | length > 60 %} class="long"{% endif %}>{{ cell.text }}</td>{% endif %}
{%- endfor %}</tr>
{% endfor %}</table></div>
{% endfor %}

{% if families %}<div class="wide"><h2>{{ words.summary }}</h2>{% endif %}
{% for family in families %}
<details class="wide"{% if loop.first %} open{% endif %}><summary>{{ family.title }}</summary>
<div class="scroll"><table class="summary" data-family="{{ family.name }}">
<thead><tr>{% for column in family.columns %}<th>{{ column }}</th>{% endfor %}</tr></thead>
{% for row in family.rows %}<tr data-metric="{{ row.metric }}" data-group="{{ row.group }}"
 data-category="{{ row.category }}">
<td>{{ row.label }}</td><td>{{ row.unit }}</td><td>{{ row.group_shown }}</td>
<td>{{ row.category_shown }}</td>
{% for cell in row.cells %}<td class="n" data-year="{{ cell.year }}"
 data-value="{{ cell.value }}">{{ cell.text }}</td>{% endfor %}</tr>
{% endfor %}</table></div></details>
{% endfor %}
{% if families %}</div>{% endif %}

<h2>{{ words.assumptions }}</h2>
{% if not assumptions.rows %}<p>{{ words.no_scenario }}</p>{% else %}
<p>{{ words.assumptions_text }}</p>
<details class="wide"><summary>{{ words.assumptions }} ({{ assumptions.rows | length }})</summary>
<div class="scroll"><table id="assumptions">
<thead><tr>{% for column in assumptions.columns %}<th>{{ column }}</th>{% endfor %}</tr></thead>
{% for row in assumptions.rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</table></div></details>{% endif %}

<h2>{{ words.provenance }}</h2>
<div class="scroll"><table id="provenance">
{% for key, value in provenance %}<tr><th>{{ key }}</th><td>{{ value }}</td></tr>
{% endfor %}</table></div>
<p class="note">{{ made_by }}</p>
</body>
</html>
"""


def _family(report: Report, name: str, table: pd.DataFrame) -> dict[str, Any]:
    lang = report.language
    years = [c for c in table.columns if c.isdigit()]
    means = table[table.statistic == say("stat_mean", lang)]
    everything = say("all", lang)
    names = report.shown_names()
    rows = [
        {
            "metric": r["metric"],
            "label": r["label"],
            "unit": r["unit"],
            "group": r["group"],
            "category": r["category"],
            "group_shown": names.group(r["group"]) or everything,
            "category_shown": names.category(r["category"]) or everything,
            "cells": [
                {
                    "year": y,
                    "value": repr(float(r[y])),
                    "text": metric_number(float(r[y]), str(r["metric"]), lang),
                }
                for y in years
            ],
        }
        for _, r in means.iterrows()
    ]
    columns = [
        say("metric", lang),
        say("unit", lang),
        say("group", lang),
        say("category", lang),
        *years,
    ]
    return {"name": name, "title": say(f"family_{name}", lang), "columns": columns, "rows": rows}


def _cell(value: Any, language: str) -> dict[str, Any]:
    """A cell of a table: a number keeps its exact value beside the rounded text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return {"number": False, "text": "" if value is None else str(value)}
    if isinstance(value, int):
        return {"number": True, "value": str(value), "text": str(value)}
    return {"number": True, "value": repr(float(value)), "text": number(value, language)}


def _table(table: Table, language: str) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": table.title,
        "note": table.note,
        "columns": [str(c) for c in table.frame.columns],
        "rows": [
            [_cell(value, language) for value in row] for row in table.frame.itertuples(index=False)
        ],
    }


def render(report: Report) -> str:
    """The page's HTML text."""
    lang = report.language
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string(TEMPLATE)
    key_rows = [
        {
            "metric": r.metric,
            "label": r.label,
            "unit": r.unit,
            "year": r.year,
            "mean": metric_number(r.mean, str(r.metric), lang),
            "mean_value": repr(float(r.mean)),
            "low": metric_number(r.ci_low, str(r.metric), lang),
            "high": metric_number(r.ci_high, str(r.metric), lang),
            "share": share_cell(getattr(r, "parameter_share", float("nan"))),
        }
        for r in report.key_figures.itertuples()
    ]
    split = "parameter_share" in report.key_figures.columns
    figures = [
        (figure, "data:image/png;base64," + base64.b64encode(png).decode("ascii"))
        for figure, png in report.figures.items()
    ]
    words = {
        key: say(key, lang)
        for key in (
            "key_figures",
            "parameter_share",
            "metric",
            "unit",
            "year",
            "mean",
            "interval",
            "how_to_read",
            "how_to_read_text",
            "figures",
            "summary",
            "assumptions",
            "assumptions_text",
            "provenance",
            "answer",
            "no_scenario",
            "main_changes",
        )
    }
    assumptions = report.assumptions
    return template.render(
        html_lang="nb" if lang == "nb" else "en",
        title=report.title(),
        question=report.question(),
        description=report.description(),
        words=words,
        sentences=report.sentences,
        headline=report.headline,
        intro=report.intro,
        rule=report.rule,
        key_rows=key_rows,
        split=split,
        figures=figures,
        families=[_family(report, n, t) for n, t in report.families.items()],
        tables=[_table(table, lang) for table in report.tables],
        assumptions={
            "columns": list(assumptions.columns),
            "rows": assumptions.astype(str).values.tolist(),
        },
        how_to_read=report.how_to_read(),
        provenance=report.provenance(),
        made_by=say("made_by", lang, folder=report.folder.as_posix()),
    )


def write_page(report: Report, path: Path) -> Path:
    """Write ``report.html`` at ``path`` (the caller makes it atomic)."""
    path.write_text(render(report), encoding="utf-8")
    return path
