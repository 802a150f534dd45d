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
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
import warnings

from sim.model._sources import (
    HERE,
    MODULES,
    PURE_PYTHON_VARIABLE,
    pure_python_requested,
    source_hash,
)


def _built() -> list[str]:
    """The modules that have a compiled extension beside their source."""
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    return [
        name for name in MODULES if any((HERE / f"{name}{suffix}").exists() for suffix in suffixes)
    ]


def _recorded_hash() -> str | None:
    try:  # sim/model/_build.py is written by setup.py when it compiles
        build = importlib.import_module(f"{__name__}._build")
    except ImportError:
        return None
    return getattr(build, "SOURCE_SHA256", None)


def _load_sources() -> None:
    """Import every event-loop module from its ``.py`` file, in dependency order."""
    for name in MODULES:
        full = f"{__name__}.{name}"
        spec = importlib.util.spec_from_file_location(full, HERE / f"{name}.py")
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
            _load_sources()  # so that the package imports and can say what is wrong
        return "not chosen (SIM_PURE_PYTHON is not understood)", str(error)
    return _engine(requested), None


def _engine(requested: bool) -> str:
    if not _built():
        return "pure Python"
    if requested:
        _load_sources()
        return "pure Python (SIM_PURE_PYTHON is set)"
    if _recorded_hash() != source_hash():
        warnings.warn(
            "sim.model: the compiled engine was built from other sources than those beside "
            "it; running the pure-Python source instead (rebuild with `pip install .`)",
            RuntimeWarning,
            stacklevel=4,  # the import of sim.model
        )
        _load_sources()
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
