"""``sim compare``: alternatives against a base, paired by replication."""

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
    metric_list,
    one_draw_note,
    out_option,
    quiet_option,
)
from sim.cli.report import report_options
from sim.cli.skeleton import Options, Plan, perform, shared_options
from sim.config.loader import option_overrides
from sim.config.posterior import posterior_setting


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
    help="Metrics to compare (totals over groups and categories; default: the key totals, "
    "then the costs the base prices, shown year by year in kroner). "
    "Example: --metrics waiting,hospits_nights,cost_total",
)
@POSTERIOR_OPTION
@out_option("compare-")
@report_options
@FORCE_OPTION
@quiet_option("No progress bar and no table.")
@handle_errors
@shared_options
def compare(
    base: Path,
    alternatives: tuple[Path, ...],
    replications: int | None,
    metrics: str | None,
    posterior: str | None,
    options: Options,
) -> None:
    """Compare ALTERNATIVES with BASE, paired by replication (common random numbers).

    Every scenario runs with the base's seed and replications, so replication r of each
    shares its random numbers; the differences come with paired 95 % intervals.

    \b
    Example:
      sim compare scenarios/lorenskog-calibrated.yaml scenarios/flexbo.yaml
      sim compare scenarios/asker-calibrated.yaml scenarios/policies/asker-*.yaml -j 2
    """

    shared = posterior_setting(posterior)

    def load() -> Plan:
        extra = option_overrides(shared, None, None, replications)
        loaded = api.load_scenario(base, overrides=extra)
        steps = loaded.replications * (1 + len(alternatives))
        return Plan(
            base,
            f"compare-{loaded.name}",
            [base, *alternatives],
            steps,
            note=lambda _: one_draw_note(loaded),
        )

    perform(
        options,
        load,
        lambda subject, **call: api.compare(
            subject,
            alternatives=list(alternatives),
            replications=replications,
            metrics=metric_list(metrics),
            overrides=shared,
            **call,
        ),
    )
