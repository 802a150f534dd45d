"""Unit tests: bad scenario files give exit code 2 and a clear message, never a traceback.

Every bad file lives in ``tests/data/bad/`` and (mostly) extends the small valid scenario
``tests/data/valid_minimal.yaml``, breaking one rule of the data dictionary
(``scenarios/README.md``). Each test runs the command line through click's CliRunner
and checks that one line of stderr names the file, the dotted key and the rule (or the
allowed values), in the form ``FILE: KEY: MESSAGE`` printed by ``sim.cli``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import assert_input_error, invoke, message_of, problem_line

import sim

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
VALID_MINIMAL = DATA / "valid_minimal.yaml"


@dataclass(frozen=True)
class Case:
    """A bad input and what its error line must say."""

    file: str  # under tests/data/bad/
    named: str  # the file the message must name (base name)
    key: str | None  # the dotted key the message must name (None: the file as a whole)
    says: list[str] = field(default_factory=list)  # the rule / allowed values
    not_says: list[str] = field(default_factory=list)  # what would mislead

    def __str__(self) -> str:
        return self.file


CASES = [
    Case(
        "unknown_key.yaml",
        "unknown_key.yaml",
        "colour",
        ["unknown key 'colour'", "Valid keys here:", "stock", "groups", "policy"],
    ),
    Case(
        "misspelt_key.yaml",
        "misspelt_key.yaml",
        "groups.disadvantaged.aproval",
        ["unknown key 'aproval'", "did you mean 'approval'?"],
    ),
    Case(
        "misspelt_section_key.yaml",
        "misspelt_section_key.yaml",
        "policy.renewl",
        ["unknown key 'renewl'", "did you mean 'renewal'?"],
    ),
    Case("negative_units.yaml", "negative_units.yaml", "stock.ordinary.units", ["-5", ">= 0"]),
    Case(
        "probability_above_one.yaml",
        "probability_above_one.yaml",
        "groups.disadvantaged.approval",
        ["1.2", "not a probability", "0 to 1"],
    ),
    Case(
        "rooms_shares.yaml",
        "rooms_shares.yaml",
        "groups.disadvantaged.rooms",
        ["must sum to 1", "0.8"],
    ),
    Case(
        "build_rooms_shares.yaml",
        "build_rooms_shares.yaml",
        "builds.0.rooms",
        ["must sum to 1", "0.3"],
    ),
    Case(
        "exit_to_shares.yaml",
        "exit_to_shares.yaml",
        "groups.disadvantaged.exit_to",
        ["must sum to 1", "1.3"],
    ),
    Case(
        "unknown_eligible.yaml",
        "unknown_eligible.yaml",
        "groups.disadvantaged.eligible",
        ["unknown category 'flexbo'", "allowed: ordinary, trygd"],
    ),
    Case(
        "unknown_build_category.yaml",
        "unknown_build_category.yaml",
        "builds.0.category",
        ["unknown category 'flexbo'", "allowed: ordinary, trygd"],
    ),
    Case(
        "series_year_outside.yaml",
        "series_year_outside.yaml",
        "groups.disadvantaged.applications_per_year",
        ["2030", "outside", "2018..2021"],
    ),
    Case(
        "build_year_outside.yaml",
        "build_year_outside.yaml",
        "builds.0.year",
        ["2040", "outside", "2018..2021"],
    ),
    Case("malformed.yaml", "malformed.yaml", None, ["malformed YAML", "line 6"]),
    # cycle_b.yaml's ``extends`` closes the cycle; the message shows the whole chain.
    Case(
        "cycle_a.yaml",
        "cycle_b.yaml",
        "extends",
        ["cycle", "cycle_a.yaml -> cycle_b.yaml -> cycle_a.yaml"],
    ),
    Case(
        "missing_extends.yaml",
        "missing_extends.yaml",
        "extends",
        ["'no_such_parent.yaml'", "not found"],
    ),
    Case("does_not_exist.yaml", "does_not_exist.yaml", None, ["file not found"]),
    Case(
        "bad_renewal.yaml",
        "bad_renewal.yaml",
        "policy.renewal",
        ["'sometimes'", "not allowed", "always", "needs_based", "strict", "differentiated"],
    ),
    Case(
        "bad_refusal_penalty.yaml",
        "bad_refusal_penalty.yaml",
        "refusal.penalty",
        ["'ban'", "keep", "back_of_queue", "removed"],
    ),
    Case(
        "wrong_type_number.yaml",
        "wrong_type_number.yaml",
        "groups.elderly.withdraw_per_year",
        ["must be a number", "'often'"],
    ),
    Case(
        "wrong_type_replications.yaml",
        "wrong_type_replications.yaml",
        "replications",
        ["must be a whole number", "'many'"],
    ),
    Case(
        "wrong_type_series.yaml",
        "wrong_type_series.yaml",
        "groups.disadvantaged.applications_per_year",
        ["must be a number or a {year: value} mapping"],
    ),
    Case(
        "missing_required.yaml", "missing_required.yaml", "groups.newcomers.eligible", ["required"]
    ),
    Case("not_a_mapping.yaml", "not_a_mapping.yaml", None, ["must be a mapping"]),
    # The error is in the parent: the message must name the parent, not the child.
    Case("parent_bad_child.yaml", "parent_bad.yaml", "groups.elderly.approval", ["1.5", "0 to 1"]),
    Case("extends_malformed.yaml", "malformed.yaml", None, ["malformed YAML", "line 6"]),
]

# Type errors on mapping *keys* (not values): the message must quote the bad key, not the
# value stored under it.
KEY_TYPE_CASES = [
    Case(
        "rooms_bad_key.yaml",
        "rooms_bad_key.yaml",
        "groups.disadvantaged.rooms.3+",
        ["whole number", "'3+'"],
        not_says=["got 0.5"],
    ),
    Case(
        "numeric_category_id.yaml",
        "numeric_category_id.yaml",
        "stock.2008",
        ["2008"],
        not_says=["{'units'"],
    ),
]

# A few that must also stop ``sim run`` before anything is written.
RUN_CASES = [
    "negative_units.yaml",
    "bad_renewal.yaml",
    "malformed.yaml",
    "cycle_a.yaml",
    "does_not_exist.yaml",
    "unknown_eligible.yaml",
]


def check_case(stderr: str, case: Case) -> None:
    line = problem_line(stderr, case.named, case.key)
    message = message_of(line, case.key)
    for text in case.says:
        assert text in message, f"{text!r} missing from the message of {line!r}"
    for text in case.not_says:
        assert text not in message, f"{text!r} should not be in the message of {line!r}"


# --- the bad files exist as data ---------------------------------------------------


def test_enough_distinct_bad_files() -> None:
    files = sorted(BAD.glob("*.yaml"))
    assert len(files) >= 12
    assert len({f.read_bytes() for f in files}) == len(files)
    assert not (BAD / "does_not_exist.yaml").exists()


# --- sim validate ---------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=str)
def test_validate_bad_file(case: Case) -> None:
    stderr = assert_input_error(invoke("validate", BAD / case.file))
    check_case(stderr, case)


@pytest.mark.parametrize("case", KEY_TYPE_CASES, ids=str)
def test_validate_bad_mapping_key(case: Case) -> None:
    stderr = assert_input_error(invoke("validate", BAD / case.file))
    check_case(stderr, case)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_validate_bad_file_relative_path(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same messages when the file is given relative to the working folder."""
    monkeypatch.chdir(BAD)
    stderr = assert_input_error(invoke("validate", case.file))
    check_case(stderr, case)


def test_cycle_other_direction() -> None:
    stderr = assert_input_error(invoke("validate", BAD / "cycle_b.yaml"))
    line = problem_line(stderr, "cycle_a.yaml", "extends")
    assert "cycle_b.yaml -> cycle_a.yaml -> cycle_b.yaml" in line


def test_validate_folder_is_input_error() -> None:
    stderr = assert_input_error(invoke("validate", DATA))
    assert "is a folder" in problem_line(stderr, "data", None)


def test_validate_reports_every_file() -> None:
    """Several files: the valid ones are reported ok, every bad one gets its problem."""
    result = invoke(
        "validate", VALID_MINIMAL, BAD / "negative_units.yaml", BAD / "bad_renewal.yaml"
    )
    stderr = assert_input_error(result)
    assert f"ok: {VALID_MINIMAL}" in result.stdout
    check_case(stderr, next(c for c in CASES if c.file == "negative_units.yaml"))
    check_case(stderr, next(c for c in CASES if c.file == "bad_renewal.yaml"))


@pytest.mark.parametrize("path", sorted(DATA.glob("*.yaml")), ids=lambda p: p.name)
def test_valid_files_validate(path: Path) -> None:
    result = invoke("validate", path)
    assert result.exit_code == 0, result.output
    assert f"ok: {path}" in result.stdout
    assert result.stderr == ""


# --- sim run ----------------------------------------------------------------------


@pytest.mark.parametrize("name", RUN_CASES)
def test_run_bad_file(name: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    stderr = assert_input_error(invoke("run", BAD / name, "--out", out))
    check_case(stderr, next(c for c in CASES if c.file == name))
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


# --- --set ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "key", "says"),
    [
        ("policy.renewal", "policy.renewal", ["must look like KEY=VALUE"]),
        ("=strict", "=strict", ["the key must be dotted names"]),
        ("policy..renewal=strict", "policy..renewal=strict", ["the key must be dotted names"]),
    ],
)
def test_bad_set_syntax(setting: str, key: str, says: list[str], tmp_path: Path) -> None:
    for args in (
        ["validate", VALID_MINIMAL, "--set", setting],
        ["run", VALID_MINIMAL, "--out", tmp_path / "out", "--set", setting],
    ):
        stderr = assert_input_error(invoke(*args))
        line = problem_line(stderr, "--set", key)
        for text in says:
            assert text in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("setting", "key", "says"),
    [
        (
            "policy.renewal=sometimes",
            "policy.renewal",
            ["'sometimes'", "always", "needs_based", "strict", "differentiated"],
        ),
        ("polcy.renewal=strict", "polcy", ["did you mean 'policy'?"]),
        ("stock.ordinary.units=-3", "stock.ordinary.units", ["-3", ">= 0"]),
        ("groups.disadvantaged.approval=1.2", "groups.disadvantaged.approval", ["0 to 1"]),
        ("time.start=abc", "time.start", ["must be a whole number", "'abc'"]),
    ],
)
def test_bad_set_value(setting: str, key: str, says: list[str]) -> None:
    """A bad value given with --set is blamed on that --set, with the dotted key."""
    stderr = assert_input_error(invoke("validate", VALID_MINIMAL, "--set", setting))
    line = problem_line(stderr, f"--set {setting}", key)
    for text in says:
        assert text in line


# --- the Python API ----------------------------------------------------------------


@pytest.mark.parametrize("case", [c for c in CASES if c.key is not None], ids=str)
def test_api_raises_scenario_error(case: Case) -> None:
    with pytest.raises(sim.ScenarioError) as caught:
        sim.load_scenario(BAD / case.file)
    error = caught.value
    assert isinstance(error, sim.InputError)
    assert error.problems, "a ScenarioError must carry at least one problem"
    matching = [p for p in error.problems if Path(p.file).name == case.named and p.key == case.key]
    assert matching, [(p.file, p.key, p.message) for p in error.problems]
    for text in case.says:
        assert text in matching[0].message or text in str(matching[0])


def test_api_missing_file_and_run() -> None:
    with pytest.raises(sim.ScenarioError) as caught:
        sim.load_scenario(BAD / "does_not_exist.yaml")
    (problem,) = caught.value.problems
    assert Path(problem.file).name == "does_not_exist.yaml"
    assert "not found" in problem.message

    with pytest.raises(sim.ScenarioError) as caught:
        sim.run(BAD / "probability_above_one.yaml")
    assert [p.key for p in caught.value.problems] == ["groups.disadvantaged.approval"]


def test_api_bad_override() -> None:
    with pytest.raises(sim.ScenarioError) as caught:
        sim.load_scenario(VALID_MINIMAL, overrides=["policy.renewal=sometimes"])
    (problem,) = caught.value.problems
    assert problem.key == "policy.renewal"
    assert problem.file == "--set policy.renewal=sometimes"
    assert "allowed:" in problem.message


def test_a_yearly_series_replaces_the_parents_whole(tmp_path: Path) -> None:
    """Unit: `extends` merges mappings, but a {year: value} series is one value."""
    parent = tmp_path / "parent.yaml"
    parent.write_text(
        f"extends: {VALID_MINIMAL}\ngroups:\n  disadvantaged:\n"
        "    applications_per_year: {2019: 4, 2020: 5}\n",
        encoding="utf-8",
    )
    grandchild = tmp_path / "grandchild.yaml"
    grandchild.write_text(
        "extends: parent.yaml\ngroups:\n  disadvantaged:\n    applications_per_year: {2021: 9}\n",
        encoding="utf-8",
    )
    series = sim.load_scenario(grandchild).groups["disadvantaged"].applications_per_year
    assert series.to_plain() == {2021: 9.0}
