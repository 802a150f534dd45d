"""``report.xlsx``: the report as a workbook planners can filter and paste from
(XlsxWriter): an overview, a summary sheet per metric family laid out wide by year, the
assumptions with their sources, and the figures. Numbers are numbers, every table has a
frozen header row and filters."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from sim.analysis.labels import is_money
from sim.report.document import Report
from sim.report.words import say

NUMBER = "#,##0.00"
KRONER = {"nb": '#,##0 "kr"', "en": '"NOK" #,##0'}
"""Excel's number format of an amount of kroner, by language (the number stays a number)."""


def _cell(value: Any) -> Any:
    """A cell value: numbers stay numbers; a missing number is an empty cell."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _table(
    sheet: Any,
    frame: pd.DataFrame,
    top: int,
    formats: dict[str, Any],
    widths: dict[int, float] | None = None,
    wrap: tuple[int, ...] = (),
    money: tuple[bool, ...] = (),
) -> int:
    """Write ``frame`` with a bold header row at ``top`` and a filter; return the next
    free row. Numbers of the rows ``money`` marks are kroner."""
    for column, name in enumerate(frame.columns):
        sheet.write(top, column, str(name), formats["header"])
    for row, values in enumerate(frame.itertuples(index=False), start=top + 1):
        for column, value in enumerate(values):
            value = _cell(value)
            if value is None:
                sheet.write_blank(row, column, None)
            elif isinstance(value, int) and not isinstance(value, bool):
                sheet.write_number(row, column, value, formats["integer"])
            elif isinstance(value, float):
                kroner = money and money[row - top - 1]
                sheet.write_number(row, column, value, formats["kroner" if kroner else "number"])
            else:
                style = formats["wrap"] if column in wrap else None
                sheet.write_string(row, column, str(value), style)
    last = top + len(frame)
    if len(frame.columns):
        sheet.autofilter(top, 0, max(last, top), len(frame.columns) - 1)
    for column, width in (widths or {}).items():
        sheet.set_column(column, column, width)
    return last + 2


def _overview(book: Any, report: Report, formats: dict[str, Any]) -> None:
    lang = report.language
    sheet = book.add_worksheet(say("overview", lang)[:31])
    sheet.write(0, 0, report.title(), formats["title"])
    sheet.write(1, 0, report.question())
    description = report.description()
    if description:
        sheet.merge_range(2, 0, 2, 5, description, formats["wrap"])
        sheet.set_row(2, 15 * (1 + len(description) // 110))
    if report.key_figures.empty:
        _answer(sheet, report, formats)
        return
    sheet.write(4, 0, say("key_figures", lang), formats["bold"])
    figures = report.key_figures.rename(
        columns={
            "label": say("metric", lang),
            "unit": say("unit", lang),
            "year": say("year", lang),
            "mean": say("mean", lang),
            "ci_low": say("stat_ci_low", lang),
            "ci_high": say("stat_ci_high", lang),
            "parameter_share": say("parameter_share", lang),
        }
    ).drop(columns=["metric"])
    sheet.freeze_panes(6, 1)
    money = tuple(is_money(str(m)) for m in report.key_figures.metric)
    widths: dict[int, float] = {0: 46, 1: 20, 2: 8, 3: 14, 4: 20, 5: 20}
    row = _table(sheet, figures, 5, formats, widths, money=money)
    _closing(sheet, report, row, formats)


def _closing(sheet: Any, report: Report, row: int, formats: dict[str, Any]) -> None:
    """Provenance and how to read the report, from ``row`` down."""
    lang = report.language
    sheet.write(row, 0, say("provenance", lang), formats["bold"])
    for offset, (key, value) in enumerate(report.provenance(), start=1):
        sheet.write_string(row + offset, 0, key)
        sheet.write_string(row + offset, 1, value)
    row += len(report.provenance()) + 2
    sheet.write(row, 0, say("how_to_read", lang), formats["bold"])
    sheet.merge_range(row + 1, 0, row + 8, 5, report.how_to_read(), formats["wrap"])


def _answer(sheet: Any, report: Report, formats: dict[str, Any]) -> None:
    """The overview of a folder other than a run's: the answer in sentences."""
    sheet.set_column(0, 0, 46)
    sheet.set_column(1, 1, 60)
    sheet.write(4, 0, say("answer", report.language), formats["bold"])
    for offset, sentence in enumerate(report.sentences, start=5):
        sheet.write_string(offset, 0, sentence)
    _closing(sheet, report, 6 + len(report.sentences), formats)


def _tables(book: Any, report: Report, formats: dict[str, Any]) -> None:
    """A sheet per table of the report's kind, its note as a comment on the first header."""
    for table in report.tables:
        sheet = book.add_worksheet(table.title[:31])
        sheet.freeze_panes(1, 1)
        widths: dict[int, float] = {
            i: min(max(len(str(c)), 10), 40) + 2 for i, c in enumerate(table.frame.columns)
        }
        _table(sheet, table.frame, 0, formats, widths)
        if table.note:
            sheet.write_comment(0, 0, table.note)


def _families(book: Any, report: Report, formats: dict[str, Any]) -> None:
    lang = report.language
    for family, table in report.families.items():
        sheet = book.add_worksheet(say(f"sheet_{family}", lang)[:31])
        shown = table.drop(columns=["metric"]).rename(
            columns={
                "label": say("metric", lang),
                "unit": say("unit", lang),
                "group": say("group", lang),
                "category": say("category", lang),
                "statistic": say("statistic", lang),
            }
        )
        everything = say("all", lang)
        names = report.shown_names()
        for column, name in (
            (say("group", lang), names.group),
            (say("category", lang), names.category),
        ):
            shown[column] = [name(value) or everything for value in shown[column]]
        sheet.freeze_panes(1, 1)
        money = tuple(is_money(str(m)) for m in table.metric)
        _table(sheet, shown, 0, formats, {0: 46, 1: 20, 2: 14, 3: 14, 4: 20}, money=money)


def _assumptions(book: Any, report: Report, formats: dict[str, Any]) -> None:
    lang = report.language
    sheet = book.add_worksheet(say("assumptions", lang)[:31])
    sheet.freeze_panes(1, 1)
    _table(sheet, report.assumptions, 0, formats, {0: 44, 1: 24, 2: 70, 3: 24, 4: 60}, (1, 2, 4))


def _figures(book: Any, report: Report) -> None:
    sheet = book.add_worksheet(say("figures", report.language)[:31])
    row = 0
    for png in report.figures.values():
        sheet.insert_image(
            row, 0, "figure.png", {"image_data": io.BytesIO(png), "x_scale": 0.8, "y_scale": 0.8}
        )
        row += 24


def _printable(book: Any) -> None:
    """Every sheet prints in landscape, one page wide, with its header row repeated."""
    for sheet in book.worksheets():
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)


def write_workbook(report: Report, path: Path) -> Path:
    """Write ``report.xlsx`` at ``path`` (the caller makes it atomic)."""
    book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": False})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "bold": book.add_format({"bold": True}),
        "header": book.add_format({"bold": True, "bg_color": "#DDE4EE", "text_wrap": True}),
        "number": book.add_format({"num_format": NUMBER}),
        "integer": book.add_format({"num_format": "0"}),
        "kroner": book.add_format({"num_format": KRONER.get(report.language, KRONER["en"])}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    _overview(book, report, formats)
    _families(book, report, formats)
    _tables(book, report, formats)
    if not report.assumptions.empty:
        _assumptions(book, report, formats)
    _figures(book, report)
    _printable(book)
    book.close()
    return path
