"""CLI and fault tests: what ``--force`` may replace, the crash-safe replace, a full disk,
and the permissions of result folders (``sim/analysis/replace.py``).

``--force`` replaces only what sim wrote (a result folder, an empty folder, a file a
command wrote) and refuses everything else with exit 2 before any simulation. The
replace is killed (``SIGKILL``, through the ``SIM_TEST_KILL_AT`` test seam) at each of its
steps in a forked process: afterwards, and after the next run's recovery, a complete
result (the old or the new) is at the target and nothing is left beside it. Runs are
tiny (one replication of one year of ``tests/data/tiny.yaml``).
"""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import shutil
import signal
import stat
from pathlib import Path

import pytest
from helpers import assert_input_error, invoke, problem_line

import sim
import sim.analysis.output
import sim.api
import sim.report
from sim.analysis.hidden import TEST_KILL_AT, recover
from sim.cli import main
from sim.cli.schema import written_schema

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
QUICK = ("-r", "1", "--years", "1", "-q")


def run(out: Path, *more: str, seed: int = 1, scenario: Path = TINY) -> None:
    result = invoke("run", scenario, *QUICK, "--seed", str(seed), "--out", out, *more)
    assert result.exit_code == 0, (result.output, result.exception)


def seed_of(folder: Path) -> int:
    return int(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["seed"])


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any simulation started fails the test: refusals must come before any work."""

    def started(*args: object, **kwargs: object) -> None:
        raise AssertionError("the simulation started")

    monkeypatch.setattr(sim.api.runs, "run_scenario", started)
    monkeypatch.setattr(sim.api.runs, "compare_scenarios", started)


@pytest.fixture(scope="module")
def result_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished result folder (copied by the tests that change it)."""
    folder = tmp_path_factory.mktemp("made") / "result"
    run(folder)
    return folder


# --- defect 1: --force replaces only what sim wrote ------------------------------------


def test_force_keeps_a_folder_of_the_users_files(tmp_path: Path, no_simulation: None) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (own / "thesis.docx").write_text("years of work")
    stderr = assert_input_error(invoke("run", TINY, *QUICK, "--out", own, "--force"))
    assert "not a result folder" in problem_line(stderr, "own", "--out")
    assert (own / "thesis.docx").read_text() == "years of work"
    assert hidden(tmp_path) == []


@pytest.mark.parametrize("where", [".", "figures"])
def test_force_never_replaces_the_folder_holding_the_scenario(
    tmp_path: Path, result_folder: Path, no_simulation: None, where: str
) -> None:
    """Even a result folder is kept when the scenario being run lies in it (or deeper)."""
    out = tmp_path / "result"
    shutil.copytree(result_folder, out)
    scenario = out / where / "again.yaml"
    shutil.copy(out / "scenario.resolved.yaml", scenario)
    stderr = assert_input_error(invoke("run", scenario, *QUICK, "--out", out, "--force"))
    assert "holds the input file" in problem_line(stderr, "result", "--out")
    assert scenario.exists() and seed_of(out) == 1


def test_compare_never_replaces_the_folder_of_an_alternative(
    tmp_path: Path, result_folder: Path, no_simulation: None
) -> None:
    out = tmp_path / "result"
    shutil.copytree(result_folder, out)
    alternative = out / "alternative.yaml"
    shutil.copy(TINY, alternative)
    with pytest.raises(sim.InputError, match="holds the input file"):
        sim.compare(TINY, alternatives=[alternative], out=out, force=True)
    assert alternative.exists()


@pytest.mark.parametrize(("cwd", "out"), [(".", "."), ("figures", ".."), ("figures", "../..")])
def test_force_never_replaces_the_current_folder_or_its_parents(
    tmp_path: Path,
    result_folder: Path,
    no_simulation: None,
    monkeypatch: pytest.MonkeyPatch,
    cwd: str,
    out: str,
) -> None:
    """``--out .`` and ``--out ..`` are refused before the run (once: an internal error
    after it), even where they are result folders."""
    folder = tmp_path / "result"
    shutil.copytree(result_folder, folder)
    monkeypatch.chdir(folder / cwd)
    stderr = assert_input_error(invoke("run", TINY, *QUICK, "--out", out, "--force"))
    assert "current folder" in problem_line(stderr, out, "--out")
    assert seed_of(folder) == 1


def test_force_never_replaces_a_link(
    tmp_path: Path, result_folder: Path, no_simulation: None
) -> None:
    """A symbolic link (to a result folder, or to a schema file) is not replaced, nor
    what it points to."""
    folder = tmp_path / "result"
    shutil.copytree(result_folder, folder)
    link = tmp_path / "link"
    link.symlink_to(folder)
    stderr = assert_input_error(invoke("run", TINY, *QUICK, "--out", link, "--force"))
    assert "symbolic link" in problem_line(stderr, "link", "--out")
    assert link.is_symlink() and seed_of(folder) == 1
    schema = tmp_path / "scenario.schema.json"
    assert invoke("schema", "--out", schema).exit_code == 0
    schema_link = tmp_path / "schema-link.json"
    schema_link.symlink_to(schema)
    stderr = assert_input_error(invoke("schema", "--out", schema_link, "--force"))
    assert "symbolic link" in problem_line(stderr, "schema-link.json", "--out")
    assert schema_link.is_symlink()


def test_schema_force_never_replaces_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    stderr = assert_input_error(invoke("schema", "--out", fifo, "--force"))
    assert "not a regular file" in problem_line(stderr, "fifo", "--out")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert written_schema(fifo) is False  # looking never blocks on it


def test_force_uses_an_empty_folder_and_replaces_a_result_folder(
    tmp_path: Path, result_folder: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    run(empty, "--force", seed=2)
    assert seed_of(empty) == 2
    shutil.copytree(result_folder, tmp_path / "result")
    run(tmp_path / "result", "--force", seed=3)
    assert seed_of(tmp_path / "result") == 3
    assert hidden(tmp_path) == []


def test_calibrate_scenario_out_replaces_only_an_overlay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--scenario-out`` names a file the user wrote: refused, even with --force,
    before calibrating."""
    import sim.calibration

    def fit(*args: object, **kwargs: object) -> None:
        raise AssertionError("the calibration started")

    monkeypatch.setattr(sim.calibration, "calibrate", fit)
    spec = DATA / "recovery" / "recovery.yaml"
    mine = tmp_path / "mine.yaml"
    mine.write_text("name: mine\n")
    with pytest.raises(sim.InputError, match="not written by sim calibrate"):
        sim.calibrate(spec, scenario_out=mine, force=True)
    with pytest.raises(sim.InputError, match="is a folder"):
        sim.calibrate(spec, scenario_out=tmp_path, force=True)
    assert mine.read_text() == "name: mine\n"
    overlay = tmp_path / "calibrated.yaml"  # as write_overlay begins one
    overlay.write_text("# yaml-language-server: $schema=x.json\n# Made by `sim calibrate s.yaml`\n")
    sim.calibration.check_overlay(overlay, force=True)  # may be replaced
    with pytest.raises(sim.InputError, match="--force"):
        sim.calibration.check_overlay(overlay, force=False)


# --- defect 2: a kill at any step of the replace loses nothing -------------------------

STEPS = {"written": 1, "complete": 1, "aside": 2, "in": 2, "trash": 2}
"""Each step of the replace at which the writer is killed, and the seed of the result
that must be at the target afterwards: 1 the old one, 2 the new one."""


def _killed_run(out: Path, step: str) -> None:
    os.environ[TEST_KILL_AT] = step
    main(["run", str(TINY), *QUICK, "--seed", "2", "--out", str(out), "--force"])


@pytest.mark.parametrize("step", list(STEPS))
def test_a_kill_at_any_step_of_the_replace_keeps_a_complete_result(
    tmp_path: Path, result_folder: Path, step: str
) -> None:
    out = tmp_path / "result"
    shutil.copytree(result_folder, out)
    (tmp_path / "notes.txt").write_text("mine")
    writer = multiprocessing.get_context("fork").Process(target=_killed_run, args=(out, step))
    writer.start()
    writer.join(120)
    assert writer.exitcode == -signal.SIGKILL  # it died at that step
    if out.exists():
        assert seed_of(out) in (1, 2)  # a complete result, the old or the new
    else:  # only between setting the old one aside and renaming the new one in
        assert step == "aside"
        assert [n for n in hidden(tmp_path) if ".complete-" in n]
    run(tmp_path / "next")  # the next run in the folder recovers
    assert seed_of(out) == STEPS[step]
    assert hidden(tmp_path) == []  # no debris: unfinished, set aside, trash, rows
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["next", "notes.txt", "result"]


def test_recovery_restores_the_old_result_and_removes_old_debris(tmp_path: Path) -> None:
    """A result set aside by a killed writer whose new one is gone comes back; the
    ``.replaced-`` folders older versions left are removed."""
    dead = multiprocessing.get_context("fork").Process(target=os.getpid)
    dead.start()
    dead.join()
    host = __import__("hashlib").blake2b(os.uname().nodename.encode(), digest_size=4)
    previous = tmp_path / f".result.previous-{dead.pid}.{host.hexdigest()}-0a1b2c3d"
    previous.mkdir()
    (previous / "manifest.json").write_text("{}")
    legacy = tmp_path / ".result.replaced-k2j_3x9a"
    (legacy / "old").mkdir(parents=True)
    recover(tmp_path)
    assert (tmp_path / "result" / "manifest.json").read_text() == "{}"
    assert hidden(tmp_path) == []


# --- defect 5 (part): a full disk is an input error naming the path --------------------


def test_a_full_disk_is_exit_2_naming_the_path_and_keeps_the_old_result(
    tmp_path: Path, result_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "result"
    shutil.copytree(result_folder, out)
    before = (out / "manifest.json").read_bytes()

    def full(folder: Path, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder / "manifest.json"))

    monkeypatch.setattr(sim.analysis.output, "write_manifest", full)
    result = invoke("run", TINY, *QUICK, "--seed", "2", "--out", out, "--force")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "internal error" not in result.stderr and "Traceback" not in result.output
    line = problem_line(result.stderr, "result", "--out")
    assert "No space left on device" in line and "manifest.json" in line
    assert (out / "manifest.json").read_bytes() == before  # the old result is intact
    assert hidden(tmp_path) == []  # nothing half-written


def test_a_full_disk_while_streaming_the_rows_is_exit_2(
    tmp_path: Path, result_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows a run streams to disk while it runs hit the full disk first."""
    import sim.analysis.stream

    out = tmp_path / "result"
    shutil.copytree(result_folder, out)

    def full(path: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(sim.analysis.stream.pq, "ParquetWriter", full)
    result = invoke("run", TINY, *QUICK, "--seed", "2", "--out", out, "--force")
    assert result.exit_code == 2 and "internal error" not in result.stderr
    line = problem_line(result.stderr, "result", "--out")
    assert "No space left on device" in line and "yearly.parquet" in line
    assert seed_of(out) == 1 and hidden(tmp_path) == []


def test_a_full_disk_writing_a_report_is_exit_2(
    tmp_path: Path, result_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "result"
    shutil.copytree(result_folder, out)

    def full(report: object, path: Path) -> None:
        path.write_text("half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setitem(sim.report.FORMATS, "html", ("report.html", full))
    result = invoke("report", out, "--format", "html")
    assert result.exit_code == 2 and "internal error" not in result.stderr
    assert "No space left on device" in problem_line(result.stderr, "report.html", None)
    assert hidden(out) == [] and not (out / "report.html").exists()


# --- defect 9 (part): a result folder has the permissions mkdir gives ------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o755), (0o077, 0o700), (0o002, 0o775)])
def test_result_folders_follow_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        run(tmp_path / "result")
    finally:
        os.umask(old)
    for folder in (tmp_path / "result", tmp_path / "result" / "figures"):
        assert stat.S_IMODE(folder.stat().st_mode) == mode, folder
    file_mode = stat.S_IMODE((tmp_path / "result" / "summary.csv").stat().st_mode)
    assert file_mode == 0o666 & ~umask
