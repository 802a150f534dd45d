"""``sim app`` in a real browser: started on 127.0.0.1, driven by Playwright in headless
Chromium (Debian's ``chromium``; no browser is downloaded), on the screens of a seminar
room (1280×800 and 1366×768) in English and Norwegian; then Ctrl-C stops the server and
its workers.

On each screen and in each language: after Run, the Run button, both panels of the
trade-off chart and the new point are inside the window, without scrolling; the page
never scrolls sideways; the first click on a dropdown after a run opens it; and the
Norwegian page's text shows no id of a baseline, group or dwelling category that has a
label, and no number with a decimal point.

Marked ``browser`` (needs ``pip install ".[browser]"`` and ``chromium``; CI installs
both). The same code makes the app guide's screenshots and times the runs::

    python tests/test_app_browser.py docs/app
"""

from __future__ import annotations

import re
import socket
import sys
import time
from pathlib import Path
from typing import Any

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

SCREENS = ((1280, 800), (1366, 768))
"""Laptop and projector screens of a seminar room (pixels)."""

WARM_UP = 8.0
"""Seconds between opening the first page and the first click (the workers start
meanwhile)."""

WORDS = {
    "en": {
        "run": "Run",
        "points": "Points on the chart: {n}",
        "flexbo": "Flexbo units (ready in the first year)",
        "contract": "Contract length",
        "ran": " replications in ",
    },
    "nb": {
        "run": "Kjør",
        "points": "Punkter i diagrammet: {n}",
        "flexbo": "Flexboliger (klare første år)",
        "contract": "Kontraktslengde",
        "ran": " replikasjoner på ",
    },
}
"""What the test looks for on the page, in each language (as sim/app/text.py says it)."""

DECIMAL = re.compile(r"\d\.\d")
"""A number written with a decimal point (Norwegian writes a decimal comma). The page
shows no dates or version numbers, so nothing is excluded."""

POINT = ".vega-embed svg path[aria-roledescription='circle']"
"""A point of a chart (the panels are drawn as SVG: one element per point)."""


def labelled_ids() -> set[str]:
    """Ids that have a display name: the baselines the app offers, and the groups and
    dwelling categories of the first (the one the page opens with)."""
    from sim.app.sources import Startup, find_baselines

    found = find_baselines(Startup(ROOT / "scenarios"))
    ids = {name for name, known in found.items() if known.scenario.label}
    first = next(iter(found.values())).scenario
    ids |= {name for name, group in first.groups.items() if group.label}
    ids |= {name for name, category in first.stock.items() if category.label}
    return ids


def ids_shown(text: str, ids: set[str]) -> list[str]:
    """The ids in ``text`` as whole words (``rus`` but not ``rusmiddel``)."""
    return sorted(key for key in ids if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text))


def decimals_shown(text: str) -> list[str]:
    """The lines of ``text`` with a number written with a decimal point."""
    return [line for line in text.splitlines() if DECIMAL.search(line)]


def inside(page: Any, box: dict[str, float] | None) -> bool:
    """Whether a bounding box lies within the window (no scrolling needed)."""
    if box is None:
        return False
    width, height = page.evaluate("[innerWidth, innerHeight]")
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width + 0.5
        and box["y"] + box["height"] <= height + 0.5
    )


def drive(
    url: str, screenshot: Path, size: tuple[int, int], lang: str, warm_up: float = 0
) -> dict[str, Any]:
    """Open the page in ``lang`` (by its address) on a ``size`` window; run the baseline,
    then 15 flexbo units; wait for each new point on the chart; check what is in view;
    save a screenshot. Returns the seconds from each click to the point's appearance,
    and what was seen (``checks``)."""
    from playwright.sync_api import sync_playwright

    words = WORDS[lang]
    seen: dict[str, Any] = {"checks": {}}
    checks = seen["checks"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        page.goto(f"{url}/?lang={lang}", wait_until="domcontentloaded")
        run = page.get_by_role("button", name=words["run"], exact=True)
        run.wait_for(timeout=120_000)
        time.sleep(warm_up)  # the worker pool starts with the first page; let it warm up
        checks["run in view"] = inside(page, run.bounding_box())
        for name, count in (("baseline", 1), ("control", 2)):
            if name == "control":
                flexbo = page.get_by_label(words["flexbo"])
                flexbo.fill("15")
                flexbo.press("Enter")
                page.wait_for_timeout(500)
            began = time.perf_counter()
            run.click()
            shown = page.get_by_text(words["points"].format(n=count), exact=True)
            shown.wait_for(timeout=120_000)
            points = page.locator(POINT)
            points.nth(2 * count - 1).wait_for(timeout=60_000)  # both panels have it
            seen[name] = time.perf_counter() - began
            said = page.get_by_text(words["ran"], exact=False).first.inner_text()
            seen[f"{name} (server)"] = float(
                said.split(words["ran"])[-1].split(" s")[0].replace(",", ".")
            )
            page.wait_for_timeout(800)  # the charts' drawing settles
            checks[f"points after run {count}"] = points.count()
            checks[f"run in view after run {count}"] = inside(page, run.bounding_box())
            charts = page.locator(".vega-embed")
            checks[f"chart in view after run {count}"] = all(
                inside(page, charts.nth(i).bounding_box()) for i in range(2)
            )
            checks[f"new point in view after run {count}"] = all(
                inside(page, points.nth(i).bounding_box())
                for i in (2 * count - 2, 2 * count - 1)  # its marks in both panels
            )
        checks["no sideways scroll"] = page.evaluate(
            "document.scrollingElement.scrollWidth <= innerWidth"
        )
        seen["text"] = page.evaluate("document.body.innerText")
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=False)
        contract = page.get_by_label(words["contract"])
        contract.click()  # the first click on a dropdown after a run opens it
        page.wait_for_timeout(800)
        checks["dropdown opens on the first click"] = page.locator("[role=listbox]").count()
        browser.close()
    return seen


@pytest.mark.browser
def test_sim_app_in_a_browser(tmp_path) -> None:
    pytest.importorskip("playwright")
    if chromium() is None:
        pytest.skip("chromium is not installed (CI installs Debian's chromium)")
    ids = labelled_ids()
    assert {"lorenskog-calibrated", "ordinary", "disadvantaged", "rus"} <= ids
    port = free_port()
    process = start_app(port)
    session = process.pid
    failures: list[str] = []
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, process)
        warm_up = WARM_UP
        for size in SCREENS:
            for lang in ("en", "nb"):
                where = f"{size[0]}x{size[1]} {lang}"
                shot = tmp_path / f"sim-app-{size[0]}x{size[1]}-{lang}.png"
                seen = drive(url, shot, size, lang, warm_up)
                warm_up = 0
                assert shot.stat().st_size > 20_000
                print(where, {k: v for k, v in seen.items() if k != "text"})
                checks = seen["checks"]
                assert checks.pop("points after run 1") == 2, where  # one in each panel
                assert checks.pop("points after run 2") == 4, where
                failures += [f"{where}: {name}" for name, ok in checks.items() if not ok]
                if lang == "nb":
                    shown = ids_shown(seen["text"], ids)
                    if shown:
                        failures.append(f"{where}: ids shown: {shown}")
                    decimals = decimals_shown(seen["text"])
                    if decimals:
                        failures.append(f"{where}: decimal points in: {decimals}")
    finally:
        code = stop(process)
    output = process.stdout.read() if process.stdout else ""
    assert not failures, "\n".join(failures)
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
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/app")
    port = free_port()
    server = start_app(port)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        warm = WARM_UP
        for size in SCREENS:
            target = folder / f"sim-app-{size[0]}x{size[1]}.png"
            seconds = drive(f"http://127.0.0.1:{port}", target, size, "nb", warm)
            warm = 0
            print(f"screenshot: {target}")
            for step in ("baseline", "control"):
                print(
                    f"{step}: {seconds[step]:.2f} s from the click on Run to the new point "
                    f"on the chart ({seconds[step + ' (server)']:.2f} s on the server)"
                )
    finally:
        stop(server)
