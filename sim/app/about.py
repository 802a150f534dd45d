"""The about page's texts: where a baseline's numbers come from, told in the page's
language.

The scenario files document their numbers in English comments (a report line, an
assumption, or how a value was calibrated). In English the page shows them as written; in
Norwegian it tells each source in Norwegian (report lines, assumption, the calibration's
range, first guess and how well the data determine the value) and shows the files' own
English comments only on request. Values are rounded to three significant digits and
written the reader's way; a calibrated file's header becomes a plain sentence.

>>> text = source_text("calibrated in [30, 200] (log scale); guess 73; pinned down", "nb")
>>> text.split(", s")[0], text.split("; ")[-1]
('kalibrert: tilpasset de observerte tallene', 'godt bestemt av dataene')
>>> source_text("assumption: default spread (l. 1353-1354)", "nb")
'antagelse; se rapporten, linje 1353–1354'
>>> value_text("92.85270378399282", "nb"), value_text("2008", "nb")
('92,9', '2008')
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import yaml

from sim.analysis.labels import Phrases, number, phrase
from sim.config.comments import FileNotes, meaning

WORDS: Phrases = {
    "calibrated": (
        "calibrated: fitted to the observed numbers, searched between {low} and {high} "
        "(first guess {guess}); {verdict}",
        "kalibrert: tilpasset de observerte tallene, søkt mellom {low} og {high} "
        "(første anslag {guess}); {verdict}",
    ),
    "pinned down": ("the data determine it well", "godt bestemt av dataene"),
    "identified": ("the data determine it", "bestemt av dataene"),
    "weakly identified": ("the data determine it only weakly", "svakt bestemt av dataene"),
    "not identified by these targets": (
        "these data do not determine it",
        "ikke bestemt av disse dataene",
    ),
    "assumption": ("assumption", "antagelse"),
    "report": ("the report, line {lines}", "rapporten, linje {lines}"),
    "assumption_report": (
        "assumption; see the report, line {lines}",
        "antagelse; se rapporten, linje {lines}",
    ),
    "other": ("see the file's comment", "se kommentaren i filen"),
    "overlay": (
        "The values in this file were fitted (calibrated) so that the model reproduces the "
        "observed numbers in {targets}; the sources of every other number are in {base}.",
        "Verdiene i denne filen er tilpasset (kalibrert) slik at modellen gjengir de "
        "observerte tallene i {targets}; kildene til alle andre tall står i {base}.",
    ),
    "overlay_unknown": (
        "The values in this file were fitted (calibrated) to observed numbers; the sources "
        "of every other number are in the file it extends.",
        "Verdiene i denne filen er tilpasset (kalibrert) til observerte tall; kildene til "
        "alle andre tall står i filen den bygger på.",
    ),
    "header_english": (
        "",
        "Filens egen innledning er skrevet på engelsk; kryss av for «Vis filenes egne "
        "kommentarer (engelsk)» for å lese den.",
    ),
}

_CALIBRATED = re.compile(
    r"calibrated in \[(?P<low>[^,\]]+), (?P<high>[^\]]+)\](?: \(log scale\))?; "
    r"guess (?P<guess>[^;]+); (?P<verdict>.+)$"
)
_LINES = re.compile(r"\bl\. ?(\d+(?:\s*-\s*\d+)?(?:,\s*\d+(?:\s*-\s*\d+)?)*)")
_NUMBER = re.compile(r"-?\d+\.\d+(?:e-?\d+)?|-?\d+e-?\d+")
_HOW_MADE = re.compile(r"^Made by `sim calibrate")
_BASE = re.compile(r"Base scenario: (?P<base>[^;]+); targets: (?P<targets>[^.\n]+(?:\.csv)?)")


def _say(key: str, language: str, **values: object) -> str:
    return phrase(WORDS, key, language, **values)


def rounded(value: float, language: str, significant: int = 3) -> str:
    """``value`` to ``significant`` digits (whole numbers as they are), written the
    language's way: 92.8527… → ``92,9``, 0.0428649… → ``0,0429``."""
    if not math.isfinite(value) or value == 0 or value == round(value):
        return number(value, language, 0)
    most = min(6, max(0, significant - 1 - math.floor(math.log10(abs(value)))))
    digits = next(d for d in range(most + 1) if d == most or value == round(value, d))
    return number(value, language, digits)


def value_text(value: str, language: str) -> str:
    """A value as written in a scenario file, its decimal numbers rounded and written the
    language's way (whole numbers, such as years, as written); in Norwegian the items of
    a list or mapping are separated by semicolons (the comma is the decimal sign).

    >>> value_text("{1: 0.25, 2: 0.4}", "nb")
    '{1: 0,25; 2: 0,4}'
    """
    text = value.strip()
    if language == "nb" and text[:1] in "[{" and "," in text:
        text = text.replace(", ", "; ")
    return _NUMBER.sub(lambda match: rounded(float(match[0]), language), text)


def _lines(source: str) -> str:
    """The report lines a comment cites, ``1353–1354, 2041``, or an empty text."""
    found = [" ".join(m.split()) for m in _LINES.findall(source)]
    return ", ".join(dict.fromkeys(found)).replace("-", "–").replace(" – ", "–")


def source_text(source: str, language: str) -> str:
    """A key's comment in ``language``: as written in English; in Norwegian the kind of
    source (calibrated, with its search range and how well the data determine it; an
    assumption; report lines)."""
    calibrated = _CALIBRATED.search(source)
    if calibrated is not None:
        verdict = calibrated["verdict"].strip()
        return _say(
            "calibrated",
            language,
            low=value_text(calibrated["low"], language),
            high=value_text(calibrated["high"], language),
            guess=value_text(calibrated["guess"], language),
            verdict=_say(verdict, language) if verdict in WORDS else verdict,
        )
    if language != "nb" or not source:
        return source
    lines = _lines(source)
    assumed = "assumption" in source.lower()
    if assumed and lines:
        return _say("assumption_report", language, lines=lines)
    if assumed:
        return _say("assumption", language)
    if lines:
        return _say("report", language, lines=lines)
    return _say("other", language)


def header_text(notes: FileNotes, language: str) -> str:
    """What a file says about itself: a calibrated file's header as one plain sentence
    (which data it was fitted to, where the other numbers come from); another file's
    header as written in English, in Norwegian a note that it is in English."""
    if _HOW_MADE.match(notes.header):
        found = _BASE.search(notes.header)
        if found is None:
            return _say("overlay_unknown", language)
        return _say(
            "overlay", language, targets=found["targets"].strip(), base=found["base"].strip()
        )
    if language == "nb" and notes.header:
        return _say("header_english", language)
    return notes.header


@dataclass(frozen=True)
class AboutRow:
    """One key of a file, as the about page shows it."""

    key: str
    value: str
    source: str
    meaning: str  # from the data dictionary, in English
    comment: str  # the file's own comment, in English


def about_rows(
    notes: FileNotes, dictionary: dict[str, tuple[str, str]], language: str
) -> list[AboutRow]:
    """The keys of one file with their values and sources in ``language`` (a price
    written as ``{nok, year, source, note}`` has its ``source`` as every field's)."""
    priced = {
        row.key.rpartition(".")[0]: row.value.strip("\"'")
        for row in notes.keys
        if row.key.startswith("costs.") and row.key.endswith(".source")
    }
    rows = []
    for row in notes.keys:
        what, unit = meaning(row.key, dictionary)
        value, comment = value_text(row.value, language), row.source
        if row.key == "label" or row.key.endswith(".label"):
            value = _label(row.value, language)
        elif row.key == "description" and language == "nb":  # free text, as the comments
            value, comment = "", row.value.strip("\"'")
        source = row.source
        price, _, field = row.key.rpartition(".")
        if price in priced:  # a price's fields: its source is the price's own
            source = priced[price] or row.source
            if field in ("source", "note") and language == "nb":  # free text, as comments
                value, comment = "", row.value.strip("\"'")
        rows.append(
            AboutRow(
                key=row.key,
                value=value,
                source=source_text(source, language),
                meaning=f"{what} ({unit})" if unit else what,
                comment=comment,
            )
        )
    return rows


def _label(value: str, language: str) -> str:
    """A ``label`` as written (``{nb: ..., en: ...}`` or one text) in ``language``."""
    try:
        written = yaml.safe_load(value) if value else ""
    except yaml.YAMLError:
        return value
    if isinstance(written, dict):
        first, second = ("nb", "en") if language == "nb" else ("en", "nb")
        return str(written.get(first) or written.get(second) or "")
    return str(written)
