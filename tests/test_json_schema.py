"""The JSON Schema of scenario files: current, accepting every shipped file as written,
refusing misspelt keys and values out of range, and named by every shipped file's first
line for editors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sim.config.json_schema import (
    EDITOR_PREFIX,
    editor_line,
    schema_named_by,
    schema_text,
)

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "scenarios" / "scenario.schema.json"
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "scenarios" / "policies").glob("*.yaml")
)


def as_json(value: Any) -> Any:
    """YAML data as a JSON document has it (keys are text, dates ISO text), as
    check-jsonschema reads a YAML file."""
    if isinstance(value, dict):
        return {str(as_json(key)): as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    kind = jsonschema.validators.validator_for(schema)
    kind.check_schema(schema)
    return kind(schema)


def errors(validator, text: str) -> list[str]:
    data = as_json(yaml.safe_load(text))
    return [error.message for error in validator.iter_errors(data)]


def test_the_committed_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "regenerate it: sim schema --out scenarios/scenario.schema.json --force"
    )


@pytest.mark.parametrize(
    "file", [*SHIPPED, ROOT / "tests" / "data" / "every_key.yaml"], ids=lambda f: f.name
)
def test_every_shipped_file_is_valid_as_written(validator, file: Path) -> None:
    assert errors(validator, file.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("file", SHIPPED, ids=lambda f: f.name)
def test_every_shipped_file_names_the_schema_for_editors(file: Path) -> None:
    assert file.read_text(encoding="utf-8").startswith(EDITOR_PREFIX)
    assert schema_named_by(file) is not None
    assert schema_named_by(file).resolve() == SCHEMA_FILE.resolve()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("policy:\n  renewl: strict\n", "'renewl' was unexpected"),
        ("stock:\n  ordinary:\n    unit: 10\n", "'unit' was unexpected"),
        ("stock:\n  ordinary:\n    units: -1\n", "less than the minimum of 0"),
        ("policy:\n  renewal: sometimes\n", "is not valid under any of the given schemas"),
        ("groups:\n  g:\n    applications_per_year: {twenty-ten: 5}\n", "not valid under any"),
        ("groups:\n  g:\n    exit_to: {owning: 1}\n", "is not one of"),
        ("builds:\n  - category: x\n    yaer: 2010\n", "'yaer' was unexpected"),
        ("replications: 0\n", "less than the minimum of 1"),
        ("time:\n  start: 2008.5\n", "is not of type 'integer'"),
    ],
)
def test_mistakes_fail(validator, text: str, message: str) -> None:
    found = errors(validator, text)
    assert any(message in error for error in found), found


def test_ids_follow_the_rule_of_sim_validate(validator) -> None:
    """Norwegian letters are allowed in ids, a '.' is not (as `sim validate` says)."""
    good = "stock:\n  særskilt-bolig: {units: 3}\ngroups:\n  rusavhengige_ø: {eligible: [x]}\n"
    assert errors(validator, good) == []
    assert any("does not match" in e for e in errors(validator, "stock:\n  a.b: {units: 3}\n"))


def test_the_misspelt_fixture_ci_checks_fails(validator) -> None:
    fixture = ROOT / "tests" / "data" / "schema" / "misspelt_key.yaml"
    assert "'renewl' was unexpected" in " ".join(errors(validator, fixture.read_text()))


def test_series_and_policies_over_time_pass(validator) -> None:
    text = (
        "policy:\n  renewal: {2010: needs_based, 2013-07-01: strict}\n"
        "  after_nonrenewal: {transfer: 0.5, homeless: 0.5}\n"
        "followup:\n  capacity: {2010: 5, 2012: 8}\n"
        "stock:\n  o:\n    units: 3\n    contract_years: null\n"
        "builds:\n  - {category: o, date: 2011-09-01, units: 4}\n"
    )
    assert errors(validator, text) == []


def test_editor_line_is_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "deep").mkdir()
    line = editor_line(SCHEMA_FILE, tmp_path / "deep")
    file = tmp_path / "deep" / "x.yaml"
    file.write_text(line + "\nname: x\n", encoding="utf-8")
    assert schema_named_by(file).resolve() == SCHEMA_FILE.resolve()
    assert schema_named_by(SCHEMA_FILE.parent / "policies" / "asker-contract-1y.yaml")


def test_sim_schema_prints_and_writes_without_overwriting(tmp_path: Path) -> None:
    from helpers import assert_input_error, invoke

    printed = invoke("schema")
    assert printed.exit_code == 0 and printed.stdout == schema_text()
    target = tmp_path / "scenario.schema.json"
    assert invoke("schema", "--out", target).exit_code == 0
    assert target.read_text(encoding="utf-8") == schema_text()
    older = schema_text().replace('"minLength": 1', '"minLength": 2')  # an older schema
    target.write_text(older, encoding="utf-8")
    assert "--force" in assert_input_error(invoke("schema", "--out", target))
    assert target.read_text(encoding="utf-8") == older
    assert invoke("schema", "--out", target, "--force").exit_code == 0
    assert target.read_text(encoding="utf-8") == schema_text()
    target.write_text("{}", encoding="utf-8")  # a user's file: --force does not replace it
    refused = assert_input_error(invoke("schema", "--out", target, "--force"))
    assert "not written by sim schema" in refused
    assert target.read_text(encoding="utf-8") == "{}"
    assert "no folder" in assert_input_error(invoke("schema", "--out", tmp_path / "x" / "s.json"))
