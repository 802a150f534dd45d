"""The steps every command that writes a result folder takes, in one place.

Formats checked → input loaded → result folder chosen and checked → workers and a
progress bar → the :mod:`sim.api` function called → its summary printed → the report
written. A command gives its options (:class:`Options`), what it loads (a :class:`Plan`)
and the call of :mod:`sim.api`, and :func:`perform` does the rest.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, fields
from functools import wraps
from pathlib import Path
from typing import Any

import click

from sim.cli.common import F, progress_bar, result_folder
from sim.cli.report import check_formats, write_report
from sim.runner.scheduling import workers


@dataclass(frozen=True)
class Options:
    """The options every such command has (``--report`` and its two: where it has them)."""

    out: Path | None
    force: bool
    jobs: int
    scheduler: str | None
    quiet: bool
    with_report: bool = False
    lang: str = "en"
    formats: str = "xlsx,html"


def shared_options(command: F) -> F:
    """Hand a command its :class:`Options` as one ``options`` argument (the options
    themselves are declared where they always were, so ``--help`` is unchanged)."""
    names = [f.name for f in fields(Options)]

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        shared = {name: kwargs.pop(name) for name in names if name in kwargs}
        return command(*args, options=Options(**shared), **kwargs)

    return wrapper  # type: ignore[return-value]


@dataclass
class Plan:
    """What a command is about to do, known once its input is loaded."""

    subject: Any  # what the call works on (a file, a loaded spec, a sensitivity plan)
    folder: str  # the default result folder: results/<folder>/<timestamp>
    inputs: Sequence[str | Path]  # input files, which the result folder may never replace
    steps: int = 0  # the progress bar's length (0: no bar)
    unit: str = "replications"  # what the bar counts
    heading: str | None = None  # said on standard error before it runs (not with --quiet)
    show: Callable[..., str] | None = None  # the bar's text after each step
    progress: Callable[..., None] | None = None  # instead of a bar
    always: bool = False  # the summary is printed with --quiet too
    note: Callable[[Any], str | None] | None = None  # said on standard error after it ran
    check: Callable[[], None] | None = None  # more checks after the result folder's


def perform(options: Options, load: Callable[[], Plan], call: Callable[..., Any]) -> Any:
    """Load, check the result folder, call ``call(subject, jobs=..., on_progress=...,
    out=..., force=..., command=...)`` with workers and progress, then print its
    summary, the folder and the report; return the result."""
    check_formats(options.with_report, options.formats)
    plan = load()
    target = result_folder(options.out, plan.folder, options.force, plan.inputs)
    if plan.check:
        plan.check()
    if plan.heading and not options.quiet:
        click.echo(plan.heading, err=True)
    shown = {"item_show_func": lambda item: item} if plan.show else {}
    bar = progress_bar(plan.steps, plan.unit, options.quiet, **shown) if plan.steps else None
    with workers(options.jobs, options.scheduler) as pool, bar or nullcontext() as shown_bar:

        def step(*args: Any) -> None:
            assert shown_bar is not None  # no bar: the plan's own progress
            shown_bar.update(1, plan.show(*args) if plan.show else None)

        result = call(
            plan.subject,
            jobs=pool,
            on_progress=plan.progress or step,
            out=target,
            force=options.force,
            command=sys.argv,
        )
    note = plan.note(result) if plan.note else None
    if note:
        click.echo(note, err=True)
    if plan.always or not options.quiet:
        click.echo(result.summary())
    click.echo(f"results: {target}")
    if options.with_report:
        write_report(target, options.lang, options.formats)
    return result
