"""Reports of every command that takes --report (compare, sweep, tradeoff, size,
calibrate): the workbook read back with openpyxl holds the folder's own CSV numbers and the
manifest's provenance; the page is self-contained and holds the same numbers; in Norwegian
neither names a catalogue metric in English. ``sim report`` remakes them from the folder."""

from __future__ import annotations

import json
import math
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from helpers import DATA, ReportPage, assert_input_error, english_in_workbook, invoke

from sim.report import report_file

TINY = DATA / "tiny.yaml"
RECOVERY = DATA / "recovery" / "recovery.yaml"
KINDS = ("compare", "sweep", "tradeoff", "size", "calibrate")
METRICS = "waiting,forced_moves,hospits_nights"  # compared (a figure each)


def _command(kind: str, out: Path, other: Path) -> list[str | Path]:
    common: list[str | Path] = ["--out", out, "-q"]
    grid = ["--vary", "stock.ordinary.contract_years=1,3", "-r", "2"]
    return {
        "compare": ["compare", TINY, other, "-r", "3", "--metrics", METRICS, *common],
        "sweep": ["sweep", TINY, *grid, *common],
        "tradeoff": ["tradeoff", TINY, *grid, *common],
        "size": [
            "size",
            TINY,
            "--category",
            "ordinary",
            "--target",
            "waiting <= 4",
            "--max-units",
            "6",
            "-r",
            "2",
            *common,
        ],
        "calibrate": [
            "calibrate",
            RECOVERY,
            "--budget",
            "2",
            *("--set", "replications=2", "--set", "fit_replications=2"),
            *common,
        ],
    }[kind]


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every kind's result folder with its report, in English and Norwegian."""
    root = tmp_path_factory.mktemp("kinds")
    other = root / "other.yaml"
    other.write_text(f"extends: {TINY}\nname: other\npolicy: {{renewal: always}}\n")
    out = {}
    for number, kind in enumerate(KINDS):
        # every command writes a report in one language; sim report remakes it in the other
        lang, other_lang = ("nb", "en") if number % 2 else ("en", "nb")
        folder = root / f"{kind}-{lang}"
        result = invoke(*_command(kind, folder, other), "--report", "--lang", lang)
        assert result.exit_code == 0, (kind, result.output)
        assert f"report: {folder / report_file('xlsx', lang)}" in result.stdout
        again = root / f"{kind}-{other_lang}"
        shutil.copytree(folder, again)
        result = invoke("report", again, "--lang", other_lang, "--force")
        assert result.exit_code == 0, (kind, result.output)
        out[kind, lang], out[kind, other_lang] = folder, again
    return out


SHEETS = {
    ("compare", "en"): ["Overview", "Over the reported years", "By year"],
    ("compare", "nb"): ["Oversikt", "Over de rapporterte årene", "Etter år"],
    ("sweep", "en"): ["Overview", "By point and year"],
    ("sweep", "nb"): ["Oversikt", "Etter punkt og år"],
    ("tradeoff", "en"): ["Overview", "Policies"],
    ("tradeoff", "nb"): ["Oversikt", "Politikker"],
    ("size", "en"): ["Overview", "Probability curve"],
    ("size", "nb"): ["Oversikt", "Sannsynlighetskurve"],
    ("calibrate", "en"): ["Overview", "Fit", "Fitted values"],
    ("calibrate", "nb"): ["Oversikt", "Tilpasning", "Tilpassede verdier"],
}
LAST = {"en": ["Assumptions", "Figures"], "nb": ["Antagelser", "Figurer"]}
FIGURES = {"compare": "figures/difference_*.png", "sweep": "figures/sweep.png"}


def sheet_table(book: openpyxl.Workbook, name: str) -> pd.DataFrame:
    rows = list(book[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def numbers_equal(shown: pd.Series, expected: pd.Series) -> None:
    assert len(shown) == len(expected)
    for got, want in zip(shown, expected, strict=True):
        if want is None or (isinstance(want, float) and math.isnan(want)):
            assert got is None
        else:
            assert got == pytest.approx(float(want), rel=1e-12, abs=1e-12)


# The folder's CSV behind a sheet: (sheet, CSV, rows of the CSV, {CSV column: header}).
NUMBERS = {
    "compare": [
        (
            "Over the reported years",
            "comparison.csv",
            lambda t: t[t.year == "all"],
            {
                "base_mean": "Base, mean",
                "alternative_mean": "Alternative, mean",
                "difference": "Difference (alternative − base)",
                "ci_low": "95 % interval, low",
                "ci_high": "95 % interval, high",
                "width_ratio": "Paired/unpaired width",
            },
        ),
        (
            "By year",
            "comparison.csv",
            lambda t: t[t.year != "all"],
            {"difference": "Difference (alternative − base)", "n": "Replications"},
        ),
    ],
    "sweep": [
        (
            "By point and year",
            "sweep.csv",
            lambda t: t,
            {"mean": "Mean", "ci_low": "95 % interval, low", "ci_high": "95 % interval, high"},
        )
    ],
    "tradeoff": [
        (
            "Policies",
            "tradeoff.csv",
            lambda t: t,
            {
                "first_housed_per_100_units": "Throughput: households housed for the first "
                "time per 100 units a year",
                "throughput_per_100_units": "Lettings from the list (first-time and re-housed) "
                "per 100 units a year",
                "forced_moves_per_100_tenant_years_ci_high": "Forced moves per 100 "
                "tenant-years: 95 % interval, high",
                "hospits_nights_per_year": "Hospits nights (nights/year)",
            },
        )
    ],
    "size": [
        (
            "Probability curve",
            "size.csv",
            lambda t: t,
            {
                "units": "Units added",
                "metric_mean": "Measure, mean",
                "probability": "Probability of meeting the target",
                "probability_ci_low": "Probability, 95 % interval, low",
            },
        )
    ],
    "calibrate": [
        (
            "Fit",
            "fit.csv",
            lambda t: t,
            {
                "observed": "Observed",
                "simulated_mean": "Simulated, mean",
                "simulated_p95": "Simulated, 95th percentile",
            },
        ),
        (
            "Fitted values",
            "identifiability.csv",
            lambda t: t,
            {"best": "Fitted", "profile_low": "Profile, low"},
        ),
    ],
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_workbook_sheets_headers_and_filters(folders, kind, lang) -> None:
    book = openpyxl.load_workbook(folders[kind, lang] / report_file("xlsx", lang))
    assert book.sheetnames == SHEETS[kind, lang] + LAST[lang]
    for sheet in book.worksheets[1:-1]:  # the kind's tables and the assumptions
        assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref.startswith("A1:")
        assert all(cell.value for cell in sheet[1])  # a header in every column
    assert len(book.worksheets[-1]._images) >= 1
    overview = [row[0] for row in book.worksheets[0].iter_rows(values_only=True) if row[0]]
    assert ("Svaret" if lang == "nb" else "The answer") in overview


@pytest.mark.parametrize("kind", KINDS)
def test_workbook_numbers_equal_the_folders_tables(folders, kind) -> None:
    folder = folders[kind, "en"]
    book = openpyxl.load_workbook(folder / "report.xlsx")
    for sheet, csv, rows, columns in NUMBERS[kind]:
        table = rows(pd.read_csv(folder / csv, dtype={"year": str} if kind != "size" else None))
        shown = sheet_table(book, sheet)
        for column, header in columns.items():
            numbers_equal(shown[header], table[column].reset_index(drop=True))


@pytest.mark.parametrize("kind", KINDS)
def test_workbook_provenance_matches_the_manifest(folders, kind) -> None:
    folder = folders[kind, "en"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["kind"] == kind
    sheet = openpyxl.load_workbook(folder / "report.xlsx")["Overview"]
    pairs = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert pairs["Seed"] == str(manifest["seed"])
    assert pairs["Replications"] == str(manifest["replications"])
    assert pairs["Git commit"] == str(manifest["git_commit"] or "")
    assert pairs["Command"] == manifest["command"]


@pytest.mark.parametrize("kind", KINDS)
def test_norwegian_workbook_has_no_english_metric_label(folders, kind) -> None:
    assert english_in_workbook(folders[kind, "nb"] / "report.nb.xlsx") == []
    book = openpyxl.load_workbook(folders[kind, "nb"] / "report.nb.xlsx")
    assert "Svaret" in [c.value for c in book.worksheets[0]["A"]]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_page_is_self_contained_and_holds_the_tables(folders, kind, lang) -> None:
    folder = folders[kind, lang]
    text = (folder / report_file("html", lang)).read_text(encoding="utf-8")
    page = ReportPage()
    page.feed(text)
    assert page.images and all(src.startswith("data:image/png;base64,") for src in page.images)
    assert all(url.startswith("data:") for url in page.urls)
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text.replace("//www.w3.org", ""))
    assert ('lang="nb"' in text) == (lang == "nb")
    assert ("Slik leser du rapporten" in text) == (lang == "nb")
    if lang == "en":  # every table's numbers are the CSV's (English headers)
        tables = Tables()
        tables.feed(text)
        for _, csv, rows, columns in NUMBERS[kind]:
            table = rows(pd.read_csv(folder / csv, dtype={"year": str} if kind != "size" else None))
            shown = tables.tables.pop(0)
            for column, header in columns.items():
                values = shown[header]
                numbers_equal(values, table[column].reset_index(drop=True))


class Tables(HTMLParser):
    """The report tables of a page (class "result"): by header, the exact number of each
    numeric cell (its data-value) or None for an empty one."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[pd.DataFrame] = []
        self._rows: list[list[object]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table" and values.get("class") == "result":
            self._rows = []
        elif self._rows is not None and tag == "tr":
            self._rows.append([])
        elif self._rows is not None and tag in ("td", "th"):
            self._cell = [values["data-value"]] if values.get("data-value") else []
            self._number = "data-value" in values

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not getattr(self, "_number", False):
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._rows is not None and tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell)
            value: object = float(text) if self._number else (text or None)
            if value == "–":
                value = None
            self._rows[-1].append(value)
            self._cell = None
        elif tag == "table" and self._rows is not None:
            header, *body = self._rows
            self.tables.append(pd.DataFrame(body, columns=header))
            self._rows = None


def test_sweep_writes_its_figure_and_the_folders_keep_their_scenario(folders) -> None:
    assert (folders["sweep", "en"] / "figures" / "sweep.png").stat().st_size > 10_000
    for kind in ("compare", "sweep", "tradeoff", "size"):
        assert (folders[kind, "en"] / "scenario.resolved.yaml").is_file()


def test_report_remakes_a_folders_report_in_the_other_language(folders, tmp_path) -> None:
    folder = folders["compare", "en"]
    assert "--force" in assert_input_error(invoke("report", folder))
    result = invoke("report", folder, "--lang", "nb", "--format", "html", "--force")
    assert result.exit_code == 0, result.output
    assert "Svaret" in (folder / "report.nb.html").read_text(encoding="utf-8")


def test_a_bad_format_stops_before_the_run(tmp_path) -> None:
    out = tmp_path / "o"
    args = ["sweep", TINY, "--vary", "stock.ordinary.contract_years=1,3", "--out", out]
    assert "unknown format" in assert_input_error(invoke(*args, "--report", "--format", "odt"))
    assert not out.exists()


def test_an_unknown_kind_of_folder_is_refused(tmp_path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"kind": "validate"}))
    message = assert_input_error(invoke("report", folder))
    assert "reports are made of: run, compare, sweep, tradeoff, size, calibrate" in message


def test_every_shipped_command_with_a_result_folder_takes_report() -> None:
    for command in ("run", "compare", "sweep", "tradeoff", "size", "calibrate"):
        result = invoke(command, "--help")
        assert "--report" in result.output and "--lang [en|nb]" in result.output, command
