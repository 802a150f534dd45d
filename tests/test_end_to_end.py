"""End-to-end tests: every shipped scenario validates and runs; the quickstart runs
(``docs/guide/quickstart.md``; the worked examples with their output are run by
``test_docs_examples.py``)."""

from __future__ import annotations

import ast
import inspect
import re
import shlex
import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "scenarios" / "policies").glob("*.yaml")
)


def test_there_are_shipped_scenarios() -> None:
    names = {path.name for path in SCENARIOS}
    assert {"base.yaml", "lorenskog.yaml", "flexbo.yaml"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT / "scenarios")))
def test_scenario_validates_and_runs(path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    checked = runner.invoke(main, ["validate", str(path)])
    assert checked.exit_code == 0, checked.output
    out = tmp_path / "out"
    result = runner.invoke(
        main, ["run", str(path), "--replications", "2", "--out", str(out), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
    waiting = summary[
        (summary.metric == "units") & (summary.group == "") & (summary.category == "")
    ]
    assert (waiting["mean"].astype(float) > 0).all()
    assert (out / "figures" / "waiting_list.png").exists()


def test_flexbo_adds_flexbo_units() -> None:
    base = sim.load_scenario(ROOT / "scenarios" / "lorenskog.yaml")
    flexbo = sim.load_scenario(ROOT / "scenarios" / "flexbo.yaml")
    assert "flexbo" in flexbo.stock
    built = sum(
        units
        for build in flexbo.builds
        if build.category == "flexbo"
        for _, units in build.schedule()
    )
    assert flexbo.stock["flexbo"].units + built >= 15
    assert flexbo.time == base.time


def _python_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown, flags=re.S)


QUICKSTART = ROOT / "docs" / "guide" / "quickstart.md"


def _calls_of_sim(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "sim"
    ]


def test_every_python_block_of_the_docs_calls_sim_as_it_is_today() -> None:
    """Each ``sim.NAME(...)`` in a Python block of the README or the docs names a public
    function and binds to its signature as written: options by keyword, today's names."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    checked = 0
    for page in pages:
        for block in _python_blocks(page.read_text(encoding="utf-8")):
            for call in _calls_of_sim(ast.parse(block)):
                name = call.func.attr  # type: ignore[attr-defined]
                assert name in sim.__all__, f"{page.name}: sim.{name} is not public"
                function = getattr(sim, name)
                positional = [object()] * len(call.args)
                keywords = {k.arg: object() for k in call.keywords if k.arg is not None}
                try:
                    inspect.signature(function).bind(*positional, **keywords)
                except TypeError as error:
                    pytest.fail(f"{page.name}: sim.{name}(...) does not fit: {error}")
                checked += 1
    assert checked >= 6  # the quickstart's and the Dask guide's calls at least


def test_python_quickstart_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _python_blocks(QUICKSTART.read_text(encoding="utf-8"))
    assert blocks, "the quickstart has Python"
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    (tmp_path / "calibration").symlink_to(ROOT / "calibration")  # the posterior it names
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # the guide shows today's spellings
        for block in blocks:
            exec(compile(block, str(QUICKSTART), "exec"), {})  # the project's own quickstart
    assert (tmp_path / "results" / "quickstart" / "manifest.json").exists()
    assert (tmp_path / "results" / "quickstart-size" / "sized.yaml").exists()


def test_cli_quickstart_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The `sim ...` lines of the command-line quickstart, shortened."""
    text = QUICKSTART.read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1].split("\n## ", 1)[0]
    commands = [
        shlex.split(line.split("  #")[0])
        for line in section.splitlines()
        if line.startswith("sim ")
    ]
    assert len(commands) >= 4
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    (tmp_path / "calibration").symlink_to(ROOT / "calibration")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for words in commands:
        args = words[1:]
        if args and args[0] == "validate":
            args = [
                "validate",
                *[str(p.relative_to(ROOT)) for p in SCENARIOS if p.parent.name == "scenarios"],
            ]
        if args and args[0] == "run":
            # keep CI fast: two replications of four years; fresh folders
            args += ["--replications", "2", "--years", "4", "--quiet", "--force"]
            if "--out" not in args:
                args += ["--out", f"results/quickstart-{len(list(tmp_path.glob('results/*')))}"]
        if args and args[0] in ("compare", "sweep", "tradeoff", "size"):
            args += [
                "--replications",
                "2",
                "--quiet",
                "--out",
                f"results/{args[0]}-{len(list(tmp_path.glob('results/*')))}",
            ]
        if args and args[0] == "sensitivity":  # two trajectories of a short run
            args += [
                "--samples",
                "2",
                "--replications",
                "1",
                "--set",
                "time.years=2",
                "--set",
                "time.warmup_years=5",
                "--quiet",
                "--out",
                f"results/sensitivity-{len(list(tmp_path.glob('results/*')))}",
            ]
        if args and args[0] == "calibrate":
            # a tiny budget: the full calibration is timed in calibration/README.md
            args += [
                "--budget",
                "2",
                "--set",
                "replications=1",
                "--set",
                "fit_replications=2",
                "--set",
                "profile=false",
                "--quiet",
                "--out",
                f"results/calibrate-{len(list(tmp_path.glob('results/*')))}",
            ]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (words, result.output)


def test_the_allocation_rule_said_of_asker_is_its_rule() -> None:
    """scenarios/README.md names the allocation rule asker.yaml uses: it cannot drift."""
    text = " ".join((ROOT / "scenarios" / "README.md").read_text(encoding="utf-8").split())
    said = re.search(r"`asker\.yaml` therefore uses `allocation: (\w+)`", text)
    assert said is not None
    rule = sim.load_scenario(ROOT / "scenarios" / "asker.yaml").policy.allocation.at_time(0)
    assert said.group(1) == rule.value


def test_every_stream_the_model_draws_from_is_in_the_model_description() -> None:
    """docs/model.md's table of streams names every stream the model takes (its source
    says ``state.streams[f"<name>/{...}"]``), and the turnaround normals it lists."""
    from sim.model.stock import TURNAROUND_NORMALS
    from sim.model.streams import BLOCK

    source = "".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "sim" / "model").glob("*.py")
    )
    used = set(re.findall(r'streams\[f"([a-z-]+)/\{', source))
    assert {"arrivals", "household", "turnaround"} <= used
    described = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([a-z-]+)/<", described, flags=re.M))
    assert used == table
    assert f"one block of {BLOCK} uniforms: the household's draws" in described
    assert (
        f"the {TURNAROUND_NORMALS} standard normals of its first {TURNAROUND_NORMALS}" in described
    )
    assert f"its first {TURNAROUND_NORMALS} turnarounds take the normals" in described


def test_the_table_of_draws_in_the_model_description_is_the_models() -> None:
    """docs/model.md's table of draws has the rows of ``streams.PURPOSES``, in its order:
    every purpose, its entity, place, kind and what it decides."""
    from sim.model.streams import PURPOSES

    described = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| `([a-z_]+)` \| (\w+) \| (\d+) \| ([a-z ]+) \| (.+) \|$", described, re.M
    )
    expected = [(p.name, p.entity, str(p.place), p.kind, p.decides) for p in PURPOSES]
    assert rows == expected
