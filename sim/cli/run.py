"""``sim run``: one scenario, its result folder and a short summary."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import click
import pandas as pd

from sim import api
from sim.analysis.labels import label
from sim.analysis.output import CSV_MAX_ROWS, yearly_csv_wanted
from sim.analysis.stream import YearlyStream
from sim.analysis.tables import KEY_METRICS
from sim.cli.common import (
    FORCE_OPTION,
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
from sim.config.loader import load_scenario, option_overrides
from sim.runner.scheduling import workers


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
@out_option("")
@set_option("Override a scenario key, repeatable. Example: --set policy.renewal=strict")
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
@report_options
@FORCE_OPTION
@quiet_option("No progress bar and no summary table.")
@handle_errors
def run(
    scenario: Path,
    replications: int | None,
    seed: int | None,
    years: int | None,
    jobs: int,
    scheduler: str | None,
    out: Path | None,
    overrides: tuple[str, ...],
    households: bool,
    yearly_csv: bool | None,
    keep_yearly: bool,
    with_report: bool,
    lang: str,
    formats: str,
    force: bool,
    quiet: bool,
) -> None:
    """Run SCENARIO and write a result folder with tables and figures.

    \b
    Example:
      sim run scenarios/flexbo.yaml --replications 50 --jobs 2
      sim run scenarios/lorenskog.yaml --set policy.renewal=always --out results/always
      sim run scenarios/flexbo.yaml --report --lang nb
    """
    check_formats(with_report, formats)
    loaded = load_scenario(scenario, option_overrides(overrides, seed, years, replications))
    target = result_folder(out, loaded.name, force, [scenario])
    count = loaded.replications
    if not quiet:
        click.echo(
            f"{loaded.name}: {count} replications of {loaded.time.start}–"
            f"{loaded.time.end - 1} after {loaded.time.warmup_years:g} warm-up years, "
            f"seed {loaded.seed}",
            err=True,
        )
    csv_limit = {None: CSV_MAX_ROWS, True: None, False: 0}[yearly_csv]
    with YearlyStream(target, count, csv_limit, keep_yearly) as stream:
        with workers(jobs, scheduler) as pool, progress_bar(count, "replications", quiet) as bar:
            results = api.run(
                loaded,
                jobs=pool,
                households=households,
                sink=stream.add,
                on_replication_done=lambda _r: bar.update(1),
            )
        stream.close()
        api.write_results(
            results, target, force, scenario_file=scenario, command=sys.argv, stream=stream
        )
        summary = stream.summary()
    rows = stream.rows
    if keep_yearly and not yearly_csv_wanted(rows, yearly_csv) and yearly_csv is None:
        click.echo(
            f"yearly.csv not written: {rows:,} rows, more than a spreadsheet opens "
            f"({CSV_MAX_ROWS:,}); yearly.parquet has every row, summary.csv the summary "
            "(--yearly-csv writes it anyway)",
            err=True,
        )
    if not quiet:
        click.echo(summary_table(summary, loaded.time.start, loaded.time.end - 1, count))
    click.echo(f"results: {target}")
    if with_report:
        write_report(target, lang, formats)


def _cell(row: pd.Series | None) -> str:
    if row is None or pd.isna(row["mean"]):
        return "–"
    mean, low, high = row["mean"], row["ci_low"], row["ci_high"]
    digits = 2 if abs(mean) < 10 else 0
    if pd.isna(low) or math.isclose(low, high):
        return f"{mean:,.{digits}f}"
    return f"{mean:,.{digits}f} [{low:,.{digits}f}, {high:,.{digits}f}]"


def summary_table(summary: pd.DataFrame, first: int, last: int, replications: int) -> str:
    """A short plain-text table: key totals in the first and last reported year."""
    totals = summary[(summary.group == "") & (summary.category == "")]
    lookup = {(r.metric, r.year): r for _, r in totals.iterrows()}
    years = [first] if first == last else [first, last]
    header = ["metric", *[str(y) for y in years]]
    lines = [
        [label(m, with_unit=True), *[_cell(lookup.get((m, y))) for y in years]]
        for m in KEY_METRICS
        if any((m, y) in lookup for y in years)  # a cost only where its price is given
    ]
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
    out = [f"\nSummary (mean [95 % CI] over {replications} replications)"]
    out.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    out.append("  ".join("-" * w for w in widths))
    out.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in lines)
    return "\n".join(out)
