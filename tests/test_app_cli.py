"""``sim app`` on the command line: a clear exit 2 for every input mistake (no Streamlit,
a port in use, an address not of this machine, an invalid --scenario, no scenario at
all), and a real server that serves on 127.0.0.1 and stops on Ctrl-C with every process
it started."""

from __future__ import annotations

import socket
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from app_server import ROOT, free_port, session_alive, start_app, stop, wait_healthy
from helpers import assert_input_error, invoke

pytest.importorskip("streamlit")


def test_without_streamlit_it_says_how_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "streamlit.web", None)  # import fails as if absent
    result = invoke("app")
    assert 'pip install ".[app]"' in assert_input_error(result)


def test_a_port_in_use_is_an_input_error(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("app", "--port", str(port))
    assert f"--port: {port}: is in use" in assert_input_error(result)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--host", "no.such.host.invalid"], "--host"),
        (["--scenario", "tests/data/missing.yaml"], "missing.yaml"),
        (["--scenario", "tests/data/every_key.yaml", "--scenario", "README.md"], "README.md"),
    ],
)
def test_bad_options_exit_2(monkeypatch, args, words) -> None:
    monkeypatch.chdir(ROOT)
    assert words in assert_input_error(invoke("app", *args))


def test_a_port_out_of_range_is_refused_by_the_option() -> None:
    result = invoke("app", "--port", "0")
    assert result.exit_code == 2 and "--port" in result.output
    assert "1<=x<=65535" in result.output


def test_no_scenario_to_offer(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    assert "no scenario to offer" in assert_input_error(invoke("app"))


def test_serves_on_localhost_and_stops_on_ctrl_c() -> None:
    port = free_port()
    process = start_app(port)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.status == 200 and b"<html" in page.read().lower()
    finally:
        code = stop(process)
    output = process.stdout.read() if process.stdout else ""
    assert f"sim app: serving at http://127.0.0.1:{port}" in output
    assert code == 0 and "Traceback" not in output, output
    deadline = time.monotonic() + 10
    while session_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not session_alive(process.pid)
    table = Path("/proc/net/tcp").read_text().splitlines()[1:]
    listening = [
        line
        for line in table
        if line.split()[1].endswith(f":{port:04X}") and line.split()[3] == "0A"
    ]
    assert not listening  # nothing listens on the port any more
