"""What the two-page brief (:mod:`sim.report.brief`) shows of each kind of result folder:
the key numbers, the assumptions that matter most and how it was run, as text in the
report's language."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from sim.analysis.labels import metric_number
from sim.report.document import Report
from sim.report.words import number, say

MOST_NUMBERS = 8
"""Rows of key numbers the brief shows at most (the rest are in report.html)."""
BRIEF_MONEY = ("cost_total", "cost_net")
"""The money a brief shows among its key numbers, where the scenario prices it."""
MOST_ASSUMPTIONS = 6
"""Assumptions the brief lists at most."""
LONGEST = 170
"""Characters of one comment or value the brief shows (longer ones end in …)."""
ASSUMPTION_WORDS = ("assumption", "antagelse", "antakelse")
RUN_SETTINGS = ("time.", "replications", "seed", "calibration.")
"""Keys of how the model is run, not of the municipality: not listed as assumptions."""
CITED_LINES = re.compile(r"\bl\. ?(\d+(?:[-–]\d+)?)")
NORWEGIAN = re.compile(r"[æøåÆØÅ]|\bantagelse|\bantakelse", re.IGNORECASE)


def _short(text: Any, most: int = LONGEST) -> str:
    words = " ".join(str(text).split())
    return words if len(words) <= most else words[: most - 1].rstrip() + "…"


def key_numbers(report: Report) -> tuple[pd.DataFrame, list[str], int]:
    """(a table of key numbers, bullet sentences, the first right-aligned column)."""
    lang = report.language
    if not report.key_figures.empty:  # a run: each key measure in the last year
        rows = report.key_figures[report.key_figures.year == report.last_year]
        money = rows.metric.isin(BRIEF_MONEY)  # where priced: the costs and their net last
        rows = pd.concat([rows[~money].head(MOST_NUMBERS - int(money.sum())), rows[money]])
        frame = pd.DataFrame(
            {
                say("metric", lang): rows.label,
                say("unit", lang): rows.unit,
                say("year", lang): rows.year.astype(str),
                say("mean", lang): [
                    metric_number(v, str(m), lang)
                    for v, m in zip(rows["mean"], rows.metric, strict=True)
                ],
                say("interval", lang): [
                    f"{metric_number(a, str(m), lang)} – {metric_number(b, str(m), lang)}"
                    for a, b, m in zip(rows.ci_low, rows.ci_high, rows.metric, strict=True)
                ],
            }
        ).head(MOST_NUMBERS)
        return frame, [], 2
    if report.headline:
        return pd.DataFrame(), report.headline[: MOST_NUMBERS - 3], 0
    if report.kind == "size":
        return _size_numbers(report), report.sentences[1:], 1
    return pd.DataFrame(), report.sentences[1:MOST_NUMBERS], 0


def _size_numbers(report: Report) -> pd.DataFrame:
    """The probability curve around the answer: the chosen size and its neighbours."""
    lang = report.language
    table = next((t.frame for t in report.tables if t.key == "curve"), pd.DataFrame())
    if table.empty:
        return table
    units, chosen = say("units", lang), say("chosen", lang)
    probability, low, high = (
        say(k, lang) for k in ("probability", "probability_ci_low", "probability_ci_high")
    )
    picked = table.index[table[chosen] == say("yes", lang)].tolist()
    centre = picked[0] if picked else len(table) - 1
    rows = table.iloc[max(0, centre - 3) : centre + 3]
    return pd.DataFrame(
        {
            units: [number(float(u), lang, 0) for u in rows[units]],
            probability: [number(float(p), lang, 2) for p in rows[probability]],
            say("interval", lang): [
                f"{number(float(a), lang, 2)} – {number(float(b), lang, 2)}"
                for a, b in zip(rows[low], rows[high], strict=True)
            ],
            chosen: rows[chosen].astype(str),
        }
    )


def _ranking(report: Report) -> list[str]:
    """The keys a sensitivity ranking in the folder puts first (``sensitivity.csv``)."""
    path = report.folder / "sensitivity.csv"
    if not path.is_file():
        return []
    try:
        table = pd.read_csv(path)
        main = table[table["index"].isin(["mu_star", "ST"])].sort_values("rank")
        return list(dict.fromkeys(main.parameter.astype(str)))
    except (OSError, ValueError, KeyError, pd.errors.ParserError):
        return []


def assumptions(report: Report) -> tuple[list[list[str]], str]:
    """The assumptions that matter most as (key, value, why) rows, and a note on where
    they come from: the folder's sensitivity ranking where it has one, else the keys
    the scenario file marks as an assumption."""
    lang = report.language
    table = report.assumptions
    if table.empty:
        return [], say("no_scenario", lang)
    key, value, source = (say(k, lang) for k in ("key", "value", "source"))
    values = dict(zip(table[key].astype(str), table[value], strict=True))
    ranked = [k for k in _ranking(report) if k in values][:MOST_ASSUMPTIONS]
    if ranked:
        rows = [
            [k, _value(values[k], lang), say("brief_rank", lang, rank=i + 1)]
            for i, k in enumerate(ranked)
        ]
        return rows, say("brief_assumptions_ranked", lang)
    marked = table[
        table[source].astype(str).str.lower().str.contains("|".join(ASSUMPTION_WORDS))
        & ~table[key].astype(str).str.startswith(RUN_SETTINGS)
    ]
    shown = marked.head(MOST_ASSUMPTIONS)
    rows = [
        [str(r[key]), _value(r[value], lang), _why(str(r[source]), lang)]
        for _, r in shown.iterrows()
    ]
    if not rows:
        return [], say("brief_no_assumptions", lang)
    note = say("brief_assumptions_marked", lang, shown=len(rows), n=len(marked))
    if lang == "nb" and not all(NORWEGIAN.search(str(c)) for c in shown[source]):
        note += " " + say("brief_comments_in_english", lang)  # where those comments are
    return rows, note


def _why(comment: str, lang: str) -> str:
    """The comment as written; in Norwegian, a comment written in English (no æ, ø, å
    and no "antagelse") is said in Norwegian by what it is: an assumption, and the report
    lines it cites (the note under the heading says where the comment itself is)."""
    if lang != "nb" or NORWEGIAN.search(comment):
        return _short(comment)
    lines = [m.replace("-", "–") for m in CITED_LINES.findall(comment)]
    cited = say("brief_cites", lang, lines=", ".join(lines)) if lines else ""
    return say("brief_assumption_in_english", lang, cited=cited)


def _value(value: Any, lang: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(float(value), lang, None if isinstance(value, float) else 0)
    return _short(value, 60)


def provenance(report: Report) -> list[list[str]]:
    """Command, version, seed, date and folder."""
    lang = report.language
    m = report.manifest
    return [
        [say("command", lang), _short(m.get("command") or "", 400)],
        [say("version", lang), str(m.get("versions", {}).get("sim-housing", ""))],
        [say("seed", lang), str(m.get("seed", ""))],
        [say("replications", lang), str(m.get("replications", ""))],
        [say("started", lang), str(m.get("started", ""))],
        [say("brief_folder", lang), report.folder.as_posix()],
        [say("files_checked", lang), report.checked()],
    ]
