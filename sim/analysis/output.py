"""Result folders (``README.md``, "What a run writes"), written atomically.

Everything is written into a hidden temporary folder beside the target, which is renamed
to the target only when complete: an interrupted run leaves no folder that looks
complete, and an existing folder is replaced only with ``force`` and only if it is a
result folder (:mod:`sim.analysis.replace`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.analysis.figures import write_figures
from sim.analysis.provenance import Input, write_manifest
from sim.analysis.replace import atomic_folder
from sim.analysis.tables import per_draw, summarise
from sim.config.loader import comment_line, plain_data
from sim.config.schema import Scenario
from sim.config.yaml_io import dump_yaml
from sim.runner.replications import Replications

if TYPE_CHECKING:
    from sim.analysis.stream import YearlyStream


def default_out_dir(name: str, root: Path = Path("results")) -> Path:
    """``results/<name>/<YYYYmmdd-HHMMSS>``: the default result folder of a command."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return root / name / stamp


DIFFERENCE_FILE = "difference.csv"
"""A what-if's paired differences from the scenario it extends, in a run's folder: the
columns of ``comparison.csv`` (:data:`sim.analysis.compare.COLUMNS`), one row per metric
and year and ``all`` (the mean over the reported years)."""

CSV_MAX_ROWS = 1_048_575
"""Most rows of a ``yearly.csv`` written by default: a spreadsheet's row limit (Excel:
1,048,576 rows, one of them the header). ``yearly.parquet`` always has every row."""


def yearly_csv_wanted(rows: int, yearly_csv: bool | None) -> bool:
    """Whether ``yearly.csv`` is written: as asked, or by default if a spreadsheet opens it.

    >>> yearly_csv_wanted(1_000, None), yearly_csv_wanted(2_000_000, None)
    (True, False)
    >>> yearly_csv_wanted(2_000_000, True), yearly_csv_wanted(1_000, False)
    (True, False)
    """
    return rows <= CSV_MAX_ROWS if yearly_csv is None else yearly_csv


def write_resolved(folder: Path, scenario: Scenario) -> None:
    """``scenario.resolved.yaml``: the fully merged scenario that was run (a report's
    assumptions are read from it). A posterior it names is named relative to the folder
    (a folder kept beside the repository, as the docs' examples are, names no path of
    the machine it was made on; the manifest has the file's hash)."""
    data = plain_data(scenario)
    posterior = scenario.posterior
    if posterior is not None:
        try:
            relative = os.path.relpath(posterior.file, folder.resolve())
        except ValueError:  # another drive: the absolute path
            relative = posterior.file
        data["calibration"]["posterior"] = Path(relative).as_posix()
    with open(folder / "scenario.resolved.yaml", "w", encoding="utf-8") as handle:
        handle.write(comment_line(f"Fully merged scenario as run ({scenario.name})."))
        handle.write(dump_yaml(data))


def write_results(
    results: Replications,
    out: str | Path,
    force: bool = False,
    scenario_file: str | Path | None = None,
    command: Sequence[str] | None = None,
    on_step: Callable[[str], None] | None = None,
    yearly_csv: bool | None = None,
    stream: YearlyStream | None = None,
    difference: pd.DataFrame | None = None,
    baseline: Input | None = None,
) -> Path:
    """Write a complete result folder for ``results`` at ``out``; return ``out``.

    ``yearly.parquet`` and ``summary.csv`` are always written; ``yearly.csv`` (every
    replication's rows) only if it has at most :data:`CSV_MAX_ROWS` rows, unless
    ``yearly_csv`` says otherwise (``True``: always, ``False``: never). The manifest
    records whether it was written. With ``stream`` (the rows were streamed to files as
    the replications ran, :class:`~sim.analysis.stream.YearlyStream`), its files are
    moved in and the summary is the stream's; ``yearly_csv`` was decided by the stream.
    With ``difference`` (a what-if run against the scenario it extends, ``baseline``:
    :mod:`sim.analysis.whatif`), the paired differences go to :data:`DIFFERENCE_FILE`.
    """
    out = Path(out)
    scenario = results.scenario
    with atomic_folder(out, force) as folder:
        if on_step:
            on_step("tables")
        if stream is not None:  # the rows are in files already: move them in
            rows, keep = stream.rows, stream.keep
            stream.move_into(folder)
            csv = stream.csv_kept
            summary = stream.summary()
        else:
            yearly = results.yearly
            rows, keep = len(yearly), True
            csv = yearly_csv_wanted(rows, yearly_csv)
            if csv:
                yearly.to_csv(folder / "yearly.csv", index=False)
            yearly.to_parquet(folder / "yearly.parquet", index=False)
            summary = summarise(yearly, draws=per_draw(scenario))
        summary.to_csv(folder / "summary.csv", index=False)
        if results.households is not None:
            results.households.to_parquet(folder / "households.parquet", index=False)
        write_resolved(folder, scenario)
        if difference is not None:
            difference.to_csv(folder / DIFFERENCE_FILE, index=False)
        if on_step:
            on_step("figures")
        write_figures(
            summary,
            folder / "figures",
            scenario.name,
            list(scenario.groups),
            list(scenario.stock),
            results.replications,
            scenario=scenario,
        )
        write_manifest(
            folder,
            kind="run",
            scenario=scenario,
            scenario_file=scenario_file,
            seed=results.seed,
            replications=results.replications,
            started=results.started,
            finished=results.finished,
            command=command,
            scheduler=results.scheduler,
            inputs=[baseline] if baseline is not None else [],
            extra={
                "households": results.households is not None,
                "yearly_csv": csv,
                "yearly_parquet": keep,
                "yearly_rows": rows,
                **({"difference": DIFFERENCE_FILE} if difference is not None else {}),
            },
        )
    return out
