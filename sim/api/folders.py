"""The result folders of the Python API: ``write_*`` functions and the report."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sim.analysis.replace import check_out_dir
from sim.config.loader import ScenarioSource
from sim.deprecation import keyword_first, language

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


Result = Any  # any result of this module: each has .write(out, force, command=...)


def _writer(name: str, kind: str, positional: Sequence[str] = FOLDER) -> Callable[..., Path]:
    """``write_<name>(result, *, out, force=False, command=None)``: the result folder of a
    result made earlier, as its ``.write`` writes it."""

    def write(
        result: Result,
        *,
        out: str | Path,
        force: bool = False,
        command: Sequence[str] | None = None,
        **options: Any,
    ) -> Path:
        return Path(result.write(out, force, command=command, **options))

    write.__name__ = write.__qualname__ = f"write_{name}"
    write.__doc__ = f"The result folder of {kind} made earlier (as ``result.write(out)``)."
    return keyword_first(positional=positional)(write)


write_results = _writer(
    "results", "a run", ("out", "force", "scenario_file", "command", "on_step", "yearly_csv")
)
write_comparison = _writer("comparison", "a comparison")
write_sweep = _writer("sweep", "a sweep")
write_tradeoff = _writer("tradeoff", "a trade-off")
write_sizing = _writer("sizing", "a sizing")
write_sensitivity = _writer("sensitivity", "a sensitivity analysis")
write_calibration = _writer("calibration", "a calibration")


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
