"""``sim run``: one scenario, its result folder and a short summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sim import api
from sim.analysis.output import CSV_MAX_ROWS, DIFFERENCE_FILE, yearly_csv_wanted
from sim.analysis.whatif import WhatIf, load_parent, parent_file, run_whatif
from sim.cli.common import (
    FORCE_OPTION,
    JOBS_OPTION,
    POSTERIOR_OPTION,
    SCHEDULER_OPTION,
    SETTINGS_RULE,
    handle_errors,
    one_draw_note,
    out_option,
    quiet_option,
    set_option,
    settings_folder,
)
from sim.cli.report import report_options
from sim.cli.skeleton import Options, Plan, perform, shared_options
from sim.config.loader import option_overrides
from sim.config.posterior import posterior_setting


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option(
    "--replications",
    "-r",
    type=click.IntRange(min=1),
    help="Number of replications (default: the scenario's). Example: -r 50",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    help="Base seed (default: the scenario's). Example: --seed 2024",
)
@click.option(
    "--years",
    type=click.IntRange(min=1),
    help="Reported years (default: the scenario's time.years). Example: --years 15",
)
@JOBS_OPTION
@SCHEDULER_OPTION
@out_option("", SETTINGS_RULE)
@set_option(
    "Override a scenario key, repeatable (only SCENARIO's: the scenario it extends runs as "
    "its file says). Example: --set policy.renewal=strict"
)
@POSTERIOR_OPTION
@click.option(
    "--households",
    is_flag=True,
    help="Also write households.parquet: one row per household with its moves.",
)
@click.option(
    "--yearly-csv/--no-yearly-csv",
    default=None,
    help="Write yearly.csv (every replication's rows) or not. Default: only if it has at "
    "most 1,048,575 rows, the most a spreadsheet opens; yearly.parquet has every row.",
)
@click.option(
    "--keep-yearly/--no-keep-yearly",
    "keep_yearly",
    default=True,
    show_default=True,
    help="Write every replication's rows (yearly.parquet, and yearly.csv as above). "
    "Without them the folder has the summary, figures and manifest; memory and disk then "
    "hold only one value per key and replication.",
)
@click.option(
    "--baseline/--no-baseline",
    default=True,
    show_default=True,
    help="A SCENARIO that extends another (not a calibrated overlay) also runs the "
    "scenario it extends (its own extends file) with the same seed, replications, years "
    "and posterior, and shows what it changes: paired differences with 95 % intervals, "
    f"printed and in {DIFFERENCE_FILE}. This doubles the work; --no-baseline runs "
    "SCENARIO alone.",
)
@report_options
@FORCE_OPTION
@quiet_option("No progress bar and no summary table.")
@handle_errors
@shared_options
def run(
    scenario: Path,
    replications: int | None,
    seed: int | None,
    years: int | None,
    overrides: tuple[str, ...],
    posterior: str | None,
    households: bool,
    yearly_csv: bool | None,
    keep_yearly: bool,
    baseline: bool,
    options: Options,
) -> None:
    """Run SCENARIO and write a result folder with tables and figures.

    A what-if (a SCENARIO with extends, such as scenarios/flexbo.yaml or any file in
    scenarios/policies/) runs beside the scenario it extends, with the same random
    numbers, and the table shows what it changes (twice the work; --no-baseline: alone).
    A calibrated overlay (written by sim calibrate --scenario-out, such as
    scenarios/lorenskog-calibrated.yaml) is a baseline and runs alone.

    \b
    Example:
      sim run scenarios/flexbo.yaml --replications 50 --jobs 2
      sim run scenarios/lorenskog.yaml --set policy.renewal=always --out results/always
      sim run scenarios/flexbo.yaml --report --lang nb
      sim run scenarios/flexbo.yaml --no-baseline
    """
    shared = posterior_setting(posterior)  # the scenario it extends runs over it too
    extra = option_overrides(overrides, seed, years, replications) + shared

    def note(results: api.Results | WhatIf) -> str | None:
        run = results.results if isinstance(results, WhatIf) else results
        notes = [yearly_note(results), one_draw_note(run.scenario)]
        return "\n".join(n for n in notes if n) or None

    def yearly_note(results: api.Results | WhatIf) -> str | None:
        rows = results.streamed or 0
        if keep_yearly and not yearly_csv_wanted(rows, yearly_csv) and yearly_csv is None:
            return (
                f"yearly.csv not written: {rows:,} rows, more than a spreadsheet opens "
                f"({CSV_MAX_ROWS:,}); yearly.parquet has every row, summary.csv the summary "
                "(--yearly-csv writes it anyway)"
            )
        return None

    def load() -> Plan:
        loaded = api.load_scenario(scenario, overrides=extra)
        span = loaded.time
        heading = (
            f"{loaded.name}: {loaded.replications} replications of {span.start}–"
            f"{span.end - 1} after {span.warmup_years:g} warm-up years, seed {loaded.seed}"
        )
        posterior = loaded.posterior
        if posterior is not None:
            heading += (
                f", over the posterior {posterior.file} ({len(posterior)} particles of "
                f"{len(posterior.keys)} parameters, {loaded.replications_per_draw} "
                "replications a draw)"
            )
        steps = loaded.replications
        folder = settings_folder(loaded.name, overrides)
        above = parent_file(scenario) if baseline else None
        if above is None:
            return Plan(scenario, folder, [scenario], steps, heading=heading, note=note)
        paired = shared
        if not shared and posterior is not None:  # named by the file: the parent runs over it too
            paired = [
                *posterior_setting(posterior.file),
                f"calibration.replications_per_draw={loaded.replications_per_draw}",
            ]
        parent = load_parent(loaded, above, paired)
        heading += (
            f"; beside {parent.name} ({above}), the scenario it extends, with the same seed "
            "and replications: twice the work (--no-baseline: alone)"
        )
        subject = (loaded, parent, above)
        inputs = [scenario, above]
        return Plan(subject, folder, inputs, 2 * steps, heading=heading, note=note)

    def call(subject: Any, **call: Any) -> api.Results | WhatIf:
        if isinstance(subject, tuple):
            loaded, parent, above = subject
            return run_whatif(
                loaded,
                scenario,
                parent,
                above,
                call.pop("out"),
                households=households,
                keep_yearly=keep_yearly,
                yearly_csv=yearly_csv,
                **call,
            )
        return api.run(
            subject,
            overrides=extra,
            households=households,
            stream=True,
            keep_yearly=keep_yearly,
            yearly_csv=yearly_csv,
            **call,
        )

    perform(options, load, call)
