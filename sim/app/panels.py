"""A chart's panels drawn side by side as charts of their own, each as wide as its
column (the app's trade-off, frontier and over-time charts)."""

from __future__ import annotations

import copy
import textwrap
from typing import Any

import streamlit as st

PRESENTER_CONFIG = {
    "axis": {"labelFontSize": 16, "titleFontSize": 17},
    "legend": {"labelFontSize": 16, "titleFontSize": 17},
    "text": {"fontSize": 16},
}
"""Chart type for a projector."""

TITLE_WIDTH = 30
"""Characters on a line of an axis title (a panel is about 280 pixels wide at 1280)."""


def panels(spec: dict[str, Any], presenter: bool = False) -> list[dict[str, Any]]:
    """The panels of a chart drawn side by side (``hconcat``) as charts of their own,
    each as wide as its column: Vega-Lite sizes a single or layered view to its
    container, not a row of panels, whose fixed widths were cut off on screens below
    1920 pixels. The legend is kept in the first panel only (one column of it); the
    panels are drawn as SVG (sharp on a projector, and each point is an element)."""
    shared = {key: value for key, value in spec.items() if key not in ("hconcat", "title")}
    shared.pop("resolve", None)
    found = []
    for index, panel in enumerate(spec.get("hconcat", [spec])):
        one = copy.deepcopy({**shared, **panel})
        one["width"] = "container"
        one["autosize"] = {"type": "fit-x", "contains": "padding"}  # height: the plot's
        one["usermeta"] = {"embedOptions": {"renderer": "svg"}}
        if presenter:
            one["config"] = {**one.get("config", {}), **copy.deepcopy(PRESENTER_CONFIG)}
            one["height"] = max(int(one.get("height", 300)), 340)
        for layer in one.get("layer", []):
            for channel in ("x", "y"):
                axis = layer.get("encoding", {}).get(channel)
                if isinstance(axis, dict) and isinstance(axis.get("title"), str):
                    axis["title"] = wrapped(axis["title"])
            colour = layer.get("encoding", {}).get("color")
            if isinstance(colour, dict) and colour.get("legend") is not None:
                colour["legend"] = None if index else {**colour["legend"], "columns": 1}
        found.append(one)
    return found


def wrapped(title: str, width: int = TITLE_WIDTH) -> str | list[str]:
    """An axis title in lines of at most ``width`` characters (a list: Vega-Lite draws
    one line each), so that a long title is not cut off in a narrow panel."""
    lines = textwrap.wrap(title, width)
    return lines if len(lines) > 1 else title


def chart_row(data: Any, spec: dict[str, Any], name: str, presenter: bool) -> None:
    """A chart's panels side by side, each the width of its column."""
    shown = panels(spec, presenter)
    for index, (column, panel) in enumerate(zip(st.columns(len(shown)), shown, strict=True)):
        with column:
            st.vega_lite_chart(data, panel, width="stretch", key=f"{name}_{index}")
