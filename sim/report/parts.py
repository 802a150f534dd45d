"""Parts every kind of report uses: tables in the report's language and figures as PNG."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.labels import label
from sim.report.words import TEXT, say, unit


def shown(frame: pd.DataFrame, language: str, rename: dict[str, str] | None = None) -> pd.DataFrame:
    """``frame`` with headers in the language (the report's own words, or ``rename``),
    yes/no for truth values and blank for missing text."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = [say("yes" if v else "no", language) for v in out[column]]
        elif out[column].dtype == object:
            out[column] = out[column].fillna("")
    names = {
        c: (rename or {}).get(c) or (say(c, language) if c in TEXT else str(c)) for c in out.columns
    }
    return out.rename(columns=names)


def with_labels(frame: pd.DataFrame, language: str, column: str = "metric") -> pd.DataFrame:
    """Replace the metric names of ``column`` by their label and unit in the language."""
    position = list(frame.columns).index(column)
    names = frame[column].astype(str)
    out = frame.drop(columns=[column])
    out.insert(position, "label", [label(n, language) for n in names])
    out.insert(position + 1, "unit", [unit(n, language) for n in names])
    return out.rename(columns={"label": say("metric", language), "unit": say("unit", language)})


def draw(draw_one: Callable[[Path], Any]) -> bytes:
    """The PNG a figure function writes into a temporary file."""
    with tempfile.TemporaryDirectory() as temporary:
        path = Path(temporary) / "figure.png"
        draw_one(path)
        return path.read_bytes()
