"""What ``--force`` may replace, and the crash-safe replace itself.

Rule (``README.md``, exit codes; ``scenarios/README.md``, "Limits"): an output path that
exists is replaced only with ``force``, and only if it is what this tool wrote: a result
folder (its ``manifest.json`` is sim's, :func:`is_result_folder`), an empty folder, or a
regular file whose content shows which command wrote it (``written_by``). Never the
current folder or one holding it, a folder holding an input file, a symbolic link, a
device, FIFO or socket. The checks run before any work (:func:`check_out_dir`,
:func:`check_out_file`) and again when the result is put in place.

A result is written into a hidden folder beside its target (``.<name>.incomplete-<pid>.
<host>-<random>``). When complete it is renamed ``.<name>.complete-…``; an existing target
is renamed aside (``.<name>.previous-…``), the new one renamed in, and the old one
deleted (renamed ``.<name>.trash-…`` first). A process killed at any step leaves the old
or the new result at the target, or a complete one hidden beside it: the next write in
that folder (:func:`~sim.analysis.hidden.recover`, called by the checks) renames the
newest complete one to a missing target and deletes what dead writers on this machine
left.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from sim.analysis.hidden import (
    COMPLETE,
    INCOMPLETE,
    PREVIOUS,
    delete,
    hidden_folder,
    hidden_name,
    kill_point,
    recover,
)
from sim.analysis.provenance import MANIFEST_MAX_BYTES
from sim.config.errors import InputError, Problem, brief_text


class OutputExistsError(InputError):
    """The output exists and may not be replaced (no ``--force``, or not ours)."""


class OutputError(InputError):
    """The output cannot be written (a full disk, no permission ...): exit 2, naming it."""


def is_result_folder(folder: Path) -> bool:
    """Whether ``folder`` (not a link) holds a ``manifest.json`` written by sim: a JSON
    object that lists the folder's ``files`` and the ``versions`` with ``sim-housing``."""
    try:
        if not stat.S_ISDIR(folder.lstat().st_mode):
            return False
        with open_regular(folder / "manifest.json") as handle:
            text = handle.read(MANIFEST_MAX_BYTES + 1)
        if len(text) > MANIFEST_MAX_BYTES:
            return False
        manifest = json.loads(text)
    except (OSError, ValueError, RecursionError):
        return False
    return (
        isinstance(manifest, dict)
        and isinstance(manifest.get("files"), list)
        and isinstance(manifest.get("versions"), dict)
        and "sim-housing" in manifest["versions"]
    )


@contextlib.contextmanager
def open_regular(path: Path) -> Iterator[BinaryIO]:
    """``path`` opened for reading bytes if it is a regular file (never a link, FIFO or
    device: opening never blocks); an ``OSError`` otherwise."""
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        with os.fdopen(handle, "rb") as stream:
            handle = -1
            yield stream
    finally:
        if handle != -1:
            os.close(handle)


def starts_with(*markers: str, head: int = 4096) -> Callable[[Path], bool]:
    """A ``written_by`` test: the file's first ``head`` bytes hold every marker."""

    def test(path: Path) -> bool:
        try:
            with open_regular(path) as handle:
                text = handle.read(head).decode("utf-8", "replace")
        except OSError:
            return False
        return all(marker in text for marker in markers)

    return test


written_overlay = starts_with("# Made by `sim calibrate ")
"""A ``written_by`` test: a calibrated overlay (``sim calibrate --scenario-out``), a
baseline with fitted values rather than a what-if of the scenario it extends."""


def in_result_folder(path: Path) -> bool:
    """A ``written_by`` test: the file lies in a result folder (a report's files)."""
    return is_result_folder(path.parent)


def _problem(out: Path, option: str, message: str) -> Problem:
    return Problem(brief_text(str(out), 200), option, message)


def _protected(out: Path, inputs: Iterable[str | Path]) -> str | None:
    """Why the existing folder ``out`` may never be written over, or ``None``."""
    try:
        where = out.resolve()
        here = Path.cwd().resolve()
    except (OSError, RuntimeError):
        return None
    if where == here or where in here.parents:
        return "is the current folder or holds it; --force never replaces it"
    for file in inputs:
        try:
            if where in Path(file).resolve().parents:
                return (
                    f"holds the input file {brief_text(str(file), 120)}; --force never replaces it"
                )
        except (OSError, RuntimeError):
            continue
    return None


def check_out_dir(
    out: Path, force: bool, inputs: Iterable[str | Path] = (), option: str = "--out"
) -> None:
    """Fail early, before any simulation, if the folder ``out`` may not or cannot be
    written: see the module's rule; ``inputs`` are the command's input files (a folder
    holding one is never replaced). It cannot be written if a part of its path is a
    file, or its nearest existing folder does not let us create a folder in it. What
    killed writers left beside ``out`` is recovered first."""

    def problem(message: str) -> OutputExistsError:
        return OutputExistsError([_problem(out, option, message)])

    recover(out.parent)
    try:
        try:
            info: os.stat_result | None = out.lstat()  # one look: another run may move it
        except (FileNotFoundError, NotADirectoryError):  # absent, or under a file
            info = None
        if info is not None:
            if stat.S_ISLNK(info.st_mode):
                raise problem("is a symbolic link; name a folder that is not a link")
            if not stat.S_ISDIR(info.st_mode):
                raise problem("exists and is not a folder; --force replaces only result folders")
            why = _protected(out, inputs)
            if why is not None:
                raise problem(why)
            if not force:
                raise problem("exists already; choose another folder or add --force to replace it")
            if not _replaceable(out):
                raise problem(
                    "is not a result folder of sim (no manifest.json of sim) and not empty; "
                    "--force replaces only result folders: choose another folder"
                )
        ancestor = out.parent
        while not ancestor.exists():
            ancestor = ancestor.parent
    except OSError as error:
        raise problem(f"cannot be used ({error.strerror or error})") from None
    if not ancestor.is_dir():
        raise problem(f"cannot be created: {brief_text(str(ancestor), 120)} is a file")
    try:  # the only sure test of "can we create a folder here" (and name it): create one
        os.rmdir(hidden_folder(ancestor / out.name, INCOMPLETE))
    except OSError as error:
        raise problem(
            f"cannot be created in {brief_text(str(ancestor), 120)} ({error.strerror or error})"
        ) from None


def _replaceable(out: Path, attempts: int = 5) -> bool:
    """Whether the folder ``out`` may be replaced now: a result folder, or empty (or gone:
    another run moved it away). A folder swapped by another run while we look is looked
    at again."""
    for _ in range(attempts):
        try:
            before = out.lstat()
            if stat.S_ISLNK(before.st_mode) or not stat.S_ISDIR(before.st_mode):
                return False
            ours = is_result_folder(out) or not any(out.iterdir())
            if ours or out.lstat().st_ino == before.st_ino:
                return ours
        except FileNotFoundError:
            return True
        except OSError:
            return False
    return False


def check_out_file(
    out: Path,
    force: bool,
    written_by: Callable[[Path], bool],
    what: str,
    option: str = "--out",
) -> None:
    """Fail early if the file ``out`` may not or cannot be written. An existing one is
    replaced only with ``force`` and only if it is a regular file that ``written_by``
    recognises (``what`` names the writer, for the message)."""
    problem = file_problem(out, force, written_by, what, option)
    if problem is not None:
        raise OutputExistsError([problem])


def file_problem(
    out: Path,
    force: bool,
    written_by: Callable[[Path], bool],
    what: str,
    option: str = "--out",
) -> Problem | None:
    """What :func:`check_out_file` would refuse, or ``None``."""
    try:
        info = out.lstat()
    except (FileNotFoundError, NotADirectoryError):
        info = None
    except OSError as error:
        return _problem(out, option, f"cannot be used ({error.strerror or error})")
    if info is None:
        if not out.parent.is_dir():
            folder = brief_text(str(out.parent), 120)
            return _problem(out, option, f"cannot be written: no folder {folder}")
        return None
    if stat.S_ISDIR(info.st_mode):
        return _problem(out, option, "is a folder; name a file")
    if stat.S_ISLNK(info.st_mode):
        return _problem(out, option, "is a symbolic link; name a file that is not a link")
    if not stat.S_ISREG(info.st_mode):
        return _problem(out, option, "is not a regular file (a device, FIFO or socket)")
    if not force:
        return _problem(out, option, "exists already; choose another file or add --force")
    if not written_by(out):
        return _problem(
            out, option, f"was not written by {what}; --force replaces only such a file"
        )
    return None


def file_mode(path: Path) -> int:
    """The permissions a file written at ``path`` gets: those of the file it replaces,
    else what ``open`` would give (0666 less the umask), never mkstemp's private 0600."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(
    out: Path,
    force: bool,
    written_by: Callable[[Path], bool],
    what: str,
    option: str = "--out",
    mode: int | None = None,
) -> Iterator[Path]:
    """Yield a hidden temporary file beside ``out`` that replaces it when the block ends
    without error (checked with :func:`check_out_file` first). An ``OSError`` (a full
    disk ...) is an :class:`OutputError` naming ``out``; nothing is left half-written.
    ``mode``: the file's permissions (default: :func:`file_mode`)."""
    check_out_file(out, force, written_by, what, option)
    recover(out.parent)
    temporary = out.parent / hidden_name(out.name, INCOMPLETE)
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        yield temporary
        os.chmod(temporary, file_mode(out) if mode is None else mode)
        check_out_file(out, force, written_by, what, option)  # it may have changed since
        os.replace(temporary, out)
    except OSError as error:
        raise write_error(out, error, option) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def atomic_file(
    out: Path,
    text: str,
    force: bool,
    written_by: Callable[[Path], bool],
    what: str,
    option: str = "--out",
) -> Path:
    """Write ``text`` to the file ``out`` at once (:func:`atomic_write`); an existing
    file is replaced only with ``force`` and if ``written_by`` recognises it."""
    with atomic_write(out, force, written_by, what, option) as path:
        path.write_text(text, encoding="utf-8")
    return out


def write_error(out: Path, error: OSError, option: str = "--out") -> OutputError:
    """``error`` (writing ``out``) as an input error naming the path."""
    where = f" ({brief_text(str(error.filename), 160)})" if error.filename else ""
    reason = error.strerror or str(error) or type(error).__name__
    message = f"cannot be written: {reason}{where}; nothing was written or replaced"
    return OutputError([_problem(out, option, message)])


@contextlib.contextmanager
def writing(out: Path, option: str = "--out") -> Iterator[None]:
    """An ``OSError`` in the block (a full disk ...) as an :class:`OutputError` naming
    ``out`` (the result being written)."""
    try:
        yield
    except OSError as error:
        raise write_error(out, error, option) from None


@contextlib.contextmanager
def atomic_folder(out: Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder that becomes ``out`` when the block ends without error.

    An existing ``out`` is replaced only as the module says (checked again here, as it
    may have changed since the command began), crash-safely; another run replacing it at
    the same time is no failure: the last one to finish wins. An ``OSError`` while
    writing (a full disk ...) is an :class:`OutputError` naming ``out``; the old result
    stays and nothing half-written is left.
    """
    check_out_dir(out, force)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        temporary = hidden_folder(out, INCOMPLETE)
    except OSError as error:
        raise write_error(out, error) from None
    try:
        yield temporary
        _move_into_place(temporary, out, force)
    except OSError as error:
        delete(temporary)
        raise write_error(out, error) from None
    except BaseException:
        delete(temporary)
        raise


def _move_into_place(temporary: Path, out: Path, force: bool, attempts: int = 20) -> None:
    kill_point("written")
    complete = out.parent / hidden_name(out.name, COMPLETE)
    os.rename(temporary, complete)  # finished: a later run may restore it
    kill_point("complete")
    try:
        for _ in range(attempts):
            try:
                os.rename(complete, out)  # atomic; fails if out is a folder not empty
                return
            except OSError as error:
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
                    raise
            if not force:
                raise OutputExistsError(
                    [_problem(out, "--out", "appeared during the run; nothing was replaced")]
                )
            if not _replaceable(out):  # changed during the run
                raise OutputExistsError(
                    [_problem(out, "--out", "is no longer a result folder; nothing was replaced")]
                )
            previous = out.parent / hidden_name(out.name, PREVIOUS)
            try:
                os.rename(out, previous)  # the old result, set aside
            except FileNotFoundError:
                continue  # another run moved it first
            kill_point("aside")
            try:
                os.rename(complete, out)
            except OSError as error:
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
                    os.rename(previous, out)  # cannot put the new one in: the old one back
                    raise
                delete(previous)  # another run's result came in between: try again
                continue
            kill_point("in")
            delete(previous)
            return
    except BaseException:
        delete(complete)
        raise
    raise OutputExistsError(
        [_problem(out, "--out", "is being replaced by other runs all the time; try again")]
    )
