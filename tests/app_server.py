"""Start and stop ``sim app`` as a user does, and find headless Chromium, for the
server and browser tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Headless Chromium on a machine without a network: no background requests."""


def chromium() -> str | None:
    """Debian's chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_app(port: int) -> subprocess.Popen[str]:
    """``sim app`` in its own session (so that every process it starts can be found)."""
    sim = shutil.which("sim") or str(Path(sys.executable).parent / "sim")
    return subprocess.Popen(
        [sim, "app", "--port", str(port), "--jobs", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def wait_healthy(url: str, process: subprocess.Popen[str], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"sim app ended: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("sim app did not answer")


def stop(process: subprocess.Popen[str]) -> int:
    """Ctrl-C (SIGINT) to the server, as in a terminal; its return code."""
    process.send_signal(signal.SIGINT)
    return process.wait(timeout=60)


def session_alive(session: int) -> list[int]:
    """Processes still in the server's session."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == session:
                    alive.append(int(entry.name))
            except OSError:
                continue
    return alive
