"""``sim calibrate``: fit a scenario's parameters to reported counts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim import api
from sim.cli.common import (
    JOBS_OPTION,
    SCHEDULER_OPTION,
    handle_errors,
    out_option,
    progress_bar,
    quiet_option,
    result_folder,
    set_option,
)
from sim.cli.report import check_formats, report_options, write_report
from sim.config.option_limits import MAX_BUDGET, MAX_CALIBRATION_RUNS
from sim.runner.scheduling import workers

if TYPE_CHECKING:
    from sim.calibration import CalibrationResult
    from sim.calibration.engine import Trial


@click.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "--budget",
    type=click.IntRange(min=1),
    help=f"Evaluations (default: the spec's budget), at most {MAX_BUDGET:,}; with the "
    f"profile's, times the spec's replications, at most {MAX_CALIBRATION_RUNS:,}. "
    "Example: --budget 40",
)
@JOBS_OPTION
@SCHEDULER_OPTION
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    help="Search seed (default: the spec's), at most 2**63 - 1.",
)
@click.option(
    "--holdout",
    "holdout",
    multiple=True,
    type=int,
    metavar="YEAR",
    help="Fit without this year's targets and predict them (repeatable).",
)
@out_option("calibrate-")
@set_option("Override a spec key, repeatable. Example: --set replications=4")
@click.option(
    "--scenario-out",
    type=click.Path(path_type=Path),
    help="Also write the calibrated scenario (extends the base) to this file; an existing "
    "file only with --force. Checked before calibrating. "
    "Example: --scenario-out scenarios/asker-calibrated.yaml",
)
@report_options
@click.option(
    "--force",
    is_flag=True,
    help="Replace the result folder and the --scenario-out file if they exist.",
)
@quiet_option("No progress bar.")
@handle_errors
def calibrate(
    spec: Path,
    budget: int | None,
    jobs: int,
    scheduler: str | None,
    seed: int | None,
    holdout: tuple[int, ...],
    out: Path | None,
    overrides: tuple[str, ...],
    scenario_out: Path | None,
    with_report: bool,
    lang: str,
    formats: str,
    force: bool,
    quiet: bool,
) -> None:
    """Fit a scenario's parameters to reported counts (calibration SPEC file).

    \b
    Example:
      sim calibrate calibration/lorenskog.yaml --jobs 2
      sim calibrate calibration/asker.yaml --holdout 2010 --budget 60
    """
    from sim.calibration import check_overlay, input_files, load_calibration

    check_formats(with_report, formats)
    loaded = load_calibration(spec, budget, seed, holdout or None, overrides)
    target = result_folder(out, f"calibrate-{loaded.spec.name}", force, input_files(loaded))
    if scenario_out is not None:
        check_overlay(scenario_out, force, loaded)
    with (
        workers(jobs, scheduler) as pool,
        progress_bar(loaded.spec.budget, "evaluations", quiet, item_show_func=lambda x: x) as bar,
    ):

        def progress(trial: Trial, best: Trial) -> None:
            bar.update(1, f"best loss {best.loss:.4g}")

        result = api.calibrate(
            loaded,
            jobs=pool,
            on_trial=progress,
            out=target,
            force=force,
            scenario_out=scenario_out,
            command=sys.argv,
        )
    click.echo(report(result))
    click.echo(f"results: {target}")
    if with_report:
        write_report(target, lang, formats)


def report(result: CalibrationResult) -> str:
    """The best loss, how many targets the fit reaches, the values, hold-out predictions."""
    fit = result.fit
    assert fit is not None and result.best is not None
    used = fit[fit.used_in_fit & ~fit.target.str.startswith("sum_")]
    lines = [
        f"best loss {result.best.loss:.4g} after {len(result.trials)} evaluations "
        f"({result.wall_seconds:.0f} s); {int(used.inside.sum())} of {len(used)} "
        "fitted targets inside the simulated 90 % interval"
    ]
    lines += [f"  {name} = {value:.4g}" for name, value in result.best.values.items()]
    if result.holdout is not None:
        for row in result.holdout.itertuples():
            if row.target.startswith("sum_"):
                lines.append(
                    f"  hold-out {row.metric} {row.year}: observed {row.observed:g}, "
                    f"predicted {row.simulated_mean:.1f} ({row.relative_error:+.0%})"
                )
    return "\n".join(lines)
