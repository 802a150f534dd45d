"""Reports name scenarios, groups and categories by their labels in the report's language
(the id only where there is none), and the compare report leads with its main changes,
ranked by the stated rule."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from helpers import DATA, invoke

from sim.report.kinds import HEADLINE, ranked

TINY = DATA / "tiny.yaml"
LABELLED = """extends: {tiny}
name: labelled
label: {{nb: "Alltid fornyet", en: "Always renewed"}}
policy: {{renewal: always}}
groups:
  elderly: {{label: {{nb: "Eldre søkere", en: "Elderly applicants"}}}}
stock:
  trygd: {{label: {{nb: "Trygdeboliger", en: "Sheltered flats"}}}}
"""


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("names")
    labelled = root / "labelled.yaml"
    labelled.write_text(LABELLED.format(tiny=TINY))
    out = {}
    for lang in ("en", "nb"):
        run, compare = root / f"run-{lang}", root / f"compare-{lang}"
        result = invoke("run", labelled, "-r", "2", "-q", "--out", run, "--report", "--lang", lang)
        assert result.exit_code == 0, result.output
        result = invoke(
            *("compare", TINY, labelled, "-r", "2", "-q", "--out", compare),
            *("--report", "--lang", lang),
        )
        assert result.exit_code == 0, result.output
        out[f"run-{lang}"], out[f"compare-{lang}"] = run, compare
    return out


class Page(HTMLParser):
    """The text of each table (by data-table/data-family/id) and of the main changes."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.main: list[str] = []
        self._table: str | None = None
        self._in_main = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "table":
            self._table = values.get("data-table") or values.get("data-family") or values["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif tag == "ol" and values.get("id") == "main-changes":
            self._in_main = True
        elif tag == "li" and self._in_main:
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "li" and self._in_main and self._cell is not None:
            self.main.append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag == "ol":
            self._in_main = False


def _page(folder: Path, lang: str) -> Page:
    page = Page()
    name = "report.html" if lang == "en" else "report.nb.html"
    page.feed((folder / name).read_text(encoding="utf-8"))
    return page


@pytest.mark.parametrize(
    ("lang", "group", "category"),
    [("en", "Elderly applicants", "Sheltered flats"), ("nb", "Eldre søkere", "Trygdeboliger")],
)
def test_run_tables_name_groups_and_categories(folders, lang, group, category) -> None:
    page = _page(folders[f"run-{lang}"], lang)
    cells = {cell for rows in page.tables.values() for row in rows for cell in row}
    assert group in cells and category in cells
    assert "elderly" not in cells and "trygd" not in cells
    assert "disadvantaged" in cells  # no label: its id
    name = "report.xlsx" if lang == "en" else "report.nb.xlsx"
    book = openpyxl.load_workbook(folders[f"run-{lang}"] / name)
    sheet = book.worksheets[1]  # flows: group and category columns
    values = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
    assert group in values and "elderly" not in values


@pytest.mark.parametrize(("lang", "label"), [("en", "Always renewed"), ("nb", "Alltid fornyet")])
def test_compare_names_the_alternative_and_leads_with_the_main_changes(
    folders, lang, label
) -> None:
    folder = folders[f"compare-{lang}"]
    page = _page(folder, lang)
    horizon = page.tables["horizon"]
    assert {row[0] for row in horizon[1:]} == {label}  # the alternative by its label
    assert 1 <= len(page.main) <= HEADLINE
    table = pd.read_csv(folder / "comparison.csv", dtype={"year": str})
    order = ranked(table[table.year == "all"])
    from sim.analysis.labels import label as metric_label

    for sentence, metric in zip(page.main, order.metric, strict=False):
        assert sentence.startswith(metric_label(metric, lang)), (sentence, metric)
    heading = "Det viktigste" if lang == "nb" else "The main changes"
    text = (folder / ("report.html" if lang == "en" else "report.nb.html")).read_text("utf-8")
    assert text.index(heading) < text.index('id="answer"')


def test_ranking_rule() -> None:
    """Intervals excluding zero first, then by the difference relative to the base."""
    rows = pd.DataFrame(
        {
            "alternative": ["b"] * 4,
            "metric": ["small_clear", "big_unclear", "big_clear", "zero_base"],
            "base_mean": [100.0, 10.0, 10.0, 0.0],
            "difference": [5.0, 9.0, 4.0, 3.0],
            "ci_low": [1.0, -1.0, 2.0, 1.0],
            "ci_high": [9.0, 19.0, 6.0, 5.0],
        }
    )
    assert list(ranked(rows).metric) == ["big_clear", "small_clear", "zero_base", "big_unclear"]
