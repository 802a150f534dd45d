"""``sim sensitivity``: which scenario numbers drive the outputs (SALib, an optional extra)."""

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
    out_option,
    quiet_option,
    set_option,
)
from sim.cli.skeleton import Options, Plan, perform, shared_options
from sim.config.option_limits import MAX_POINT_REPLICATIONS, MAX_POINTS
from sim.config.posterior import posterior_setting


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option(
    "--vary",
    "varies",
    multiple=True,
    metavar="KEY=LOW:HIGH",
    help="A number of the scenario and the range to vary it over, repeatable. "
    "Example: --vary groups.disadvantaged.approval=0.5:0.8",
)
@click.option(
    "--from-assumptions",
    is_flag=True,
    help="Vary every number whose comment in the scenario's files says 'assumption' by "
    "--range around its value (with --vary: its range wins for its key).",
)
@click.option(
    "--range",
    "relative",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.2,
    show_default=True,
    help="Relative range of --from-assumptions: 0.2 varies each value ±20 %, inside its "
    "limits; whole numbers stay whole.",
)
@click.option(
    "--method",
    type=click.Choice(["morris", "sobol"]),
    default="morris",
    show_default=True,
    help="morris: screening, for many factors; sobol: variance shares with intervals, for few.",
)
@click.option(
    "--samples",
    "-n",
    type=click.IntRange(min=2),
    help="Morris trajectories (default 10; points: n × (factors + 1)) or Sobol base "
    f"samples, a power of two (default 64; points: n × (factors + 2)). At most "
    f"{MAX_POINTS:,} points and {MAX_POINT_REPLICATIONS:,} replications in all.",
)
@click.option(
    "--sample-seed",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Seed of the sample points (the simulation uses the scenario's seed), at most 2**63 - 1.",
)
@click.option(
    "--metrics",
    metavar="M1,M2,...",
    help="Outputs to explain: catalogue metrics (mean over the reported years) or "
    "the trade-off's first_housed_per_100_units and forced_moves_per_100_tenant_years (the "
    "default), throughput_per_100_units, rehoused_per_100_units.",
)
@click.option(
    "--replications",
    "-r",
    type=click.IntRange(min=1),
    help="Replications of every sample point (default: the scenario's).",
)
@JOBS_OPTION
@SCHEDULER_OPTION
@set_option("Override a scenario key at every sample point.")
@POSTERIOR_OPTION
@out_option("sensitivity-")
@FORCE_OPTION
@quiet_option("No progress bar and no table.")
@handle_errors
@shared_options
def sensitivity(
    scenario: Path,
    varies: tuple[str, ...],
    from_assumptions: bool,
    relative: float,
    method: str,
    samples: int | None,
    sample_seed: int,
    metrics: str | None,
    replications: int | None,
    overrides: tuple[str, ...],
    posterior: str | None,
    options: Options,
) -> None:
    """Global sensitivity of SCENARIO's outputs to its numbers, every point with the same
    seeds: Morris screening or Sobol indices with 95 % intervals (needs the sensitivity
    extra: python -m pip install ".[sensitivity]").

    \b
    Example:
      sim sensitivity scenarios/lorenskog-calibrated.yaml --from-assumptions -r 2 -j 2
      sim sensitivity scenarios/lorenskog-calibrated.yaml --method sobol -n 64 \\
          --vary policy.renewal_probability=0.5:0.9 --vary groups.disadvantaged.approval=0.5:0.7
    """

    overrides = (*overrides, *posterior_setting(posterior))

    def load() -> Plan:
        plan = api.plan_sensitivity(
            scenario,
            vary=varies,
            from_assumptions=from_assumptions,
            relative=relative,
            method=method,
            samples=samples,
            sample_seed=sample_seed,
            metrics=metric_list(metrics),
            replications=replications,
            overrides=overrides,
        )
        heading = (
            f"{len(plan.factors)} factors, {len(plan.points)} points × "
            f"{plan.base.replications} replications"
        )
        name = f"sensitivity-{plan.base.name}"
        return Plan(plan, name, [scenario], plan.replications(), heading=heading)

    perform(
        options,
        load,
        lambda plan, **call: api.run_sensitivity(plan, scenario=scenario, **call),
    )
