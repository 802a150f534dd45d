"""Unit test: importing the package changes nothing global.

Every module of ``sim`` is imported in a fresh process (after its dependencies); the
matplotlib backend and settings, the logging configuration, the warning filters, the
signal handlers, numpy's error handling and the recursion limit must be what they were.
The CLI sets what it needs when it starts (a SIGTERM handler), never at import.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import logging, pkgutil, importlib, signal, sys, warnings
import matplotlib, numpy
# the dependencies first: what they set when imported is theirs (scipy adds warning filters)
import click, matplotlib.figure, matplotlib.ticker, pandas, pyarrow, pydantic, yaml
import scipy.optimize, scipy.stats, scipy.stats.qmc
import altair, streamlit, streamlit.web.cli  # the app's (an extra; the test extra has it)
import distributed  # --scheduler's (the dask extra; the test extra has it)

def state():
    root = logging.getLogger()
    return {
        "backend": matplotlib.get_backend(),
        "rc": dict(matplotlib.rcParams),
        "logging": (root.level, list(root.handlers), logging.lastResort),
        "loggers": sorted(
            name for name, logger in logging.root.manager.loggerDict.items()
            if isinstance(logger, logging.Logger) and (logger.handlers or logger.level)
        ),
        "warnings": list(warnings.filters),
        "signals": {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)},
        "numpy": numpy.geterr(),
        "recursion": sys.getrecursionlimit(),
    }

matplotlib.use("svg")
before = state()
import sim
names = [
    info.name for info in pkgutil.walk_packages(sim.__path__, "sim.")
    if not info.name.endswith("__main__")
]
for name in names:
    importlib.import_module(name)
after = state()
changed = [key for key in before if before[key] != after[key]]
assert not changed, {key: (before[key], after[key]) for key in changed}
assert "matplotlib.pyplot" not in sys.modules
assert "sim.cli.run" in sys.modules and "sim.calibration.engine" in sys.modules
print(len(names))
"""


def test_importing_every_module_changes_nothing_global() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout.strip()) > 30  # every module was imported
