"""``sim init --template``: the fill-in template, ``kostra-mal.csv`` and
``kostra-mal.xlsx``, one row per year and KOSTRA variable, in KOSTRA's Norwegian terms."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from sim.analysis.replace import atomic_file, atomic_write, check_out_file, starts_with
from sim.kostra.readers import TEMPLATE_COLUMNS
from sim.kostra.variables import VARIABLES

MARKER = "sim init --template"
CSV_NAME, XLSX_NAME = "kostra-mal.csv", "kostra-mal.xlsx"
HELP_LINES = (
    "Fyll inn kommunens KOSTRA-tall (skjema 13, Kommunalt disponerte boliger) i kolonnen verdi.",
    "Tallene finnes i SSBs statistikkbank (tabellene for kommunale boliger, se "
    "docs/reference/kostra.md) eller i kommunens egen KOSTRA-rapportering.",
    "Ett tall per år og variabel: hele tall, uten tekst. La cellen stå tom om dere ikke har "
    "tallet. Et år midt i en rekke kan ikke mangle: fyll det inn, eller ta bort årene før "
    "(eller etter) det.",
    "Skjulte celler fra SSB ('.', '..', ':') godtas ikke: skriv tallet, eller utelat året. "
    "'-' betyr null.",
    "Boliger etter type (eid, innleid, privat disponert) må til sammen bli boliger i alt "
    "når alle tre er gitt.",
    "Kolonnen kilde: hvor tallet kommer fra (tabell, rapport, eget register).",
    "Så: sim init KOMMUNENAVN --from kostra-mal.csv",
)


def template_rows(years: list[int]) -> list[list[str]]:
    """The template's rows (without the header): years by variable, ``verdi`` empty."""
    return [
        [str(year), v.id, "", "", f"{v.text}: {v.explanation}"] for year in years for v in VARIABLES
    ]


def template_csv(years: list[int]) -> str:
    out = io.StringIO()
    out.write(f"# {CSV_NAME}: skrevet av {MARKER}\n")
    for line in HELP_LINES:
        out.write(f"# {line}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerows(template_rows(years))
    return out.getvalue()


def written_xlsx(path: Path) -> bool:
    """A ``written_by`` test: an .xlsx whose document properties name this command."""
    try:
        with zipfile.ZipFile(path) as archive:
            return MARKER in archive.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def write_template(folder: Path, years: list[int], force: bool) -> list[Path]:
    """Write both template files into ``folder`` (an existing one is replaced only with
    ``force`` and only if this command wrote it); both are checked before either is
    written."""
    import xlsxwriter

    csv_path, xlsx_path = folder / CSV_NAME, folder / XLSX_NAME
    written_csv = starts_with(f"# {CSV_NAME}: skrevet av {MARKER}")
    check_out_file(csv_path, force, written_csv, MARKER, "--template")
    check_out_file(xlsx_path, force, written_xlsx, MARKER, "--template")
    atomic_file(csv_path, template_csv(years), force, written_csv, MARKER, "--template")
    with atomic_write(xlsx_path, force, written_xlsx, MARKER, "--template") as temporary:
        book = xlsxwriter.Workbook(str(temporary))
        book.set_properties({"title": "KOSTRA-mal", "comments": f"skrevet av {MARKER}"})
        bold = book.add_format({"bold": True})
        sheet = book.add_worksheet("kostra")
        sheet.write_row(0, 0, TEMPLATE_COLUMNS, bold)
        for number, row in enumerate(template_rows(years), start=1):
            sheet.write_number(number, 0, int(row[0]))
            sheet.write_string(number, 1, row[1])
            sheet.write_string(number, 4, row[4])
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, 1, 28)
        sheet.set_column(2, 2, 10)
        sheet.set_column(3, 3, 30)
        sheet.set_column(4, 4, 90)
        sheet.freeze_panes(1, 0)
        notes = book.add_worksheet("forklaring")
        notes.set_column(0, 0, 120)
        for number, line in enumerate(HELP_LINES):
            notes.write_string(number, 0, line)
        for number, variable in enumerate(VARIABLES, start=len(HELP_LINES) + 1):
            notes.write_string(number, 0, f"{variable.id}: {variable.text}. {variable.explanation}")
        book.close()
    return [csv_path, xlsx_path]
