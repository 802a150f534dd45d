"""From cells read out of a file to checked counts: every rule a cell or a year breaks is
an input error naming the file and the cell, the rule and what is allowed. Nothing is
guessed: a suppressed cell, a gap in the years or parts that exceed their total stop
``sim init`` until the file is fixed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sim.config.errors import InputError, Problem, brief
from sim.kostra.variables import BY_ID, VARIABLES

SUPPRESSED: dict[str, str] = {  # Statistics Norway's standard symbols in tables
    ".": "'.' = category not applicable",
    "..": "'..' = figures not available",
    "...": "'...' = figures not yet available",
    ":": "':' = confidential, not published",
}
ZERO = "-"  # SSB: '-' = nil (zero)
FIRST_YEAR, LAST_YEAR = 1990, 2100


class KostraError(InputError):
    """A KOSTRA file that cannot be read as counts (exit 2)."""


@dataclass(frozen=True)
class Cell:
    """One value as found in a file: its year, variable id, text and where it is."""

    year: object  # as read: an int, or the text found
    variable: str
    value: object  # as read: text, a number, or None (empty)
    where: str  # "row 7, column verdi", "sheet kostra, cell C7", ...
    year_where: str = ""  # where the year stands, if not beside the value in ``where``


@dataclass
class Counts:
    """Checked counts of one municipality: ``values[(variable, year)]`` and where each
    came from (``sources``, "file, row 7")."""

    file: Path
    values: dict[tuple[str, int], int] = field(default_factory=dict)
    sources: dict[tuple[str, int], str] = field(default_factory=dict)
    region: str | None = None
    ignored: list[str] = field(default_factory=list)  # SSB variables not used

    @property
    def years(self) -> list[int]:
        return sorted({year for _, year in self.values})

    def series(self, variable: str) -> dict[int, int]:
        return {y: v for (name, y), v in sorted(self.values.items()) if name == variable}

    def get(self, variable: str, year: int) -> int | None:
        return self.values.get((variable, year))


def number(text: object) -> tuple[int | None, str | None]:
    """A count from a cell: ``(value, None)``, ``(None, None)`` for an empty cell, or
    ``(None, why)`` naming the rule broken.

    >>> number(" 1 234 "), number("-"), number(""), number(12.0)
    ((1234, None), (0, None), (None, None), (12, None))
    >>> number("..")[1].split(";")[0]
    "is a suppressed cell (SSB: '..' = figures not available)"
    """
    if text is None:
        return None, None
    if isinstance(text, bool):
        return None, f"{text!r} is not a number; give a whole number of households or dwellings"
    if isinstance(text, int | float):
        value: float = float(text)
    else:
        raw = str(text).strip()
        if raw == "":
            return None, None
        if raw in SUPPRESSED:
            return None, (
                f"is a suppressed cell (SSB: {SUPPRESSED[raw]}); give the number or leave "
                "the year out"
            )
        if raw == ZERO:
            return 0, None
        compact = re.sub(r"[\s\u00a0\u202f]", "", raw)
        if not re.fullmatch(r"-?\d+([.,]\d+)?", compact):
            return (
                None,
                "is text in a number cell; give a whole number (e.g. 42), or leave it empty",
            )
        value = float(compact.replace(",", "."))
    if value != value or value in (float("inf"), float("-inf")):
        return None, "is not a finite number; give a whole number"
    if value < 0:
        return None, "is negative; a count is 0 or more"
    if value != int(value):
        return None, "is not a whole number; a count of households or dwellings is whole"
    return int(value), None


def year_of(text: object) -> int | None:
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    if isinstance(text, float) and text == int(text):
        return int(text)
    match = re.fullmatch(r"\s*(\d{4})\s*", str(text))
    return int(match.group(1)) if match else None


def check(file: Path, cells: list[Cell], region: str | None = None) -> Counts:
    """The counts of ``cells`` (read from ``file``), checked; a :class:`KostraError`
    listing every problem otherwise."""
    name = file.name
    problems: list[Problem] = []
    counts = Counts(file=file, region=region)
    for cell in cells:
        value, why = number(cell.value)
        year = year_of(cell.year)
        if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
            problems.append(
                Problem(
                    name,
                    cell.year_where or cell.where,
                    f"year {brief(cell.year)} is not a year; give a four-digit year "
                    f"{FIRST_YEAR}..{LAST_YEAR}",
                )
            )
            continue
        if why is not None:
            problems.append(Problem(name, cell.where, f"{brief(cell.value)} {why}"))
            continue
        if value is None:
            continue  # an empty cell: not given
        key = (cell.variable, year)
        if key in counts.values:
            problems.append(
                Problem(
                    name,
                    cell.where,
                    f"{cell.variable} {year} is given twice (also at "
                    f"{counts.sources[key].split(', ', 1)[1]}); give each year once",
                )
            )
            continue
        counts.values[key] = value
        counts.sources[key] = f"{name}, {cell.where}"
    if not problems:  # a bad cell would show again as a gap or a wrong total
        problems.extend(_year_gaps(name, counts))
        problems.extend(_totals(name, counts))
    if not problems and not counts.values:
        problems.append(
            Problem(name, "", "holds no counts; fill in the column verdi (sim init --template)")
        )
    if not problems and not counts.series("boliger_i_alt"):
        problems.append(
            Problem(
                name,
                "boliger_i_alt",
                "is needed for at least the first year: the scenario's stock is read from "
                "it; give Kommunalt disponerte boliger i alt",
            )
        )
    elif not problems and counts.years[0] not in counts.series("boliger_i_alt"):
        problems.append(
            Problem(
                name,
                "boliger_i_alt",
                f"is missing for {counts.years[0]}, the first year with counts: the "
                "scenario's stock starts there; give it or leave the year out",
            )
        )
    if problems:
        raise KostraError(problems)
    return counts


def _year_gaps(name: str, counts: Counts) -> list[Problem]:
    problems = []
    every = counts.years
    if every:
        missing = sorted(set(range(every[0], every[-1] + 1)) - set(every))
        if missing:
            problems.append(
                Problem(
                    name,
                    "år",
                    f"year {missing[0]} is missing between {every[0]} and {every[-1]}; "
                    "the years must follow each other: give its counts or leave the "
                    "earlier years out",
                )
            )
            return problems
    for variable in VARIABLES:
        years = sorted(counts.series(variable.id))
        gap = sorted(set(range(years[0], years[-1] + 1)) - set(years)) if years else []
        if gap:
            problems.append(
                Problem(
                    name,
                    variable.id,
                    f"year {gap[0]} is missing between {years[0]} and {years[-1]}; a "
                    "series has no holes: give the count or leave the years before or "
                    "after it out",
                )
            )
    return problems


def _totals(name: str, counts: Counts) -> list[Problem]:
    problems = []
    for total in sorted({v.part_of for v in VARIABLES if v.part_of is not None}):
        parts = [v.id for v in VARIABLES if v.part_of == total]
        for year in counts.years:
            whole = counts.get(total, year)
            given = {p: counts.get(p, year) for p in parts if counts.get(p, year) is not None}
            if whole is None or not given:
                continue
            summed = sum(v for v in given.values() if v is not None)
            listing = " + ".join(f"{p} {v}" for p, v in given.items())
            where = counts.sources[(total, year)].split(", ", 1)[1]
            if len(given) == len(parts) and summed != whole and len(parts) > 1:
                problems.append(
                    Problem(
                        name,
                        where,
                        f"{total} {year} is {whole}, but its parts add up to {summed} "
                        f"({listing}); the kinds must add up to the total",
                    )
                )
            elif summed > whole:
                problems.append(
                    Problem(
                        name,
                        where,
                        f"{total} {year} is {whole}, less than its part(s) {listing} = "
                        f"{summed}; a part ({BY_ID[parts[0]].text.lower()} ...) cannot "
                        "exceed the total",
                    )
                )
    return problems
