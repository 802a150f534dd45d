"""Hidden folders beside a result (``.<name><state><pid>.<host>-<random>``): the result
being written, a finished one not yet in place, the old one set aside, what is being
deleted, streamed rows; and the recovery after a writer was killed
(:mod:`sim.analysis.replace` says how they are used).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import re
import secrets
import shutil
import signal
import stat
from pathlib import Path

INCOMPLETE = ".incomplete-"
"""Marks a result being written: ``.<name>.incomplete-<pid>.<host>-<random>``."""
COMPLETE, PREVIOUS, TRASH, ROWS = ".complete-", ".previous-", ".trash-", ".rows-"
"""A finished result not yet in place; the result it replaces, set aside; what is being
deleted; the rows of a run streamed before its folder is written."""

_HIDDEN = re.compile(
    r"^\.(?P<target>.+)\.(?P<state>incomplete|complete|previous|trash|rows)-"
    r"(?P<pid>[0-9]+)\.(?P<host>[0-9a-f]{8})-[0-9a-z_]+$"
)
_LEGACY_REPLACED = re.compile(r"^\..+\.replaced-[0-9a-z_]+$")  # old versions' deleting
TEST_KILL_AT = "SIM_TEST_KILL_AT"
"""Test seam, for the tests that kill a writer at each step of a replace: the step
(``written``, ``complete``, ``aside``, ``in``, ``trash``) at which the process kills
itself (``SIGKILL``) when this environment variable names it; read only by
:func:`kill_point`."""


def _writer_tag() -> str:
    """This process: its id and a short hash of the machine's name."""
    host = hashlib.blake2b(platform.node().encode(), digest_size=4).hexdigest()
    return f"{os.getpid()}.{host}"


def hidden_name(name: str, state: str) -> str:
    """A new hidden name beside ``name`` for this process, in the given state."""
    return f".{name}{state}{_writer_tag()}-{secrets.token_hex(4)}"


def hidden_folder(beside: Path, state: str) -> Path:
    """A new folder beside ``beside`` for this process, in the given state
    (:data:`INCOMPLETE`, :data:`ROWS` ...), with the permissions ``mkdir`` gives."""
    while True:
        path = beside.parent / hidden_name(beside.name, state)
        try:
            path.mkdir(0o777)
            return path
        except FileExistsError:
            continue


def kill_point(name: str) -> None:
    """Test seam (:data:`TEST_KILL_AT`): die here, as a ``kill -9`` would make us."""
    if os.environ.get(TEST_KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def delete(path: Path) -> None:
    """Delete what this tool wrote at ``path``: renamed ``.trash-`` first (then no one
    restores it), then removed; a kill in between leaves a trash a later run removes."""
    trash = path.parent / hidden_name(path.name.lstrip(".")[:60] or "x", TRASH)
    try:
        os.rename(path, trash)
    except OSError:
        return  # gone already (another run took it)
    kill_point("trash")
    if trash.is_dir() and not trash.is_symlink():
        shutil.rmtree(trash, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            trash.unlink()


def recover(folder: Path) -> list[Path]:
    """Clean up after writers (on this machine) that were killed, in ``folder``; return
    what was removed. A missing target gets the newest complete result left beside it
    (a finished new one, else the old one set aside); everything else they left goes:
    unfinished results, old ones replaced, streamed rows, trash."""
    removed: list[Path] = []
    host = _writer_tag().split(".", 1)[1]
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    left: dict[str, list[tuple[str, Path]]] = {}
    for entry in entries:
        if _LEGACY_REPLACED.match(entry.name):  # an old version's half-deleted old result
            delete(entry)
            removed.append(entry)
            continue
        found = _HIDDEN.match(entry.name)
        if found is None or found["host"] != host or _running(int(found["pid"])):
            continue  # not ours, another machine's (a shared disk), or still being written
        left.setdefault(found["target"], []).append((found["state"], entry))
    for target, debris in left.items():
        kept = None
        if not os.path.lexists(folder / target):
            kept = _newest_complete(debris)
            if kept is not None:
                try:
                    os.rename(kept, folder / target)
                except OSError:
                    kept = None  # another run got there first: the rest is debris
        for _, entry in debris:
            if entry != kept:
                delete(entry)
                removed.append(entry)
    return removed


def _newest_complete(debris: list[tuple[str, Path]]) -> Path | None:
    for state in ("complete", "previous"):
        found = []
        for kind, entry in debris:
            with contextlib.suppress(OSError):
                if kind == state and stat.S_ISDIR(entry.lstat().st_mode):
                    found.append((entry.lstat().st_mtime_ns, entry))
        if found:
            return max(found)[1]
    return None


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
