"""Reproducibility test: the compiled engine (mypyc, see setup.py) gives the very same
tables as the pure-Python source.

The test suite imports ``sim`` from the source tree; the installed package, when built
with a C compiler, holds the compiled event loop. This test runs the installed package in
a subprocess from another folder and compares its tables with the source's, byte for byte.
Where the installed package is not compiled there is nothing to compare, and it says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.config.loader import load_scenario
from sim.runner import run_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "flexbo.yaml"

PROBE = """
import hashlib, json, sys
import sim.model
from sim.config.loader import load_scenario
from sim.runner import run_scenario
results = run_scenario(load_scenario(sys.argv[1]), replications=2, track_households=True)
print(json.dumps({
    "compiled": sim.model.COMPILED,
    "file": sim.model.__file__,
    "yearly": hashlib.sha256(results.yearly.to_csv(index=False).encode()).hexdigest(),
    "households": hashlib.sha256(results.households.to_csv(index=False).encode()).hexdigest(),
}))
"""


def test_installed_compiled_engine_matches_source(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(SCENARIO)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0 and "No module named 'sim'" in done.stderr:
        pytest.skip("the package is not installed, only the source tree is importable")
    assert done.returncode == 0, done.stderr
    installed = json.loads(done.stdout)
    if Path(installed["file"]).resolve().is_relative_to(ROOT / "sim"):
        pytest.skip("the installed package is this source tree (editable install)")
    if not installed["compiled"]:
        pytest.skip("the installed package is pure Python (no compiler at install time)")
    source = run_scenario(load_scenario(SCENARIO), replications=2, track_households=True)
    assert source.households is not None
    assert (
        installed["yearly"]
        == hashlib.sha256(source.yearly.to_csv(index=False).encode()).hexdigest()
    )
    assert (
        installed["households"]
        == hashlib.sha256(source.households.to_csv(index=False).encode()).hexdigest()
    )
