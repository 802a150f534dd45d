"""The modules of the event loop and the hash of their source (standard library only).

``setup.py`` compiles exactly :data:`MODULES` with mypyc where a C compiler is at hand
and records :func:`source_hash` in ``sim/model/_build.py``; ``sim.model`` compares that
record with the sources beside it on import, so a compiled engine built from other
sources is never used. ``setup.py`` reads this file with ``runpy`` (without importing
the package), so it imports nothing but the standard library.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

#: the modules of the event loop, in import order: each imports only those before it
MODULES = (
    "catalogue",
    "random_numbers",
    "streams",
    "duration_tables",
    "durations",
    "queues",
    "engine",
    "entities",
    "recorder",
    "rules",
    "state",
    "shelter",
    "followup",
    "waiting",
    "stock",
    "departures",
    "tenancy",
    "allocation",
    "population",
    "housing",
)

HERE = Path(__file__).resolve().parent

PURE_PYTHON_VARIABLE = "SIM_PURE_PYTHON"
PURE_PYTHON_YES = ("1", "true", "yes")
"""Values of ``SIM_PURE_PYTHON`` that ask for the pure-Python engine (any case)."""
PURE_PYTHON_NO = ("", "0", "false", "no")
"""Values (and leaving it unset) that use the compiled engine where it was built."""


def pure_python_requested(environ: Mapping[str, str]) -> bool:
    """Whether ``SIM_PURE_PYTHON`` in ``environ`` asks for the pure-Python engine; a
    ``ValueError`` saying the allowed values for any other value (never a guess).

    >>> pure_python_requested({"SIM_PURE_PYTHON": "0"}), pure_python_requested({})
    (False, False)
    >>> pure_python_requested({"SIM_PURE_PYTHON": " Yes "})
    True
    """
    value = environ.get(PURE_PYTHON_VARIABLE, "").strip().lower()
    if value in PURE_PYTHON_YES:
        return True
    if value in PURE_PYTHON_NO:
        return False
    raise ValueError(
        f"{environ[PURE_PYTHON_VARIABLE]!r} is not understood; "
        f"allowed: {', '.join(PURE_PYTHON_YES)} (pure Python) or "
        f"{', '.join(v or repr(v) for v in PURE_PYTHON_NO)}, or unset "
        "(the compiled engine where it was built)"
    )


def source_hash(folder: Path = HERE) -> str:
    """SHA-256 of the sources of :data:`MODULES` in ``folder``."""
    digest = hashlib.sha256()
    for name in MODULES:
        digest.update(name.encode())
        digest.update((folder / f"{name}.py").read_bytes())
    return digest.hexdigest()
