"""``sim schema``: the JSON Schema of scenario files."""

from __future__ import annotations

from pathlib import Path

import click

from sim.analysis.output import atomic_file
from sim.cli.common import FORCE_OPTION, handle_errors
from sim.config.json_schema import schema_text


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Write the schema to this file (default: print it).",
)
@FORCE_OPTION
@handle_errors
def schema(out: Path | None, force: bool) -> None:
    """Print (or write with --out) the JSON Schema of scenario files.

    Editors use it to complete and check keys (the shipped scenarios name
    scenarios/scenario.schema.json in their first line); check-jsonschema checks files
    with it. `sim validate` also checks what a schema cannot say.

    \b
    Example:
      sim schema --out scenarios/scenario.schema.json --force
      check-jsonschema --schemafile scenarios/scenario.schema.json scenarios/*.yaml
    """
    text = schema_text()
    if out is None:
        click.echo(text, nl=False)
        return
    atomic_file(out, text, force)
    click.echo(f"wrote {out}")
