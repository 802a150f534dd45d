"""Command line: ``sim run``, ``sim validate``. Thin wrappers over the Python API.

Exit codes: 0 success, 2 invalid input (scenario, option, existing output folder),
1 internal error.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
import pandas as pd

from sim.analysis.output import check_out_dir, default_out_dir, write_results
from sim.analysis.tables import summarise
from sim.config.errors import InputError
from sim.config.loader import load_scenario, option_overrides
from sim.runner.replications import run_scenario

F = TypeVar("F", bound=Callable[..., Any])

SUMMARY_METRICS = [
    "waiting",
    "allocations",
    "wait_years_mean",
    "homeless_waiting",
    "hospits_nights",
    "forced_moves",
    "followup_waiting",
    "tenants",
    "units",
]


JOBS_OPTION = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Worker processes; 0 uses every core. Results do not depend on it.",
)
FORCE_OPTION = click.option("--force", is_flag=True, help="Replace the result folder if it exists.")


def out_option(prefix: str) -> Callable[[F], F]:
    """``--out DIR``; the default folder is ``results/<prefix><name>/<timestamp>``."""
    return click.option(
        "--out",
        type=click.Path(path_type=Path),
        help=f"Result folder (default: results/{prefix}<name>/<YYYYmmdd-HHMMSS>).",
    )


def set_option(help: str) -> Callable[[F], F]:
    """``--set KEY=VALUE``, repeatable."""
    return click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help=help)


def quiet_option(help: str) -> Callable[[F], F]:
    return click.option("--quiet", "-q", is_flag=True, help=help)


def result_folder(out: Path | None, name: str, force: bool) -> Path:
    """The folder a command writes to (``--out`` or the default), checked before any work."""
    target = out if out is not None else default_out_dir(name)
    check_out_dir(target, force)
    return target


def _handle_errors(command: F) -> F:
    """Input errors exit with code 2 and a plain message; other errors with code 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as error:
            click.echo(click.style("error: ", fg="red", bold=True) + "invalid input", err=True)
            for problem in error.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("\ninterrupted: no result folder was written", err=True)
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, SystemExit):
            raise
        except Exception as error:  # an internal error: say so, keep the detail
            click.echo(f"internal error: {type(error).__name__}: {error}", err=True)
            if os.environ.get("SIM_DEBUG"):
                traceback.print_exc()
            else:
                click.echo("(set SIM_DEBUG=1 to see the traceback; please report it)", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sim-housing", prog_name="sim")
def main() -> None:
    """Simulate municipal social housing: waiting lists, allocations, contracts, follow-up.

    \b
    Example:
      sim run scenarios/flexbo.yaml
      sim validate scenarios/*.yaml
    """
    _stop_on_terminate()


def _stop_on_terminate() -> None:
    """A termination signal (``kill``) stops a command as Ctrl-C does: workers are
    stopped and no half-written result folder is left behind."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError):  # not the main thread (e.g. inside a test runner)
        signal.signal(signal.SIGTERM, interrupt)


@main.command()
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
@out_option("")
@set_option("Override a scenario key, repeatable. Example: --set policy.renewal=strict")
@click.option(
    "--households",
    is_flag=True,
    help="Also write households.parquet: one row per household with its moves.",
)
@FORCE_OPTION
@quiet_option("No progress bar and no summary table.")
@_handle_errors
def run(
    scenario: Path,
    replications: int | None,
    seed: int | None,
    years: int | None,
    jobs: int,
    out: Path | None,
    overrides: tuple[str, ...],
    households: bool,
    force: bool,
    quiet: bool,
) -> None:
    """Run SCENARIO and write a result folder with tables and figures.

    \b
    Example:
      sim run scenarios/flexbo.yaml --replications 50 --jobs 2
      sim run scenarios/lorenskog.yaml --set policy.renewal=always --out results/always
    """
    loaded = load_scenario(scenario, option_overrides(overrides, seed, years, replications))
    target = result_folder(out, loaded.name, force)
    count = loaded.replications
    if not quiet:
        click.echo(
            f"{loaded.name}: {count} replications of {loaded.time.start}–"
            f"{loaded.time.end - 1} after {loaded.time.warmup_years:g} warm-up years, "
            f"seed {loaded.seed}",
            err=True,
        )
    with click.progressbar(
        length=count, label="replications", file=sys.stderr, hidden=quiet
    ) as bar:
        results = run_scenario(loaded, None, jobs, households, lambda _r: bar.update(1))
    write_results(results, target, force, scenario_file=scenario, command=sys.argv)
    if not quiet:
        click.echo(
            summary_table(summarise(results.yearly), loaded.time.start, loaded.time.end - 1, count)
        )
    click.echo(f"results: {target}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@set_option("Validate with overrides applied. Example: --set stock.flexbo.units=20")
@_handle_errors
def validate(files: tuple[Path, ...], overrides: tuple[str, ...]) -> None:
    """Check scenario FILES without running them.

    \b
    Example:
      sim validate scenarios/*.yaml
    """
    problems = []
    for file in files:
        try:
            scenario = load_scenario(file, overrides)
        except InputError as error:
            problems.extend(error.problems)
            continue
        units = sum(c.units for c in scenario.stock.values())
        click.echo(
            f"ok: {file} ({scenario.name}: {len(scenario.groups)} groups, "
            f"{len(scenario.stock)} categories, {units} units)"
        )
    if problems:
        raise InputError(problems)


@main.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "--budget",
    type=click.IntRange(min=1),
    help="Evaluations (default: the spec's budget). Example: --budget 40",
)
@JOBS_OPTION
@click.option("--seed", type=click.IntRange(min=0), help="Search seed (default: the spec's).")
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
    help="Also write the calibrated scenario (extends the base) to this file. "
    "Example: --scenario-out scenarios/asker-calibrated.yaml",
)
@FORCE_OPTION
@quiet_option("No progress bar.")
@_handle_errors
def calibrate(
    spec: Path,
    budget: int | None,
    jobs: int,
    seed: int | None,
    holdout: tuple[int, ...],
    out: Path | None,
    overrides: tuple[str, ...],
    scenario_out: Path | None,
    force: bool,
    quiet: bool,
) -> None:
    """Fit a scenario's parameters to reported counts (calibration SPEC file).

    \b
    Example:
      sim calibrate calibration/lorenskog.yaml --jobs 2
      sim calibrate calibration/asker.yaml --holdout 2010 --budget 60
    """

    from sim.calibration import calibrate as run_calibration
    from sim.calibration import load_calibration, write_calibration, write_overlay

    loaded = load_calibration(spec, budget, seed, holdout or None, overrides)
    target = result_folder(out, f"calibrate-{loaded.spec.name}", force)
    jobs = jobs or (os.cpu_count() or 1)
    with click.progressbar(
        length=loaded.spec.budget,
        label="evaluations",
        file=sys.stderr,
        hidden=quiet,
        item_show_func=lambda x: x,
    ) as bar:

        def progress(trial, best):  # type: ignore[no-untyped-def]
            bar.update(1, f"best loss {best.loss:.4g}")

        result = run_calibration(loaded, jobs, progress)
    write_calibration(result, target, force, command=sys.argv)
    if scenario_out is not None:
        write_overlay(result, scenario_out, command=sys.argv)
    fit = result.fit
    assert fit is not None and result.best is not None
    used = fit[fit.used_in_fit & ~fit.target.str.startswith("sum_")]
    click.echo(
        f"best loss {result.best.loss:.4g} after {len(result.trials)} evaluations "
        f"({result.wall_seconds:.0f} s); {int(used.inside.sum())} of {len(used)} "
        "fitted targets inside the simulated 90 % interval"
    )
    for name, value in result.best.values.items():
        click.echo(f"  {name} = {value:.4g}")
    if result.holdout is not None:
        for row in result.holdout.itertuples():
            if row.target.startswith("sum_"):
                click.echo(
                    f"  hold-out {row.metric} {row.year}: observed {row.observed:g}, "
                    f"predicted {row.simulated_mean:.1f} ({row.relative_error:+.0%})"
                )
    click.echo(f"results: {target}")


@main.command()
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("alternatives", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--replications",
    "-r",
    type=click.IntRange(min=2),
    help="Replications of every scenario (default: the base's). Example: -r 50",
)
@JOBS_OPTION
@click.option(
    "--metrics",
    metavar="M1,M2,...",
    help="Metrics to compare (totals over groups and categories). "
    "Example: --metrics waiting,hospits_nights",
)
@out_option("compare-")
@FORCE_OPTION
@quiet_option("No progress bar and no table.")
@_handle_errors
def compare(
    base: Path,
    alternatives: tuple[Path, ...],
    replications: int | None,
    jobs: int,
    metrics: str | None,
    out: Path | None,
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

    from sim.analysis.compare import run_comparison

    chosen = [m.strip() for m in metrics.split(",") if m.strip()] if metrics else None
    loaded_base = load_scenario(base, option_overrides((), None, None, replications))
    target = result_folder(out, f"compare-{loaded_base.name}", force)
    total = loaded_base.replications * (1 + len(alternatives))
    with click.progressbar(
        length=total, label="replications", file=sys.stderr, hidden=quiet
    ) as bar:
        _table, text = run_comparison(
            base,
            list(alternatives),
            replications,
            jobs,
            chosen,
            target,
            force,
            lambda _r: bar.update(1),
            sys.argv,
        )
    if not quiet:
        click.echo(text)
    click.echo(f"results: {target}")


_VARY_HELP = (
    "Vary a scenario key over values, repeatable: the full grid is run. Values are YAML; "
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
            set_option("Override a scenario key at every grid point."),
            out_option(f"{kind}-"),
            FORCE_OPTION,
            quiet_option("No progress bar and no table."),
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _run_grid_command(
    kind: str,
    scenario: Path,
    varies: tuple[str, ...],
    replications: int | None,
    jobs: int,
    overrides: tuple[str, ...],
    out: Path | None,
    force: bool,
    quiet: bool,
    households: bool,
    write: Callable[[Path, Any, list[Any]], None],
) -> None:
    """Run the grid with a progress bar, then ``write(folder, axes, runs)`` atomically."""
    from sim.analysis.output import atomic_folder
    from sim.analysis.provenance import write_manifest
    from sim.analysis.sweep import parse_vary, run_grid

    axes = parse_vary(varies)
    base = load_scenario(scenario, option_overrides(overrides, None, None, replications))
    target = result_folder(out, f"{kind}-{base.name}", force)
    points = 1
    for _, values in axes:
        points *= len(values)
    with click.progressbar(
        length=points * base.replications, label="replications", file=sys.stderr, hidden=quiet
    ) as bar:
        runs = run_grid(
            scenario, axes, replications, jobs, households, overrides, lambda _r: bar.update(1)
        )
    with atomic_folder(target, force) as folder:
        write(folder, axes, runs)
        write_manifest(
            folder,
            kind=kind,
            scenario=base,
            scenario_file=scenario,
            seed=base.seed,
            replications=base.replications,
            started=min(run.results.started for run in runs),
            finished=max(run.results.finished for run in runs),
            command=sys.argv,
            extra={"vary": {key: values for key, values in axes}},
        )
    click.echo(f"results: {target}")


@main.command()
@_grid_options("sweep")
@click.option(
    "--metrics",
    metavar="M1,M2,...",
    help="Metrics in the table (totals). Example: --metrics waiting,forced_moves",
)
@_handle_errors
def sweep(
    scenario: Path,
    varies: tuple[str, ...],
    replications: int | None,
    jobs: int,
    overrides: tuple[str, ...],
    out: Path | None,
    force: bool,
    quiet: bool,
    metrics: str | None,
) -> None:
    """Run SCENARIO over a grid of key values, all with the same seeds; one table.

    \b
    Example:
      sim sweep scenarios/lorenskog-calibrated.yaml \\
          --vary stock.ordinary.contract_years=1,3,5 --vary policy.renewal=strict,always
    """
    from sim.analysis.labels import check_metrics
    from sim.analysis.sweep import SWEEP_METRICS, sweep_table

    chosen = check_metrics(
        [m.strip() for m in metrics.split(",") if m.strip()] if metrics else SWEEP_METRICS
    )

    def write(folder: Path, axes: Any, runs: list[Any]) -> None:
        table = sweep_table(runs, chosen)
        table.to_csv(folder / "sweep.csv", index=False)
        if not quiet:
            horizon = table[table.year == "all"]
            keys = [key for key, _ in axes]
            click.echo(
                horizon.pivot_table(index=keys, columns="metric", values="mean", sort=False)
                .round(2)
                .to_string()
            )

    _run_grid_command(
        "sweep", scenario, varies, replications, jobs, overrides, out, force, quiet, False, write
    )


@main.command()
@_grid_options("tradeoff")
@_handle_errors
def tradeoff(
    scenario: Path,
    varies: tuple[str, ...],
    replications: int | None,
    jobs: int,
    overrides: tuple[str, ...],
    out: Path | None,
    force: bool,
    quiet: bool,
) -> None:
    """Throughput against stability for a grid of policies (figure and table).

    \b
    Example:
      sim tradeoff scenarios/lorenskog-calibrated.yaml -j 2 \\
          --vary stock.ordinary.contract_years=1,3,5 \\
          --vary policy.renewal=strict,needs_based,differentiated
    """
    from sim.analysis.sweep import tradeoff_figure, tradeoff_table

    def write(folder: Path, axes: Any, runs: list[Any]) -> None:
        base = runs[0].scenario
        caption = (
            f"Simulated: {base.name}, {base.replications} replications per policy, "
            f"{base.time.start}–{base.time.end - 1}, same random numbers for every "
            f"policy; policies vary {', '.join(key for key, _ in axes)}."
        )
        table = tradeoff_table(runs)
        table.to_csv(folder / "tradeoff.csv", index=False)
        (folder / "figures").mkdir()
        tradeoff_figure(table, folder / "figures" / "tradeoff.png", caption)
        table.to_csv(folder / "figures" / "tradeoff.csv", index=False)
        if not quiet:
            shown = table[
                [
                    "policy",
                    "throughput_per_100_units",
                    "forced_moves_per_100_tenant_years",
                    "share_permanent_need_moved",
                    "wait_years_mean",
                    "hospits_nights_per_year",
                ]
            ]
            click.echo(shown.round(2).to_string(index=False))

    _run_grid_command(
        "tradeoff", scenario, varies, replications, jobs, overrides, out, force, quiet, True, write
    )


@main.command()
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
    type=click.FloatRange(0, 1),
    default=0.8,
    show_default=True,
    help="Required share of replications that meet the target.",
)
@click.option(
    "--max-units",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Largest number of units a year (or once) to try.",
)
@click.option("--once", is_flag=True, help="A one-off addition in --from instead of yearly.")
@click.option(
    "--replications",
    "-r",
    type=click.IntRange(min=2),
    help="Replications to start each step with (default: the scenario's).",
)
@JOBS_OPTION
@set_option("Override a scenario key, repeatable.")
@out_option("size-")
@FORCE_OPTION
@quiet_option("No progress lines.")
@_handle_errors
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
    overrides: tuple[str, ...],
    out: Path | None,
    force: bool,
    quiet: bool,
) -> None:
    """Units needed per year (or once) in a category to reach a target.

    \b
    Example:
      sim size scenarios/asker-calibrated.yaml --category ordinary --from 2012 --to 2015 \\
          --target "wait_years_mean[group=disadvantaged] <= 0.5" --jobs 2
    """
    import datetime as dt

    from sim.analysis.labels import METRICS
    from sim.analysis.sizing import SizingQuestion, write_sizing
    from sim.analysis.sizing import size as run_size
    from sim.analysis.target import parse_target
    from sim.config.errors import Problem

    loaded = load_scenario(scenario, option_overrides(overrides, None, None, replications))
    if category not in loaded.stock:
        raise InputError(
            [
                Problem(
                    "--category", category, "unknown category; allowed: " + ", ".join(loaded.stock)
                )
            ]
        )
    target = parse_target(target_text, METRICS, loaded.groups, loaded.stock)
    question = SizingQuestion(
        category,
        target,
        from_year or loaded.time.start,
        to_year or loaded.time.end - 1,
        confidence,
        max_units,
        once,
    )
    target_dir = result_folder(out, f"size-{loaded.name}", force)

    def step(evaluation) -> None:  # type: ignore[no-untyped-def]
        if not quiet:
            click.echo(
                f"  {evaluation.units:>4} units: target met in {evaluation.successes}"
                f" of {evaluation.replications} replications",
                err=True,
            )

    started = dt.datetime.now()
    result = run_size(loaded, question, loaded.replications, jobs, step)
    write_sizing(result, loaded, target_dir, force, sys.argv, scenario_file=scenario)
    analytic = result.analytic
    what = "once" if once else "a year"
    click.echo(
        f"analytic estimate (M/M/c, Erlang C): {analytic['units']} units {what} "
        f"({analytic['arrivals_per_year']:.1f} approved applications a year, mean "
        f"tenancy {1 / analytic['service_rate'] if analytic['service_rate'] else math.inf:.1f}"
        f" years, {analytic['servers']} units needed, {analytic['units_now']} now)"
    )
    if result.answer is None:
        click.echo(f"simulation: not reached with up to {max_units} units {what}")
    else:
        click.echo(
            f"simulation: {result.answer} units {what} from {question.from_year} "
            f"(target met in every year from {question.to_year} with probability >= "
            f"{confidence:g}); {(dt.datetime.now() - started).total_seconds():.0f} s"
        )
    click.echo(f"results: {target_dir}")


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
    from sim.analysis.labels import label

    totals = summary[(summary.group == "") & (summary.category == "")]
    lookup = {(r.metric, r.year): r for _, r in totals.iterrows()}
    years = [first] if first == last else [first, last]
    header = ["metric", *[str(y) for y in years]]
    lines = [
        [label(m, with_unit=True), *[_cell(lookup.get((m, y))) for y in years]]
        for m in SUMMARY_METRICS
    ]
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
    out = [f"\nSummary (mean [95 % CI] over {replications} replications)"]
    out.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    out.append("  ".join("-" * w for w in widths))
    out.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in lines)
    return "\n".join(out)


if __name__ == "__main__":
    main()
