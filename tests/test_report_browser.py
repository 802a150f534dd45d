"""``report.html`` in a real browser: headless Chromium (Debian's package) prints it to
PDF and draws it to PNG; the page count and image size are those of a real report.
Marked ``browser``; CI installs chromium."""

from __future__ import annotations

import re
import subprocess

import pytest
from app_server import CHROMIUM_FLAGS, chromium
from helpers import DATA, invoke, run_with_report


def _compare(folder, lang):
    return invoke(
        "compare",
        DATA / "tiny.yaml",
        DATA / "tiny.yaml",
        *("-r", "3", "--metrics", "waiting,forced_moves", "-q", "--out", folder),
        *("--report", "--lang", lang, "--format", "html"),
    )


@pytest.mark.browser
@pytest.mark.parametrize(("kind", "lang"), [("run", "en"), ("run", "nb"), ("compare", "nb")])
def test_report_prints_and_draws(tmp_path, kind, lang) -> None:
    browser = chromium()
    if browser is None:
        pytest.skip("chromium is not installed (CI installs Debian's chromium)")
    folder = tmp_path / kind
    if kind == "run":
        result = run_with_report(folder, lang, "--format", "html")
    else:
        result = _compare(folder, lang)
    assert result.exit_code == 0, result.output
    page = (folder / "report.html").as_uri()
    pdf, png = tmp_path / "report.pdf", tmp_path / "report.png"
    profile = f"--user-data-dir={tmp_path / 'profile'}"
    subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            profile,
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [browser, *CHROMIUM_FLAGS, profile, "--window-size=420,900", f"--screenshot={png}", page],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert 3 <= pages <= 60, pages  # figures, tables and assumptions: a few pages
    # the figures are in it: a run's four, a comparison's two
    assert pdf.stat().st_size > (100_000 if kind == "run" else 50_000)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
