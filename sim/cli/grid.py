"""``sim sweep`` and ``sim tradeoff``: a scenario over a grid of key values."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from sim import api
from sim.analysis.sweep import Axes, check_grid, parse_vary
from sim.cli.common import (
    FORCE_OPTION,
    JOBS_OPTION,
    SCHEDULER_OPTION,
    F,
    handle_errors,
    metric_list,
    out_option,
    progress_bar,
    quiet_option,
    result_folder,
    set_option,
)
from sim.cli.report import check_formats, report_options, write_report
from sim.config.loader import load_scenario, option_overrides
from sim.config.option_limits import MAX_POINT_REPLICATIONS, MAX_POINTS
from sim.config.schema import Scenario
from sim.runner.scheduling import workers

_VARY_HELP = (
    f"Vary a scenario key over values, repeatable: the full grid is run (at most "
    f"{MAX_POINTS:,} points and {MAX_POINT_REPLICATIONS:,} replications in all). Values are YAML; "
    "a bracketed list lets a value hold commas. Example: "
    "--vary stock.ordinary.contract_years=1,3,5 or "
    "--vary 'groups.g.applications_per_year=[{2010: 5, 2012: 8}, 10]'"
)


def _grid_options(kind: str) -> Callable[[F], F]:
    """The options `sim sweep` and `sim tradeoff` share."""

    def decorate(command: F) -> F:
        options = [
            click.argument("scenario", type=click.Path(path_type=Path)),
            click.option(
                "--vary",
                "varies",
                multiple=True,
                required=True,
                metavar="KEY=V1,V2,...|KEY=[V1, V2]",
                help=_VARY_HELP,
            ),
            click.option(
                "--replications",
                "-r",
                type=click.IntRange(min=2),
                help="Replications of every grid point (default: the scenario's).",
            ),
            JOBS_OPTION,
            SCHEDULER_OPTION,
            set_option("Override a scenario key at every grid point."),
            out_option(f"{kind}-"),
            report_options,
            FORCE_OPTION,
            quiet_option("No progress bar and no table."),
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _grid(
    scenario: Path, varies: tuple[str, ...], replications: int | None, overrides: tuple[str, ...]
) -> tuple[Axes, Scenario, int]:
    """The grid's axes, its base scenario and the replications it will run in all."""
    axes = parse_vary(varies)
    base = load_scenario(scenario, option_overrides(overrides, None, None, replications))
    return axes, base, check_grid(axes, base.replications) * base.replications


@click.command()
@_grid_options("sweep")
@click.option(
    "--metrics",
    metavar="M1,M2,...",
    help="Metrics in the table (totals). Example: --metrics waiting,forced_moves",
)
@handle_errors
def sweep(
    scenario: Path,
    varies: tuple[str, ...],
    replications: int | None,
    jobs: int,
    scheduler: str | None,
    overrides: tuple[str, ...],
    out: Path | None,
    with_report: bool,
    lang: str,
    formats: str,
    force: bool,
    quiet: bool,
    metrics: str | None,
) -> None:
    """Run SCENARIO over a grid of key values, all with the same seeds; one table.

    \b
    Example:
      sim sweep scenarios/lorenskog-calibrated.yaml \\
          --vary stock.ordinary.contract_years=1,3,5 --vary policy.renewal=strict,always
    """
    chosen = metric_list(metrics)
    check_formats(with_report, formats)
    axes, base, total = _grid(scenario, varies, replications, overrides)
    target = result_folder(out, f"sweep-{base.name}", force, [scenario])
    with workers(jobs, scheduler) as pool, progress_bar(total, "replications", quiet) as bar:
        result = api.sweep(
            scenario,
            dict(axes),
            replications,
            pool,
            chosen,
            overrides,
            lambda _r: bar.update(1),
            out=target,
            force=force,
            command=sys.argv,
        )
    if not quiet:
        click.echo(result.horizon().round(2).to_string())
    click.echo(f"results: {target}")
    if with_report:
        write_report(target, lang, formats)


@click.command()
@_grid_options("tradeoff")
@handle_errors
def tradeoff(
    scenario: Path,
    varies: tuple[str, ...],
    replications: int | None,
    jobs: int,
    scheduler: str | None,
    overrides: tuple[str, ...],
    out: Path | None,
    with_report: bool,
    lang: str,
    formats: str,
    force: bool,
    quiet: bool,
) -> None:
    """Throughput against stability for a grid of policies (figure and table).

    \b
    Example:
      sim tradeoff scenarios/lorenskog-calibrated.yaml -j 2 \\
          --vary stock.ordinary.contract_years=1,3,5 \\
          --vary policy.renewal=strict,needs_based,differentiated
    """
    check_formats(with_report, formats)
    axes, base, total = _grid(scenario, varies, replications, overrides)
    target = result_folder(out, f"tradeoff-{base.name}", force, [scenario])
    with workers(jobs, scheduler) as pool, progress_bar(total, "replications", quiet) as bar:
        result = api.tradeoff(
            scenario,
            dict(axes),
            replications,
            pool,
            overrides,
            lambda _r: bar.update(1),
            out=target,
            force=force,
            command=sys.argv,
        )
    if not quiet:
        click.echo(result.overview().round(2).to_string(index=False))
    click.echo(f"results: {target}")
    if with_report:
        write_report(target, lang, formats)
