"""``sim size``: units needed per year (or once) in a category to reach a target."""

from __future__ import annotations

from pathlib import Path

import click

from sim import api
from sim.cli.common import (
    FORCE_OPTION,
    JOBS_OPTION,
    POSTERIOR_OPTION,
    SCHEDULER_OPTION,
    handle_errors,
    out_option,
    quiet_option,
    set_option,
)
from sim.cli.report import report_options
from sim.cli.skeleton import Options, Plan, perform, shared_options
from sim.config.loader import option_overrides
from sim.config.posterior import posterior_setting
from sim.config.types import MAX_UNITS


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option(
    "--category",
    required=True,
    help="Dwelling category to add units to (a key of the scenario's stock). Example: ordinary",
)
@click.option(
    "--target",
    "target_text",
    required=True,
    metavar="EXPR",
    help="Target: a metric, optionally for one group (a key of the scenario's groups) or "
    'category, compared with a number, e.g. "wait_years_mean[group=disadvantaged] <= 0.5", '
    '"waiting[group=puh] <= 10" (both groups of scenarios/asker-calibrated.yaml), '
    '"hospits_nights == 0".',
)
@click.option(
    "--from",
    "from_year",
    type=int,
    help="First year units are added (default: the first reported year).",
)
@click.option(
    "--to",
    "to_year",
    type=int,
    help="The target must hold in every year from this one on (default: the last reported year).",
)
@click.option(
    "--confidence",
    type=float,
    default=0.8,
    show_default=True,
    help="Required share of replications that meet the target: above 0, at most 1.",
)
@click.option(
    "--max-units",
    type=int,
    default=200,
    show_default=True,
    help=f"Largest number of units a year (or once) to try, 1 to {MAX_UNITS:,}.",
)
@click.option("--once", is_flag=True, help="A one-off addition in --from instead of yearly.")
@click.option(
    "--replications",
    "-r",
    type=click.IntRange(min=2),
    help="Replications to start each step with (default: the scenario's), at most 6,250.",
)
@JOBS_OPTION
@SCHEDULER_OPTION
@set_option("Override a scenario key, repeatable.")
@POSTERIOR_OPTION
@out_option("size-")
@report_options
@FORCE_OPTION
@quiet_option("No progress lines.")
@handle_errors
@shared_options
def size(
    scenario: Path,
    category: str,
    target_text: str,
    from_year: int | None,
    to_year: int | None,
    confidence: float,
    max_units: int,
    once: bool,
    replications: int | None,
    overrides: tuple[str, ...],
    posterior: str | None,
    options: Options,
) -> None:
    """Units needed per year (or once) in a category to reach a target.

    \b
    Example:
      sim size scenarios/asker-calibrated.yaml --category ordinary --from 2012 --to 2015 \\
          --target "wait_years_mean[group=disadvantaged] <= 0.5" --jobs 2
    """

    overrides = (*overrides, *posterior_setting(posterior))

    def step(evaluation: api.Evaluation) -> None:
        if not options.quiet:
            click.echo(
                f"  {evaluation.units:>4} units: target met in {evaluation.successes}"
                f" of {evaluation.replications} replications"
                + (" (at the fixed values)" if evaluation.fixed else ""),
                err=True,
            )

    def load() -> Plan:
        extra = option_overrides(overrides, None, None, replications)
        loaded = api.load_scenario(scenario, overrides=extra)
        return Plan(scenario, f"size-{loaded.name}", [scenario], progress=step, always=True)

    perform(
        options,
        load,
        lambda subject, **call: api.size(
            subject,
            category=category,
            target=target_text,
            from_year=from_year,
            to_year=to_year,
            confidence=confidence,
            max_units=max_units,
            once=once,
            replications=replications,
            overrides=overrides,
            **call,
        ),
    )
