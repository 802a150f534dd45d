"""``sim calibrate``: fit a scenario's parameters to reported counts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim import api
from sim.cli.common import (
    JOBS_OPTION,
    SCHEDULER_OPTION,
    handle_errors,
    out_option,
    quiet_option,
    set_option,
)
from sim.cli.report import report_options
from sim.cli.skeleton import Options, Plan, perform, shared_options
from sim.config.errors import InputError, Problem
from sim.config.option_limits import MAX_BUDGET, MAX_CALIBRATION_RUNS

if TYPE_CHECKING:
    from sim.calibration.result import Trial


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
@click.option(
    "--method",
    type=click.Choice(["optimise", "abc"]),
    help="optimise: the best point (Sobol design, then Nelder-Mead); abc: a posterior by "
    "approximate Bayesian computation (pyabc, the calibration extra). Default: the "
    "spec's method, else optimise.",
)
@click.option(
    "--resume",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="With --method abc: continue the fit kept in this earlier result folder "
    "(its history.db) up to abc.generations generations in all.",
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
@shared_options
def calibrate(
    spec: Path,
    budget: int | None,
    seed: int | None,
    holdout: tuple[int, ...],
    method: str | None,
    resume: Path | None,
    overrides: tuple[str, ...],
    scenario_out: Path | None,
    options: Options,
) -> None:
    """Fit a scenario's parameters to reported counts (calibration SPEC file).

    \b
    Example:
      sim calibrate calibration/lorenskog.yaml --jobs 2
      sim calibrate calibration/asker.yaml --holdout 2010 --budget 60
      sim calibrate calibration/lorenskog.yaml --method abc --jobs 2 --report --lang nb
    """
    from sim.calibration import check_overlay, input_files, load_calibration

    def shown(trial: Trial, best: Trial) -> str:
        return f"best loss {best.loss:.4g}"

    def generation(number: int, candidates: int) -> str:
        return f"generation {number}: {candidates:,} candidates"

    def load() -> Plan:
        loaded = load_calibration(spec, budget, seed, holdout or None, overrides, method)
        if resume is not None and loaded.spec.method != "abc":
            raise InputError(
                [Problem(str(spec), "--resume", "continues a fit of --method abc only")]
            )

        def check() -> None:
            if scenario_out is not None:
                check_overlay(scenario_out, options.force, loaded)

        name = f"calibrate-{loaded.spec.name}"
        if loaded.spec.method == "abc":
            from sim.calibration.abc import require_pyabc

            require_pyabc(str(spec))
            steps = loaded.spec.abc.generations + 1  # and the first sample from the prior
            return Plan(
                loaded,
                name,
                input_files(loaded),
                steps,
                "generations",
                show=generation,
                always=True,
                check=check,
            )
        steps = loaded.spec.budget
        return Plan(
            loaded,
            name,
            input_files(loaded),
            steps,
            "evaluations",
            show=shown,
            always=True,
            check=check,
        )

    perform(
        options,
        load,
        lambda loaded, **call: api.calibrate(
            loaded, scenario_out=scenario_out, resume=resume, **call
        ),
    )
