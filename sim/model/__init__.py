"""Model layer: one replication of the housing system, a pure function of scenario and seed.

The event loop (the modules of ``_sources.MODULES``) runs compiled with mypyc where it was
built so (see ``setup.py``), otherwise as pure Python. A compiled build is used only if
it was built from the sources beside it: after an edit of the source, or with the
environment variable ``SIM_PURE_PYTHON`` set to ``1``, ``true`` or ``yes``, the
pure-Python source is loaded instead (with a warning in the first case), never a stale
build; ``0``, ``false``, ``no`` or empty is the same as leaving it unset, and any other
value is an input error (:func:`check_engine`: every command and every run of
replications refuses to start, rather than guess an engine). :data:`ENGINE` says which
runs (every manifest records it).

Sources with no build beside them may shadow a compiled install (Python started in a
repository root puts the sources first on ``sys.path``): then the compiled engine found
further on ``sys.path`` runs if it was built from these very sources, and otherwise the
pure-Python source runs with a one-line warning that says why and how to run the
compiled one (never where ``SIM_PURE_PYTHON`` asks for pure Python).
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import runpy
import sys
import warnings
from pathlib import Path

from sim.model._sources import (
    HERE,
    MODULES,
    PURE_PYTHON_VARIABLE,
    pure_python_requested,
    source_hash,
)


def _extension(folder: Path, name: str) -> Path | None:
    """The compiled extension of module ``name`` in ``folder``, if there is one."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        if (folder / f"{name}{suffix}").exists():
            return folder / f"{name}{suffix}"
    return None


def _built(folder: Path = HERE) -> list[str]:
    """The modules that have a compiled extension in ``folder`` (by default beside their
    source)."""
    return [name for name in MODULES if _extension(folder, name) is not None]


def _installed_elsewhere() -> Path | None:
    """The folder of a compiled build of this package further on ``sys.path`` (an install
    that the sources here shadow), if there is one."""
    for entry in sys.path:
        try:
            folder = (Path(entry or ".") / "sim" / "model").resolve()
        except OSError:
            continue
        if folder != HERE and folder.is_dir() and _built(folder):
            return folder
    return None


def _recorded_hash() -> str | None:
    try:  # sim/model/_build.py is written by setup.py when it compiles
        build = importlib.import_module(f"{__name__}._build")
    except ImportError:
        return None
    return getattr(build, "SOURCE_SHA256", None)


def _shadowed_install() -> str:
    """No build beside the sources: the compiled install they shadow, loaded if it was
    built from these sources, or a warning saying why it is not used."""
    folder = _installed_elsewhere()
    if folder is None:
        return "pure Python"
    record = folder / "_build.py"
    recorded = runpy.run_path(str(record)).get("SOURCE_SHA256") if record.exists() else None
    if recorded == source_hash():
        _load(folder)
        return "compiled with mypyc (an install that these sources shadow)"
    warnings.warn_explicit(
        f"running the pure-Python engine of {HERE.parent.parent}, which comes first on "
        f"sys.path: the compiled engine installed in {folder.parent.parent} was built from "
        "other sources; to run it, start Python outside this folder (or with `python -P`), "
        "or install these sources with `pip install .`",
        RuntimeWarning,
        "sim.model",
        0,  # (no source line printed: one line)
    )
    return "pure Python (a compiled install of other sources is shadowed)"


def _load(compiled_in: Path | None = None) -> None:
    """Import every event-loop module, in dependency order (so each finds those it
    imports already loaded): from its compiled extension in ``compiled_in`` where it has
    one there, else from its ``.py`` source here."""
    for name in MODULES:
        full = f"{__name__}.{name}"
        compiled = None if compiled_in is None else _extension(compiled_in, name)
        spec = importlib.util.spec_from_file_location(full, compiled or HERE / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[full] = module
        spec.loader.exec_module(module)


def _choose_engine() -> tuple[str, str | None]:
    """The engine and, for a value of ``SIM_PURE_PYTHON`` not understood, the problem."""
    try:
        requested = pure_python_requested(os.environ)
    except ValueError as error:  # nothing runs while it stands (check_engine)
        if _built():
            _load()  # so that the package imports and can say what is wrong
        return "not chosen (SIM_PURE_PYTHON is not understood)", str(error)
    return _engine(requested), None


def _engine(requested: bool) -> str:
    if not _built():
        return "pure Python" if requested else _shadowed_install()
    if requested:
        _load()
        return "pure Python (SIM_PURE_PYTHON is set)"
    if _recorded_hash() != source_hash():
        warnings.warn(
            "sim.model: the compiled engine was built from other sources than those beside "
            "it; running the pure-Python source instead (rebuild with `pip install .`)",
            RuntimeWarning,
            stacklevel=4,  # the import of sim.model
        )
        _load()
        return "pure Python (the compiled build is stale)"
    return "compiled with mypyc"


ENGINE, _ENGINE_PROBLEM = _choose_engine()


def check_engine() -> None:
    """An input error if ``SIM_PURE_PYTHON`` holds a value that is not understood."""
    if _ENGINE_PROBLEM is not None:
        from sim.config.errors import InputError, Problem

        where = f"environment variable {PURE_PYTHON_VARIABLE}"
        raise InputError([Problem(where, "", _ENGINE_PROBLEM)])


from sim.model import housing as _housing  # noqa: E402 - after the engine is chosen
from sim.model.housing import HousingModel, run_replication  # noqa: E402
from sim.model.streams import Stream, Streams  # noqa: E402

#: True when the event loop runs as a mypyc-compiled extension.
COMPILED = not str(_housing.__file__).endswith(".py")

__all__ = [
    "COMPILED",
    "ENGINE",
    "HousingModel",
    "Stream",
    "Streams",
    "check_engine",
    "run_replication",
]
