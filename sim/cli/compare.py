"""``sim compare``: alternatives against a base, paired by replication."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sim import api
from sim.cli.common import (
    FORCE_OPTION,
    JOBS_OPTION,
    SCHEDULER_OPTION,
    handle_errors,
    metric_list,
    out_option,
    progress_bar,
    quiet_option,
    result_folder,
)
from sim.cli.report import check_formats, report_options, write_report
from sim.config.loader import load_scenario, option_overrides
from sim.runner.scheduling import workers


@click.command()
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("alternatives", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--replications",
    "-r",
    type=click.IntRange(min=2),
    help="Replications of every scenario (default: the base's). Example: -r 50",
)
@JOBS_OPTION
@SCHEDULER_OPTION
@click.option(
    "--metrics",
    metavar="M1,M2,...",
    help="Metrics to compare (totals over groups and categories). "
    "Example: --metrics waiting,hospits_nights",
)
@out_option("compare-")
@report_options
@FORCE_OPTION
@quiet_option("No progress bar and no table.")
@handle_errors
def compare(
    base: Path,
    alternatives: tuple[Path, ...],
    replications: int | None,
    jobs: int,
    scheduler: str | None,
    metrics: str | None,
    out: Path | None,
    with_report: bool,
    lang: str,
    formats: str,
    force: bool,
    quiet: bool,
) -> None:
    """Compare ALTERNATIVES with BASE, paired by replication (common random numbers).

    Every scenario runs with the base's seed and replications, so replication r of each
    shares its random numbers; the differences come with paired 95 % intervals.

    \b
    Example:
      sim compare scenarios/lorenskog-calibrated.yaml scenarios/flexbo.yaml
      sim compare scenarios/asker-calibrated.yaml scenarios/policies/asker-*.yaml -j 2
    """
    check_formats(with_report, formats)
    loaded_base = load_scenario(base, option_overrides((), None, None, replications))
    target = result_folder(out, f"compare-{loaded_base.name}", force, [base, *alternatives])
    total = loaded_base.replications * (1 + len(alternatives))
    with workers(jobs, scheduler) as pool, progress_bar(total, "replications", quiet) as bar:
        comparison = api.compare(
            base,
            list(alternatives),
            replications,
            pool,
            metric_list(metrics),
            lambda _r: bar.update(1),
            out=target,
            force=force,
            command=sys.argv,
        )
    if not quiet:
        click.echo(comparison.text())
    click.echo(f"results: {target}")
    if with_report:
        write_report(target, lang, formats)
