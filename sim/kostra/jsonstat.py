"""JSON-stat 2.0 datasets as SSB's statistics bank writes them (PxWebApi, format
``json-stat2``), read without a library: the format is small and fully specified
(https://json-stat.org/format/), and the readers of it (pyjstat) drop the ``status``
of each cell, which is where SSB marks a suppressed figure (``..``, ``:``), and which
``sim init`` must name rather than read as a missing number.

A dataset has ``id`` (dimension ids, in order), ``size`` (categories per dimension),
``dimension`` (per id: ``category.index``, a list of codes or a code -> position map,
and ``category.label``), ``value`` (row-major, the last dimension fastest: a list, or a
position -> value map for a sparse one) and an optional ``status`` (a text for every
cell, a list, or a position -> text map).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from sim.config.errors import Problem, brief, brief_text
from sim.kostra.checks import Cell, KostraError
from sim.kostra.variables import BY_ID, find


def _fail(name: str, key: str, message: str) -> KostraError:
    return KostraError([Problem(name, key, message)])


def categories(name: str, dimension_id: str, dimension: Any, size: int) -> list[str]:
    """The category codes of a dimension in their order."""
    try:
        index = dimension["category"].get("index")
        if index is None:  # a single category may give only its label
            codes = list(dimension["category"]["label"])
        elif isinstance(index, list):
            codes = [str(c) for c in index]
        else:
            codes = [str(c) for c, _ in sorted(index.items(), key=lambda item: int(item[1]))]
    except (KeyError, TypeError, AttributeError, ValueError):
        raise _fail(
            name,
            f"dimension.{dimension_id}",
            "has no category.index or category.label (JSON-stat 2.0)",
        ) from None
    if len(codes) != size:
        raise _fail(
            name,
            f"dimension.{dimension_id}",
            f"has {len(codes)} categories but size says {size}",
        )
    return codes


def _label(dimension: Any, code: str) -> str:
    labels = dimension.get("category", {}).get("label") or {}
    return str(labels.get(code, code))


def _cell_at(container: Any, position: int) -> Any:
    if isinstance(container, list):
        return container[position] if position < len(container) else None
    if isinstance(container, dict):
        return container.get(str(position))
    return container  # one status for every cell


def read_jsonstat(path: Path) -> tuple[list[Cell], str | None, list[str]]:
    """The cells of a JSON-stat 2.0 dataset of one municipality: its years (the time
    dimension, ``Tid``), variables (the metric dimension, ``ContentsCode``) and one
    region; every other dimension must have a single category."""
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise _fail(name, "", f"is not JSON ({brief_text(str(error))})") from None
    if isinstance(data, dict) and data.get("class") != "dataset" and "dataset" in data:
        data = data["dataset"]  # JSON-stat 1.x bundle: not written by SSB any more
    if not isinstance(data, dict) or data.get("class") != "dataset":
        raise _fail(
            name,
            "class",
            "is not a JSON-stat 2.0 dataset (class: dataset); export the table from "
            "SSB's statistics bank as JSON-stat2",
        )
    ids, sizes, dims = data.get("id"), data.get("size"), data.get("dimension")
    if (
        not isinstance(ids, list)
        or not isinstance(sizes, list)
        or not isinstance(dims, dict)
        or len(ids) != len(sizes)
        or any(i not in dims for i in ids)
    ):
        raise _fail(name, "id", "id, size and dimension do not match (JSON-stat 2.0)")
    role = data.get("role") or {}
    time_id = next(iter(role.get("time") or []), "Tid" if "Tid" in ids else None)
    metric_id = next(
        iter(role.get("metric") or []), "ContentsCode" if "ContentsCode" in ids else None
    )
    if time_id not in ids or metric_id not in ids:
        raise _fail(
            name,
            "role",
            "needs a time dimension (Tid) and a metric dimension (ContentsCode)",
        )
    codes = {i: categories(name, i, dims[i], int(s)) for i, s in zip(ids, sizes, strict=True)}
    region = None
    for dimension_id in ids:
        if dimension_id in (time_id, metric_id) or len(codes[dimension_id]) == 1:
            if dimension_id not in (time_id, metric_id):
                code = codes[dimension_id][0]
                region = f"{code} {_label(dims[dimension_id], code)}".strip()
            continue
        shown = ", ".join(_label(dims[dimension_id], c) for c in codes[dimension_id][:5])
        raise _fail(
            name,
            f"dimension.{dimension_id}",
            f"has {len(codes[dimension_id])} categories ({shown}); export one "
            "municipality (one category of every dimension but year and statistikkvariabel)",
        )
    values, status = data.get("value"), data.get("status")
    total = math.prod(len(codes[i]) for i in ids)
    if not isinstance(values, list | dict) or (isinstance(values, list) and len(values) != total):
        raise _fail(name, "value", f"must hold {total} values (the product of size)")
    cells: list[Cell] = []
    ignored: set[str] = set()
    for position in range(total):
        rest, picked = position, {}
        for dimension_id in reversed(ids):
            rest, index = divmod(rest, len(codes[dimension_id]))
            picked[dimension_id] = codes[dimension_id][index]
        code = picked[metric_id]
        label = _label(dims[metric_id], code)
        variable = find(code) or find(label)
        if variable is None:
            ignored.add(f"{code} ({label})")
            continue
        value = _cell_at(values, position)
        mark = _cell_at(status, position)
        if value is None and isinstance(mark, str) and mark.strip():
            value = mark.strip()  # a suppressed cell: its symbol is its status
        elif value is not None and not isinstance(value, int | float):
            value = str(value)
        where = f"value[{position}] ({code}, {picked[time_id]})"
        cells.append(Cell(picked[time_id], variable, value, where))
    if not cells:
        raise _fail(
            name,
            f"dimension.{metric_id}",
            f"has none of the KOSTRA variables sim reads (found: {brief(sorted(ignored))}); "
            "allowed: " + ", ".join(v.text for v in BY_ID.values()),
        )
    return cells, region, sorted(ignored)
