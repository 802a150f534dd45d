"""Display labels of metrics, in English and Norwegian, with units, from the one metric
catalogue (``sim/model/catalogue.py``)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from babel import Locale
from babel.numbers import format_decimal, format_percent

from sim.model.catalogue import CATALOGUE, RECORDED

# metric -> (English label, Norwegian label, unit), for the metrics a run's tables hold
METRICS: dict[str, tuple[str, str, str]] = {
    name: (CATALOGUE[name].english, CATALOGUE[name].norwegian, CATALOGUE[name].unit)
    for name in RECORDED
}


Phrases = dict[str, tuple[str, str]]
"""Texts by key, each as (English, Norwegian bokmål)."""


LOCALES = {"nb": "nb_NO", "en": "en"}
"""The Babel locale of each language the tool writes."""


def _locale(language: str) -> str:
    return LOCALES.get(language, "en")


def number(value: float, language: str, digits: int | None = None) -> str:
    """A number as a reader of the language writes it (Babel's CLDR data): ``1,234.5``
    or ``1 234,5`` (decimal comma, a no-break space between thousands).

    ``digits`` places after the decimal mark; by default 0 from 100 on, 1 from 10 on,
    else 2. Rounded as Python rounds the float (to the nearest, ties to even on its
    exact binary value); a value that rounds to zero has no minus sign.

    >>> number(1234.56, "en"), number(12.34, "nb"), number(0.1234, "nb")
    ('1,235', '12,3', '0,12')
    >>> number(1234.56, "nb") == "1\\u00a0235"
    True
    >>> number(-1234.5, "nb", 1) == "-1\\u00a0234,5", number(-0.001, "en")
    (True, '0.00')
    """
    if not math.isfinite(value):
        return "–"
    if digits is None:
        digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    exact = Decimal(value)
    if exact.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_EVEN).is_zero():
        exact = Decimal(0)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(exact, format=pattern, locale=_locale(language))


def kroner(value: float, language: str, digits: int = 0, signed: bool = False) -> str:
    """An amount of Norwegian kroner as a reader of the language writes it: ``1 234 567 kr``
    in Norwegian (no-break spaces), ``NOK 1,234,567`` in English; whole kroner unless
    ``digits``; ``signed`` puts ``+`` before a positive amount (a difference). The one
    place money is formatted (reports, app, terminal tables).

    >>> kroner(1234567, "nb") == "1\u00a0234\u00a0567\u00a0kr", kroner(1234567, "en")
    (True, 'NOK 1,234,567')
    >>> kroner(-1500.4, "en"), kroner(2500, "nb", signed=True) == "+2\u00a0500\u00a0kr"
    ('NOK -1,500', True)
    """
    if not math.isfinite(value):
        return "–"
    text = ("+" if signed and value > 0 else "") + number(value, language, digits)
    return f"{text}\u00a0kr" if language == "nb" else f"NOK {text}"


MONEY_UNITS = frozenset({"NOK/year", "NOK/year, net"})
"""The catalogue's units of money (formatted with :func:`kroner`)."""


def is_money(metric: str) -> bool:
    """Whether the catalogue metric ``metric`` is an amount of kroner (a cost or income)."""
    entry = CATALOGUE.get(metric)
    return entry is not None and entry.unit in MONEY_UNITS


def metric_number(
    value: float, metric: str, language: str, digits: int | None = None, signed: bool = False
) -> str:
    """A value of ``metric`` as shown: kroner for money (:func:`kroner`), else
    :func:`number` (``signed``: ``+`` before a positive value).

    >>> metric_number(1500.0, "cost_total", "en"), metric_number(12.5, "waiting", "en")
    ('NOK 1,500', '12.5')
    """
    if is_money(metric):
        return kroner(value, language, digits or 0, signed)
    return ("+" if signed and value > 0 else "") + number(value, language, digits)


def unit_after(metric: str, language: str) -> str:
    """The unit written after a value of ``metric`` shown with :func:`metric_number`: the
    catalogue's unit, but only "a year" for money (the value already says kroner).

    >>> unit_after("cost_total", "nb"), unit_after("waiting", "nb")
    ('per år', 'husstander')
    """
    if is_money(metric):
        return "per år" if language == "nb" else "a year"
    return unit(metric, language)


def percent(value: float, language: str, digits: int = 0) -> str:
    """A share (0.125 for 12.5 %) as a percentage in the language: ``12.5%`` in English,
    ``12,5 %`` in Norwegian (a no-break space before the sign), with ``digits`` places.

    >>> percent(0.125, "en", 1), percent(0.125, "nb", 1) == "12,5\\u00a0%"
    ('12.5%', True)
    """
    if not math.isfinite(value):
        return "–"
    exact = Decimal(value)
    if (exact * 100).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_EVEN).is_zero():
        exact = Decimal(0)
    locale = _locale(language)
    places = "." + "0" * digits if digits > 0 else ""
    pattern = Locale.parse(locale).percent_formats[None].pattern.replace("0", "0" + places, 1)
    return format_percent(exact, format=pattern, locale=locale)


def short(value: float, language: str, most: int = 6) -> str:
    """A number with the fewest decimal places (at most ``most``) that show it as given,
    as a reader of the language writes it: a threshold or a confidence as typed.

    >>> short(0.8, "nb"), short(0.95, "en"), short(1500.0, "en"), short(2.0, "nb")
    ('0,8', '0.95', '1,500', '2')
    """
    if not math.isfinite(value):
        return "–"
    digits = next((d for d in range(most) if round(value, d) == value), most)
    return number(value, language, digits)


def phrase(phrases: Phrases, key: str, language: str, **values: object) -> str:
    """The text ``key`` of ``phrases`` in English (``en``) or Norwegian (``nb``), filled
    with ``values``; the one way the app, the reports and the figures pick a language.

    >>> phrase({"run": ("Run", "Kjør")}, "run", "nb")
    'Kjør'
    """
    english, norwegian = phrases[key]
    text = norwegian if language == "nb" else english
    return text.format(**values) if values else text


def shown(label: object, key: str, language: str) -> str:
    """A scenario's, group's or category's display name in ``language``: its ``label``
    (one text, or ``{nb, en}`` with the other language in place of a missing one), else
    its key.

    >>> from sim.config.types import Translated
    >>> shown(Translated(nb="Eldre", en="Elderly"), "elderly", "nb"), shown("", "rus", "nb")
    ('Eldre', 'rus')
    """
    if isinstance(label, str):
        return label or key
    if isinstance(label, Mapping):  # as a results folder's scenario.resolved.yaml has it
        nb, en = str(label.get("nb") or ""), str(label.get("en") or "")
    else:
        nb, en = str(getattr(label, "nb", "") or ""), str(getattr(label, "en", "") or "")
    first, second = (nb, en) if language == "nb" else (en, nb)
    return first or second or key


def _part(item: Any, name: str) -> Any:
    """A part of a scenario, group or category: an attribute of the validated scenario, or
    a key of the mapping a results folder's ``scenario.resolved.yaml`` reads into."""
    if isinstance(item, Mapping):
        return item.get(name)
    return getattr(item, name, None)


def scenario_label(scenario: Any, language: str) -> str:
    """The scenario's display name (its ``label``, else its ``name``); ``scenario`` is a
    validated scenario or the mapping of a results folder's ``scenario.resolved.yaml``."""
    return shown(_part(scenario, "label") or "", str(_part(scenario, "name") or ""), language)


def group_label(scenario: Any, group: str, language: str) -> str:
    """A group's display name in ``scenario`` (the id where it has no label or the
    scenario has no such group, e.g. ``all``).

    >>> group_label({"groups": {"rus": {"label": {"nb": "Rus", "en": "Substance use"}}}},
    ...             "rus", "en")
    'Substance use'
    """
    entry = (_part(scenario, "groups") or {}).get(group)
    return shown(_part(entry, "label") or "", group, language) if entry is not None else group


def category_label(scenario: Any, category: str, language: str) -> str:
    """A dwelling category's display name in ``scenario`` (the id where it has none)."""
    entry = (_part(scenario, "stock") or {}).get(category)
    if entry is None:
        return category
    return shown(_part(entry, "label") or "", category, language)


UNITS_NO = {
    "households": "husstander",
    "households/year": "husstander/år",
    "persons": "personer",
    "persons/year": "personer/år",
    "offers/year": "tilbud/år",
    "stays/year": "opphold/år",
    "contracts/year": "kontrakter/år",
    "dwellings": "boliger",
    "dwellings/year": "boliger/år",
    "nights/year": "døgn/år",
    "days/year": "døgn/år",
    "years": "år",
    "per 100 tenant-years": "per 100 leieår",
    "per 100 units/year": "per 100 boliger/år",
    "share": "andel",
    "NOK/year": "kr/år",
    "NOK/year, net": "kr/år, netto",
}
"""The catalogue's units in Norwegian."""


def unit(metric: str, language: str = "en") -> str:
    """A metric's unit from the catalogue, in English (``en``) or Norwegian (``nb``)."""
    english = CATALOGUE[metric].unit if metric in CATALOGUE else ""
    return UNITS_NO.get(english, english) if language == "nb" else english


def label(metric: str, language: str = "en", with_unit: bool = False) -> str:
    """The metric's display label in English (``en``) or Norwegian bokmål (``nb``)."""
    entry = CATALOGUE.get(metric)
    english, norwegian, unit = (
        (entry.english, entry.norwegian, entry.unit) if entry else (metric, metric, "")
    )
    text = norwegian if language == "nb" else english
    shown = UNITS_NO.get(unit, unit) if language == "nb" else unit
    return f"{text} ({shown})" if with_unit and shown else text


TRADEOFF_MEASURES: Phrases = {
    "first_housed_per_100_units": (
        "Throughput: households housed for the first time per 100 units a year",
        "Gjennomstrømning: husstander bosatt for første gang per 100 boliger per år",
    ),
    "rehoused_per_100_units": (
        "Former tenants re-housed per 100 units a year",
        "Tidligere leietakere bosatt på nytt per 100 boliger per år",
    ),
    "throughput_per_100_units": (
        "Lettings from the list (first-time and re-housed) per 100 units a year",
        "Tildelinger fra ventelisten (første gang og på nytt) per 100 boliger per år",
    ),
    "returns_from_private_per_year": (
        "Non-renewed tenants back from the private market a year",
        "Tilbake fra privat leie per år etter ikke fornyet kontrakt",
    ),
    "vacant_share_year_end": (
        "Share of units vacant at year end",
        "Andel ledige boliger ved årets slutt",
    ),
    "vacant_share_varied_year_end": (
        "Share of the varied categories' units vacant at year end",
        "Andel ledige boliger i de varierte kategoriene ved årets slutt",
    ),
    "forced_moves_per_100_tenant_years": (
        "Forced moves per 100 tenant-years",
        "Tvungne flyttinger per 100 leieår",
    ),
    "share_permanent_need_moved": (
        "Share of permanent-need tenants moved at least once in {years} years",
        "Andel leietakere med varig behov flyttet minst én gang på {years} år",
    ),
}
"""The trade-off's own measures (``sim tradeoff``, the app) in English and Norwegian; its
other two are catalogue metrics (``TRADEOFF_METRICS``)."""

TRADEOFF_METRICS = {
    "wait_years_mean": "wait_years_mean",
    "hospits_nights_per_year": "hospits_nights",
}


def measure_label(name: str, language: str = "en", years: int = 10) -> str:
    """A trade-off measure's label (a catalogue metric's label with its unit for the
    others).

    >>> measure_label("forced_moves_per_100_tenant_years", "nb")
    'Tvungne flyttinger per 100 leieår'
    """
    if name in TRADEOFF_MEASURES:
        return phrase(TRADEOFF_MEASURES, name, language, years=years)
    return label(TRADEOFF_METRICS.get(name, name), language, with_unit=True)


def check_metrics(
    names: list[str], option: str = "--metrics", measures: tuple[str, ...] = ()
) -> list[str]:
    """``names`` if every one is a metric of the catalogue (or one of ``measures``), else
    an input error (exit 2)."""
    from difflib import get_close_matches

    from sim.config.errors import InputError, Problem, brief_text

    problems = []
    if not names:
        problems.append(Problem(option, "", "give at least one metric, e.g. waiting"))
    allowed = [*METRICS, *measures]
    for name in names:
        if name not in allowed:
            guess = get_close_matches(name, allowed, n=1)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            problems.append(
                Problem(
                    option,
                    brief_text(name, 60),
                    f"unknown metric; {hint}allowed: {', '.join([*measures, *sorted(METRICS)])}",
                )
            )
    if problems:
        raise InputError(problems)
    return names
