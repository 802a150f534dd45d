"""Reports of a run: ``report.xlsx`` (read back with openpyxl) and ``report.html`` (parsed)
hold the summary's numbers, the manifest's provenance and every figure, in English or
Norwegian, and name no other host; bad input exits 2 and nothing is overwritten without
--force."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from helpers import (
    DATA,
    ReportPage,
    assert_input_error,
    english_in_workbook,
    invoke,
    run_with_report,
)

from sim.model.catalogue import CATALOGUE
from sim.report import report_file

RUN_SHEETS = {
    "en": [
        "Overview",
        "Flows",
        "Stocks",
        "Over the year",
        "Rates and waits",
        "Costs",
        "Assumptions",
        "Figures",
    ],
    "nb": [
        "Oversikt",
        "Strømmer",
        "Beholdninger",
        "Gjennom året",
        "Rater og ventetider",
        "Kostnader",
        "Antagelser",
        "Figurer",
    ],
}


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    """A run of tiny.yaml with its report, in both languages."""
    out = {}
    for lang in ("en", "nb"):
        folder = tmp_path_factory.mktemp(lang) / "run"
        result = run_with_report(folder, lang)
        assert result.exit_code == 0, result.output
        assert f"report: {folder / report_file('xlsx', lang)}" in result.stdout
        out[lang] = folder
    return out


def summary_of(folder: Path) -> pd.DataFrame:
    summary = pd.read_csv(folder / "summary.csv", keep_default_na=False, na_values=[""])
    return summary.fillna({"group": "", "category": ""})


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_workbook_sheets_headers_and_filters(folders, lang) -> None:
    book = openpyxl.load_workbook(folders[lang] / report_file("xlsx", lang))
    assert book.sheetnames == RUN_SHEETS[lang]
    for sheet in book.worksheets[1:-1]:  # the family sheets and the assumptions
        assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref.startswith("A1:")
        assert all(cell.value for cell in sheet[1])  # a header in every column
    assert len(book.worksheets[-1]._images) == 4  # the four figures


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_workbook_numbers_equal_the_summary(folders, lang) -> None:
    folder = folders[lang]
    summary = summary_of(folder)
    means = {(r.metric, r.group, r.category, int(r.year)): r.mean for r in summary.itertuples()}
    labels = {
        (CATALOGUE[m].norwegian if lang == "nb" else CATALOGUE[m].english): m for m in CATALOGUE
    }
    book = openpyxl.load_workbook(folder / report_file("xlsx", lang))
    everything = "alle" if lang == "nb" else "all"
    mean_word = "gjennomsnitt" if lang == "nb" else "mean"
    checked = 0
    for sheet in book.worksheets[1:-2]:  # the family sheets
        header = [cell.value for cell in sheet[1]]
        years = {i: int(v) for i, v in enumerate(header) if str(v).isdigit()}
        for row in sheet.iter_rows(min_row=2, values_only=True):
            if row[4] != mean_word:
                continue
            metric = labels[row[0]]
            group = "" if row[2] == everything else row[2]
            category = "" if row[3] == everything else row[3]
            for column, year in years.items():
                expected = means.get((metric, group, category, year))
                if expected is None or (isinstance(expected, float) and math.isnan(expected)):
                    assert row[column] is None
                else:
                    assert row[column] == pytest.approx(expected, rel=1e-12, abs=1e-12)
                    checked += 1
    assert checked > 0.9 * summary["mean"].notna().sum()


def test_workbook_provenance_matches_the_manifest(folders) -> None:
    folder = folders["en"]
    manifest = json.loads((folder / "manifest.json").read_text())
    sheet = openpyxl.load_workbook(folder / "report.xlsx")["Overview"]
    pairs = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert pairs["Seed"] == str(manifest["seed"])
    assert pairs["Replications"] == str(manifest["replications"])
    assert pairs["Git commit"] == str(manifest["git_commit"] or "")
    assert pairs["Command"] == manifest["command"]
    assert pairs["Scenario file SHA-256"] == manifest["scenario_sha256"]


def test_norwegian_workbook_has_no_english_metric_label(folders) -> None:
    assert english_in_workbook(folders["nb"] / "report.nb.xlsx") == []


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_page_is_self_contained_and_holds_the_summary(folders, lang) -> None:
    folder = folders[lang]
    text = (folder / report_file("html", lang)).read_text(encoding="utf-8")
    page = ReportPage()
    page.feed(text)
    assert len(page.images) == 4
    assert all(src.startswith("data:image/png;base64,") for src in page.images)
    assert all(url.startswith("data:") for url in page.urls)
    assert not re.search(
        r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text.replace("//www.w3.org", "")
    )  # no request to any other host
    summary = summary_of(folder)
    means = {
        (r.metric, r.group, r.category, str(int(r.year))): r.mean for r in summary.itertuples()
    }
    checked = 0
    for cell in page.cells:
        if "data-group" not in cell:
            continue
        key = (cell["data-metric"], cell["data-group"], cell["data-category"], cell["data-year"])
        value = float(cell["data-value"])
        assert value == pytest.approx(means[key], rel=1e-12, abs=1e-12) or (
            math.isnan(value) and math.isnan(means[key])
        )
        checked += 1
    assert checked > 0.9 * summary["mean"].notna().sum()
    assert ('lang="nb"' in text) == (lang == "nb")
    assert ("Slik leser du rapporten" in text) == (lang == "nb")


def test_report_files_have_the_folders_permissions(folders) -> None:
    folder = folders["en"]
    mode = (folder / "manifest.json").stat().st_mode & 0o777
    for name in ("report.xlsx", "report.html"):
        assert (folder / name).stat().st_mode & 0o777 == mode


def test_an_existing_report_is_kept_without_force(folders) -> None:
    folder = folders["en"]
    before = (folder / "report.html").read_bytes()
    assert "--force" in assert_input_error(invoke("report", folder))
    assert (folder / "report.html").read_bytes() == before
    result = invoke("report", folder, "--format", "html", "--force", "--lang", "nb")
    assert result.exit_code == 0, result.output
    assert "Slik leser du rapporten" in (folder / "report.nb.html").read_text(encoding="utf-8")
    assert (folder / "report.html").read_bytes() == before  # the other language's stays


def test_each_language_has_its_own_files(folders, tmp_path) -> None:
    """A report in the other language is written beside the first without --force, and
    --force replaces only the same language's files."""
    folder = tmp_path / "run"
    shutil.copytree(folders["nb"], folder)
    norwegian = (folder / "report.nb.html").read_bytes()
    result = invoke("report", folder, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "How to read this" in (folder / "report.html").read_text(encoding="utf-8")
    assert (folder / "report.nb.html").read_bytes() == norwegian
    assert "--force" in assert_input_error(invoke("report", folder, "--lang", "nb"))
    result = invoke("report", folder, "--lang", "en", "--force")
    assert result.exit_code == 0, result.output
    assert (folder / "report.nb.html").read_bytes() == norwegian
    assert sorted(p.name for p in folder.glob("report*")) == [
        "report.html",
        "report.nb.html",
        "report.nb.xlsx",
        "report.xlsx",
    ]


def test_assumption_numbers_are_numbers(folders) -> None:
    """The workbook's assumptions sheet stores a number of the scenario as a number."""
    sheet = openpyxl.load_workbook(folders["en"] / "report.xlsx")["Assumptions"]
    rows = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert rows["replications"].data_type == "n"
    assert isinstance(rows["replications"].value, int)
    numbers = [cell for cell in rows.values() if isinstance(cell.value, int | float)]
    assert len(numbers) > 10
    assert all(cell.data_type == "n" for cell in numbers)
    texts = [cell.value for cell in rows.values() if isinstance(cell.value, str)]
    assert not [t for t in texts if re.fullmatch(r"-?\d+(\.\d+)?", t)], texts


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["report", "no-such-folder"], "is not a folder"),
        (["report", "tests"], "no manifest.json"),
        (["report", "{en}", "--format", "odt", "--force"], "unknown format"),
        (["run", str(DATA / "tiny.yaml"), "--report", "--format", "docx"], "unknown format"),
    ],
)
def test_bad_report_input_exits_2(folders, args, words) -> None:
    args = [arg.format(en=folders["en"]) for arg in args]
    assert words in assert_input_error(invoke(*args))
