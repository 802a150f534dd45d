"""CLI tests: every numeric option and calibration-spec key is checked before any work.

Each case once crashed (``--budget 1e14``: MemoryError; a target of ``nan``: internal
error), answered something else than asked (``sim size --confidence nan``), overwrote a
file (``--scenario-out`` without ``--force``), failed only after the work (``--scenario-out
.``) or spun for hours (a grid of a million points). Each must now exit 2 with the option
(or file and key), the rule and the allowed values, at once: the inputs are tiny, and a
check that fired after the work would make these tests slow, not green. Also: group ids
and ``--target`` read ids by one rule, so a Norwegian id can be sized.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from helpers import DATA, assert_input_error, invoke

TINY = DATA / "tiny.yaml"
RECOVERY = DATA / "recovery"
TARGETS_HEADER = "year,metric,group,category,observed,low,high,weight,source\n"
QUICK_SECONDS = 20  # generous: each refused case does no simulation at all


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    """A copy of the recovery spec, its scenarios and targets in ``tmp_path``."""
    for name in ("recovery.yaml", "truth.yaml", "start.yaml", "targets.csv"):
        shutil.copy(RECOVERY / name, tmp_path / name)
    return tmp_path / "recovery.yaml"


def refused(*args: str | Path) -> str:
    """Run a command that must be refused at once; return its stderr."""
    started = time.perf_counter()
    result = invoke(*args)
    stderr = assert_input_error(result)
    assert time.perf_counter() - started < QUICK_SECONDS, "the check came after the work"
    return stderr


# --------------------------------------------------------------------- sim calibrate


@pytest.mark.parametrize(
    ("options", "fragments"),
    [
        (["--budget", "100000000000000"], ["--budget", "whole number from 1 to 10,000"]),
        (["--set", "budget=1e14"], ["recovery.yaml: budget", "less than or equal to 10000"]),
        (["--set", "budget=2.5"], ["recovery.yaml: budget"]),
        (
            ["--set", "replications=1e9"],
            ["recovery.yaml: replications", "less than or equal to 1000"],
        ),
        (["--set", "fit_replications=100000000"], ["recovery.yaml: fit_replications"]),
        (["--set", "optimiser.initial=100000000000"], ["recovery.yaml: optimiser.initial"]),
        (
            ["--budget", "10000", "--set", "replications=100"],
            ["recovery.yaml: budget", "1,000,800 replications", "at most 100,000"],
        ),
        (["--seed", "99999999999999999999999"], ["--seed", "from 0 to 9,223,372,036"]),
        (["--set", "seed=-1"], ["recovery.yaml: seed"]),
        (["--set", "holdout_years=[2012.5]"], ["recovery.yaml: holdout_years.0"]),
        (["-j", "100000"], ["--jobs", "100000", "0<=x<=256"]),
    ],
)
def test_calibrate_options_and_spec_keys_are_bounded(
    spec: Path, tmp_path: Path, options: list[str], fragments: list[str]
) -> None:
    result = invoke("calibrate", spec, "--out", tmp_path / "out", "--quiet", *options)
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, (fragment, result.output)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("parameter", "fragment"),
    [
        ("{low: 10, high: .inf, guess: 20, log: true}", "finite number"),
        ("{low: .nan, high: 80, guess: 20, log: true}", "finite number"),
    ],
)
def test_a_parameter_bound_of_nan_or_inf_is_refused(
    spec: Path, tmp_path: Path, parameter: str, fragment: str
) -> None:
    text = spec.read_text(encoding="utf-8").replace(
        "{low: 10, high: 80, guess: 20, log: true}", parameter
    )
    spec.write_text(text, encoding="utf-8")
    stderr = refused("calibrate", spec, "--out", tmp_path / "out", "--quiet")
    assert "parameters.groups.families.applications_per_year" in stderr
    assert fragment in stderr


@pytest.mark.parametrize(
    ("row", "key", "fragment"),
    [
        ("2012,waiting,families,,nan,,,1,x", "observed", "'nan' is not a finite number"),
        ("2012,waiting,families,,inf,,,1,x", "observed", "inf is not a finite number"),
        ("2012,waiting,families,,-inf,,,1,x", "observed", "is not a finite number"),
        ("2012,waiting,families,,1e400,,,1,x", "observed", "is not a finite number"),
        ("2012,waiting,families,,abc,,,1,x", "observed", "'abc' is not a finite number"),
        ("2012,waiting,families,,,nan,5,1,x", "low", "is not a finite number"),
        ("2012,waiting,families,,,1,inf,1,x", "high", "is not a finite number"),
        ("2012,waiting,families,,5,,,inf,x", "weight", "is not a finite number"),
        ("2012,waiting,families,,5,,,nan,x", "weight", "is not a finite number"),
        ("2012,waiting,families,,5,,,1e7,x", "weight", "must be >= 0 and <= 1e+06"),
        ("2012.5,waiting,families,,5,,,1,x", "year", "2012.5 is not a year (a whole number)"),
    ],
)
def test_calibration_targets_must_be_finite_and_years_whole(
    spec: Path, tmp_path: Path, row: str, key: str, fragment: str
) -> None:
    (tmp_path / "targets.csv").write_text(TARGETS_HEADER + row + "\n", encoding="utf-8")
    stderr = refused("calibrate", spec, "--out", tmp_path / "out", "--quiet")
    assert f"targets.csv: line 2: {key}: " in stderr, stderr
    assert fragment in stderr


def test_scenario_out_is_checked_before_calibrating(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    existing = tmp_path / "mine.yaml"
    existing.write_text("# my own notes\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    cases = [
        (".", "is a folder; name a file"),
        ("folder", "is a folder; name a file"),
        ("mine.yaml", "exists already; choose another file or add --force"),
        ("missing/x.yaml", "cannot be written: no folder missing"),
    ]
    for name, fragment in cases:
        stderr = refused("calibrate", spec, "--out", tmp_path / "out", "-q", "--scenario-out", name)
        assert f"{name}: --scenario-out: {fragment}" in stderr, stderr
        assert not (tmp_path / "out").exists()
    assert existing.read_text(encoding="utf-8") == "# my own notes\n"
    base = tmp_path / "start.yaml"
    before = base.read_text(encoding="utf-8")
    stderr = refused(
        "calibrate", spec, "--out", tmp_path / "out", "-q", "--scenario-out", base, "--force"
    )
    assert "--scenario-out: is the base scenario the calibrated scenario extends" in stderr
    assert base.read_text(encoding="utf-8") == before


def test_scenario_out_replaces_a_file_only_with_force(spec: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "calibrated.yaml"
    # an older calibrated scenario (--force replaces only what sim calibrate wrote)
    overlay.write_text("# Made by `sim calibrate old.yaml` (seed 1).\n", encoding="utf-8")
    small = ["--budget", "1", "--set", "replications=1", "--set", "fit_replications=2"]
    result = invoke(
        "calibrate", spec, *small, "--set", "profile=false", "-q",
        "--out", tmp_path / "out", "--scenario-out", overlay, "--force",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert overlay.read_text(encoding="utf-8").startswith("# Made by `sim calibrate")
    assert "extends: start.yaml" in overlay.read_text(encoding="utf-8")


# ------------------------------------------------------------------------- sim size


SIZE = ["size", TINY, "--category", "ordinary", "--target", "waiting <= 5", "-q"]


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (["--confidence", "nan"], "--confidence: nan: must be a number above 0 and at most 1"),
        (["--confidence", "inf"], "--confidence: inf: must be a number above 0 and at most 1"),
        (["--confidence", "0"], "--confidence: 0.0: must be a number above 0 and at most 1"),
        (["--confidence", "1.5"], "--confidence: 1.5: must be a number above 0 and at most 1"),
        (["--max-units", "100000000000"], "--max-units: 100000000000: must be a whole number"),
        (["--max-units", "0"], "--max-units: 0: must be a whole number from 1 to 100,000"),
        (["--from", "0"], "--from: 0: must be a whole number from 2020 to 2022"),
        (["--to", "99999999999999999999"], "--to: 99999999999999999999: must be a whole"),
        (["-r", "100000"], "--replications: 100000: must be a whole number from 1 to 6250"),
    ],
)
def test_size_options_are_bounded(tmp_path: Path, options: list[str], fragment: str) -> None:
    stderr = refused(*SIZE, "--out", tmp_path / "out", *options)
    assert fragment in stderr, stderr
    assert not (tmp_path / "out").exists()


def test_a_group_with_a_norwegian_id_can_be_sized(tmp_path: Path) -> None:
    """Ids and --target follow one rule: letters of any alphabet, digits, '_' and '-'."""
    text = TINY.read_text(encoding="utf-8").replace("  elderly:", "  særskilt_eldre-ø:")
    scenario = tmp_path / "norsk.yaml"
    scenario.write_text(text, encoding="utf-8")
    target = "waiting[group=særskilt_eldre-ø] <= 50"
    result = invoke(
        "size", scenario, "--category", "trygd", "--target", target,
        "--max-units", "1", "-r", "2", "-q", "--out", tmp_path / "out",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "simulation: 0 units a year" in result.output
    wrong = invoke(
        "size", scenario, "--category", "trygd", "--target", "waiting[group=særskilt.eldre] <= 5",
        "-q", "--out", tmp_path / "wrong",
    )  # fmt: skip
    stderr = assert_input_error(wrong)
    assert "character '.' at position 23 is not allowed in an id" in stderr
    assert "an id is letters (æ, ø, å too), digits, '_' or '-'" in stderr


# ------------------------------------------------------- sim sweep, tradeoff, sensitivity


THOUSAND = "seed=[" + ",".join(str(n) for n in range(1, 1001)) + "]"


@pytest.mark.parametrize("command", ["sweep", "tradeoff"])
def test_grids_are_bounded_before_any_point_is_made(command: str, tmp_path: Path) -> None:
    """10^6 points once spun silently for hours validating them."""
    million = ["--vary", THOUSAND, "--vary", THOUSAND.replace("seed", "time.warmup_years")]
    stderr = refused(command, TINY, *million, "-q", "--out", tmp_path / "out")
    assert "--vary: 1,000,000 points: at most" in stderr
    assert "5,000 points are allowed" in stderr
    stderr = refused(command, TINY, "--vary", THOUSAND, "-r", "30", "-q", "--out", tmp_path / "o")
    assert "--replications: 1,000 points × 30: are 30,000 replications" in stderr
    assert "at most 25,000 in all" in stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (["-n", "10000000"], "--samples: 20,000,000 points: at most 5,000 points are allowed"),
        (["-n", "1000", "-r", "100"], "--replications: 2,000 points × 100"),
        (["-n", "2", "--sample-seed", "99999999999999999999"], "--sample-seed: 9999"),
    ],
)
def test_sensitivity_samples_are_bounded(tmp_path: Path, options: list[str], fragment: str) -> None:
    pytest.importorskip("SALib")
    vary = ["--vary", "policy.renewal_probability=0.5:0.9"]
    stderr = refused("sensitivity", TINY, *vary, *options, "-q", "--out", tmp_path / "out")
    assert fragment in stderr, stderr


def test_compare_is_bounded_like_a_grid(tmp_path: Path) -> None:
    stderr = refused("compare", TINY, TINY, "-r", "20000", "-q", "--out", tmp_path / "out")
    assert "--replications: 2 scenarios × 20,000: are 40,000 replications" in stderr
    assert "at most 25,000 in all" in stderr


# ------------------------------------------------------------------------- --jobs


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "size", "calibrate", "app"])
def test_jobs_is_bounded_everywhere(command: str) -> None:
    result = invoke(command, "--help")
    assert "--jobs" in result.output and "0<=x<=256" in result.output


def test_the_documented_limits_are_the_code_s() -> None:
    """The quickstart and "Limits" state the grid and budget limits the checks use."""
    from sim.config import option_limits as limits

    root = DATA.parent.parent
    readme = " ".join((root / "docs/guide/quickstart.md").read_text(encoding="utf-8").split())
    documented = " ".join((root / "scenarios" / "README.md").read_text(encoding="utf-8").split())
    points, replications = f"{limits.MAX_POINTS:,}", f"{limits.MAX_POINT_REPLICATIONS:,}"
    budget = f"{limits.MAX_BUDGET:,}"
    assert f"grids of at most {points} points and {replications} replications" in readme
    assert f"a calibration budget of at most {budget} evaluations" in readme
    assert f"at most {points} points (a grid's" in documented
    assert f"and at most {replications} replications in all" in documented
    assert f"1..{budget} evaluations" in documented
