"""Rewrite the output shown under every worked example in the documentation.

A worked example is a fenced ``console`` block whose first line is a ``$ sim ...`` command
(``tests/test_docs_examples.py`` runs them and fails when the shown output drifts). After a
deliberate change of results, this script runs each example's command as written, in a
fresh folder that sees the repository's ``scenarios/``, ``calibration/`` and ``docs/`` (as
the test does), and writes what it printed under the command, in place:

    python scripts/refresh_examples.py            # every page
    python scripts/refresh_examples.py docs/guide/tradeoff.md

Only the lines under each command change; review them with ``git diff`` before committing.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_docs_examples import RAN, examples_in, pages, run_example  # noqa: E402

FENCE = re.compile(r"^(?P<indent>[ \t]*)```console[ \t]*$")


class Folders:
    """Stands in for pytest's temporary-folder factory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made = 0

    def mktemp(self, name: str) -> Path:
        self.made += 1
        folder = self.root / f"{name}{self.made}"
        folder.mkdir()
        return folder


def refresh(path: Path, folders: Folders) -> int:
    """Rewrite the examples of one page; return how many blocks changed."""
    runs = {run.where.split("#")[0]: run for run in examples_in(path)}
    lines = path.read_text(encoding="utf-8").split("\n")
    name = path.relative_to(ROOT).as_posix()
    out: list[str] = []
    changed = 0
    i = 0
    outer = False
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("````"):
            outer = not outer
        fence = None if outer else FENCE.match(line)
        run = runs.get(f"{name}:{i + 1}") if fence else None
        if fence is None or run is None:
            out.append(line)
            i += 1
            continue
        indent = fence.group("indent")
        out.append(line)
        i += 1
        while True:  # the command, with its continuation lines
            out.append(lines[i])
            i += 1
            if not lines[i - 1].rstrip().endswith("\\"):
                break
        end = i
        while lines[end].strip() != "```":
            end += 1
        shown = lines[i:end]
        # run as written: the options of the example (fewer replications) are left out
        plain = type(run)(where=run.where, command=run.command, shown=run.shown)
        RAN.pop(plain, None)
        printed, _ = run_example(plain, folders)  # type: ignore[arg-type]
        fresh = [f"{indent}{row}".rstrip() for row in printed]
        while fresh and not fresh[-1].strip():
            fresh.pop()
        while fresh and not fresh[0].strip():
            fresh.pop(0)
        if fresh != shown:
            changed += 1
        out.extend(fresh)
        i = end
    path.write_text("\n".join(out), encoding="utf-8")
    return changed


def main(argv: list[str]) -> int:
    chosen = [Path(arg).resolve() for arg in argv] or pages()
    with tempfile.TemporaryDirectory() as tmp:
        folders = Folders(Path(tmp))
        for path in chosen:
            changed = refresh(path, folders)
            print(f"{path.relative_to(ROOT)}: {changed} example(s) changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
