"""Functional and CLI tests: the limits of each duration distribution, and the inputs
around them (``scenarios/README.md``, "Durations" and "Limits").

Just inside its limits each distribution validates and runs, with every count finite;
just outside, ``sim validate`` exits 2 naming the key, the rule and the allowed values
(one line: the number branch of a duration adds no "must be a number"). The sampler
refuses the same parameters, and a table or a count that is not finite fails loudly
instead of reaching a table. Observed-duration files are regular files named without
their content in any message; ``1:30`` is text, not 90.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import assert_input_error, invoke

from sim.app.sources import pasted_scenario
from sim.config.errors import ScenarioError
from sim.config.loader import validate_data
from sim.config.yaml_io import parse_yaml
from sim.model import durations
from sim.model.catalogue import FLOW_DIMS, STOCK_DIMS
from sim.model.housing import run_replication
from sim.model.recorder import Recorder

JUST_ABOVE_ONE = math.nextafter(1.0, 2.0)

INSIDE: list[dict[str, Any]] = [
    {"distribution": "gamma", "mean": 3, "cv": 0.01},
    {"distribution": "gamma", "mean": 3, "cv": 10},
    {"distribution": "lognormal", "mean": 3, "cv": 0.01},
    {"distribution": "lognormal", "mean": 3, "cv": 10},
    {"distribution": "triangular", "min": 1, "mode": 1, "max": 1.0011},
    {"distribution": "triangular", "min": 0.0, "mode": 0.0, "max": 0.00031},
    {"distribution": "triangular", "min": 0.0, "mode": 5e-324, "max": 1000},
    {"distribution": "exponential", "mean": 0.0001},
    {"distribution": "fixed", "mean": 1000},
    {"distribution": "empirical", "values": [5e-324, 1000]},
    {"distribution": "empirical", "values": [2.5, 2.5]},
]

OUTSIDE: list[tuple[dict[str, Any], str]] = [
    ({"distribution": "gamma", "mean": 3, "cv": 0.0099}, "cv must be ≥ 0.01 and ≤ 10"),
    ({"distribution": "gamma", "mean": 3, "cv": 1e-11}, "cv must be ≥ 0.01 and ≤ 10"),
    ({"distribution": "gamma", "mean": 3, "cv": 1e-163}, "cv must be ≥ 0.01 and ≤ 10"),
    ({"distribution": "gamma", "mean": 3, "cv": 10.01}, "cv must be ≥ 0.01 and ≤ 10"),
    ({"distribution": "lognormal", "mean": 3, "cv": 1e-200}, "cv must be ≥ 0.01 and ≤ 10"),
    (
        {"distribution": "triangular", "min": 1, "mode": 1, "max": JUST_ABOVE_ONE},
        "triangular needs max > min by at least 0.001 × its mean",
    ),
    (
        {"distribution": "triangular", "min": 1, "mode": 1, "max": 1.0009},
        "triangular needs max > min by at least 0.001 × its mean",
    ),
    ({"distribution": "exponential", "mean": 0.0000999}, "mean must be ≥ 0.0001 and ≤ 1,000"),
    ({"distribution": "empirical", "values": [0.0, 1]}, "is not a duration > 0 and ≤ 1,000"),
]


def document(duration: dict[str, Any]) -> dict[str, Any]:
    """A small scenario with the duration at every duration key."""
    return {
        "name": "limits",
        "time": {"start": 2020, "years": 2, "warmup_years": 1},
        "replications": 1,
        "seed": 5,
        "stock": {"ordinary": {"units": 30}},
        "groups": {
            "g": {
                "applications_per_year": 40,
                "eligible": ["ordinary"],
                "permanent_need": 0.3,
                "followup_need": 0.5,
                "homeless_while_waiting": 0.6,
                "self_sufficient_years": duration,
                "tenancy_years": duration,
                "initial_waiting": 10,
            }
        },
        "followup": {"capacity": 5, "length_years": duration},
        "homelessness": {"hospits_share": 0.5, "hospits_stay_days": duration},
    }


@pytest.mark.parametrize(
    "duration", INSIDE, ids=[f"{d['distribution']}-{i}" for i, d in enumerate(INSIDE)]
)
def test_each_distribution_runs_at_its_limits(duration: dict[str, Any]) -> None:
    scenario = validate_data(document(duration), "limits.yaml")
    rows, _ = run_replication(scenario, 0, False)
    counts = [row for row in rows if not row.metric.startswith("wait_years")]
    counts = [row for row in counts if "_per_100_" not in row.metric]
    assert counts and all(math.isfinite(row.value) and row.value >= 0.0 for row in counts)
    tenants = [r.value for r in rows if r.metric == "tenants" and not r.group and not r.category]
    assert tenants and all(0 <= value <= 30 for value in tenants)


@pytest.mark.parametrize(
    ("duration", "rule"),
    OUTSIDE,
    ids=[f"{d['distribution']}-{i}" for i, (d, _) in enumerate(OUTSIDE)],
)
def test_just_outside_a_limit_is_one_clear_input_error(
    tmp_path: Path, duration: dict[str, Any], rule: str
) -> None:
    path = tmp_path / "limits.yaml"
    path.write_text(yaml.safe_dump(document(duration)), encoding="utf-8")
    stderr = assert_input_error(invoke("validate", path))
    lines = [line.strip() for line in stderr.splitlines()[1:] if line.strip()]
    assert lines and all(rule in line for line in lines), stderr
    assert all("must be a number" not in line for line in lines), stderr
    keys = ["groups.g.self_sufficient_years", "groups.g.tenancy_years", "followup.length_years"]
    for key in [*keys, "homelessness.hospits_stay_days"]:
        assert sum(f"limits.yaml: {key}" in line for line in lines) == 1, (key, stderr)


def test_the_app_refuses_a_pasted_degenerate_duration() -> None:
    """It used to show an uncaught ZeroDivisionError on the page when run."""
    base = validate_data(document({"distribution": "fixed", "mean": 1}), "base.yaml")
    stay = {"distribution": "triangular", "min": 1.0, "mode": 1.0, "max": JUST_ABOVE_ONE}
    text = yaml.safe_dump({"homelessness": {"hospits_share": 0.5, "hospits_stay_days": stay}})
    with pytest.raises(ScenarioError, match=r"triangular needs max > min by at least 0\.001"):
        pasted_scenario(text, base)


def test_the_sampler_refuses_what_validation_refuses() -> None:
    for cv in (0.0099, 1e-11, 1e-163, 10.01):
        with pytest.raises(ValueError, match=r"cv must be >= 0\.01"):
            durations.gamma(cv)
        with pytest.raises(ValueError, match=r"cv must be >= 0\.01"):
            durations.lognormal(cv)
    with pytest.raises(ValueError, match=r"high - low >= 0\.001"):
        durations.triangular(1.0, 1.0, JUST_ABOVE_ONE)


def test_a_table_or_a_count_that_is_not_finite_fails_loudly() -> None:
    with pytest.raises(ArithmeticError, match="not finite"):
        durations.Table(-durations.W_END, [0.0, math.nan, 1.0], [1.0, 1.0, 1.0])
    recorder = Recorder(["g"], ["c"], [(0, 0)], 2020.0)
    name = next(iter(FLOW_DIMS))
    recorder.flows[name][:] = [math.nan] * 4
    stocks = {stock: [0.0] * 4 for stock in STOCK_DIMS}
    with pytest.raises(ArithmeticError, match=f"{name} of 2021"):
        recorder.close_year(2021, 2021.0, stocks, {})


def test_a_bad_duration_mapping_is_reported_once(tmp_path: Path) -> None:
    """Without the number branch's "must be a number, got {...}" before it."""
    path = tmp_path / "limits.yaml"
    data = document({"distribution": "gamma", "mean": 3, "cv": -1})
    data["followup"]["length_years"] = "abc"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    stderr = assert_input_error(invoke("validate", path))
    assert "must be a number, got {" not in stderr
    assert "groups.g.tenancy_years.cv: cv must be ≥ 0.01 and ≤ 10, got -1" in stderr
    assert "followup.length_years: must be a number or a mapping, got 'abc'" in stderr
    assert len(stderr.strip().splitlines()) == 1 + 4


# --- 1:30 is text ------------------------------------------------------------------------


def test_base_60_numbers_are_text(tmp_path: Path) -> None:
    assert parse_yaml("a: 1:30\nb: -1:30:00.5\nc: 1e5\nd: 0x10", "x") == {
        "a": "1:30",
        "b": "-1:30:00.5",
        "c": 100_000.0,
        "d": 16,
    }
    data = document({"distribution": "fixed", "mean": 1})
    data["stock"]["ordinary"]["label"] = "1:30"  # text stays text
    assert validate_data(data, "x.yaml").stock["ordinary"].label == "1:30"
    path = tmp_path / "limits.yaml"
    path.write_text(yaml.safe_dump(data).replace("seed: 5", "seed: 1:30"), encoding="utf-8")
    stderr = assert_input_error(invoke("validate", path))
    assert "seed: must be a whole number, got '1:30'" in stderr
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    stderr = assert_input_error(invoke("validate", path, "--set", "replications=1:30"))
    assert "replications: must be a whole number, got '1:30'" in stderr


# --- observed-duration files ---------------------------------------------------------------


def empirical(tmp_path: Path, file: str) -> Path:
    path = tmp_path / "limits.yaml"
    data = document({"distribution": "fixed", "mean": 1})
    data["groups"]["g"]["tenancy_years"] = {
        "distribution": "empirical",
        "file": file,
        "column": "years",
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def file_error(tmp_path: Path, file: str) -> str:
    stderr = assert_input_error(invoke("validate", empirical(tmp_path, file)))
    lines = [line for line in stderr.splitlines() if "groups.g.tenancy_years" in line]
    assert len(lines) == 1, stderr
    return lines[0]


def test_observed_durations_come_from_a_regular_file_only(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    assert "is a folder, not a file" in file_error(tmp_path, "folder")
    os.symlink("loop", tmp_path / "loop")
    assert "symbolic link on its path loops" in file_error(tmp_path, "loop")
    assert "name is too long (at most 255" in file_error(tmp_path, "x" * 300 + ".csv")
    os.mkfifo(tmp_path / "pipe")  # never waited on
    assert "not a regular file (a device, pipe or socket)" in file_error(tmp_path, "pipe")
    assert "not a regular file" in file_error(tmp_path, "/dev/zero")
    line = file_error(tmp_path, "/proc/self/environ")
    assert "not a regular file of stored data" in line
    assert "PATH" not in line and "=" not in line.partition("environ")[2]


def test_a_message_about_a_file_never_shows_its_content(tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("token-s3cret,other\nsecret-value,2\n", "utf-8")
    line = file_error(tmp_path, "secret.csv")
    assert "has no column 'years': its first line (the header) must name it" in line
    assert "s3cret" not in line and "other" not in line
    (tmp_path / "secret.csv").write_text("years\n1\nsecret-value\n", "utf-8")
    line = file_error(tmp_path, "secret.csv")
    assert "row 2 of column 'years' (line 3) is not a positive number of years" in line
    assert "secret" not in line.replace("secret.csv", "")
