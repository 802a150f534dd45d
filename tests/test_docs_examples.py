"""Documentation tests: every worked example in the documentation prints what it shows.

A worked example is a fenced ``console`` block in ``README.md``, ``docs/**/*.md`` or the
README of ``scenarios/``, ``calibration/`` or ``benchmarks/``: its ``$ sim ...`` line (a
line ending in ``\\`` continues on the next) is run here, in a fresh folder that sees the
repository's ``scenarios/``, ``calibration/`` and ``docs/``, with every ``--out`` sent
into that folder, and the lines below it must be what the command prints. HTML comments
``<!-- example: ... -->`` right above the block say how it is run, one run per comment
(the convention is written up for readers in ``docs/reference/examples.md``):

- ``slow``: run with ``pytest -m slow`` only;
- ``args="..."``: words added to the command (fewer replications);
- ``ignore="REGEX"``: what the regular expression matches is left out on both sides (the
  seconds a run took);
- ``tolerance="PREFIX N"``: on lines that start with PREFIX each number may differ from
  the shown one by at most N (a count of units, or of targets met, at fewer
  replications); every other line, and every word, must be the same.
"""

from __future__ import annotations

import contextlib
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHARED = ("scenarios", "calibration", "docs")  # what an example may read, as in the repository
BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)```console[ \t]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)
MARK = re.compile(r"^[ \t]*<!-- example:(?P<options>.*?)-->[ \t]*$")
OUTER = re.compile(r"^[ \t]*````.*?^[ \t]*````[ \t]*$", re.M | re.S)  # an example of an example
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Run:
    """One run of a worked example: where it is, its command, what it shows, and how."""

    where: str
    command: tuple[str, ...]
    shown: tuple[str, ...]
    slow: bool = False
    args: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    tolerance: tuple[tuple[str, float], ...] = field(default=())


def pages() -> list[Path]:
    found = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    found += [ROOT / name / "README.md" for name in ("scenarios", "calibration", "benchmarks")]
    return [path for path in found if path.is_file()]


def options(text: str, where: str) -> dict[str, object]:
    """The options of one ``<!-- example: ... -->`` comment."""
    chosen: dict[str, object] = {"slow": False, "args": (), "ignore": (), "tolerance": ()}
    for word in shlex.split(text):
        key, _, value = word.partition("=")
        if key == "slow" and not value:
            chosen["slow"] = True
        elif key == "args":
            chosen["args"] = (*chosen["args"], *shlex.split(value))  # type: ignore[misc]
        elif key == "ignore":
            chosen["ignore"] = (*chosen["ignore"], value)  # type: ignore[misc]
        elif key == "tolerance":
            prefix, _, allowed = value.rpartition(" ")
            chosen["tolerance"] = (*chosen["tolerance"], (prefix, float(allowed)))  # type: ignore[misc]
        else:
            raise ValueError(f"{where}: unknown example option {word!r}")
    return chosen


def examples_in(path: Path) -> list[Run]:
    text = OUTER.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8"))
    name = path.relative_to(ROOT).as_posix()
    runs = []
    for block in BLOCK.finditer(text):
        line = text.count("\n", 0, block.start()) + 1
        where = f"{name}:{line}"
        indent = block.group("indent")
        lines = [row.removeprefix(indent) for row in block.group("body").splitlines()]
        assert lines and lines[0].startswith("$ sim "), f"{where}: an example starts with $ sim"
        command = lines.pop(0)[2:]
        while command.endswith("\\"):
            command = command[:-1] + " " + lines.pop(0).strip()
        assert not any(row.startswith("$ ") for row in lines), f"{where}: one command a block"
        marks = []
        for above in reversed(text[: block.start()].splitlines()):
            mark = MARK.match(above)
            if mark is None:
                break
            marks.insert(0, options(mark.group("options"), where))
        for number, chosen in enumerate(marks or [options("", where)]):
            runs.append(
                Run(
                    where=f"{where}" + (f"#{number + 1}" if len(marks) > 1 else ""),
                    command=tuple(shlex.split(command)),
                    shown=tuple(lines),
                    **chosen,  # type: ignore[arg-type]
                )
            )
    return runs


EXAMPLES = [run for path in pages() for run in examples_in(path)]


def example(run: Run) -> object:
    return pytest.param(run, id=run.where, marks=[pytest.mark.slow] if run.slow else [])


def redirected(words: list[str], out: Path) -> list[str]:
    """The command with every output option (``--out``, ``--scenario-out``) pointed into
    the run's folder, and ``--out`` given when the command has none."""
    changed: list[str] = []
    given = iter(words)
    for word in given:
        name, equals, _ = word.partition("=")
        if name == "--out" or (name.startswith("--") and name.endswith("-out")):
            changed += [name, str(out if name == "--out" else out.parent / f"{out.name}{name}")]
            if not equals:
                next(given)  # the value given in the documentation
        else:
            changed.append(word)
    return changed if "--out" in changed else [*changed, "--out", str(out)]


def comparable(lines: list[str] | tuple[str, ...], run: Run) -> list[str]:
    kept = []
    for line in lines:
        for pattern in run.ignore:
            line = re.sub(pattern, "", line)
        if line.strip():
            kept.append(line.rstrip())
    return kept


def same(printed: str, shown: str, run: Run) -> bool:
    """A printed line is the shown one, or (on a tolerant line) differs only in numbers,
    each by at most the tolerance."""
    if printed == shown:
        return True
    allowed = [n for prefix, n in run.tolerance if shown.startswith(prefix)]
    if not allowed or NUMBER.sub("#", printed) != NUMBER.sub("#", shown):
        return False
    pairs = zip(NUMBER.findall(printed), NUMBER.findall(shown), strict=True)
    return all(
        abs(float(a.replace(",", "")) - float(b.replace(",", ""))) <= allowed[0] for a, b in pairs
    )


RAN: dict[Run, tuple[list[str], Path]] = {}


def run_example(run: Run, folders: pytest.TempPathFactory) -> tuple[list[str], Path]:
    """What the example's command prints (lines naming its folder left out) and its
    result folder; run once per test session."""
    if run not in RAN:
        folder = folders.mktemp("example")
        for name in SHARED:
            (folder / name).symlink_to(ROOT / name)
        out = folder / "out"
        words = redirected([*run.command[1:], *run.args], out)
        with contextlib.chdir(folder):
            result = CliRunner().invoke(main, words)
        assert result.exit_code == 0, (run.where, words, result.output)
        RAN[run] = ([line for line in result.stdout.splitlines() if str(folder) not in line], out)
    return RAN[run]


def test_the_documentation_has_worked_examples() -> None:
    """The finder finds the examples the guides are known to have, fast and slow."""
    places = {run.where.split(":")[0] for run in EXAMPLES}
    assert {"docs/guide/sizing.md", "calibration/README.md"} <= places
    assert any(run.slow for run in EXAMPLES) and any(not run.slow for run in EXAMPLES)


def test_a_tolerance_admits_only_its_numbers_on_its_lines() -> None:
    run = Run("x", ("sim",), (), tolerance=(("simulation:", 3),))
    shown = "simulation: 15 units a year from 2010 (probability >= 0.8)"
    assert same("simulation: 17 units a year from 2010 (probability >= 0.8)", shown, run)
    assert not same("simulation: 19 units a year from 2010 (probability >= 0.8)", shown, run)
    assert not same("simulation: 15 units once in 2010 (probability >= 0.8)", shown, run)
    assert not same("analytic: 16 units", "analytic: 15 units", run)


@pytest.mark.parametrize("run", [example(run) for run in EXAMPLES])
def test_a_worked_example_prints_what_it_shows(
    run: Run, tmp_path_factory: pytest.TempPathFactory
) -> None:
    printed, _ = run_example(run, tmp_path_factory)
    printed, shown = comparable(printed, run), comparable(run.shown, run)
    assert len(printed) == len(shown), (run.where, printed, shown)
    for got, documented in zip(printed, shown, strict=True):
        assert same(got, documented, run), (run.where, got, documented)


def test_the_calibration_example_pins_down_what_its_readme_says(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Step 5 of calibration/README.md's worked example reads the verdicts of the run of
    step 4: all three parameters pinned down."""
    text = " ".join((ROOT / "calibration" / "README.md").read_text(encoding="utf-8").split())
    assert "here all three are pinned down" in text
    run = next(run for run in EXAMPLES if run.command[:2] == ("sim", "calibrate"))
    _, out = run_example(run, tmp_path_factory)
    verdicts = pd.read_csv(out / "identifiability.csv").verdict
    assert list(verdicts) == ["pinned down"] * 3


def test_an_example_writes_only_into_its_own_folder(tmp_path: Path) -> None:
    """Every output option of a documented command is pointed into the run's folder (a
    command shown with ``--out docs/...`` never writes into the repository)."""
    out = tmp_path / "out"
    assert redirected(["run", "a.yaml", "--out", "docs/x", "--force"], out) == [
        "run", "a.yaml", "--out", str(out), "--force",
    ]  # fmt: skip
    assert redirected(["calibrate", "s.yaml", "--scenario-out=scenarios/k.yaml"], out) == [
        "calibrate", "s.yaml", "--scenario-out", str(tmp_path / "out--scenario-out"),
        "--out", str(out),
    ]  # fmt: skip
