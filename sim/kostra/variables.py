"""The KOSTRA counts (skjema 13, "Kommunalt disponerte boliger") that ``sim init`` reads.

Each variable has a short id (the template's ``variabel`` column), KOSTRA's Norwegian
text, the SSB statistics-bank content codes and texts it is recognised by in an export,
and what the model compares it with. ``docs/reference/kostra.md`` says where each code
and text was read and which are not verified.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    """One KOSTRA count."""

    id: str
    text: str  # KOSTRA's Norwegian term, as the template shows it
    explanation: str  # one line in Norwegian: what to count
    kind: str  # "stock" (at 31.12.) or "flow" (in the year)
    codes: tuple[str, ...] = ()  # SSB ContentsCode values (verified ones only)
    texts: tuple[str, ...] = ()  # other SSB texts it appears as
    part_of: str | None = None  # a "herav" of this variable


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "boliger_i_alt",
        "Kommunalt disponerte boliger i alt",
        "Alle boliger kommunen disponerer for utleie per 31.12. (skjema 13, punkt 2).",
        "stock",
        texts=("Totalt antall kommunalt disponerte boliger",),
    ),
    Variable(
        "boliger_kommunalt_eid",
        "Kommunalt eide boliger",
        "Herav boliger kommunen eier (også gjennom kommunalt foretak) per 31.12.",
        "stock",
        part_of="boliger_i_alt",
    ),
    Variable(
        "boliger_innleid",
        "Boliger innleid for videre utleie",
        "Herav boliger kommunen leier inn og leier ut videre per 31.12.",
        "stock",
        part_of="boliger_i_alt",
    ),
    Variable(
        "boliger_privat_disponert",
        "Privat eide boliger med kommunal disposisjonsrett",
        "Herav privat eide boliger der kommunen bestemmer hvem som får leie (eller kjøpe).",
        "stock",
        codes=("KOSboligpkommuna0000",),
        part_of="boliger_i_alt",
    ),
    Variable(
        "nye_soknader",
        "Nye søknader om kommunal bolig",
        "Søknader mottatt i året fra husstander som ikke bodde i kommunal bolig.",
        "flow",
        texts=("Antall nye søknader om kommunal bolig", "Nye søknader"),
    ),
    Variable(
        "avslag",
        "Avslag på nye søknader",
        "Nye søknader som fikk avslag i året.",
        "flow",
        texts=("Antall avslag på nye søknader", "Nye søknader, avslag"),
    ),
    Variable(
        "innvilget",
        "Nye søknader innvilget",
        "Nye søknader som fikk vedtak om kommunal bolig (tilsagn) i året.",
        "flow",
        texts=("Antall innvilgede nye søknader", "Nye søknader, innvilget"),
    ),
    Variable(
        "venteliste",
        "Nye husstander på venteliste",
        "Husstander med vedtak om kommunal bolig som venter på å flytte inn, per 31.12.",
        "stock",
        texts=("Nye husstander på venteliste", "Husstander på venteliste i alt"),
    ),
    Variable(
        "nyinnflyttede",
        "Antall nyinnflyttede husstander",
        "Husstander tildelt kommunal bolig i året som ikke bodde i kommunal bolig fra før "
        "(ikke bytter eller forlengede kontrakter).",
        "flow",
        codes=("KOSantnyinnflytt0000",),
        texts=("Nyinnflyttede husstander",),
    ),
    Variable(
        "nyinnflyttede_flyktninger",
        "Nyinnflyttede flyktninger",
        "Herav nyinnflyttede husstander med flyktning som hovedbegrunnelse.",
        "flow",
        codes=("KOSnyinnflyttfly0000",),
        part_of="nyinnflyttede",
    ),
    Variable(
        "byttet_bolig",
        "Husstander som har byttet kommunal bolig",
        "Husstander i kommunal bolig som flyttet til en annen kommunal bolig i året.",
        "flow",
    ),
    Variable(
        "forlenget_kontrakt",
        "Husstander som har fått forlenget husleiekontrakt",
        "Husstander som fikk fornyet eller forlenget kontrakten i nåværende kommunale bolig.",
        "flow",
        texts=("Husstander som har fått fornyet husleiekontrakt",),
    ),
)

BY_ID: dict[str, Variable] = {v.id: v for v in VARIABLES}


def normalised(text: str) -> str:
    """``text`` lower-cased, with æøå spelt ae/o/a, accents dropped and runs of spaces,
    hyphens and full stops made one ``_`` (for matching names and SSB texts).

    >>> normalised("Nye søknader om  kommunal bolig.")
    'nye_soknader_om_kommunal_bolig'
    """
    text = text.strip().lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = []
    for character in text:
        out.append(character if character.isalnum() else "_")
    return "_".join(part for part in "".join(out).split("_") if part)


_BY_NAME: dict[str, str] = {}
for _variable in VARIABLES:
    for _name in (_variable.id, _variable.text, *_variable.texts, *_variable.codes):
        _BY_NAME[normalised(_name)] = _variable.id


def find(name: str) -> str | None:
    """The variable id a template name, SSB text or SSB code means, or ``None``.

    >>> find("nye søknader"), find("KOSantnyinnflytt0000 Antall nyinnflyttede husstander")
    ('nye_soknader', 'nyinnflyttede')
    >>> find("Nyinnflyttede flyktninger (antall)"), find("Andel nyinnflyttede flyktninger")
    ('nyinnflyttede_flyktninger', None)
    """
    found = _BY_NAME.get(normalised(name))
    if found is None:
        # an SSB text may carry its unit: "Nyinnflyttede flyktninger (antall)"
        found = _BY_NAME.get(normalised(name.split("(")[0]))
    code, _, text = name.strip().partition(" ")
    if found is None and text and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*\d{4}", code):
        # code and text together ("KOSantnyinnflytt0000 Antall nyinnflyttede husstander")
        found = _BY_NAME.get(normalised(code)) or _BY_NAME.get(normalised(text))
    return found


def suggestion(name: str) -> str:
    """`` (did you mean 'x'?)`` for the closest variable id, or an empty text."""
    close = difflib.get_close_matches(normalised(name), list(BY_ID), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""
