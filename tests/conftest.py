"""The slow suite's order: its longest tests first.

A slow test may say about how long it runs, ``@pytest.mark.slow(seconds=170)`` (measured
alone on two cores; only the order uses it). Started first, the long tests run beside the
short ones instead of after them, and with ``--dist worksteal`` (as CI runs ``-m slow``)
a worker that is done takes tests still waiting on the other: the suite does not end on
one long test with one core idle. Tests without a figure keep their order, after those
with one.
"""

from __future__ import annotations

import pytest


def _seconds(item: pytest.Item) -> float:
    marker = item.get_closest_marker("slow")
    return float(marker.kwargs.get("seconds", 0)) if marker is not None else 0.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: -_seconds(item))  # stable: the rest keep their order
