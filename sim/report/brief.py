"""``brief.pdf``: a report on two A4 pages for a council, typeset with Typst (the ``typst``
package, the ``pdf`` extra): the answer in one sentence, one figure, the key numbers with
their intervals and units, the assumptions that matter most, and how it was run.

Every text reaches Typst as data (a JSON document in ``sys.inputs``), never as markup, so
a label holding ``#``, ``*`` or ``]`` is printed as written.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from sim.config.errors import InputError, Problem
from sim.report.brief_parts import assumptions, key_numbers, provenance
from sim.report.document import Report
from sim.report.words import say

EXTRA = "pdf"
"""The extra that installs Typst: ``pip install 'sim-housing[pdf]'``."""
FIGURE_HEIGHT_CM = 7.0

TEMPLATE = r"""
#let d = json(bytes(sys.inputs.brief))
#set document(title: d.title)
#set page(
  paper: "a4",
  margin: (x: 17mm, top: 15mm, bottom: 17mm),
  footer: context [
    #set text(7pt, fill: luma(90))
    #d.footer #h(1fr) #counter(page).display("1/1", both: true)
  ],
)
#set text(lang: d.lang, size: 9.5pt)
#set par(justify: false, leading: 0.55em)
#show heading: set text(11pt)
#show heading: set block(above: 1.0em, below: 0.5em)

#text(15pt, weight: "bold", d.title)
#v(0.2em)
#text(fill: luma(60), d.question)

#block(
  fill: rgb("#e8edf5"), inset: 8pt, radius: 3pt, width: 100%,
  text(11pt, weight: "bold", d.answer),
)

#if d.figure != "" {
  align(center, image(d.figure, width: 100%, height: FIGURE_HEIGHT, fit: "contain"))
}

= #d.words.numbers
#if d.intro != "" [#d.intro]
#if d.bullets.len() > 0 {
  list(..d.bullets.map(b => [#b]))
}
#if d.numbers.rows.len() > 0 {
  table(
    columns: d.numbers.columns.len(),
    align: (x, y) => if x >= d.numbers.right { right } else { left },
    stroke: 0.4pt + luma(170),
    inset: 4pt,
    table.header(..d.numbers.columns.map(c => text(weight: "bold", c))),
    ..d.numbers.rows.flatten().map(c => [#c]),
  )
}
#if d.rule != "" [#text(8pt, fill: luma(80), d.rule)]

= #d.words.assumptions
#text(8.5pt, d.assumptions_note)
#if d.assumptions.len() > 0 {
  table(
    columns: (auto, auto, 1fr),
    stroke: 0.4pt + luma(170),
    inset: 4pt,
    table.header(..d.words.assumption_columns.map(c => text(weight: "bold", c))),
    ..d.assumptions.flatten().map(c => text(8.5pt, c)),
  )
}

= #d.words.provenance
#set text(8pt)
#table(
  columns: (auto, 1fr),
  stroke: none,
  inset: 2pt,
  ..d.provenance.flatten().map(c => [#c]),
)
#text(fill: luma(80), d.how_to_read)
"""


def check_typst() -> None:
    """An input error (exit 2) naming the extra if the ``typst`` package is missing."""
    try:
        import typst  # noqa: F401
    except ImportError:
        raise InputError(
            [
                Problem(
                    "--format",
                    "pdf",
                    f"needs the typst package; install it with: pip install 'sim-housing[{EXTRA}]'",
                )
            ]
        ) from None


def brief_data(report: Report, figure: str) -> dict[str, Any]:
    """What the brief shows, as data (every text in the report's language)."""
    lang = report.language
    numbers, bullets, right = key_numbers(report)
    rows, note = assumptions(report)
    return {
        "lang": "nb" if lang == "nb" else "en",
        "title": report.title(),
        "question": report.question(),
        "answer": report.one_sentence(),
        "figure": figure,
        "intro": report.intro,
        "bullets": bullets,
        "numbers": {
            "columns": list(numbers.columns),
            "rows": numbers.astype(str).values.tolist(),
            "right": right,
        },
        "rule": report.rule,
        "assumptions": rows,
        "assumptions_note": note,
        "provenance": provenance(report),
        "how_to_read": say("brief_how_to_read", lang),
        "footer": say("brief_footer", lang, folder=report.folder.as_posix()),
        "words": {
            "numbers": say("main_changes" if report.headline else "key_figures", lang),
            "assumptions": say("brief_assumptions", lang),
            "assumption_columns": [say("key", lang), say("value", lang), say("brief_why", lang)],
            "provenance": say("provenance", lang),
        },
    }


def render_brief(report: Report, output_format: str = "pdf", ppi: float | None = None) -> Any:
    """The brief as PDF bytes (``output_format="png"``: a list of PNG pages, or bytes
    for one page)."""
    check_typst()
    import typst

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        figure = ""
        if report.figures:
            figure = "figure.png"
            png = report.figures.get(report.main_figure) or next(iter(report.figures.values()))
            (folder / figure).write_bytes(png)
        source = folder / "brief.typ"
        source.write_text(
            TEMPLATE.replace("FIGURE_HEIGHT", f"{FIGURE_HEIGHT_CM}cm"), encoding="utf-8"
        )
        data = json.dumps(brief_data(report, figure), ensure_ascii=False, default=str)
        options: dict[str, Any] = {"format": output_format, "sys_inputs": {"brief": data}}
        if ppi is not None:
            options["ppi"] = ppi
        return typst.compile(str(source), root=str(folder), **options)


def write_brief(report: Report, path: Path) -> Path:
    """Write ``brief.pdf`` at ``path`` (the caller makes it atomic)."""
    path.write_bytes(render_brief(report))
    return path
