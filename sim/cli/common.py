"""What the commands share: options, the result folder, progress bars, error handling.

Exit codes: 0 success, 2 invalid input (scenario, option, an output that exists and may
not be replaced) or an output that cannot be written (a full disk ...), 1 internal error,
130 interrupted.
"""

from __future__ import annotations

import hashlib
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from sim.analysis.output import default_out_dir
from sim.analysis.replace import OutputError, check_out_dir
from sim.config.errors import InputError
from sim.config.option_limits import MAX_JOBS
from sim.model import check_engine
from sim.runner.pool import scheduler_address

F = TypeVar("F", bound=Callable[..., Any])


def jobs_option(
    default: int = 1,
    help: str = "Worker processes; 0 uses every core. Results do not depend on it.",
) -> Callable[[F], F]:
    """``--jobs/-j N``: worker processes."""
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=0, max=MAX_JOBS),
        default=default,
        show_default=True,
        help=help,
    )


JOBS_OPTION = jobs_option()


def _scheduler(context: click.Context, option: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return scheduler_address(value)
    except InputError as error:
        raise click.BadParameter(f"{value!r} {error.problems[0].message}") from None


SCHEDULER_OPTION = click.option(
    "--scheduler",
    envvar="SIM_SCHEDULER",
    metavar="ADDRESS",
    callback=_scheduler,
    help="Run the replications on a Dask cluster: tcp://HOST:PORT of a running "
    "`dask scheduler`, or local (a cluster of --jobs workers on this machine). Default: "
    "$SIM_SCHEDULER, else --jobs processes here. Results do not depend on it. Needs the "
    "dask extra. Example: --scheduler tcp://10.0.0.5:8786",
)
"""``--scheduler ADDRESS`` (or ``SIM_SCHEDULER``); with :func:`sim.runner.scheduling.workers`."""
POSTERIOR_OPTION = click.option(
    "--posterior",
    metavar="FILE|none",
    help="Run over this posterior of fitted parameters (a CSV of weighted particles: "
    "particle, weight, then one dotted scenario key per parameter) instead of the "
    "scenario's calibration.posterior; each block of calibration.replications_per_draw "
    "replications runs with one particle drawn with the weights, so answers cover chance "
    "and the parameters' uncertainty. none: the scenario's own fixed values. "
    "Example: --posterior posterior.csv, --posterior none",
)
"""``--posterior FILE|none`` (:func:`sim.config.loader.posterior_setting`)."""


def one_draw_note(scenario: Any) -> str | None:
    """What to say after a run over a posterior with a single draw: its intervals are over
    the draws' means, so they need two draws at least and none were shown."""
    per_draw = scenario.replications_per_draw
    if scenario.posterior is None or scenario.replications >= 2 * per_draw:
        return None
    return (
        f"no intervals: {scenario.replications} replications over the posterior are one "
        f"draw of its parameters ({per_draw} replications a draw), and an interval over "
        f"both uncertainties needs two draws at least (--replications {2 * per_draw} or "
        "more; --posterior none: chance only)"
    )


FORCE_OPTION = click.option(
    "--force",
    is_flag=True,
    help="Replace the output if it exists and is a result of sim (a result folder, or a "
    "file sim wrote); nothing else is ever replaced.",
)


def out_option(prefix: str, more: str = "") -> Callable[[F], F]:
    """``--out DIR``; the default folder is ``results/<prefix><name>/<timestamp>``
    (``more``: what else the help says of it)."""
    return click.option(
        "--out",
        type=click.Path(path_type=Path),
        help=f"Result folder (default: results/{prefix}<name>/<YYYYmmdd-HHMMSS>)."
        + (f" {more}" if more else ""),
    )


def set_option(help: str) -> Callable[[F], F]:
    """``--set KEY=VALUE``, repeatable."""
    return click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help=help)


SETTINGS_RULE = (
    "With --set the default folder is results/<name>-set-<digest>/<YYYYmmdd-HHMMSS>: "
    "<digest> is the first 8 hex digits of the SHA-256 of the --set texts as given, one a "
    "line, so the same settings always land in the same folder and never in the plain "
    "run's; manifest.json records the command."
)


def settings_folder(name: str, overrides: Sequence[str]) -> str:
    """The default result folder's name of a run with ``--set`` settings (the rule of
    :data:`SETTINGS_RULE`; none: the name alone).

    >>> settings_folder("lorenskog", []), settings_folder("lorenskog", ["policy.renewal=always"])
    ('lorenskog', 'lorenskog-set-fd7cb296')
    """
    if not overrides:
        return name
    digest = hashlib.sha256("\n".join(overrides).encode("utf-8")).hexdigest()
    return f"{name}-set-{digest[:8]}"


def quiet_option(help: str) -> Callable[[F], F]:
    return click.option("--quiet", "-q", is_flag=True, help=help)


def result_folder(
    out: Path | None, name: str, force: bool, inputs: Iterable[str | Path] = ()
) -> Path:
    """The folder a command writes to (``--out`` or the default), checked before any work
    (``inputs``: the command's input files, which it may never replace)."""
    target = out if out is not None else default_out_dir(name)
    check_out_dir(target, force, inputs)
    return target


def metric_list(text: str | None) -> list[str] | None:
    """``--metrics M1,M2,...`` as a list (``None``: the command's default)."""
    return [m.strip() for m in text.split(",") if m.strip()] if text else None


def progress_bar(length: int, label: str, quiet: bool, **options: Any) -> Any:
    """A progress bar on standard error (none with ``--quiet``)."""
    return click.progressbar(length=length, label=label, file=sys.stderr, hidden=quiet, **options)


def handle_errors(command: F) -> F:
    """Input errors exit with code 2 and a plain message; other errors with code 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            check_engine()  # a SIM_PURE_PYTHON not understood: no command starts
            return command(*args, **kwargs)
        except InputError as error:
            what = "cannot write" if isinstance(error, OutputError) else "invalid input"
            click.echo(click.style("error: ", fg="red", bold=True) + what, err=True)
            for problem in error.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("\ninterrupted: no result folder was written", err=True)
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, SystemExit):
            raise
        except Exception as error:  # an internal error: say so, keep the detail
            click.echo(f"internal error: {type(error).__name__}: {error}", err=True)
            if os.environ.get("SIM_DEBUG"):
                traceback.print_exc()
            else:
                click.echo("(set SIM_DEBUG=1 to see the traceback; please report it)", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]
