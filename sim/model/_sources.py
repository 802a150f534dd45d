"""The modules of the event loop and the hash of their source (standard library only).

``setup.py`` compiles exactly :data:`MODULES` with mypyc where a C compiler is at hand
and records :func:`source_hash` in ``sim/model/_build.py``; ``sim.model`` compares that
record with the sources beside it on import, so a compiled engine built from other
sources is never used. ``setup.py`` reads this file with ``runpy`` (without importing
the package), so it imports nothing but the standard library.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

#: the modules of the event loop, in import order: each imports only those before it
MODULES = (
    "catalogue",
    "streams",
    "duration_tables",
    "durations",
    "queues",
    "entities",
    "recorder",
    "rules",
    "state",
    "shelter",
    "followup",
    "waiting",
    "stock",
    "tenancy",
    "allocation",
    "population",
    "housing",
)

HERE = Path(__file__).resolve().parent


def source_hash(folder: Path = HERE) -> str:
    """SHA-256 of the sources of :data:`MODULES` in ``folder``."""
    digest = hashlib.sha256()
    for name in MODULES:
        digest.update(name.encode())
        digest.update((folder / f"{name}.py").read_bytes())
    return digest.hexdigest()
