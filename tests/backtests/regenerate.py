"""Regenerate the pinned back-test tables: ``python tests/backtests/regenerate.py``.

Each scenario of ``BACKTEST_SCENARIOS`` (``tests/helpers.py``) is run with its own seed
and replications, and its complete ``yearly.csv`` (every replication, year, group,
category and metric) is written beside this script. ``tests/test_backtests.py`` compares
a fresh run with these files value for value. Run this only on purpose, when a change of
results is intended, and say why in the commit that carries the new files.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent


def main() -> None:
    sys.path[:0] = [str(TESTS.parent), str(TESTS)]
    from helpers import BACKTEST_SCENARIOS, backtest_table

    for scenario_file, pinned in BACKTEST_SCENARIOS.items():
        pinned.write_text(backtest_table(scenario_file), encoding="utf-8")
        print(f"wrote {pinned.relative_to(TESTS.parent)}")


if __name__ == "__main__":
    main()
