"""Files a scenario names (an empirical duration's ``file``, ``calibration.posterior``)
are read relative to the folder of the scenario being loaded; a parent's references are
moved so that they mean the same when another file ``extends`` it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def rebased(data: Any, source: Path, target: Path) -> Any:
    """``data`` read from a file in the folder ``source`` with the files it names
    relative to ``target`` instead: an empirical duration's ``file`` and
    ``calibration.posterior``, which are read relative to the folder of the scenario
    being loaded, so that a file's references mean the same when another extends it."""

    def moved(name: Any) -> Any:
        if not isinstance(name, str) or not name.strip() or "\0" in name:
            return name  # validation tells what is wrong with it
        if name.strip().lower() == "none" or os.path.isabs(name):
            return name
        return os.path.relpath(os.path.normpath(source / name), target)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {key: walk(value) for key, value in node.items()}
            if out.get("distribution") == "empirical" and "file" in out:
                out["file"] = moved(out["file"])
            return out
        if isinstance(node, list):
            return [walk(value) for value in node]
        return node

    if source.resolve() == target.resolve() or not isinstance(data, dict):
        return data
    data = walk(data)
    calibration = data.get("calibration")
    if isinstance(calibration, dict) and "posterior" in calibration:
        data["calibration"] = {**calibration, "posterior": moved(calibration["posterior"])}
    return data
