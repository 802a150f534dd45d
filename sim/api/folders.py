"""The result folders of the Python API: ``write_*`` functions and the report."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.analysis.compare import Comparison
from sim.analysis.replace import check_out_dir
from sim.analysis.results import Results
from sim.analysis.sensitivity import Sensitivity
from sim.analysis.sizing import SizingResult
from sim.analysis.sweep import Sweep
from sim.analysis.tradeoff import Tradeoff
from sim.config.loader import ScenarioSource
from sim.deprecation import keyword_first, language
from sim.runner.replications import Replications

if TYPE_CHECKING:  # the calibration package is imported when it is used
    from sim.analysis.stream import YearlyStream
    from sim.calibration import CalibrationResult

FOLDER = ("out", "force", "command")


def write_report(
    folder: str | Path,
    *,
    lang: str = "en",
    formats: Iterable[str] = ("xlsx", "html"),
    force: bool = False,
) -> list[Path]:
    """Write report.xlsx and report.html (``formats``) into a result folder of any command,
    in English (``lang="en"``) or Norwegian bokmål (``"nb"``); return their paths
    (``sim report``)."""
    from sim.report import make_report

    return make_report(folder, language(lang), formats, force)


Folder = str | Path


@keyword_first(positional=("out", "force", "scenario_file", "command", "on_step", "yearly_csv"))
def write_results(
    results: Replications,
    *,
    out: Folder,
    force: bool = False,
    command: Sequence[str] | None = None,
    scenario_file: Folder | None = None,
    on_step: Callable[[str], None] | None = None,
    yearly_csv: bool | None = None,
    stream: YearlyStream | None = None,
) -> Path:
    """The result folder of a run made earlier (as ``results.write(out)``); ``yearly_csv``
    as for :func:`sim.run`, ``stream`` the rows a run streamed (``sim.run(stream=True)``
    does this itself)."""
    if not isinstance(results, Results):  # the runner's replications
        results = Results.of(results)
    return results.write(
        out,
        force,
        command=command,
        scenario_file=scenario_file,
        on_step=on_step,
        yearly_csv=yearly_csv,
        stream=stream,
    )


@keyword_first(positional=FOLDER)
def write_comparison(
    result: Comparison, *, out: Folder, force: bool = False, command: Sequence[str] | None = None
) -> Path:
    """The result folder of a comparison made earlier (as ``result.write(out)``)."""
    return result.write(out, force, command=command)


@keyword_first(positional=FOLDER)
def write_sweep(
    result: Sweep, *, out: Folder, force: bool = False, command: Sequence[str] | None = None
) -> Path:
    """The result folder of a sweep made earlier (as ``result.write(out)``)."""
    return result.write(out, force, command=command)


@keyword_first(positional=FOLDER)
def write_tradeoff(
    result: Tradeoff, *, out: Folder, force: bool = False, command: Sequence[str] | None = None
) -> Path:
    """The result folder of a trade-off made earlier (as ``result.write(out)``)."""
    return result.write(out, force, command=command)


@keyword_first(positional=FOLDER)
def write_sizing(
    result: SizingResult, *, out: Folder, force: bool = False, command: Sequence[str] | None = None
) -> Path:
    """The result folder of a sizing made earlier (as ``result.write(out)``)."""
    return result.write(out, force, command=command)


@keyword_first(positional=FOLDER)
def write_sensitivity(
    result: Sensitivity, *, out: Folder, force: bool = False, command: Sequence[str] | None = None
) -> Path:
    """The result folder of a sensitivity analysis made earlier (as ``result.write(out)``)."""
    return result.write(out, force, command=command)


@keyword_first(positional=FOLDER)
def write_calibration(
    result: CalibrationResult,
    *,
    out: Folder,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Path:
    """The result folder of a calibration made earlier (as ``result.write(out)``)."""
    return result.write(out, force, command=command)


def written(result: Any, out: str | Path | None, force: bool, command: Any) -> Any:
    """``result``, its folder written at ``out`` first if one is given."""
    if out is not None:
        result.write(out, force, command=command)
    return result


def check(out: str | Path | None, force: bool, *inputs: ScenarioSource) -> None:
    """Fail before any simulation if ``out`` may not or cannot be written (or holds an
    input file)."""
    if out is not None:
        check_out_dir(Path(out), force, [i for i in inputs if isinstance(i, str | Path)])
