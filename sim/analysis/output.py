"""Result folders (``README.md``, "What a run writes"), written atomically.

Everything is written into a hidden temporary folder beside the target, which is renamed
to the target only when complete: an interrupted run leaves no folder that looks
complete, and an existing folder is replaced only with ``force``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import platform
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sim.analysis.figures import write_figures
from sim.analysis.provenance import write_manifest
from sim.analysis.tables import summarise
from sim.config.errors import InputError, Problem, brief_text
from sim.config.loader import scenario_yaml
from sim.config.schema import Scenario
from sim.runner.replications import Results

if TYPE_CHECKING:
    from sim.analysis.stream import YearlyStream


class OutputExistsError(InputError):
    """The result folder exists and ``--force`` was not given."""


def default_out_dir(name: str, root: Path = Path("results")) -> Path:
    """``results/<name>/<YYYYmmdd-HHMMSS>``: the default result folder of a command."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return root / name / stamp


def check_out_dir(out: Path, force: bool) -> None:
    """Fail early, before any simulation, if ``out`` may not or cannot be written.

    It may not if it exists and ``force`` is not given; it cannot if a part of its path
    is a file, or its nearest existing folder does not let us create a folder in it.
    """

    def problem(message: str) -> OutputExistsError:
        return OutputExistsError([Problem(brief_text(str(out), 200), "--out", message)])

    try:
        try:
            info: os.stat_result | None = out.stat()  # one look: another run may move it
        except (FileNotFoundError, NotADirectoryError):  # absent, or under a file
            info = None
        if info is not None and not force:
            raise problem("exists already; choose another folder or add --force to replace it")
        if info is not None and not stat.S_ISDIR(info.st_mode):
            raise problem("exists and is not a folder")
        ancestor = out.parent
        while not ancestor.exists():
            ancestor = ancestor.parent
    except OSError as error:
        raise problem(f"cannot be used ({error.strerror or error})") from None
    if not ancestor.is_dir():
        raise problem(f"cannot be created: {brief_text(str(ancestor), 120)} is a file")
    try:  # the only sure test of "can we create a folder here": create one
        os.rmdir(tempfile.mkdtemp(prefix=f".{out.name[:40]}.probe-", dir=ancestor))
    except OSError as error:
        raise problem(
            f"cannot be created in {brief_text(str(ancestor), 120)} ({error.strerror or error})"
        ) from None


def file_mode(path: Path) -> int:
    """The permissions a file written at ``path`` gets: those of the file it replaces,
    else what ``open`` would give (0666 less the umask), never mkstemp's private 0600."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


def check_out_file(out: Path, force: bool = False, option: str = "--out") -> None:
    """Fail early, before any work, if the file ``out`` (given with ``option``) may not
    be written: it exists without ``force``, is a folder, or its folder does not exist."""

    def problem(message: str) -> OutputExistsError:
        return OutputExistsError([Problem(brief_text(str(out), 200), option, message)])

    if out.is_dir():
        raise problem("is a folder; name a file")
    if out.exists() and not force:
        raise problem("exists already; choose another file or add --force to replace it")
    if not out.parent.is_dir():
        raise problem(f"cannot be written: no folder {brief_text(str(out.parent), 120)}")


def atomic_file(out: Path, text: str, force: bool = False, option: str = "--out") -> Path:
    """Write ``text`` to the file ``out`` at once (a temporary file in its folder, then
    renamed); an input error (naming ``option``) if :func:`check_out_file` refuses it."""

    def problem(message: str) -> OutputExistsError:
        return OutputExistsError([Problem(brief_text(str(out), 200), option, message)])

    check_out_file(out, force, option)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name[:40]}.", dir=out.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, file_mode(out))
        os.replace(temporary, out)
    except OSError as error:
        raise problem(f"cannot be written ({error.strerror or error})") from None
    return out


INCOMPLETE = ".incomplete-"
"""Marks a result folder being written: ``.<name>.incomplete-<pid>.<host>-<random>``."""


def _writer_tag() -> str:
    """This process: its id and a short hash of the machine's name."""
    host = hashlib.blake2b(platform.node().encode(), digest_size=4).hexdigest()
    return f"{os.getpid()}.{host}"


@contextlib.contextmanager
def atomic_folder(out: Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder that becomes ``out`` when the block ends without error.

    The temporary folder is hidden beside ``out`` and carries this process's id, so that a
    later run removes what a killed run left. Replacing an existing ``out`` (with
    ``force``) is safe against another run replacing it at the same time: the last one
    to finish wins, and neither fails.
    """
    check_out_dir(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(out.parent)
    temporary = Path(
        tempfile.mkdtemp(prefix=f".{out.name}{INCOMPLETE}{_writer_tag()}-", dir=out.parent)
    )
    try:
        yield temporary
        _move_into_place(temporary, out, force)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _move_into_place(temporary: Path, out: Path, force: bool, attempts: int = 20) -> None:
    for _ in range(attempts):
        try:
            os.rename(temporary, out)  # atomic; fails if out is a folder that is not empty
            return
        except OSError as error:
            if not out.exists():
                if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
                    continue  # another run moved it away just now: try again
                raise
        if not force:
            raise OutputExistsError(
                [Problem(str(out), "--out", "appeared during the run; nothing was replaced")]
            )
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.replaced-", dir=out.parent))
        try:
            os.rename(out, old / "old")
        except FileNotFoundError:
            pass  # another run moved it first
        finally:
            shutil.rmtree(old, ignore_errors=True)
    raise OutputExistsError(
        [Problem(str(out), "--out", "is being replaced by other runs all the time; try again")]
    )


def remove_abandoned(folder: Path) -> list[Path]:
    """Remove temporary result folders in ``folder`` whose process (on this machine) has
    ended: what a killed run left behind."""
    removed: list[Path] = []
    host = _writer_tag().split(".", 1)[1]
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not name.startswith(".") or INCOMPLETE not in name:
            continue
        pid_text, _, rest = name.rsplit(INCOMPLETE, 1)[1].partition(".")
        if rest.split("-", 1)[0] != host:
            continue  # another machine's (a shared disk): not ours to judge
        if pid_text.isdigit() and not _running(int(pid_text)):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (another user's), or cannot tell: leave it
    return True


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
    assumptions are read from it)."""
    with open(folder / "scenario.resolved.yaml", "w", encoding="utf-8") as handle:
        handle.write(f"# Fully merged scenario as run ({scenario.name}).\n")
        handle.write(scenario_yaml(scenario))


def write_results(
    results: Results,
    out: str | Path,
    force: bool = False,
    scenario_file: str | Path | None = None,
    command: Sequence[str] | None = None,
    on_step: Callable[[str], None] | None = None,
    yearly_csv: bool | None = None,
    stream: YearlyStream | None = None,
) -> Path:
    """Write a complete result folder for ``results`` at ``out``; return ``out``.

    ``yearly.parquet`` and ``summary.csv`` are always written; ``yearly.csv`` (every
    replication's rows) only if it has at most :data:`CSV_MAX_ROWS` rows, unless
    ``yearly_csv`` says otherwise (``True``: always, ``False``: never). The manifest
    records whether it was written. With ``stream`` (the rows were streamed to files as
    the replications ran, :class:`~sim.analysis.stream.YearlyStream`), its files are
    moved in and the summary is the stream's; ``yearly_csv`` was decided by the stream.
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
            summary = summarise(yearly)
        summary.to_csv(folder / "summary.csv", index=False)
        if results.households is not None:
            results.households.to_parquet(folder / "households.parquet", index=False)
        write_resolved(folder, scenario)
        if on_step:
            on_step("figures")
        write_figures(
            summary,
            folder / "figures",
            scenario.name,
            list(scenario.groups),
            list(scenario.stock),
            results.replications,
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
            extra={
                "households": results.households is not None,
                "yearly_csv": csv,
                "yearly_parquet": keep,
                "yearly_rows": rows,
            },
        )
    return out
