"""Command line: ``sim run``, ``sim compare``, ... Each command declares its options and
makes one call: of :func:`sim.cli.skeleton.perform` with the function of :mod:`sim.api`
that does the work (the skeleton loads, checks the result folder, starts the workers
and the progress bar, calls, prints the result's ``summary()`` and writes the report).
One module per command (or pair of commands), the shared options in
:mod:`sim.cli.common`.

Exit codes: 0 success, 2 invalid input (scenario, option, existing output folder),
1 internal error.
"""

from __future__ import annotations

import contextlib
import signal
from typing import Any

import click

from sim.cli.app import app as app_command
from sim.cli.calibrate import calibrate as calibrate_command
from sim.cli.compare import compare as compare_command
from sim.cli.grid import sweep as sweep_command
from sim.cli.grid import tradeoff as tradeoff_command
from sim.cli.init import init as init_command
from sim.cli.report import report as report_command
from sim.cli.run import run as run_command
from sim.cli.schema import schema as schema_command
from sim.cli.sensitivity import sensitivity as sensitivity_command
from sim.cli.size import size as size_command
from sim.cli.validate import validate as validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sim-housing", prog_name="sim")
def main() -> None:
    """Simulate municipal social housing: waiting lists, allocations, contracts, follow-up.

    \b
    Example:
      sim run scenarios/flexbo.yaml
      sim validate scenarios/*.yaml
    """
    _stop_on_terminate()


def _stop_on_terminate() -> None:
    """A termination signal (``kill``) stops a command as Ctrl-C does: workers are
    stopped and no half-written result folder is left behind."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError):  # not the main thread (e.g. inside a test runner)
        signal.signal(signal.SIGTERM, interrupt)


for _command in (
    run_command,
    validate_command,
    calibrate_command,
    compare_command,
    sweep_command,
    tradeoff_command,
    size_command,
    sensitivity_command,
    app_command,
    init_command,
    schema_command,
    report_command,
):
    main.add_command(_command)

__all__ = ["main"]
