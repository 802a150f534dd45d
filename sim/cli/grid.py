"""``sim sweep`` and ``sim tradeoff``: a scenario over a grid of key values."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from sim import api
from sim.analysis.sweep import check_grid, parse_vary
from sim.cli.common import (
    FORCE_OPTION,
    JOBS_OPTION,
    POSTERIOR_OPTION,
    SCHEDULER_OPTION,
    F,
    handle_errors,
    metric_list,
    one_draw_note,
    out_option,
    quiet_option,
    set_option,
)
from sim.cli.report import report_options
from sim.cli.skeleton import Options, Plan, perform, shared_options
from sim.config.loader import option_overrides
from sim.config.option_limits import MAX_POINT_REPLICATIONS, MAX_POINTS
from sim.config.posterior import posterior_setting

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
            POSTERIOR_OPTION,
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
    kind: str, scenario: Path, varies: tuple[str, ...], replications: int | None,
    overrides: tuple[str, ...],
) -> Callable[[], Plan]:  # fmt: skip
    """What a grid command loads: its axes (the plan's subject), the base scenario's
    name and the replications it will run in all."""

    def load() -> Plan:
        axes = parse_vary(varies)
        extra = option_overrides(overrides, None, None, replications)
        base = api.load_scenario(scenario, overrides=extra)
        steps = check_grid(axes, base.replications) * base.replications
        note = one_draw_note(base)
        return Plan(dict(axes), f"{kind}-{base.name}", [scenario], steps, note=lambda _: note)

    return load


@click.command()
@_grid_options("sweep")
@click.option(
    "--metrics",
    metavar="M1,M2,...",
    help="Metrics in the table (totals). Example: --metrics waiting,forced_moves",
)
@handle_errors
@shared_options
def sweep(
    scenario: Path,
    varies: tuple[str, ...],
    replications: int | None,
    overrides: tuple[str, ...],
    posterior: str | None,
    metrics: str | None,
    options: Options,
) -> None:
    """Run SCENARIO over a grid of key values, all with the same seeds; one table.

    \b
    Example:
      sim sweep scenarios/lorenskog-calibrated.yaml \\
          --vary stock.ordinary.contract_years=1,3,5 --vary policy.renewal=strict,always
    """
    chosen = metric_list(metrics)
    overrides = (*overrides, *posterior_setting(posterior))
    perform(
        options,
        _grid("sweep", scenario, varies, replications, overrides),
        lambda axes, **call: api.sweep(
            scenario,
            vary=axes,
            replications=replications,
            metrics=chosen,
            overrides=overrides,
            **call,
        ),
    )


@click.command()
@_grid_options("tradeoff")
@handle_errors
@shared_options
def tradeoff(
    scenario: Path,
    varies: tuple[str, ...],
    replications: int | None,
    overrides: tuple[str, ...],
    posterior: str | None,
    options: Options,
) -> None:
    """Throughput against stability for a grid of policies (figure and table).

    Throughput is households housed for the first time per 100 units a year; former
    tenants re-housed, returns from the private market and year-end vacancy are beside it.

    \b
    Example:
      sim tradeoff scenarios/lorenskog-calibrated.yaml -j 2 \\
          --vary stock.ordinary.contract_years=1,3,5 \\
          --vary policy.renewal=strict,needs_based,differentiated
    """
    overrides = (*overrides, *posterior_setting(posterior))
    perform(
        options,
        _grid("tradeoff", scenario, varies, replications, overrides),
        lambda axes, **call: api.tradeoff(
            scenario, vary=axes, replications=replications, overrides=overrides, **call
        ),
    )
