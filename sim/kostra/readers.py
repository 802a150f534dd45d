"""Reading KOSTRA counts: the filled template (CSV or XLSX) and exports of SSB's
statistics bank (CSV and JSON-stat 2.0, :mod:`sim.kostra.jsonstat`). Every reader gives
:class:`~sim.kostra.checks.Cell` values with where they stand, and
:func:`~sim.kostra.checks.check` turns them into counts or names what is wrong."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from sim.config.errors import Problem, brief, brief_text
from sim.kostra.checks import Cell, Counts, KostraError, check
from sim.kostra.variables import BY_ID, find, normalised, suggestion

TEMPLATE_COLUMNS = ("år", "variabel", "verdi", "kilde", "forklaring")
MAX_BYTES = 20_000_000  # a KOSTRA file of one municipality is a few kilobytes


def read_counts(path: Path) -> Counts:
    """The checked counts in ``path``: a filled template (``.csv``, ``.xlsx``) or an SSB
    export (``.csv``, ``.json``), told apart by the file's suffix and first row."""
    name = path.name
    if not path.is_file():
        raise KostraError([Problem(str(path), "", "no such file (--from names a file)")])
    if path.stat().st_size > MAX_BYTES:
        raise KostraError([Problem(name, "", f"is larger than {MAX_BYTES:,} bytes")])
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return check(path, _template_xlsx(path))
    if suffix == ".json":
        from sim.kostra.jsonstat import read_jsonstat

        cells, region, ignored = read_jsonstat(path)
        counts = check(path, cells, region)
        counts.ignored = ignored
        return counts
    if suffix == ".csv":
        text = _text(path)
        rows = list(csv.reader(io.StringIO(text), _dialect(text)))
        header = next((r for r in rows if r and not r[0].lstrip().startswith("#")), [])
        if "variabel" in [normalised(h) for h in header]:
            return check(path, _template_rows(name, text))
        cells, region, ignored = _ssb_csv(name, text)
        counts = check(path, cells, region)
        counts.ignored = ignored
        return counts
    raise KostraError(
        [
            Problem(
                name,
                "",
                f"suffix {suffix or '(none)'} is not read; give the template as .csv or "
                ".xlsx, or an SSB export as .csv or .json (JSON-stat 2.0)",
            )
        ]
    )


def _text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")  # older SSB downloads are in Windows-1252


def _dialect(text: str) -> type[csv.Dialect]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    sample = "\n".join(lines[:20])
    counts = {d: sample.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    return Dialect


def _template_header(name: str, header: list[str], where: str, hint: str = "") -> dict[str, int]:
    columns = {normalised(h): i for i, h in enumerate(header)}
    wanted = {"ar": "år", "variabel": "variabel", "verdi": "verdi"}
    missing = [shown for key, shown in wanted.items() if key not in columns]
    if missing:
        raise KostraError(
            [
                Problem(
                    name,
                    where,
                    f"the header has no column {', '.join(missing)}; the template's columns "
                    f"are {','.join(TEMPLATE_COLUMNS)} (sim init --template writes one){hint}",
                )
            ]
        )
    return columns


def _variable(name: str, text: object, where: str, problems: list[Problem]) -> str | None:
    found = find(str(text)) if text is not None else None
    if found is None:
        problems.append(
            Problem(
                name,
                where,
                f"variabel {brief(text)} is not a KOSTRA variable of the template"
                f"{suggestion(str(text))}; allowed: {', '.join(BY_ID)}",
            )
        )
    return found


def _template_rows(name: str, text: str) -> list[Cell]:
    reader = csv.reader(io.StringIO(text), _dialect(text))
    columns: dict[str, int] | None = None
    cells: list[Cell] = []
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        if not row or not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if columns is None:
            columns = _template_header(name, row, f"row {line}")
            continue

        def column(key: str, row: list[str] = row, where: dict[str, int] = columns) -> str:
            return row[where[key]] if where[key] < len(row) else ""

        variable = _variable(name, column("variabel"), f"row {line}, column variabel", problems)
        if variable is not None:
            cells.append(
                Cell(
                    column("ar"),
                    variable,
                    column("verdi"),
                    f"row {line}, column verdi",
                    f"row {line}, column år",
                )
            )
    if problems:
        raise KostraError(problems)
    return cells


def _template_xlsx(path: Path) -> list[Cell]:
    try:
        from openpyxl import load_workbook
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise KostraError(
            [
                Problem(
                    path.name,
                    "",
                    "reading .xlsx needs openpyxl: python -m pip install 'sim-housing[kostra]'"
                    "; or save the sheet as CSV",
                )
            ]
        ) from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise KostraError(
            [Problem(path.name, "", f"is not a readable .xlsx file ({brief_text(str(error))})")]
        ) from None
    sheet = book["kostra"] if "kostra" in book.sheetnames else book.worksheets[0]
    columns: dict[str, int] | None = None
    cells: list[Cell] = []
    problems: list[Problem] = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        values = list(row)
        if not any(v is not None and str(v).strip() for v in values):
            continue
        if str(values[0] or "").lstrip().startswith("#"):
            continue
        if columns is None:
            header = [str(v) if v is not None else "" for v in values]
            columns = _template_header(
                path.name,
                header,
                f"sheet {sheet.title}, row {number}",
                "; an SSB table is read as CSV or JSON-stat, not .xlsx",
            )
            continue

        def at(key: str, values: list[object] = values, where: dict[str, int] = columns) -> object:
            return values[where[key]] if where[key] < len(values) else None

        def cell(key: str, number: int = number, where: dict[str, int] = columns) -> str:
            return f"sheet {sheet.title}, cell {get_column_letter(where[key] + 1)}{number}"

        variable = _variable(path.name, at("variabel"), cell("variabel"), problems)
        if variable is not None:
            cells.append(
                Cell(
                    at("ar"),
                    variable,
                    at("verdi"),
                    f"{cell('verdi')} (verdi)",
                    cell("ar") + " (år)",
                )
            )
    book.close()
    if problems:
        raise KostraError(problems)
    return cells


YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
REGION_COLUMNS = ("region", "kommune", "kommuneregion")
VARIABLE_COLUMNS = ("statistikkvariabel", "contents", "statistikkvariabel_kode")
YEAR_COLUMNS = ("ar", "tid", "year", "aargang")


def _ssb_csv(name: str, text: str) -> tuple[list[Cell], str | None, list[str]]:
    """An SSB statistics-bank CSV: optional title lines, then a header whose first
    columns are the table's row variables (region, statistikkvariabel, år: any of them)
    and whose other columns hold values, headed by a year, a variable, "variable year"
    or the table's title."""
    reader = csv.reader(io.StringIO(text), _dialect(text))
    rows = [(reader.line_num, row) for row in reader]
    start = next(
        (
            i
            for i, (_, row) in enumerate(rows)
            if any(normalised(c) in REGION_COLUMNS + VARIABLE_COLUMNS + YEAR_COLUMNS for c in row)
        ),
        None,
    )
    if start is None:
        raise KostraError(
            [
                Problem(
                    name,
                    "",
                    "is neither the template (a column variabel) nor an SSB export (a "
                    "column region, statistikkvariabel or år); see docs/reference/kostra.md",
                )
            ]
        )
    header = [normalised(c) for c in rows[start][1]]
    role = {}
    for index, heading in enumerate(header):
        for kind, names in (
            ("region", REGION_COLUMNS),
            ("variable", VARIABLE_COLUMNS),
            ("year", YEAR_COLUMNS),
        ):
            if heading in names and kind not in role:
                role[kind] = index
    value_columns = [i for i in range(len(header)) if i not in role.values()]
    cells: list[Cell] = []
    regions: set[str] = set()
    ignored: set[str] = set()
    raw_header = rows[start][1]
    for line, row in rows[start + 1 :]:
        if not row or not any(c.strip() for c in row):
            continue
        if "region" in role:
            regions.add(row[role["region"]].strip())
        for index in value_columns:
            if index >= len(row):
                continue
            heading = raw_header[index]
            year_text = row[role["year"]] if "year" in role else None
            label = row[role["variable"]] if "variable" in role else heading
            if year_text is None:
                match = YEAR.search(heading)
                year_text = match.group(1) if match else heading
                if "variable" not in role:
                    label = (heading[: match.start()] + heading[match.end() :]) if match else label
            variable = find(label.strip(" ,;"))
            if variable is None:
                ignored.add(label.strip())
                continue
            column = f"column {_column_name(index)} ({brief_text(heading, 70)})"
            cells.append(Cell(year_text, variable, row[index], f"row {line}, {column}"))
    if len(regions) > 1:
        listing = ", ".join(sorted(regions)[:5])
        raise KostraError(
            [
                Problem(
                    name,
                    "column region",
                    f"holds {len(regions)} municipalities ({listing}); export one municipality",
                )
            ]
        )
    if not cells:
        raise KostraError(
            [
                Problem(
                    name,
                    "",
                    "has none of the KOSTRA variables sim reads (found: "
                    f"{brief_text(', '.join(sorted(ignored)), 200)}); allowed: "
                    + ", ".join(v.text for v in BY_ID.values()),
                )
            ]
        )
    return cells, next(iter(regions), None), sorted(ignored)


def _column_name(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
