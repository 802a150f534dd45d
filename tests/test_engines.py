"""Engine tests: which engine runs, a stale compiled build is never used, no call depth
grows with the number of households, and importing ``sim`` changes nothing global.

CI runs the default suite on the installed compiled engine, the engine's own tests (this
file among them) again on the pure-Python source, and the slow suite on the compiled
engine (``python -P -m pytest``); the tests here
that start a subprocess with ``SIM_PURE_PYTHON=1`` run the pure-Python engine in any case.
"""

from __future__ import annotations

import importlib.machinery
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import sim.model
from sim.config.loader import validate_data
from sim.model._sources import MODULES, source_hash
from sim.runner import run_scenario

ROOT = Path(__file__).resolve().parent.parent


def _python(
    code: str, path: Path | None = None, cwd: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "SIM_PURE_PYTHON"}
    }
    if path is not None:
        environment["PYTHONPATH"] = str(path)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-W", "always", "-c", code],
        cwd=cwd or path or ROOT,
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
        check=False,
    )


def test_every_event_loop_module_is_compiled_and_hashed() -> None:
    """setup.py compiles, and the hash covers, every module of sim/model but the package's face."""
    here = Path(sim.model.__file__).parent
    modules = {p.stem for p in here.glob("*.py")} - {"__init__", "_sources", "_build"}
    assert modules == set(MODULES)


def _copy_package(tmp_path: Path, recorded: str) -> Path:
    """The package in ``tmp_path`` with fake compiled files and a build record."""
    shutil.copytree(
        ROOT / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns("*.so", "_build.py")
    )
    model = tmp_path / "sim" / "model"
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    for name in MODULES:
        (model / f"{name}{suffix}").write_bytes(b"not a shared library")
    (model / "_build.py").write_text(f'SOURCE_SHA256 = "{recorded}"\n')
    return tmp_path


PROBE = "import sim.model as m; print(m.ENGINE); print(m.COMPILED)"


def test_stale_build_is_not_used(tmp_path: Path) -> None:
    """A compiled build of other sources: warning, then the pure-Python source runs."""
    done = _python(PROBE, _copy_package(tmp_path, "0" * 64))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["pure Python (the compiled build is stale)", "False"]
    assert "built from other sources" in done.stderr


def test_pure_python_on_request(tmp_path: Path) -> None:
    """SIM_PURE_PYTHON=1 loads the source even beside a build of the same sources."""
    folder = _copy_package(tmp_path, source_hash(ROOT / "sim" / "model"))
    done = _python(PROBE, folder, SIM_PURE_PYTHON="1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["pure Python (SIM_PURE_PYTHON is set)", "False"]
    assert "Warning" not in done.stderr


@pytest.mark.parametrize("value", ["0", "false", "No", ""])
def test_a_no_to_pure_python_uses_the_build(value: str, tmp_path: Path) -> None:
    """SIM_PURE_PYTHON=0 (false, no, empty) is not a request for the pure-Python source:
    beside a matching build, the compiled files are what gets imported."""
    folder = _copy_package(tmp_path, source_hash(ROOT / "sim" / "model"))
    done = _python(PROBE, folder, SIM_PURE_PYTHON=value)
    assert done.returncode != 0, done.stdout  # the fake extension was loaded, and is not one
    assert f"housing{importlib.machinery.EXTENSION_SUFFIXES[0]}" in done.stderr


@pytest.mark.parametrize("value", ["1", "TRUE", " yes "])
def test_a_yes_to_pure_python_loads_the_source(value: str, tmp_path: Path) -> None:
    folder = _copy_package(tmp_path, source_hash(ROOT / "sim" / "model"))
    done = _python(PROBE, folder, SIM_PURE_PYTHON=value)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["pure Python (SIM_PURE_PYTHON is set)", "False"]


def test_a_value_not_understood_runs_nothing(tmp_path: Path) -> None:
    """SIM_PURE_PYTHON=maybe: the package imports (even beside a build), but every command
    exits 2 naming the variable and its allowed values, and no replication runs."""
    folder = _copy_package(tmp_path, source_hash(ROOT / "sim" / "model"))
    done = _python(PROBE, folder, SIM_PURE_PYTHON="maybe")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "not chosen (SIM_PURE_PYTHON is not understood)"
    out = tmp_path / "out"
    scenario = ROOT / "tests" / "data" / "tiny.yaml"
    command = f"from sim.cli import main; main(['run', {str(scenario)!r}, '--out', {str(out)!r}])"
    done = _python(command, ROOT, SIM_PURE_PYTHON="maybe")
    assert done.returncode == 2, done.stderr
    assert "environment variable SIM_PURE_PYTHON: 'maybe' is not understood" in done.stderr
    assert "allowed: 1, true, yes" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
    api = "import sim.runner as r, sim.config as c; r.run_scenario(c.load_scenario(%r))"
    done = _python(api % str(scenario), ROOT, SIM_PURE_PYTHON="maybe")
    assert done.returncode != 0 and "InputError" in done.stderr
    assert "'maybe' is not understood" in done.stderr


def _setup_py(tmp_path: Path, value: str) -> subprocess.CompletedProcess[str]:
    """``python setup.py --version`` in a copy of what setup.py reads, with the value."""
    (tmp_path / "sim" / "model").mkdir(parents=True)
    shutil.copy(ROOT / "setup.py", tmp_path)
    shutil.copy(ROOT / "sim" / "model" / "_sources.py", tmp_path / "sim" / "model")
    return subprocess.run(
        [sys.executable, "setup.py", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "SIM_PURE_PYTHON": value, "PATH": os.environ.get("PATH", "")},
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize(
    ("value", "compiles"), [("1", False), ("yes", False), ("0", True), ("false", True)]
)
def test_the_build_reads_sim_pure_python_by_the_same_rule(
    value: str, compiles: bool, tmp_path: Path
) -> None:
    """setup.py compiles unless SIM_PURE_PYTHON says yes (here the compiler finds no
    sources, so an attempt to compile says it was not built)."""
    done = _setup_py(tmp_path, value)
    assert done.returncode == 0, done.stderr
    assert ("compiled engine not built" in done.stderr) is compiles, done.stderr


def test_the_build_stops_on_a_value_not_understood(tmp_path: Path) -> None:
    done = _setup_py(tmp_path, "maybe")
    assert done.returncode != 0
    assert "environment variable SIM_PURE_PYTHON: 'maybe' is not understood" in done.stderr
    assert not (tmp_path / "sim" / "model" / "_build.py").exists()


def test_matching_build_is_used(tmp_path: Path) -> None:
    """With a record that matches, the compiled files are what gets imported."""
    folder = _copy_package(tmp_path, source_hash(ROOT / "sim" / "model"))
    done = _python(PROBE, folder)
    assert done.returncode != 0  # the fake extension was loaded, and is not one
    assert "ImportError" in done.stderr
    assert f"housing{importlib.machinery.EXTENSION_SUFFIXES[0]}" in done.stderr


def _root_before_install(tmp_path: Path, recorded: str) -> tuple[Path, Path]:
    """A repository root (the sources, no build) and, in ``site``, an install with fake
    compiled files and a build record: Python started in the root finds the root's
    sources first and the install further on ``sys.path``."""
    site = _copy_package(tmp_path / "site", recorded)
    root = tmp_path / "root"
    shutil.copytree(
        ROOT / "sim",
        root / "sim",
        ignore=shutil.ignore_patterns("*.so", "_build.py", "__pycache__"),
    )
    return root, site


def test_a_repository_root_runs_the_compiled_install_of_its_sources(tmp_path: Path) -> None:
    """Sources with no build beside them, shadowing an install compiled from the same
    sources: the install's compiled files are what gets imported."""
    root, site = _root_before_install(tmp_path, source_hash(ROOT / "sim" / "model"))
    done = _python(PROBE, site, cwd=root)
    assert done.returncode != 0, done.stdout  # the fake extension was loaded, and is not one
    first = site / "sim" / "model" / f"{MODULES[0]}{importlib.machinery.EXTENSION_SUFFIXES[0]}"
    assert str(first) in done.stderr


def test_a_repository_root_says_when_it_does_not_run_the_compiled_install(
    tmp_path: Path,
) -> None:
    """An install compiled from other sources: the root's pure-Python sources run, with
    one line on stderr naming both folders, why, and how to run the compiled one."""
    root, site = _root_before_install(tmp_path, "0" * 64)
    done = _python(PROBE, site, cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "pure Python (a compiled install of other sources is shadowed)",
        "False",
    ]
    [line] = done.stderr.splitlines()
    assert "RuntimeWarning" in line and "built from other sources" in line
    assert str(root) in line and str(site) in line
    assert "python -P" in line and "pip install ." in line


def test_a_repository_root_with_pure_python_requested_says_nothing(tmp_path: Path) -> None:
    root, site = _root_before_install(tmp_path, "0" * 64)
    done = _python(PROBE, site, cwd=root, SIM_PURE_PYTHON="1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["pure Python", "False"]
    assert done.stderr == ""


def test_import_keeps_the_matplotlib_backend() -> None:
    code = (
        "import matplotlib; matplotlib.use('svg'); b = matplotlib.get_backend(); "
        "import sim, sim.cli, sim.analysis.sweep, sim.analysis.compare, sim.analysis.sizing, "
        "sim.calibration; assert matplotlib.get_backend() == b, matplotlib.get_backend(); "
        "import sys; assert 'matplotlib.pyplot' not in sys.modules; print('ok')"
    )
    done = _python(code)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


# --- a chain of transfers as long as the stock ------------------------------------------

CHAIN = """
name: chain
time: {start: 2010, years: 2, warmup_years: 1}
seed: 1
stock: {flats: {units: UNITS, contract_years: 1}}
groups: {g: {applications_per_year: 3000, eligible: [flats], permanent_need: 1.0,
             other_exit_per_year: 0.0002, initial_waiting: 5}}
policy: {renewal: strict, after_nonrenewal: transfer}
"""


def _chain(units: int) -> dict:
    return yaml.safe_load(CHAIN.replace("UNITS", str(units)))


def _check_chain(units: int, tmp_path: Path) -> None:
    results = run_scenario(validate_data(_chain(units)), replications=1)
    totals = results.yearly[(results.yearly.group == "") & (results.yearly.category == "")]
    transfers = totals[totals.metric == "transfers"].value.sum()
    # one vacancy set off a chain of transfers through (nearly) the whole stock
    assert transfers > 0.5 * units
    path = tmp_path / "chain.yaml"
    path.write_text(CHAIN.replace("UNITS", str(units)))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "run",
            str(path),
            "-r",
            "1",
            "-q",
            "--out",
            str(tmp_path / "pure"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SIM_PURE_PYTHON": "1"},
        timeout=1800,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_chain_of_transfers_does_not_recurse(tmp_path: Path) -> None:
    """3,000 units: the pure-Python engine once raised RecursionError here."""
    _check_chain(3_000, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("units", [30_000, 100_000])
def test_long_chain_of_transfers(units: int, tmp_path: Path) -> None:
    """30,000 units crashed the compiled engine (signal 11); 100,000 is the largest stock."""
    _check_chain(units, tmp_path)


def test_the_oracle_runs_timers_as_simpy_events() -> None:
    """The oracle the engine is checked against (simpy is pinned to 4.1.x in the test
    extra): each timer is a simpy event processed by ``Environment.run`` at its time, and
    the events processed are counted as simpy hands out and queues them."""
    import simpy
    from simpy_oracle import SimpyOracle

    from sim.model.engine import NORMAL, URGENT, Timer

    assert simpy.__version__.startswith("4.1.")
    oracle = SimpyOracle(1.0)
    seen: list[tuple[float, str]] = []
    oracle.schedule(Timer(lambda timer: seen.append((oracle.now, timer.value)), "b"), NORMAL, 2.5)
    oracle.call(lambda timer: seen.append((oracle.now, timer.value)), "a", 0.5)
    oracle.schedule(Timer(lambda timer: seen.append((oracle.now, timer.value)), "c"), URGENT, 0.5)
    oracle.schedule(Timer(lambda timer: seen.append((oracle.now, timer.value)), "d"), NORMAL, 9.0)
    oracle.run_until(5.0)
    assert seen == [(1.5, "c"), (1.5, "a"), (3.5, "b")]
    assert oracle.now == 5.0
    assert oracle.processed == 4 == oracle.processed  # (4 timers and a stop event; 1 queued)


def test_a_replication_runs_without_simpy() -> None:
    """simpy is the tests' oracle, not a dependency: a replication runs (and the package
    imports) where simpy cannot be imported."""
    scenario = ROOT / "tests" / "data" / "tiny.yaml"
    code = (
        "import sys; sys.modules['simpy'] = None\n"
        "import sim, sim.cli\n"
        "from sim.config.loader import load_scenario\n"
        "from sim.model import HousingModel\n"
        f"model = HousingModel(load_scenario({str(scenario)!r}), 0)\n"
        "print(len(model.run()) > 0, model.engine.processed > 0)"
    )
    done = _python(code, ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]


def test_the_engines_priorities_are_simpys() -> None:
    """The engine's own constants for its priorities have simpy's values."""
    from simpy.events import NORMAL, URGENT

    from sim.model import engine

    assert (engine.URGENT, engine.NORMAL) == (URGENT, NORMAL)


@pytest.mark.parametrize("units", [None, 70_000])
@pytest.mark.parametrize("seed", range(5))
def test_the_engines_loop_runs_timers_as_simpy_does(seed: int, units: int | None) -> None:
    """``Engine.run_until`` against ``Environment.run(until=...)`` on the same timers, with
    ties in time and priority, urgent and normal timers exactly at the stop time (simpy
    runs the urgent ones queued before it started, and no normal one), timers at and
    just before the bounds of the calendar's slices, and timers that queue more timers,
    some with no delay, over three calendar years: the same calls at the same times, the
    same clock at the end, the same count of events processed. With ``units``, the
    municipality is big enough for the finest calendar (``MAX_SLICES`` a year)."""
    import random

    from simpy.events import NORMAL, URGENT
    from simpy_oracle import SimpyOracle

    from sim.config.loader import load_scenario
    from sim.model.engine import MAX_SLICES, SLICES, Timer
    from sim.model.state import State

    scenario = load_scenario(Path(__file__).parent / "data" / "tiny.yaml")
    if units is not None:
        stock = {k: cat.model_copy(update={"units": units}) for k, cat in scenario.stock.items()}
        scenario = scenario.model_copy(update={"stock": stock})
    engine = State(scenario, 0, False).engine
    assert engine.slices == (SLICES if units is None else MAX_SLICES)
    start = engine.now
    rng = random.Random(seed)
    bound = rng.randrange(1, 3 * engine.slices) / engine.slices  # a slice's first instant
    just_before = math.nextafter(start + bound, 0.0) - start  # the last of the slice before
    plan = [
        (
            rng.choice([0.0, 0.5, 1.0, 2.0, 3.0, rng.random() * 3, bound, just_before]),
            rng.choice([URGENT, NORMAL]),
        )
        for _ in range(300)
    ]
    children = {i: rng.random() < 0.3 for i in range(len(plan))}

    def run(queue, own_timers: bool) -> list[tuple[float, int]]:  # type: ignore[no-untyped-def]
        rng_child = random.Random(seed)  # the same children for both
        seen: list[tuple[float, int]] = []

        def fire(event) -> None:  # type: ignore[no-untyped-def]
            seen.append((queue.now, event.value))
            if event.value < len(plan) and children[event.value]:
                delay = rng_child.choice([0.0, 0.25, 1.0])
                priority = rng_child.choice([URGENT, NORMAL])
                if own_timers:  # the engine's own timers, used again once fired
                    queue.call(fire, event.value + 1000, delay, priority)
                else:
                    queue.schedule(Timer(fire, event.value + 1000), priority, delay)

        for i, (delay, priority) in enumerate(plan):
            queue.schedule(Timer(fire, i), priority, delay)
        queue.run_until(start + 3.0)
        return seen

    # the model's clock starts at a calendar year; the timers span three years (the
    # engine keeps later slices' timers out of its heap until their slice comes)
    assert start == int(start)
    oracle = SimpyOracle(start)
    expected = run(oracle, own_timers=False)

    got = run(engine, own_timers=True)
    assert got == expected
    assert engine.now == oracle.now == start + 3.0
    assert any(t == start + 3.0 for t, _ in got)
    assert any(t == start + 1.0 for t, _ in got) and any(t > start + 2.0 for t, _ in got)
    assert len(got) < len(plan) + sum(children.values())
    # events run, as simpy counts them: those still queued (in the heap or waiting for
    # their slice) are not
    assert engine.processed == oracle.processed
    assert engine.processed < engine._next_id
    # on to a second stop (the first one's id taken): the same calls, clock and count
    engine.run_until(start + 3.5)
    oracle.run_until(start + 3.5)
    assert got == expected and any(t > start + 3.0 for t, _ in got)
    assert engine.now == oracle.now == start + 3.5
    assert engine.processed == oracle.processed


def test_the_engines_own_timers_are_used_again_once_fired() -> None:
    """``Engine.call`` takes a timer that has fired (the last one first) and clears what
    it carried; a timer made by the caller and given to ``schedule`` is never used again,
    and a normal timer due at or after the end takes none."""
    from sim.model.engine import NORMAL, SLICES, Engine, Timer

    t0 = 2000.0
    engine = Engine(t0, 2010.0, SLICES)
    seen: list[tuple[float, object, int, int]] = []
    fired: list[Timer] = []

    def fire(timer: Timer) -> None:
        seen.append((engine.now - t0, timer.value, timer.token, timer.kind))
        fired.append(timer)

    own = Timer(fire, "own")
    engine.schedule(own, NORMAL, 0.25)
    first = engine.call(fire, "a", 0.5, NORMAL, 1, 2)
    engine.run_until(t0 + 1.0)
    assert seen == [(0.25, "own", 0, 0), (0.5, "a", 1, 2)]
    assert fired[1] is first
    assert engine._spare == [fired[1]] and fired[1].value is None and own.value == "own"
    # due at the end: not queued, and no timer to hold
    assert engine.call(fire, "late", engine.end - engine.now, NORMAL) is None
    assert engine._spare == [fired[1]]
    assert engine.call(fire, "b", 0.5, NORMAL, 3, 4) is first
    assert engine._spare == []
    engine.run_until(t0 + 2.0)
    assert seen[2:] == [(1.5, "b", 3, 4)] and fired[2] is fired[1]


def test_households_off_the_lists_are_not_held_by_timers_or_entries() -> None:
    """A household that leaves the waiting lists lets go of its withdrawal timer (which
    stays queued, carrying nothing, and is skipped) and of its entry (which stays on the
    lists, dead, until dropped), so that neither keeps it alive after it has left; a
    queued withdrawal timer that carries a household is that household's one running
    clock. Checked mid-run on the Asker baseline, where thousands of timers and entries
    go stale; its results are pinned elsewhere (tests/backtests)."""
    from sim.config.loader import load_scenario
    from sim.model.engine import NORMAL, Timer
    from sim.model.housing import HousingModel

    model = HousingModel(load_scenario(ROOT / "scenarios" / "asker-calibrated.yaml"), 0, False)
    state = model.state
    engine = model.engine
    seen = {"stopped": 0, "running": 0, "dead": 0, "live": 0}

    def check(_: Timer) -> None:
        heap = engine._queue[: engine._queued]
        queued = [entry if isinstance(entry, Timer) else entry[3] for entry in heap]
        for later in engine._later:
            while later is not None:
                queued.append(later)
                later = later.following
        for timer in queued:
            if getattr(timer.callback, "__name__", "") != "_on_withdraw":
                continue
            household = timer.value
            if household is None:
                seen["stopped"] += 1
            else:
                seen["running"] += 1
                assert household.on_list and household.withdraw_timer is timer
                assert timer.token == household.wait_epoch
        for cat in state.categories:
            first = cat.waiting.start()
            for entry in [e for chunk in cat.waiting.chunks for e in chunk][first:]:
                if entry.live:
                    seen["live"] += 1
                    assert entry.household.entry is entry and entry.household.on_list
                else:
                    seen["dead"] += 1
                    assert entry.household is None

    for year in range(2, int(engine.end - state.t0)):
        engine.schedule(Timer(check, None), NORMAL, year + 0.5)
    model.run()
    assert min(seen.values()) > 100, seen
