"""CLI tests: ``sim report`` on damaged result folders.

A real folder of every kind a command writes (run, compare, sweep, tradeoff, size,
calibrate, sensitivity; tiny runs of one year) is made once; each case copies it, damages
it one way (a table or the scenario empty, binary, truncated, grown, edited, swapped
from another folder, missing, with other columns; the manifest not JSON, too deep, too
big, a field missing or of the wrong type ...) and asserts that ``sim report`` exits 2
naming the damaged file, without a traceback; an untouched copy still reports (exit 0),
and so does a folder written before manifests recorded checksums, with a note.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from helpers import DATA, assert_input_error, invoke

import sim.model
from sim.analysis.provenance import CORE_FIELDS
from sim.config.errors import brief_text
from sim.report.reading import EXTRA_TYPES, FIELD_TYPES, MANIFEST_MAX_BYTES

TINY = DATA / "tiny.yaml"
RECOVERY = DATA / "recovery" / "recovery.yaml"
REPORTED = ("run", "compare", "sweep", "tradeoff", "size", "calibrate")
TABLES = {
    "run": "summary.csv",
    "compare": "comparison.csv",
    "sweep": "sweep.csv",
    "tradeoff": "tradeoff.csv",
    "size": "size.csv",
    "calibrate": "fit.csv",
}
SCENARIO = {
    kind: "best.yaml" if kind == "calibrate" else "scenario.resolved.yaml" for kind in REPORTED
}


def _commands(root: Path) -> dict[str, list[str | Path]]:
    one_year = root / "tiny1.yaml"
    one_year.write_text(f"extends: {TINY}\ntime: {{years: 1}}\nreplications: 1\n")
    other = root / "other.yaml"
    other.write_text(f"extends: {one_year}\nname: other\npolicy: {{renewal: always}}\n")
    grid = ["--vary", "stock.ordinary.contract_years=1,3", "-r", "2"]
    return {
        "run": ["run", one_year],
        "compare": ["compare", one_year, other, "-r", "2", "--metrics", "waiting"],
        "sweep": ["sweep", one_year, *grid, "--metrics", "waiting"],
        "tradeoff": ["tradeoff", one_year, *grid],
        "size": [
            *("size", one_year, "--category", "ordinary", "--target", "waiting <= 40"),
            *("--max-units", "4", "-r", "2"),
        ],
        "calibrate": [
            *("calibrate", RECOVERY, "--budget", "2"),
            *("--set", "replications=1", "--set", "fit_replications=1"),
        ],
        "sensitivity": [
            *("sensitivity", one_year, "--vary", "refusal.probability=0.05:0.3"),
            *("-n", "2", "-r", "1", "--metrics", "waiting"),
        ],
    }


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One result folder of every kind, made once for the module."""
    root = tmp_path_factory.mktemp("damaged")
    folders = {}
    for kind, command in _commands(root).items():
        folder = root / kind
        result = invoke(*command, "--out", folder, "-q")
        assert result.exit_code == 0, (kind, result.output)
        folders[kind] = folder
    return folders


def _copy(made: dict[str, Path], kind: str, tmp_path: Path) -> Path:
    folder = tmp_path / kind
    shutil.copytree(made[kind], folder)
    return folder


def _manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text())


def _write_manifest(folder: Path, manifest: Any) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _report(folder: Path) -> Any:
    return invoke("report", folder, "--format", "html", "--force")


def _assert_damaged(folder: Path, named: str) -> str:
    result = _report(folder)
    stderr = assert_input_error(result)
    assert "internal error" not in stderr
    assert str(folder / named) in stderr or (named == "" and str(folder) in stderr), stderr
    assert not (folder / "report.html").exists()
    return stderr


# --- the untouched folders -------------------------------------------------------------


@pytest.mark.parametrize("kind", REPORTED)
def test_an_untouched_folder_is_checked_and_reported(made, kind, tmp_path) -> None:
    folder = _copy(made, kind, tmp_path)
    manifest = _manifest(folder)
    written = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert set(manifest["checksums"]) == written - {"manifest.json"}
    assert any(name.startswith("figures/") for name in manifest["checksums"])
    assert manifest["files"] == [*manifest["checksums"], "manifest.json"]
    assert manifest["engine"] == sim.model.ENGINE  # the engine that ran
    result = _report(folder)
    assert result.exit_code == 0, result.output
    assert "note:" not in result.stderr
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert f"yes: the size and SHA-256 of its {len(manifest['checksums'])} files" in page


@pytest.mark.parametrize("kind", REPORTED)
def test_a_folder_without_checksums_is_reported_with_a_note(made, kind, tmp_path) -> None:
    """A folder written before manifests recorded checksums (nor the engine) is reported
    as it is, and says that its files could not be checked."""
    folder = _copy(made, kind, tmp_path)
    manifest = _manifest(folder)
    del manifest["checksums"], manifest["engine"]
    _write_manifest(folder, manifest)
    result = _report(folder)
    assert result.exit_code == 0, result.output
    assert "note:" in result.stderr and "cannot be checked" in result.stderr
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "no: the folder was written before manifests recorded checksums" in page


def test_a_sensitivity_folder_is_refused_by_name(made, tmp_path) -> None:
    folder = _copy(made, "sensitivity", tmp_path)
    stderr = _assert_damaged(folder, "")
    assert "holds a 'sensitivity' result; reports are made of: run, compare" in stderr


# --- damaged files ---------------------------------------------------------------------

Damage = Callable[[Path, str, dict[str, Path]], str]
"""Damages a folder of a kind (the others to take files from); returns the file named."""


def _table(kind: str) -> str:
    return TABLES[kind]


def _rewrite(name_of: Callable[[str], str], change: Callable[[bytes], bytes]) -> Damage:
    def damage(folder: Path, kind: str, made: dict[str, Path]) -> str:
        path = folder / name_of(kind)
        path.write_bytes(change(path.read_bytes()))
        return name_of(kind)

    return damage


def _remove(name_of: Callable[[str], str]) -> Damage:
    def damage(folder: Path, kind: str, made: dict[str, Path]) -> str:
        (folder / name_of(kind)).unlink()
        return name_of(kind)

    return damage


def _swap(name_of: Callable[[str], str], source: Callable[[str], tuple[str, str]]) -> Damage:
    """Put another folder's file in place of the folder's."""

    def damage(folder: Path, kind: str, made: dict[str, Path]) -> str:
        other_kind, other_name = source(kind)
        shutil.copyfile(made[other_kind] / other_name, folder / name_of(kind))
        return name_of(kind)

    return damage


def _other(kind: str) -> str:
    return {"run": "sweep", "sweep": "tradeoff"}.get(kind, "run")


def _folder_in_place(folder: Path, kind: str, made: dict[str, Path]) -> str:
    (folder / _table(kind)).unlink()
    (folder / _table(kind)).mkdir()
    return _table(kind)


def _figure(kind: str) -> str:
    return {
        "run": "figures/waiting_list.png",
        "compare": "figures/difference_waiting.png",
        "calibrate": "figures/fit.png",
    }.get(kind, f"figures/{kind}.png")


def _data_file(kind: str) -> str:
    """A file the report does not read but the manifest records."""
    return {"run": "yearly.parquet", "compare": "yearly.parquet", "calibrate": "trials.csv"}.get(
        kind, f"figures/{kind}.csv"
    )


BINARY = bytes(range(256)) * 8
COLUMN = {
    "run": "metric",
    "compare": "metric",
    "sweep": "metric",
    "tradeoff": "policy",
    "size": "chosen",
    "calibrate": "target",
}
"""A column of each kind's table that its report reads."""
NUMBERS = {
    "run": "mean",
    "compare": "difference",
    "sweep": "mean",
    "tradeoff": "throughput_per_100_units",
    "size": "probability",
    "calibrate": "observed",
}
"""A column of numbers of each kind's table that its report reads."""


def _column(folder: Path, kind: str, change: Callable[[pd.DataFrame, str], pd.DataFrame]) -> str:
    path = folder / _table(kind)
    change(pd.read_csv(path), COLUMN[kind]).to_csv(path, index=False)
    return _table(kind)


FILE_DAMAGE: dict[str, Damage] = {
    "table empty": _rewrite(_table, lambda b: b""),
    "table binary": _rewrite(_table, lambda b: BINARY),
    "table binary, same size": _rewrite(
        _table, lambda b: (BINARY * (len(b) // 2048 + 1))[: len(b)]
    ),
    "table truncated in a row": _rewrite(_table, lambda b: b[: len(b) // 2]),
    "table truncated to its header": _rewrite(_table, lambda b: b.split(b"\n", 1)[0] + b"\n"),
    "table truncated by a byte": _rewrite(_table, lambda b: b[:-1]),
    "table with another header": _rewrite(_table, lambda b: b"a,b,c,d,e\n" + b.split(b"\n", 1)[1]),
    "table with a column renamed": lambda f, k, m: _column(
        f, k, lambda t, c: t.rename(columns={c: "x"})
    ),
    "table with a digit changed": _rewrite(_table, lambda b: b.replace(b"0", b"1", 1)),
    "table with a row more": _rewrite(_table, lambda b: b + b.split(b"\n")[1] + b"\n"),
    "table with text in numbers": lambda f, k, m: _column(
        f, k, lambda t, c: t.assign(**{NUMBERS[k]: ["x", *t[NUMBERS[k]][1:]]})
    ),
    "table in CRLF lines": _rewrite(_table, lambda b: b.replace(b"\n", b"\r\n")),
    "table missing": _remove(_table),
    "table a folder": _folder_in_place,
    "table from another kind": _swap(_table, lambda k: (_other(k), _table(_other(k)))),
    "scenario empty": _rewrite(lambda k: SCENARIO[k], lambda b: b""),
    "scenario binary": _rewrite(lambda k: SCENARIO[k], lambda b: BINARY),
    "scenario truncated": _rewrite(lambda k: SCENARIO[k], lambda b: b[: len(b) // 2]),
    "scenario not YAML": _rewrite(lambda k: SCENARIO[k], lambda b: b"{{{: [\n"),
    "scenario a list": _rewrite(lambda k: SCENARIO[k], lambda b: b"- 1\n- 2\n"),
    "scenario missing": _remove(lambda k: SCENARIO[k]),
    "scenario from another folder": _swap(
        lambda k: SCENARIO[k],
        lambda k: (
            ("run", SCENARIO["run"]) if k == "calibrate" else ("calibrate", SCENARIO["calibrate"])
        ),
    ),
    "figure truncated": _rewrite(_figure, lambda b: b[:100]),
    "figure missing": _remove(_figure),
    "figure from another folder": _swap(_figure, lambda k: (_other(k), _figure(_other(k)))),
    "data file (parquet, trials) damaged": _rewrite(_data_file, lambda b: b[:8] + BINARY + b[8:]),
    "data file missing": _remove(_data_file),
}


@pytest.mark.parametrize("kind", REPORTED)
@pytest.mark.parametrize("damage", FILE_DAMAGE)
def test_a_damaged_file_is_named(made, kind, damage, tmp_path) -> None:
    folder = _copy(made, kind, tmp_path)
    named = FILE_DAMAGE[damage](folder, kind, made)
    stderr = _assert_damaged(folder, named)
    command = brief_text(_manifest(made[kind])["command"], 300)  # as recorded: sim and its words
    assert command.startswith("sim")
    assert f"the result folder is damaged: make it again (it was written by: {command})" in stderr


# --- damaged manifests -----------------------------------------------------------------


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


MANIFEST_TEXT: dict[str, Callable[[str], bytes]] = {
    "empty": lambda t: b"",
    "binary": lambda t: BINARY,
    "truncated": lambda t: t[: len(t) // 2].encode(),
    "not UTF-8": lambda t: t.encode("utf-16"),
    "a list": lambda t: b"[1, 2]",
    "a number": lambda t: b"3",
    "no kind": lambda t: json.dumps(
        {k: v for k, v in json.loads(t).items() if k != "kind"}
    ).encode(),
    "100,000 deep": lambda t: t.replace(
        '"extra": {', f'"deep": {_nested(100_000)}, "extra": {{'
    ).encode(),
    "33 deep": lambda t: t.replace('"extra": {', f'"deep": {_nested(33)}, "extra": {{').encode(),
    "huge": lambda t: t.replace(
        '"extra": {', f'"pad": "{"x" * MANIFEST_MAX_BYTES}", "extra": {{'
    ).encode(),
    "NaN in wall_seconds": lambda t: t.replace(
        '"wall_seconds": ', '"wall_seconds": NaN, "x": '
    ).encode(),
}


@pytest.mark.parametrize("kind", REPORTED)
@pytest.mark.parametrize("damage", MANIFEST_TEXT)
def test_a_damaged_manifest_is_named(made, kind, damage, tmp_path) -> None:
    folder = _copy(made, kind, tmp_path)
    path = folder / "manifest.json"
    path.write_bytes(MANIFEST_TEXT[damage](path.read_text()))
    _assert_damaged(folder, "manifest.json")


def _wrong(name: str) -> Any:
    return "text" if FIELD_TYPES[name] in ("a mapping", "a list") else {"x": [1]}


@pytest.mark.parametrize("kind", REPORTED)
def test_each_manifest_field_missing_or_of_the_wrong_type_is_named(made, kind, tmp_path) -> None:
    """Every core field of a manifest with checksums, removed or of another type."""
    for name in CORE_FIELDS:
        for how, change in (("missing", None), ("wrong type", _wrong(name))):
            folder = _copy(made, kind, tmp_path / f"{name}-{how}")
            manifest = _manifest(folder)
            if change is None:
                del manifest[name]
            else:
                manifest[name] = change
            _write_manifest(folder, manifest)
            stderr = _assert_damaged(folder, "" if name == "kind" else "manifest.json")
            if name != "kind":
                assert f"manifest.json: {name}: " in stderr, (name, how, stderr)


FIELD_VALUES: dict[str, Any] = {
    "years": [[2020], ["a", "b"], [2020.5, 2021], [True, False], []],
    "replications": [0, -1, 2.0, True, "2"],
    "seed": [1.5, None, "7"],
    "inputs": [[1, 2], ["scenario"]],
    "kind": ["sensitivity", "nonsense", ""],
    "wall_seconds": [True, "1"],
}


@pytest.mark.parametrize("kind", REPORTED)
def test_manifest_values_of_the_right_type_but_wrong_are_named(made, kind, tmp_path) -> None:
    count = 0
    for name, values in FIELD_VALUES.items():
        for value in values:
            count += 1
            folder = _copy(made, kind, tmp_path / str(count))
            manifest = _manifest(folder)
            manifest[name] = value
            _write_manifest(folder, manifest)
            _assert_damaged(folder, "" if name == "kind" else "manifest.json")


@pytest.mark.parametrize("kind", ["sweep", "tradeoff", "size", "calibrate"])
def test_each_extra_field_missing_or_of_the_wrong_type_is_named(made, kind, tmp_path) -> None:
    for name, wanted in EXTRA_TYPES[kind].items():
        for how in ("missing", "wrong type"):
            folder = _copy(made, kind, tmp_path / f"{name}-{how}")
            manifest = _manifest(folder)
            if how == "missing":
                del manifest["extra"][name]
            else:
                manifest["extra"][name] = "text" if wanted != "text" else [1]
            _write_manifest(folder, manifest)
            stderr = _assert_damaged(folder, "manifest.json")
            assert f"extra.{name}: " in stderr, stderr


CHECKSUM_DAMAGE: dict[str, Callable[[dict[str, Any]], Any]] = {
    "a hash not hex": lambda m: next(iter(m["checksums"].values())).update(sha256="z" * 64),
    "a size negative": lambda m: next(iter(m["checksums"].values())).update(bytes=-1),
    "an entry not a mapping": lambda m: m["checksums"].update({next(iter(m["checksums"])): 1}),
    "a path out of the folder": lambda m: m["checksums"].update(
        {"../x": {"sha256": "0" * 64, "bytes": 0}}
    ),
    "an absolute path": lambda m: m["checksums"].update(
        {"/etc/hostname": {"sha256": "0" * 64, "bytes": 0}}
    ),
    "files not those of checksums": lambda m: m["files"].pop(0),
    "the table's entry removed": lambda m: (
        m["checksums"].pop(TABLES[m["kind"]]),
        m["files"].remove(TABLES[m["kind"]]),
    ),
}


@pytest.mark.parametrize("kind", REPORTED)
@pytest.mark.parametrize("damage", CHECKSUM_DAMAGE)
def test_damaged_checksums_are_named(made, kind, damage, tmp_path) -> None:
    folder = _copy(made, kind, tmp_path)
    manifest = _manifest(folder)
    CHECKSUM_DAMAGE[damage](manifest)
    _write_manifest(folder, manifest)
    stderr = _assert_damaged(folder, "manifest.json")
    assert "manifest.json: checksums" in stderr or "manifest.json: files" in stderr


@pytest.mark.parametrize("kind", REPORTED)
def test_a_manifest_from_another_folder_names_the_files(made, kind, tmp_path) -> None:
    folder = _copy(made, kind, tmp_path)
    other = _other(kind)
    shutil.copyfile(made[other] / "manifest.json", folder / "manifest.json")
    stderr = _assert_damaged(folder, TABLES[other])
    assert "is missing" in stderr


@pytest.mark.parametrize("name", ["x" * 1000, "a\x00b", "/nowhere/s.yaml"])
def test_a_scenario_file_that_cannot_be_there_is_reported_without_its_comments(
    made, name, tmp_path
) -> None:
    """The scenario file a manifest names may be gone (or no file can have its name):
    the report is made without the comments beside the assumptions."""
    folder = _copy(made, "size", tmp_path)
    manifest = _manifest(folder)
    manifest["scenario_file"] = name
    _write_manifest(folder, manifest)
    result = _report(folder)
    assert result.exit_code == 0, result.output


def test_a_kind_changed_to_another_names_what_is_missing(made, tmp_path) -> None:
    folder = _copy(made, "run", tmp_path)
    manifest = _manifest(folder)
    manifest["kind"] = "sweep"
    manifest["extra"] = {"points": 2, "vary": {}}
    _write_manifest(folder, manifest)
    stderr = _assert_damaged(folder, "")
    assert "has no sweep.csv" in stderr


def test_a_target_not_understood_in_a_size_manifest_is_named(made, tmp_path) -> None:
    folder = _copy(made, "size", tmp_path)
    manifest = _manifest(folder)
    manifest["extra"]["target"] = "waiting <=> 4"
    _write_manifest(folder, manifest)
    stderr = _assert_damaged(folder, "manifest.json")
    assert "manifest.json: extra.target: " in stderr


# --- folders without checksums: what can still be told ---------------------------------

UNCHECKED_DAMAGE = {
    name: FILE_DAMAGE[name]
    for name in (
        "table empty",
        "table binary",
        "table truncated to its header",
        "table with another header",
        "table with a column renamed",
        "table with text in numbers",
        "table missing",
        "table a folder",
        "scenario binary",
        "scenario not YAML",
        "scenario a list",
    )
}


@pytest.mark.parametrize("kind", REPORTED)
@pytest.mark.parametrize("damage", UNCHECKED_DAMAGE)
def test_a_damaged_folder_without_checksums_is_named(made, kind, damage, tmp_path) -> None:
    folder = _copy(made, kind, tmp_path)
    manifest = _manifest(folder)
    del manifest["checksums"], manifest["engine"]
    _write_manifest(folder, manifest)
    named = UNCHECKED_DAMAGE[damage](folder, kind, made)
    if damage in ("table a folder", "table missing"):
        named = ""  # the folder is named: it has no such table
    _assert_damaged(folder, named)


@pytest.mark.parametrize("kind", REPORTED)
@pytest.mark.parametrize(
    "damage",
    [
        "table truncated in a row",
        "table from another kind",
        "scenario from another folder",
        "scenario empty",
    ],
)
def test_what_cannot_be_told_without_checksums_is_no_internal_error(
    made, kind, damage, tmp_path
) -> None:
    """Without checksums a truncated or swapped file may go unnoticed; it is reported
    (with the note) or refused (exit 2), never an internal error."""
    folder = _copy(made, kind, tmp_path)
    manifest = _manifest(folder)
    del manifest["checksums"], manifest["engine"]
    _write_manifest(folder, manifest)
    FILE_DAMAGE[damage](folder, kind, made)
    result = _report(folder)
    assert result.exit_code in (0, 2), result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
