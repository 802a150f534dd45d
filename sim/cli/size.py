"""``sim size``: units needed per year (or once) in a category to reach a target."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import click

from sim import api
from sim.analysis.sizing import Evaluation, SizingResult
from sim.cli.common import (
    FORCE_OPTION,
    JOBS_OPTION,
    SCHEDULER_OPTION,
    handle_errors,
    out_option,
    quiet_option,
    result_folder,
    set_option,
)
from sim.cli.report import check_formats, report_options, write_report
from sim.config.loader import load_scenario, option_overrides
from sim.config.types import MAX_UNITS
from sim.runner.scheduling import workers


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--category", required=True, help="Category to add units to. Example: ordinary")
@click.option(
    "--target",
    "target_text",
    required=True,
    metavar="EXPR",
    help='Target, e.g. "wait_years_mean[group=disadvantaged] <= 0.5", '
    '"waiting[group=omsorg_puh] <= 10", "hospits_nights == 0".',
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
@out_option("size-")
@report_options
@FORCE_OPTION
@quiet_option("No progress lines.")
@handle_errors
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
    """Units needed per year (or once) in a category to reach a target.

    \b
    Example:
      sim size scenarios/asker-calibrated.yaml --category ordinary --from 2012 --to 2015 \\
          --target "wait_years_mean[group=disadvantaged] <= 0.5" --jobs 2
    """
    check_formats(with_report, formats)
    loaded = load_scenario(scenario, option_overrides(overrides, None, None, replications))
    target_dir = result_folder(out, f"size-{loaded.name}", force, [scenario])

    def step(evaluation: Evaluation) -> None:
        if not quiet:
            click.echo(
                f"  {evaluation.units:>4} units: target met in {evaluation.successes}"
                f" of {evaluation.replications} replications",
                err=True,
            )

    with workers(jobs, scheduler) as pool:
        result = api.size(
            scenario,
            category,
            target_text,
            from_year,
            to_year,
            confidence,
            max_units,
            once,
            replications,
            pool,
            overrides,
            step,
            out=target_dir,
            force=force,
            command=sys.argv,
        )
    click.echo(report(result))
    click.echo(f"results: {target_dir}")
    if with_report:
        write_report(target_dir, lang, formats)


def report(result: SizingResult) -> str:
    """The analytic estimate and the simulated answer, one line each."""
    analytic = result.analytic
    question = result.question
    what = "once" if question.once else "a year"
    tenancy = 1 / analytic["service_rate"] if analytic["service_rate"] else math.inf
    lines = [
        f"analytic estimate (M/M/c, Erlang C): {analytic['units']} units {what} "
        f"({analytic['arrivals_per_year']:.1f} approved applications a year, mean "
        f"tenancy {tenancy:.1f} years, {analytic['servers']} units needed, "
        f"{analytic['units_now']} now)"
    ]
    if result.answer is None:
        lines.append(f"simulation: not reached with up to {question.max_units} units {what}")
    else:
        lines.append(
            f"simulation: {result.answer} units {what} from {question.from_year} "
            f"(target met in every year from {question.to_year} with probability >= "
            f"{question.confidence:g}); {result.finished - result.started:.0f} s"
        )
    return "\n".join(lines)
