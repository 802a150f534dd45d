"""``sim schema``: the JSON Schema of scenario files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sim.analysis.replace import atomic_file, starts_with
from sim.cli.common import FORCE_OPTION, handle_errors
from sim.config.json_schema import DRAFT, FILE_NAME, schema_text

written_schema = starts_with(f'"$schema": {json.dumps(DRAFT)}', f'"$id": {json.dumps(FILE_NAME)}')
"""Whether a file is a schema ``sim schema`` wrote (``--force`` replaces only such a file)."""


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
    atomic_file(out, text, force, written_schema, "sim schema")
    click.echo(f"wrote {out}")
