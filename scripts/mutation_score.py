"""Tally ``mutmut results --all true`` (read on standard input) per file: killed / all,
with every status counted as it is, and list the mutants that were not killed. Exit 1
when fewer than ``MINIMUM`` per cent of the mutants tested were killed."""

from __future__ import annotations

import sys
from collections import Counter, defaultdict

MINIMUM = 85.0
"""Per cent of the mutants tested that the tests must kill."""


def main() -> int:
    by_file: dict[str, Counter[str]] = defaultdict(Counter)
    left: list[str] = []
    for line in sys.stdin:
        name, _, status = line.strip().rpartition(": ")
        if not name:
            continue
        module = name.split(".x\u01c1")[0].split(".x_")[0]
        by_file[module][status] += 1
        if status not in ("killed", "not checked"):
            left.append(f"{status:12} {name}")
    total: Counter[str] = Counter()
    for module in sorted(by_file):
        counts = by_file[module]
        total += counts
        print(line_of(module, counts))
    print(line_of("total", total))
    for entry in left:
        print("  " + entry)
    tested = sum(v for k, v in total.items() if k != "not checked")
    if tested and 100.0 * total["killed"] / tested < MINIMUM:
        print(f"fewer than {MINIMUM:g} % of the mutants killed", file=sys.stderr)
        return 1
    return 0


def line_of(label: str, counts: Counter[str]) -> str:
    """Killed / tested; every other status (survived, timeout, suspicious, ...) counts
    against the score. Mutants not tested yet are only listed beside it."""
    n = sum(v for k, v in counts.items() if k != "not checked")
    killed = counts["killed"]
    others = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "killed")
    score = 100.0 * killed / n if n else 0.0
    return f"{label:28} {killed:4} / {n:4} killed ({score:5.1f} %)  {others}"


if __name__ == "__main__":
    sys.exit(main())
