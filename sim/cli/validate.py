"""``sim validate``: check scenario files without running them."""

from __future__ import annotations

from pathlib import Path

import click

from sim import api
from sim.cli.common import handle_errors, set_option
from sim.config.errors import InputError


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@set_option("Validate with overrides applied. Example: --set stock.flexbo.units=20")
@handle_errors
def validate(files: tuple[Path, ...], overrides: tuple[str, ...]) -> None:
    """Check scenario FILES without running them.

    \b
    Example:
      sim validate scenarios/*.yaml
    """
    validation = api.validate(files, overrides=overrides)
    if validation.scenarios:
        click.echo(validation.summary())
    if validation.problems:
        raise InputError(validation.problems)
