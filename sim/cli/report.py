"""``sim report``: the workbook, web page and two-page brief of a result folder, in English
or Norwegian."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from sim.cli.common import FORCE_OPTION, handle_errors

F = TypeVar("F", bound=Callable[..., Any])

LANG_OPTION = click.option(
    "--lang",
    type=click.Choice(["en", "nb"]),
    default="en",
    show_default=True,
    help="Language of the report: English or Norwegian bokmål.",
)
FORMAT_OPTION = click.option(
    "--format",
    "formats",
    default="xlsx,html",
    show_default=True,
    metavar="xlsx,html,pdf",
    help="Report files to write, comma-separated: report.xlsx, report.html, brief.pdf (two "
    "A4 pages for a council; needs the pdf extra). In Norwegian the names carry the language: "
    "report.nb.html.",
)


def report_options(command: F) -> F:
    """``--report``, ``--lang`` and ``--format`` for a command that writes a result folder."""
    command = FORMAT_OPTION(command)
    command = LANG_OPTION(command)
    return click.option(
        "--report",
        "with_report",
        is_flag=True,
        help="Also write the report (report.xlsx and report.html; --format) into the result "
        "folder.",
    )(command)


def check_formats(with_report: bool, formats: str) -> None:
    """A bad ``--format`` is an input error before anything runs."""
    if with_report:
        from sim.report import parse_formats

        parse_formats(formats)


def write_report(folder: Path, language: str, formats: str, force: bool = False) -> None:
    """Make the report of ``folder`` and say what was written and how long it took."""
    from sim import api
    from sim.report import parse_formats, unchecked_note

    started = time.perf_counter()
    note = unchecked_note(folder)
    if note:
        click.echo(f"note: {note}", err=True)
    written = api.write_report(folder, lang=language, formats=parse_formats(formats), force=force)
    seconds = time.perf_counter() - started
    for path in written:
        click.echo(f"report: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    click.echo(f"report written in {seconds:.1f} s", err=True)


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@LANG_OPTION
@FORMAT_OPTION
@FORCE_OPTION
@handle_errors
def report(folder: Path, lang: str, formats: str, force: bool) -> None:
    """Write report.xlsx and report.html (and with --format pdf brief.pdf, two A4 pages
    for a council) into a result FOLDER of sim run, compare, sweep, tradeoff, size or
    calibrate.

    The report is made from what the folder holds, so it can be remade at any time, in
    English or Norwegian (bokmål); a Norwegian report's files carry the language in their
    names (report.nb.html), so both languages can stand side by side, and --force
    replaces only the same language's files. Every file is first checked against the size
    and SHA-256 its manifest.json records: a damaged folder is named (exit 2), not reported.

    \b
    Example:
      sim report results/flexbo/20261130-101500 --lang nb
      sim report results/flexbo/20261130-101500 --format html --force
      sim report results/compare-lorenskog-calibrated/20261130-102000 --lang nb --format pdf
    """
    write_report(folder, lang, formats, force)
