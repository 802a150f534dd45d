"""``report.html`` in a real browser: headless Chromium (Debian's package) prints it to
PDF and draws it to PNG; the page count and image size are those of a real report.
Marked ``browser``; CI installs chromium."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from html.parser import HTMLParser

import pytest
from app_server import CHROMIUM_FLAGS, chromium
from helpers import DATA, invoke, run_with_report

from sim.report import report_file


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
    page = (folder / report_file("html", lang)).as_uri()
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


class _LastCells(HTMLParser):
    """The text of the first and the last cell of every row of every table a reader sees
    (what a table cut at the right edge of a printed page loses first); the tables of a
    section closed on screen (``<details>`` without ``open``) print closed, as shown."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.closed_sections = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._closed = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "details":
            self._closed = "open" not in dict(attrs)
            self.closed_sections += self._closed
        elif self._closed:
            return
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self._closed = False
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row:
            self.cells += [self._row[0], self._row[-1]]
            self._row = None


def _words(text: str) -> str:
    """The text without spaces, ligatures (ﬂ) as letters: how it compares with a PDF's."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_printed_report_keeps_every_tables_last_column(tmp_path, lang) -> None:
    """Printed to A4 (Playwright, print media), a report of 13 years holds the text of the
    first and the last cell of every row of every table shown: no table is cut at the
    page's edge or hides in a scroll box."""
    pypdf = pytest.importorskip("pypdf")
    sync_api = pytest.importorskip("playwright.sync_api")
    browser_path = chromium()
    if browser_path is None:
        pytest.skip("chromium is not installed (CI installs Debian's chromium)")
    folder = tmp_path / "run"
    result = run_with_report(folder, lang, "--format", "html", "--years", "13")
    assert result.exit_code == 0, result.output
    page_file = folder / report_file("html", lang)
    pdf = tmp_path / "printed.pdf"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            page.emulate_media(media="print")
            page.pdf(path=str(pdf), prefer_css_page_size=True)
        finally:
            browser.close()
    reader = pypdf.PdfReader(pdf)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    printed = _words(" ".join(p.extract_text() for p in reader.pages))
    cells = _LastCells()
    cells.feed(page_file.read_text(encoding="utf-8"))
    assert len(cells.cells) > 100 and cells.closed_sections >= 1
    years = [c for c in cells.cells if re.fullmatch(r"20\d\d", c.strip())]
    assert "2032" in years or max(years) >= "2032"  # 13 reported years from 2020
    missing = [c for c in dict.fromkeys(cells.cells) if _words(c) and _words(c) not in printed]
    assert missing == [], missing[:20]
