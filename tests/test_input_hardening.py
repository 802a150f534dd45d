"""Unit and CLI tests: every input a demanding user tried that once crashed, hung or misled.

Each reproducer is written as it was found (a file, an option, a command); each must now
exit with code 2 and a message naming the file (or option) and the key, or, for the
wrong default, run correctly. Messages are checked with the helpers of
``test_scenario_errors.py`` (``FILE: KEY: MESSAGE`` lines on stderr).
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from helpers import assert_input_error, invoke, problem_line

import sim
from sim.analysis.hidden import INCOMPLETE, recover
from sim.analysis.replace import atomic_folder
from sim.analysis.sweep import parse_vary
from sim.config import yaml_io
from sim.config.errors import InputError, ScenarioError
from sim.config.loader import load_scenario, plain_data, scenario_yaml, validate_data

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "valid_minimal.yaml"
SHIPPED = sorted((ROOT / "scenarios").rglob("*.yaml"))


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def child(folder: Path, name: str, text: str) -> Path:
    """A file that extends the minimal valid scenario and adds ``text``."""
    return write(folder, name, f"extends: {MINIMAL}\n{text}")


def message_for(stderr: str, file: str, key: str | None) -> str:
    return problem_line(stderr, file, key)


# --- D1: a group without exit_to -------------------------------------------------------


def test_group_without_exit_to_sends_leavers_to_private_rental(tmp_path: Path) -> None:
    """The documented default (every leaver to private rental) is what the model does."""
    text = (ROOT / "scenarios" / "base.yaml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "exit_to:" not in line]
    assert len(lines) < len(text.splitlines())  # base.yaml does set exit_to
    path = write(tmp_path, "noexit.yaml", "\n".join(lines) + "\n")
    scenario = load_scenario(path, ["time.years=10", "replications=1"])
    assert all(
        g.exit_to == {"ownership": 0.0, "private_rental": 1.0} for g in scenario.groups.values()
    )
    yearly = sim.run(scenario).yearly
    totals = yearly[(yearly.group == "") & (yearly.category == "")]
    exits = totals.groupby("metric").value.sum()
    assert exits["exits_ownership"] == 0
    assert exits["exits_private_rental"] > 20  # there are leavers, and all go to rental


def test_resolved_file_reruns_to_the_same_tables(tmp_path: Path) -> None:
    """sim run, then sim run of its scenario.resolved.yaml: identical yearly tables."""
    lines = [
        line
        for line in (ROOT / "scenarios" / "base.yaml").read_text(encoding="utf-8").splitlines()
        if "exit_to:" not in line
    ]
    path = write(tmp_path, "noexit.yaml", "\n".join(lines) + "\n")
    first = invoke("run", path, "-r", "1", "--years", "10", "--out", tmp_path / "a", "-q")
    assert first.exit_code == 0, first.output
    again = invoke("run", tmp_path / "a" / "scenario.resolved.yaml", "--out", tmp_path / "b", "-q")
    assert again.exit_code == 0, again.output
    a = pd.read_csv(tmp_path / "a" / "yearly.csv")
    b = pd.read_csv(tmp_path / "b" / "yearly.csv")
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_round_trip_of_every_shipped_file_is_an_identity(path: Path) -> None:
    """file -> scenario -> resolved YAML -> scenario gives the very same scenario."""
    scenario = load_scenario(path)
    text = scenario_yaml(scenario)
    again = validate_data(yaml_io.parse_yaml(text, "<resolved>"), "<resolved>")
    assert again == scenario
    assert plain_data(again) == plain_data(scenario)
    assert not quoted_number_keys(yaml.safe_load(text))  # years and rooms as numbers


def quoted_number_keys(data: object) -> list[str]:
    """Mapping keys that are numbers written as text (``'2010'``), anywhere in ``data``."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and key.isdigit():
                found.append(key)
            found += quoted_number_keys(value)
    elif isinstance(data, list):
        for value in data:
            found += quoted_number_keys(value)
    return found


# --- non-finite and huge numbers --------------------------------------------------------

NUMBER_CASES = [
    ("time:\n  warmup_years: .inf\n", "time.warmup_years", "finite"),
    (
        "groups:\n  disadvantaged:\n    applications_per_year: {.inf: 5}\n",
        "groups.disadvantaged.applications_per_year",
        "not a whole number",
    ),
    (
        "groups:\n  disadvantaged:\n    applications_per_year: {1.0e+400: 5}\n",
        "groups.disadvantaged.applications_per_year",
        "not a whole number",
    ),
    (
        "groups:\n  disadvantaged:\n    applications_per_year: {2011.9: 5}\n",
        "groups.disadvantaged.applications_per_year",
        "2011.9",
    ),
    ("followup:\n  capacity: .inf\n", "followup.capacity", "finite"),
    ("emergency:\n  units: {2020: 1.0e+400}\n", "emergency.units", "finite"),
    (
        "groups:\n  disadvantaged:\n    applications_per_year: .inf\n",
        "groups.disadvantaged.applications_per_year",
        "finite",
    ),
    (
        "groups:\n  disadvantaged:\n    applications_per_year: 1e308\n",
        "groups.disadvantaged.applications_per_year",
        "0 to 100,000",
    ),
    (
        "groups:\n  disadvantaged:\n    applications_per_year: .nan\n",
        "groups.disadvantaged.applications_per_year",
        "finite",
    ),
    (
        "groups:\n  disadvantaged:\n    initial_waiting: 0x7FFFFFFFFFFFFFFF\n",
        "groups.disadvantaged.initial_waiting",
        "<= 100,000",
    ),
    (
        "groups:\n  disadvantaged:\n    exit_to: {ownership: .nan, private_rental: 1}\n",
        "groups.disadvantaged.exit_to.ownership",
        "finite",
    ),
    ("groups:\n  disadvantaged:\n    rooms: {1: .nan}\n", "groups.disadvantaged.rooms.1", "finite"),
    (
        "stock:\n  ordinary:\n    units: 1000000000000000000000000000000\n",
        "stock.ordinary.units",
        "<= 100,000",
    ),
    (
        "builds:\n  - {year: 2020, category: ordinary, units: 1000000000000000000000000000000}\n",
        "builds.0.units",
        "<= 100,000",
    ),
    ("stock:\n  ordinary:\n    turnaround_cv: 1e308\n", "stock.ordinary.turnaround_cv", "<= 10"),
    ("stock:\n  ordinary:\n    units: true\n", "stock.ordinary.units", "whole number"),
    (
        "stock:\n  ordinary:\n    contract_years: 1e-9\n",
        "stock.ordinary.contract_years",
        ">= 0.0001",
    ),
    (
        "groups:\n  disadvantaged:\n    withdraw_per_year: 1e9\n",
        "groups.disadvantaged.withdraw_per_year",
        "<= 10,000",
    ),
    ("policy:\n  size_match: 1\n", "policy.size_match", "true or false"),
]


@pytest.mark.parametrize(
    ("text", "key", "says"),
    NUMBER_CASES,
    ids=[c[1] + ":" + c[0].split(":")[-1].strip()[:20] for c in NUMBER_CASES],
)
def test_numbers_must_be_finite_and_in_range(
    tmp_path: Path, text: str, key: str, says: str
) -> None:
    path = child(tmp_path, "numbers.yaml", text)
    stderr = assert_input_error(invoke("run", path, "--out", tmp_path / "out", "-q"))
    line = message_for(stderr, "numbers.yaml", key)
    assert says in line, line
    assert not (tmp_path / "out").exists()


def test_whole_number_written_as_float_and_quoted_year_are_read() -> None:
    data = yaml.safe_load(MINIMAL.read_text())
    data["stock"]["ordinary"]["units"] = 10.0
    data["groups"]["disadvantaged"]["applications_per_year"] = {"2020": 6, 2021.0: 7}
    scenario = validate_data(data)
    assert scenario.stock["ordinary"].units == 10
    assert scenario.groups["disadvantaged"].applications_per_year.years == [2020, 2021]


# --- YAML ------------------------------------------------------------------------------

BILLION_LAUGHS = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10)
)


YAML_CASES = [
    ("deep_flow.yaml", "description: " + "[" * 500 + "]" * 500 + "\n", "nested more than 32"),
    ("bad_float.yaml", "seed: !!float abc\n", "'abc' is not a valid float"),
    ("bad_int.yaml", "seed: !!int 1.5\n", "'1.5' is not a valid int"),
    ("duplicate.yaml", "seed: 1\nseed: 2\n", "duplicate key 'seed'"),
    (
        "duplicate_nested.yaml",
        "stock:\n  ordinary: {units: 1, units: 2}\n",
        "duplicate key 'units'",
    ),
    ("laughs.yaml", BILLION_LAUGHS, "more than 100,000 values"),
    ("recursive.yaml", "description: &x [1, *x]\n", "recursive alias"),
    ("python_tag.yaml", "description: !!python/name:os.system\n", "constructor"),
    ("two_documents.yaml", "seed: 1\n---\nseed: 2\n", "single document"),
]


@pytest.mark.parametrize(("name", "text", "says"), YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_yaml_problems_are_input_errors(tmp_path: Path, name: str, text: str, says: str) -> None:
    path = write(tmp_path, name, f"extends: {MINIMAL}\n{text}")
    stderr = assert_input_error(invoke("validate", path))
    line = message_for(stderr, name, None)
    assert "malformed YAML at line" in line and says in line, line
    assert len(stderr) < 2_000


def test_billion_laughs_is_refused_before_anything_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The alias check counts events; the document is never composed."""

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the document was composed")

    monkeypatch.setattr(yaml_io.yaml, "load", never)
    with pytest.raises(ScenarioError, match="more than 100,000 values"):
        yaml_io.parse_yaml(BILLION_LAUGHS, "laughs.yaml")


def test_recursive_alias_in_child_and_parent(tmp_path: Path) -> None:
    """The same key recursive in a parent and its child: each file is refused by name."""
    write(tmp_path, "parent.yaml", MINIMAL.read_text() + "description: &d [a, *d]\n")
    kid = write(tmp_path, "kid.yaml", "extends: parent.yaml\ndescription: &e {x: *e}\n")
    stderr = assert_input_error(invoke("validate", kid))
    assert "recursive alias" in message_for(stderr, "kid.yaml", None)
    plain_kid = write(tmp_path, "plain_kid.yaml", "extends: parent.yaml\nseed: 2\n")
    stderr = assert_input_error(invoke("validate", plain_kid))
    assert "recursive alias" in message_for(stderr, "parent.yaml", None)


def test_deep_nesting_through_set() -> None:
    stderr = assert_input_error(
        invoke("validate", MINIMAL, "--set", "description=" + "[" * 500 + "]" * 500)
    )
    assert "--set: description: malformed YAML" in stderr and "nested more than" in stderr


def test_libyaml_is_used_where_pyyaml_has_it() -> None:
    assert bool(getattr(yaml, "__with_libyaml__", False)) == yaml_io.LIBYAML


def test_merge_keys_still_work() -> None:
    data = yaml_io.parse_yaml("base: &b {x: 1, y: 2}\nc: {<<: *b, x: 3}\n", "<text>")
    assert data["c"] == {"x": 3, "y": 2}


def test_yaml_1_2_floats_are_numbers() -> None:
    assert yaml_io.parse_yaml("[1e5, 2.5e-3, 1_000]", "<text>") == [1e5, 2.5e-3, 1000]


def test_file_larger_than_the_limit(tmp_path: Path) -> None:
    path = child(tmp_path, "large.yaml", "description: " + "x" * (yaml_io.MAX_FILE_BYTES + 10))
    stderr = assert_input_error(invoke("validate", path))
    assert "bytes; files larger than 1,000,000 bytes are not read" in message_for(
        stderr, "large.yaml", None
    )


def test_long_values_are_cut_in_messages(tmp_path: Path) -> None:
    path = child(tmp_path, "long.yaml", "seed: " + "9" * 100_000 + "x\n")
    stderr = assert_input_error(invoke("validate", path))
    assert len(stderr) < 1_000
    assert "must be a whole number" in message_for(stderr, "long.yaml", "seed")


def test_six_levels_of_aliases_give_a_short_message(tmp_path: Path) -> None:
    """Within the expansion limit, but the value is huge: the message stays readable."""
    text = "a0: &a0 [x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 6) + "]\n" for i in range(1, 6)
    )
    path = child(tmp_path, "aliases.yaml", text.replace("a5: &a5", "seed: &a5"))
    stderr = assert_input_error(invoke("validate", path))
    assert "seed: must be a whole number, got [[[" in stderr
    assert max(len(line) for line in stderr.splitlines()) < 500, stderr


# --- files --------------------------------------------------------------------------------


def test_extends_name_too_long(tmp_path: Path) -> None:
    path = write(tmp_path, "long_extends.yaml", "extends: " + "a" * 300 + ".yaml\n")
    stderr = assert_input_error(invoke("validate", path))
    assert "cannot be read" in message_for(stderr, "long_extends.yaml", "extends")


def test_scenario_path_too_long() -> None:
    stderr = assert_input_error(invoke("validate", "b" * 300 + ".yaml"))
    assert "cannot be read" in stderr


@pytest.mark.parametrize("target", ["/proc/1/root/x", "/dev/zero"])
def test_extends_unreadable_or_special(tmp_path: Path, target: str) -> None:
    path = write(tmp_path, "special.yaml", f"extends: {target}\n")
    stderr = assert_input_error(invoke("validate", path))
    message_for(stderr, "special.yaml", "extends")


def test_extends_dev_zero_is_not_read() -> None:
    with pytest.raises(ScenarioError, match="not a regular file"):
        yaml_io.read_text(Path("/dev/zero"), "/dev/zero")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_extends_fifo_does_not_hang(tmp_path: Path) -> None:
    """Run as a separate process with a time-out: a hang fails instead of blocking."""
    os.mkfifo(tmp_path / "pipe.yaml")
    path = write(tmp_path, "fifo.yaml", "extends: pipe.yaml\n")
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stderr
    assert "not a regular file" in done.stderr


def test_validate_reports_every_file(tmp_path: Path) -> None:
    good = write(tmp_path, "good.yaml", MINIMAL.read_text())
    bad_yaml = child(tmp_path, "bad_yaml.yaml", "seed: !!int 1.5\n")
    bad_value = child(tmp_path, "bad_value.yaml", "seed: .nan\n")
    special = write(tmp_path, "special.yaml", "extends: /dev/zero\n")
    result = invoke("validate", bad_yaml, good, bad_value, special, tmp_path / "missing.yaml")
    stderr = assert_input_error(result)
    assert "ok: " in result.stdout and "good.yaml" in result.stdout
    for name in ("bad_yaml.yaml", "bad_value.yaml", "special.yaml", "missing.yaml"):
        problem_line(stderr, name, None)


@pytest.mark.parametrize(
    ("out", "says"),
    [
        ("/proc/x", "cannot be created"),
        ("/etc/passwd/x", "is a file"),
        ("/dev/null", "not a folder"),
    ],
)
def test_out_folder_checked_before_simulating(
    monkeypatch: pytest.MonkeyPatch, out: str, says: str
) -> None:
    import sim.api

    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the simulation started")

    monkeypatch.setattr(sim.api.runs, "run_scenario", no_run)
    stderr = assert_input_error(invoke("run", MINIMAL, "--out", out, "--force", "-q"))
    assert says in problem_line(stderr, out, "--out")


def test_abandoned_temporary_folders_are_removed(tmp_path: Path) -> None:
    """What a killed run left (its process gone) goes; a running process's stays."""
    host = __import__("hashlib").blake2b(platform.node().encode(), digest_size=4).hexdigest()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".run{INCOMPLETE}{dead_pid}.{host}-abc"
    alive = tmp_path / f".run{INCOMPLETE}{os.getppid()}.{host}-def"
    elsewhere = tmp_path / f".run{INCOMPLETE}{dead_pid}.00000000-ghi"
    for folder in (stale, alive, elsewhere):
        folder.mkdir()
        (folder / "yearly.csv").write_text("x")
    with atomic_folder(tmp_path / "next") as folder:
        (folder / "done").write_text("yes")
    assert not stale.exists()
    assert alive.exists() and elsewhere.exists()
    assert (tmp_path / "next" / "done").read_text() == "yes"
    assert recover(tmp_path) == []


def test_concurrent_force_writes_never_fail(tmp_path: Path) -> None:
    """Eight writers replace the same result folder with --force at once: all succeed,
    one wins."""
    out = tmp_path / "result"
    errors: list[BaseException] = []

    def writer(index: int) -> None:
        try:
            for _ in range(5):
                with atomic_folder(out, force=True) as folder:
                    for part in range(20):
                        (folder / f"part{part}").write_text(str(index))
                    manifest = {"files": [], "versions": {"sim-housing": "0"}, "writer": index}
                    (folder / "manifest.json").write_text(json.dumps(manifest))
        except BaseException as error:  # collected and reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    contents = {p.read_text() for p in out.iterdir() if p.name != "manifest.json"}
    assert len(list(out.iterdir())) == 21 and len(contents) == 1  # one writer's whole folder
    assert json.loads((out / "manifest.json").read_text())["writer"] == int(contents.pop())
    assert [p.name for p in tmp_path.iterdir()] == ["result"]  # nothing left beside it


def test_terminated_run_leaves_nothing(tmp_path: Path) -> None:
    """``kill`` (SIGTERM) during a run with workers: exit, no folder, no worker left."""
    out = tmp_path / "killed"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "run",
            str(ROOT / "scenarios" / "asker.yaml"),
            "-r",
            "40",
            "--jobs",
            "2",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:  # wait until the replications are running
        if "replications" in line:
            break
    time.sleep(1.0)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=120)
    assert process.returncode != 0
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


# --- --set, --vary and --metrics -----------------------------------------------------------

SET_CASES = [
    ("builds.0.units.x=1", "builds.0.units is 5"),
    ("builds.0.category.x=1", "builds.0.category is 'ordinary'"),
    ("builds.-1.units=5", "use builds.N with N from 0 to 0"),
    ("builds.1.units=5", "use builds.N with N from 0 to 0"),
    ("description=[unclosed", "malformed YAML"),
    ("seed=!!python/name:os.system", "malformed YAML"),
]


@pytest.mark.parametrize(("setting", "says"), SET_CASES, ids=[c[0] for c in SET_CASES])
def test_bad_set(tmp_path: Path, setting: str, says: str) -> None:
    path = child(
        tmp_path, "builds.yaml", "builds:\n  - {year: 2020, category: ordinary, units: 5}\n"
    )
    stderr = assert_input_error(invoke("validate", path, "--set", setting))
    assert says in stderr, stderr


def test_set_replaces_a_list_item_and_merges_a_mapping() -> None:
    scenario = load_scenario(
        MINIMAL,
        [
            "builds=[{year: 2020, category: ordinary, units: 5}]",
            "builds.0={from: 2020, to: 2021, category: trygd, units_per_year: 1}",
            "stock.ordinary={units: 12}",
        ],
    )
    assert scenario.builds[0].units_per_year == 1 and scenario.builds[0].units is None
    assert scenario.stock["ordinary"].units == 12
    assert scenario.stock["ordinary"].contract_years.at_year(2010) == 3  # merged, not replaced


@pytest.mark.parametrize(
    ("vary", "says"),
    [
        ("policy.renewal=[,strict", "malformed YAML"),
        ("policy.renewal=!!python/name:os.system", "malformed YAML"),
        ("policy.renewal=strict,,always", "non-empty list"),
        ("policy.renewal=[]", "non-empty list"),
        ("policy.renewal=[a, b] x", "malformed YAML"),
    ],
)
def test_bad_vary(tmp_path: Path, vary: str, says: str) -> None:
    stderr = assert_input_error(
        invoke("sweep", MINIMAL, "--vary", vary, "--out", tmp_path / "s", "-q")
    )
    assert says in stderr and "--vary: policy.renewal" in stderr, stderr
    assert not (tmp_path / "s").exists()


def test_vary_bracketed_list_of_yearly_series() -> None:
    axes = parse_vary(["groups.g.applications_per_year=[{2010: 5, 2012: 8}, 10]"])
    assert axes == [("groups.g.applications_per_year", [{2010: 5, 2012: 8}, 10])]
    assert parse_vary(["policy.renewal=strict,always"]) == [
        ("policy.renewal", ["strict", "always"])
    ]


def test_sweep_over_yearly_series(tmp_path: Path) -> None:
    result = invoke(
        "sweep",
        MINIMAL,
        "-r",
        "2",
        "--out",
        tmp_path / "s",
        "-q",
        "--vary",
        "groups.disadvantaged.applications_per_year=[{2020: 5, 2021: 8}, 10]",
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "s" / "sweep.csv")
    assert table["groups.disadvantaged.applications_per_year"].nunique() == 2


@pytest.mark.parametrize("command", ["sweep", "compare"])
def test_unknown_metric_before_any_run(tmp_path: Path, command: str) -> None:
    args = ["--vary", "policy.renewal=strict,always"] if command == "sweep" else [str(MINIMAL)]
    stderr = assert_input_error(
        invoke(command, MINIMAL, *args, "--metrics", "waiting,bogus", "--out", tmp_path / "o", "-q")
    )
    assert "--metrics: bogus: unknown metric" in stderr
    assert not (tmp_path / "o").exists()


def test_input_error_is_the_only_failure_of_the_loader(tmp_path: Path) -> None:
    """A few more shapes that once escaped as other exceptions."""
    for index, text in enumerate(
        [
            "stock: [1, 2]\n",
            "groups: {disadvantaged: {eligible: ordinary}}\n",
            "builds: {a: 1}\n",
            "time: {start: 2020.5}\n",
            "stock: {ordinary: {rooms: {0: 1.0}}}\n",
            "groups: {disadvantaged: {applications_per_year: {}}}\n",
            "groups: {disadvantaged: {applications_per_year: [1, 2]}}\n",
            "name: " + "n" * 300 + "\n",
        ]
    ):
        with pytest.raises(InputError):
            load_scenario(child(tmp_path, f"shape{index}.yaml", text))
