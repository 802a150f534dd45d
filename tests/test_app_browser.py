"""``sim app`` in a real browser: started on 127.0.0.1, driven by Playwright in headless
Chromium (Debian's ``chromium``; no browser is downloaded), a control moved, the chart
waited for, a screenshot saved; then Ctrl-C stops the server and its workers.

Marked ``browser`` (needs ``pip install ".[browser]"`` and ``chromium``; CI installs
both). The same code makes the app guide's screenshot and times the runs::

    python tests/test_app_browser.py docs/app/sim-app.png
"""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

import pytest
from app_server import (
    CHROMIUM_FLAGS,
    chromium,
    free_port,
    session_alive,
    start_app,
    stop,
    wait_healthy,
)

ROOT = Path(__file__).resolve().parent.parent


WARM_UP = 8.0
"""Seconds between opening the page and the first click (the workers start meanwhile)."""


def drive(url: str, screenshot: Path) -> dict[str, float]:
    """Run the baseline, move a control (15 flexbo units), run again; wait for each new
    point on the chart; save a screenshot. Returns the seconds from each click to the
    point's appearance."""
    from playwright.sync_api import sync_playwright

    timings: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1300})
        page.goto(url, wait_until="domcontentloaded")
        run = page.get_by_role("button", name="Run", exact=True)
        run.wait_for(timeout=120_000)
        time.sleep(WARM_UP)  # the worker pool starts with the first page; let it warm up
        for name, count in (("baseline", 1), ("control", 2)):
            if name == "control":
                flexbo = page.get_by_label("Flexbo units (ready in the first year)")
                flexbo.fill("15")
                flexbo.press("Enter")
                page.wait_for_timeout(500)
            began = time.perf_counter()
            run.click()
            page.get_by_text(f"Points on the chart: {count}", exact=True).wait_for(timeout=120_000)
            page.locator(".vega-embed").first.wait_for(timeout=60_000)
            timings[name] = time.perf_counter() - began
            said = page.get_by_text("replications in", exact=False).first.inner_text()
            timings[f"{name} (server)"] = float(said.split(" in ")[-1].split(" s")[0])
        page.wait_for_timeout(1000)  # the charts' drawing settles
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=False)
        browser.close()
    return timings


@pytest.mark.browser
def test_sim_app_in_a_browser(tmp_path) -> None:
    pytest.importorskip("playwright")
    if chromium() is None:
        pytest.skip("chromium is not installed (CI installs Debian's chromium)")
    port = free_port()
    process = start_app(port)
    session = process.pid
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, process)
        shot = tmp_path / "sim-app.png"
        timings = drive(url, shot)
        assert shot.stat().st_size > 20_000
        print(f"seconds from click to point: {timings}")
    finally:
        code = stop(process)
    output = process.stdout.read() if process.stdout else ""
    assert f"serving at http://127.0.0.1:{port}" in output
    assert "Traceback" not in output, output
    assert code == 0, output
    deadline = time.monotonic() + 10
    while session_alive(session) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not session_alive(session)  # no server or worker process left behind
    listening = socket.socket()
    assert listening.connect_ex(("127.0.0.1", port)) != 0
    listening.close()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/app/sim-app.png")
    port = free_port()
    server = start_app(port)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        seconds = drive(f"http://127.0.0.1:{port}", target)
    finally:
        stop(server)
    print(f"screenshot: {target}")
    for step, value in seconds.items():
        print(f"{step}: {value:.2f} s from the click on Run to the new point on the chart")
