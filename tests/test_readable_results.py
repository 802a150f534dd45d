"""Unit and CLI tests: what the tool writes, it reads back.

A result folder's ``scenario.resolved.yaml`` (and a sized or calibrated scenario) must
load again to the very same scenario with ``sim validate``, and the folder must be read
by ``sim report``: texts that look like numbers, booleans, null or dates stay texts, and a
scenario whose written form would not fit in a scenario file is refused before it runs
(``scenarios/README.md``, "Limits"). Paths and list indexes that no file or list can
have (a NUL byte, 5,000 digits) are input errors, never internal errors.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import LOOKALIKES, assert_input_error, invoke, problem_line

from sim.config import durations, yaml_io
from sim.config.errors import ScenarioError
from sim.config.loader import (
    load_scenario,
    parse_override,
    plain_data,
    scenario_yaml,
    setting,
    validate_data,
)

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "valid_minimal.yaml"

# of those, the ones a scenario `name` may be (letters, digits, '_', '.', '-')
NAMES = ["1e5", "12E3", "1_000", "0x10", "017", "yes", "No", "on", "true", "y", "null", "12"]


def small(name: str, label: str) -> dict[str, Any]:
    return {
        "name": name,
        "time": {"start": 2020, "years": 1, "warmup_years": 0},
        "replications": 1,
        "stock": {"ordinary": {"units": 5, "label": label}},
        "groups": {"g": {"applications_per_year": 3, "eligible": ["ordinary"], "label": label}},
    }


@pytest.mark.parametrize("text", LOOKALIKES)
def test_texts_that_look_like_other_types_are_written_quoted(text: str) -> None:
    name = NAMES[LOOKALIKES.index(text) % len(NAMES)]
    scenario = validate_data(small(name, text))
    again = validate_data(yaml_io.parse_yaml(scenario_yaml(scenario), "<resolved>"))
    assert again == scenario
    assert again.name == name and again.stock["ordinary"].label == text
    assert parse_override(setting("groups.g.label", text))[1] == text


def test_a_resolved_file_with_lookalike_texts_reads_back(tmp_path: Path) -> None:
    """The folder of ``sim run`` with name ``1e5`` and labels ``yes``/``2020-01-01``."""
    path = tmp_path / "s.yaml"
    text = yaml.safe_dump(small("1e5", "yes")).replace("1e5", "'1e5'")
    path.write_text(text.replace("label: 'yes'\n", "label: '2020-01-01'\n", 1), "utf-8")
    assert load_scenario(path).name == "1e5"
    out = tmp_path / "out"
    assert invoke("run", path, "--out", out, "--quiet").exit_code == 0
    result = invoke("validate", out / "scenario.resolved.yaml")
    assert result.exit_code == 0, result.output
    assert load_scenario(out / "scenario.resolved.yaml") == load_scenario(path)


def observations(folder: Path, count: int, digits: int | None) -> Path:
    """A scenario with ``count`` observed tenancies (``digits`` decimals, or full
    precision: the longest numbers a file may hold) and no other exits."""
    rng = random.Random(5)
    values = [rng.uniform(100.0, 999.0) for _ in range(count)]
    text = "\n".join(repr(v) if digits is None else f"{v:.{digits}f}" for v in values)
    (folder / "tenancies.csv").write_text("years\n" + text + "\n", encoding="utf-8")
    data = small("observed", "")
    data["groups"]["g"]["tenancy_years"] = {
        "distribution": "empirical",
        "file": "tenancies.csv",
        "column": "years",
    }
    path = folder / "observed.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_most_observed_durations_allowed_give_a_readable_folder(tmp_path: Path) -> None:
    """Worst case within the limits: as many observations as a file may hold, written to
    full precision. Either the scenario is refused before it runs, naming the key and
    the rule, or its folder reads back; with 3 decimals it always runs and reads back."""
    full = observations(tmp_path, durations.MAX_OBSERVATIONS, None)
    result = invoke("validate", full)
    if result.exit_code != 0:
        line = problem_line(assert_input_error(result), "observed.yaml", "groups.g.tenancy_years")
        assert "written out" in line and f"{yaml_io.MAX_FILE_BYTES - yaml_io.ROOM_BYTES:,}" in line
    else:
        out = tmp_path / "full"
        assert invoke("run", full, "--out", out, "--quiet").exit_code == 0
        assert invoke("validate", out / "scenario.resolved.yaml").exit_code == 0
    rounded = observations(tmp_path, durations.MAX_OBSERVATIONS, 3)
    out = tmp_path / "rounded"
    assert invoke("run", rounded, "--out", out, "--quiet").exit_code == 0
    result = invoke("validate", out / "scenario.resolved.yaml")
    assert result.exit_code == 0, result.output
    assert load_scenario(out / "scenario.resolved.yaml") == load_scenario(rounded)
    result = invoke("report", out)
    assert result.exit_code == 0, result.output
    assert (out / "report.html").is_file()


def test_a_scenario_too_large_to_write_out_is_refused_with_its_largest_part(
    tmp_path: Path,
) -> None:
    """Aliases let a file of 97,000 values stand for a scenario that, written out in full,
    would not fit in a file: refused before it runs, naming the part."""
    first = dt.date(2020, 1, 1)
    series = {str(first + dt.timedelta(days=day)): 1 for day in range(480)}
    groups = {
        f"g{i}": {"applications_per_year": series, "eligible": ["ordinary"]} for i in range(100)
    }
    data = small("big", "") | {"groups": groups}
    data["time"]["years"] = 2
    text = yaml.safe_dump(data)  # the same series object: an anchor and 99 aliases
    assert text.count("*id") == 99
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    assert yaml_io.parse_yaml(text, "big.yaml")  # within the limits of a file
    line = problem_line(assert_input_error(invoke("validate", path)), "big.yaml", "groups")
    assert "written out" in line and "99,000 values" in line


def test_the_written_size_is_counted_as_the_reader_counts(tmp_path: Path) -> None:
    """A scenario setting every key: its written form is within the limits, measured in
    bytes and in values as the reader counts them."""
    scenario = load_scenario(DATA / "every_key.yaml")
    text = scenario_yaml(scenario)
    assert len(text.encode()) <= yaml_io.MAX_FILE_BYTES - yaml_io.ROOM_BYTES
    values, size = yaml_io.written_size(plain_data(scenario), 0)
    assert size == len(text.encode())
    assert values == yaml_io.count_values(yaml.safe_load(text))


def test_a_nul_byte_in_a_path_is_an_input_error(tmp_path: Path) -> None:
    child = tmp_path / "child.yaml"
    child.write_text('extends: "a\\0b"\n', encoding="utf-8")
    line = problem_line(assert_input_error(invoke("validate", child)), "child.yaml", "extends")
    assert "NUL" in line
    data = small("nul", "")
    data["groups"]["g"]["tenancy_years"] = {
        "distribution": "empirical",
        "file": "d\0.csv",
        "column": "years",
    }
    with pytest.raises(ScenarioError, match=r"groups\.g\.tenancy_years: file .*'d\\x00\.csv'"):
        validate_data(data, "<nul>", base_dir=tmp_path)


@pytest.mark.parametrize("index", ["9" * 5_000, "٠", "1" + "0" * 30])
def test_a_list_index_no_list_has_is_an_input_error(tmp_path: Path, index: str) -> None:
    """5,000 digits (more than Python converts), a non-ASCII digit (which Python would
    read as 0) and 31 digits are no index of a one-build list: --set and --vary say so."""
    text = MINIMAL.read_text(encoding="utf-8")
    text += "builds:\n  - {year: 2021, category: ordinary, units: 1}\n"
    path = tmp_path / "builds.yaml"
    path.write_text(text, encoding="utf-8")
    stderr = assert_input_error(invoke("validate", path, "--set", f"builds.{index}.units=3"))
    assert "builds has 1 items; use builds.N with N from 0 to 0" in stderr
    result = invoke(
        "sweep", path, "--vary", f"builds.{index}.units=1,2", "-r", "2", "--out", tmp_path / "o"
    )
    assert "builds has 1 items" in assert_input_error(result)
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_the_folder_of_every_command_reads_back(tmp_path: Path) -> None:
    """run, compare, sweep, tradeoff, size, sensitivity and calibrate (with its scenario
    written with --scenario-out): ``sim validate`` reads each scenario they wrote, ``sim
    report`` each folder (but sensitivity's, of which it makes no report); the scenario is
    named ``1e5`` with labels ``yes`` and ``~``."""
    import sim

    path = tmp_path / "odd.yaml"
    path.write_text(
        f"extends: {DATA / 'tiny.yaml'}\nname: '1e5'\nstock:\n  ordinary: {{label: 'yes'}}\n"
        "groups:\n  elderly: {label: '~'}\n",
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert scenario.name == "1e5" and scenario.stock["ordinary"].label == "yes"
    other = tmp_path / "other.yaml"
    other.write_text("extends: odd.yaml\nname: 'yes'\npolicy: {renewal: strict}\n", "utf-8")
    out = {name: tmp_path / name for name in ("run", "compare", "sweep", "tradeoff", "size")}
    sim.run(path, replications=2, out=out["run"])
    sim.compare(path, alternatives=[other], replications=2, out=out["compare"])
    sim.sweep(path, vary={"stock.ordinary.units": [10, 20]}, replications=2, out=out["sweep"])
    tradeoff = sim.tradeoff(path, vary=["policy.renewal=strict,always"], replications=2)
    tradeoff.write(out["tradeoff"])
    sim.size(path, category="ordinary", target="waiting <= 0", replications=2, out=out["size"])
    out["sensitivity"] = tmp_path / "sensitivity"
    sim.sensitivity(
        path,
        vary=["stock.ordinary.units=10:20"],
        samples=2,
        replications=2,
        metrics=["waiting"],
        out=out["sensitivity"],
    )
    out["calibrate"] = tmp_path / "calibrate"
    sim.calibrate(
        DATA / "recovery" / "recovery.yaml",
        budget=2,
        overrides=["replications=1", "fit_replications=2", "profile=false"],
        out=out["calibrate"],
        scenario_out=tmp_path / "calibrated.yaml",
    )
    assert invoke("validate", tmp_path / "calibrated.yaml").exit_code == 0
    for command, folder in out.items():
        written = [folder / name for name in ("scenario.resolved.yaml", "sized.yaml", "best.yaml")]
        assert any(file.is_file() for file in written), command
        for file in (file for file in written if file.is_file()):
            result = invoke("validate", file)
            assert result.exit_code == 0, (command, file.name, result.output)
        if command != "calibrate":
            assert load_scenario(folder / "scenario.resolved.yaml").name == "1e5", command
        if command == "sensitivity":  # sim report makes no report of it, and says so
            continue
        result = invoke("report", folder)
        assert result.exit_code == 0, (command, result.output, result.exception)
