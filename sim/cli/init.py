"""``sim init``: a municipality's own baseline from its KOSTRA counts, and the template
to write them in."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import click

from sim.cli.common import FORCE_OPTION, handle_errors
from sim.config.errors import InputError, Problem


def _years(text: str | None) -> list[int]:
    """``--years FIRST-LAST`` (default: the four years before last year, which KOSTRA
    has published final figures for)."""
    if text is None:
        last = datetime.date.today().year - 1
        return list(range(last - 3, last + 1))
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text)
    first = int(match.group(1)) if match else 0
    last = int(match.group(2) or first) if match else 0
    if not match or not 1990 <= first <= last <= 2100 or last - first > 50:
        raise InputError(
            [
                Problem(
                    "--years",
                    "",
                    f"{text!r} is not a span of years; give FIRST-LAST, e.g. 2020-2024 "
                    "(1990..2100, at most 50 years)",
                )
            ]
        )
    return list(range(first, last + 1))


@click.command()
@click.argument("name", required=False)
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path),
    help="The KOSTRA counts: the filled template (.csv, .xlsx) or an export of SSB's "
    "statistics bank (.csv, or .json in JSON-stat 2.0). Example: --from kostra-mal.csv",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Folder to write (default: kommuner/<name>, the name in lower case without æøå).",
)
@click.option(
    "--template",
    is_flag=False,
    flag_value=".",
    default=None,
    type=click.Path(path_type=Path),
    metavar="[FOLDER]",
    help="Write the fill-in template kostra-mal.csv and kostra-mal.xlsx into FOLDER "
    "(default: the current folder) instead.",
)
@click.option(
    "--years",
    metavar="FIRST-LAST",
    help="With --template: the years it has rows for (default: the four years before "
    "last year). Example: --years 2020-2024",
)
@FORCE_OPTION
@handle_errors
def init(
    name: str | None,
    source: Path | None,
    out: Path | None,
    template: Path | None,
    years: str | None,
    force: bool,
) -> None:
    """Make a scenario, calibration targets and a spec for municipality NAME from its
    KOSTRA counts, in a new folder; or write the template to fill them in.

    \b
    Example:
      sim init --template
      sim init Eksempelby --from kostra-mal.csv
      sim init Eksempelby --from kostra.json --out kommuner/eksempelby
    """
    if template is not None:
        if name is not None or source is not None:
            raise InputError(
                [Problem("--template", "", "writes the template only; give no NAME or --from")]
            )
        from sim.kostra.template import write_template

        if not template.is_dir():
            raise InputError([Problem("--template", "", f"{template} is not a folder")])
        for path in write_template(template, _years(years), force):
            click.echo(f"wrote {path}")
        click.echo("fill in the column verdi, then: sim init NAME --from kostra-mal.csv")
        return
    if name is None or source is None:
        raise InputError(
            [
                Problem(
                    "sim init",
                    "",
                    "give NAME and --from FILE (or --template to write the template); "
                    "example: sim init Eksempelby --from kostra-mal.csv",
                )
            ]
        )
    if years is not None:
        raise InputError([Problem("--years", "", "is used with --template only")])
    from sim.kostra.build import init as build

    click.echo(build(name, source, out, force).summary())
