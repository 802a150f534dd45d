"""Reproducibility test: the compiled engine (mypyc, see setup.py) gives the very same
tables as the pure-Python source.

The installed package, when built with a C compiler, holds the compiled event loop. This
test runs the installed package in a subprocess from another folder and the source tree
as pure Python (``SIM_PURE_PYTHON=1``) in another, and compares their tables, byte for
byte.
Where the installed package is not compiled there is nothing to compare, and it says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def _probe(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "SIM_PURE_PYTHON"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE, str(SCENARIO)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def test_installed_compiled_engine_matches_source(tmp_path: Path) -> None:
    done = _probe(tmp_path)
    if done.returncode != 0 and "No module named 'sim'" in done.stderr:
        pytest.skip("the package is not installed, only the source tree is importable")
    assert done.returncode == 0, done.stderr
    installed = json.loads(done.stdout)
    if Path(installed["file"]).resolve().is_relative_to(ROOT / "sim"):
        pytest.skip("the installed package is this source tree (editable install)")
    if not installed["compiled"]:
        pytest.skip("the installed package is pure Python (no compiler at install time)")
    # the source tree as pure Python (beside a compiled install of the same sources, it
    # would run that)
    done = _probe(ROOT, PYTHONPATH=str(ROOT), SIM_PURE_PYTHON="1")
    assert done.returncode == 0, done.stderr
    source = json.loads(done.stdout)
    assert not source["compiled"] and Path(source["file"]).is_relative_to(ROOT / "sim")
    assert installed["yearly"] == source["yearly"]
    assert installed["households"] == source["households"]
