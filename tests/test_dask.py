"""Dask tests: replications on a Dask cluster give the tables of one process.

``--scheduler local`` (a LocalCluster of two workers) against ``--jobs 1`` on
tests/data/tiny.yaml with two or three replications: ``sim run`` on the command line
(with ``SIM_SCHEDULER``), and ``run``, ``compare`` and ``size`` through the API on one
cluster kept for the module. Input errors (a bad or unreachable address, Dask missing, a
different sim-housing on the cluster) exit 2 without starting anything. The slow test
starts ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1 and runs
``sim run --scheduler tcp://127.0.0.1:PORT``.
"""

from __future__ import annotations

import ast
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from helpers import DATA, assert_input_error, invoke

import sim
from sim.cli import main
from sim.runner import cluster
from sim.runner.cluster import DaskPool

TINY = DATA / "tiny.yaml"
TARGET = "waiting <= 1000"


@pytest.fixture(scope="module")
def local_pool() -> Iterator[DaskPool]:
    with DaskPool("local", 2) as pool:
        yield pool


def yearly_of(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "yearly.parquet")


def test_sim_run_on_a_cluster_equals_one_process(local_pool: DaskPool, tmp_path: Path) -> None:
    """The command line, to the module's cluster by its address in SIM_SCHEDULER."""
    serial = invoke("run", TINY, "-r", "3", "-j", "1", "-q", "--out", tmp_path / "serial")
    assert serial.exit_code == 0, serial.output
    on_dask = CliRunner().invoke(
        main,
        ["run", str(TINY), "-r", "3", "-q", "--out", str(tmp_path / "dask")],
        env={"SIM_SCHEDULER": local_pool.address},
    )
    assert on_dask.exit_code == 0, on_dask.output
    pd.testing.assert_frame_equal(yearly_of(tmp_path / "dask"), yearly_of(tmp_path / "serial"))
    for name, scheduler in (("dask", local_pool.address), ("serial", None)):
        manifest = json.loads((tmp_path / name / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["scheduler"] == scheduler


@pytest.mark.parametrize(
    "command",
    [
        ["compare", TINY, TINY],
        ["size", TINY, "--category", "ordinary", "--target", "waiting <= 1000"],
    ],
)
def test_compare_and_size_take_the_option(
    command: list[str | Path], local_pool: DaskPool, tmp_path: Path
) -> None:
    result = invoke(
        *command, "-r", "2", "-q", "--scheduler", local_pool.address, "--out", tmp_path / "out"
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scheduler"] == local_pool.address


def test_run_compare_and_size_on_a_cluster_equal_one_process(local_pool: DaskPool) -> None:
    assert local_pool.processes == 2
    on_dask = sim.run(TINY, replications=3, jobs=local_pool, households=True)
    serial = sim.run(TINY, replications=3, jobs=1, households=True)
    pd.testing.assert_frame_equal(on_dask.yearly, serial.yearly)
    assert on_dask.households is not None and serial.households is not None
    pd.testing.assert_frame_equal(on_dask.households, serial.households)
    assert (on_dask.scheduler, serial.scheduler) == ("local", None)

    compared = [
        sim.compare(TINY, alternatives=[TINY], replications=2, jobs=jobs)
        for jobs in (local_pool, 1)
    ]
    pd.testing.assert_frame_equal(compared[0].base.yearly, compared[1].base.yearly)
    pd.testing.assert_frame_equal(compared[0].table, compared[1].table)

    sized = [
        sim.size(TINY, category="ordinary", target=TARGET, replications=2, jobs=j)
        for j in (local_pool, 1)
    ]
    assert sized[0].answer == sized[1].answer
    pd.testing.assert_frame_equal(sized[0].table, sized[1].table)
    assert sized[0].scheduler == "local"


def test_results_come_in_task_order_and_are_not_merged(local_pool: DaskPool) -> None:
    """Equal tasks are run each (pure=False); imap returns them in task order."""
    tasks = [3, 1, 3, 2, 0, 3]
    assert list(local_pool.imap(abs, tasks)) == tasks
    assert sorted(local_pool.imap_unordered(abs, tasks)) == sorted(tasks)


@pytest.mark.parametrize(
    "address", ["tcp://", "http://host:8786", "host", "tcp://h:70000", "a b:1"]
)
def test_a_malformed_address_is_a_usage_error(address: str) -> None:
    result = invoke("run", TINY, "-q", "--scheduler", address)
    assert result.exit_code == 2, result.output
    assert "--scheduler" in result.stderr and "tcp://HOST:PORT" in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_scheduler_exits_2_with_a_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1.0)
    address = f"tcp://127.0.0.1:{free_port()}"
    result = invoke("run", TINY, "-q", "--scheduler", address, "--out", tmp_path / "out")
    stderr = assert_input_error(result)
    assert address in stderr and "dask scheduler" in stderr
    assert not (tmp_path / "out").exists()


def test_without_dask_the_option_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "sim.runner.cluster")
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    stderr = assert_input_error(invoke("run", TINY, "-q", "--scheduler", "local"))
    assert 'pip install ".[dask]"' in stderr


class FakeClient:
    """What a cluster of another version answers."""

    def run_on_scheduler(self, function: Any) -> str:
        return cluster.identity()

    def wait_for_workers(self, n: int, timeout: float) -> None:
        pass

    def run(self, function: Any) -> dict[str, str]:
        return {
            "tcp://10.0.0.7:4000": "0.0.9 (source 123456789abc)",
            "tcp://10.0.0.8:4000": cluster.identity(),
        }


def test_another_version_on_a_worker_is_an_input_error() -> None:
    """Each process of another version is named; those of this version are not."""
    pool = DaskPool("tcp://10.0.0.5:8786")
    pool._client = FakeClient()
    with pytest.raises(sim.InputError) as raised:
        pool._check_versions()
    text = str(raised.value)
    assert "worker tcp://10.0.0.7:4000 runs sim-housing 0.0.9 (source 123456789abc)" in text
    assert "10.0.0.8" not in text and "scheduler tcp://10.0.0.5" not in text


def test_only_the_cluster_module_imports_dask_and_only_when_asked() -> None:
    """``import sim`` never imports Dask: only sim/runner/cluster.py imports it, and no
    module imports that one at its top level (sim.runner.scheduling.workers does, when called)."""
    root = Path(sim.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                top = name.split(".")[0]
                if top in {"dask", "distributed"}:
                    assert path.name == "cluster.py", path
                assert name != "sim.runner.cluster", path


# --- a cluster of separate processes (CI: -m slow) -----------------------------------


def dask_command(*args: str) -> subprocess.Popen[bytes]:
    """``dask ARGS`` in its own process group (so its children stop with it)."""
    dask = Path(sys.executable).with_name("dask")
    return subprocess.Popen(
        [str(dask), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@pytest.mark.slow
def test_sim_run_on_a_scheduler_and_two_workers(tmp_path: Path) -> None:
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    started = [
        dask_command("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
    ]
    try:
        for _ in range(2):
            started.append(
                dask_command(
                    "worker",
                    address,
                    "--host",
                    "127.0.0.1",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                )
            )
        deadline = time.monotonic() + 120
        while True:
            try:
                with Client(address, timeout=5) as client:
                    client.wait_for_workers(2, timeout=max(1, deadline - time.monotonic()))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        sim_command = [str(Path(sys.executable).with_name("sim")), "run", str(TINY), "-r", "3"]
        for name, more in (("dask", ["--scheduler", address]), ("serial", ["--jobs", "1"])):
            done = subprocess.run(
                [*sim_command, *more, "-q", "--out", str(tmp_path / name)],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert done.returncode == 0, done.stderr
        pd.testing.assert_frame_equal(yearly_of(tmp_path / "dask"), yearly_of(tmp_path / "serial"))
        manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["scheduler"] == address
    finally:
        for process in reversed(started):
            stop(process)
