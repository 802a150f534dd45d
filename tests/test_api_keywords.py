"""Functional tests of the Python API's shape: subject by position, options by keyword.

Every public function of ``sim`` takes its subject (scenario, files, spec, results,
folder) by position and every other parameter by keyword; the old spellings (options by
position, ``on_replication_done``/``on_step``/``on_trial``, a calibration's ``seed``,
``lang="no"``, ``SizingResult.table()``, ``Comparison.text()``) still work for one
release, with a DeprecationWarning naming the new spelling, and give the same result.
Every result has ``.table``, ``.summary()`` and ``.write(out, force=False)``.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
from helpers import DATA

import sim

TINY = DATA / "tiny.yaml"
RECOVERY = DATA / "recovery" / "recovery.yaml"
SPEC_OPTIONS = ["replications=1", "fit_replications=2", "profile=false"]

KEYWORD_FIRST = """
import inspect, sim
functions = [getattr(sim, n) for n in sim.__all__ if inspect.isfunction(getattr(sim, n))]
assert len(functions) >= 20, len(functions)
for function in functions:
    first, *rest = inspect.signature(function).parameters.values()
    assert first.kind is first.POSITIONAL_OR_KEYWORD, function.__name__
    assert all(p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD) for p in rest), function.__name__
print(len(functions))
"""


def test_every_public_function_takes_only_its_subject_by_position() -> None:
    done = subprocess.run(
        [sys.executable, "-c", KEYWORD_FIRST], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 20


def test_all_is_the_api_list_with_the_errors_and_version() -> None:
    assert sim.__all__ == [*sim.api.__all__, "InputError", "ScenarioError", "__version__"]
    assert all(hasattr(sim, name) for name in sim.__all__)


def test_one_progress_name_for_every_command() -> None:
    names = {
        name
        for function in (sim.run, sim.compare, sim.sweep, sim.tradeoff, sim.size, sim.calibrate)
        for name in inspect.signature(function).parameters
        if name.startswith("on_")
    }
    assert names == {"on_progress"}
    assert "search_seed" in inspect.signature(sim.calibrate).parameters


def _old(call):  # the result of an old spelling and the warnings it gave
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    messages = [str(w.message) for w in caught if w.category is DeprecationWarning]
    assert messages, "no DeprecationWarning"
    assert all(w.filename == __file__ for w in caught), "warning not at the caller"
    return result, messages


def test_run_options_by_position_and_old_progress_name_warn_and_agree() -> None:
    done: list[int] = []
    new = sim.run(TINY, replications=2, seed=7, years=2)
    old, messages = _old(lambda: sim.run(TINY, 2, 7, 2, on_replication_done=done.append))
    pd.testing.assert_frame_equal(old.yearly, new.yearly)
    assert sorted(done) == [0, 1]
    assert "replications, seed, years by position" in messages[0]
    assert "replications=..., seed=..., years=..." in messages[0]
    assert "on_replication_done=" in messages[1] and "on_progress=" in messages[1]


def test_compare_sweep_and_size_old_spellings_agree() -> None:
    new = sim.compare(TINY, alternatives=[TINY], replications=2, metrics=["waiting"])
    old, messages = _old(lambda: sim.compare(TINY, [TINY], 2, 1, ["waiting"]))
    pd.testing.assert_frame_equal(old.table, new.table)
    assert "write alternatives=..., replications=..., jobs=..., metrics=..." in messages[0]
    vary = {"stock.ordinary.units": [10, 40]}
    new_sweep = sim.sweep(TINY, vary=vary, replications=2, metrics=["waiting"])
    old_sweep, _ = _old(lambda: sim.sweep(TINY, vary, 2, metrics=["waiting"]))
    pd.testing.assert_frame_equal(old_sweep.table, new_sweep.table)
    steps: list[int] = []
    new_size = sim.size(TINY, category="ordinary", target="waiting <= 1000", replications=2)
    old_size, messages = _old(
        lambda: sim.size(TINY, "ordinary", "waiting <= 1000", replications=2, on_step=steps.append)
    )
    assert old_size.answer == new_size.answer and steps
    assert "on_step=" in messages[1] and "on_progress=" in messages[1]
    table, messages = _old(lambda: old_size.table())
    pd.testing.assert_frame_equal(table, pd.DataFrame(new_size.table))  # a subclass: callable
    assert "SizingResult.table()" in messages[0]
    text, messages = _old(lambda: new.text())
    assert text == new.summary() and "Comparison.summary()" in messages[0]


def test_calibrate_seed_is_the_search_seed_and_the_old_name_warns() -> None:
    options = {"budget": 2, "overrides": SPEC_OPTIONS}
    new = sim.calibrate(RECOVERY, search_seed=5, **options)
    old, messages = _old(lambda: sim.calibrate(RECOVERY, seed=5, **options))
    assert [t.values for t in old.trials] == [t.values for t in new.trials]
    other = sim.calibrate(RECOVERY, search_seed=6, **options)
    assert [t.values for t in other.trials] != [t.values for t in new.trials]
    assert "seed=" in messages[0] and "search_seed=" in messages[0]


def test_old_positional_write_and_unknown_extra_positions(tmp_path: Path) -> None:
    result = sim.tradeoff(TINY, vary=["policy.renewal=strict,always"], replications=2)
    _, messages = _old(lambda: sim.write_tradeoff(result, tmp_path / "old"))
    assert "write out=..." in messages[0]
    assert (tmp_path / "old" / "tradeoff.csv").exists()
    with pytest.raises(TypeError, match="by keyword"):
        sim.validate([TINY], (), "too many")


def test_report_in_norwegian_as_nb_and_the_old_no(tmp_path: Path) -> None:
    assert sim.run(TINY, replications=2, out=tmp_path / "run").scenario_file == TINY
    new = sim.write_report(tmp_path / "run", lang="nb", formats=["html"])
    page = new[0].read_text(encoding="utf-8")
    assert 'lang="nb"' in page
    old, messages = _old(
        lambda: sim.write_report(tmp_path / "run", lang="no", formats=["html"], force=True)
    )
    assert old[0].read_text(encoding="utf-8").count('lang="nb"') == page.count('lang="nb"')
    assert 'lang="nb"' in messages[0]


def _results(tmp_path: Path) -> dict[str, object]:
    other = tmp_path / "other.yaml"
    other.write_text(f"extends: {TINY}\nname: other\npolicy: {{renewal: always}}\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {TINY}\nseed: -1\n")
    options = {"replications": 2}
    return {
        "run": sim.run(TINY, **options),
        "compare": sim.compare(TINY, alternatives=[other], **options),
        "sweep": sim.sweep(TINY, vary={"stock.ordinary.units": [10, 20]}, **options),
        "tradeoff": sim.tradeoff(TINY, vary=["policy.renewal=strict,always"], **options),
        "size": sim.size(TINY, category="ordinary", target="waiting <= 1000", **options),
        "sensitivity": sim.sensitivity(
            TINY, vary=["stock.ordinary.units=10:20"], samples=2, metrics=["waiting"], **options
        ),
        "calibrate": sim.calibrate(RECOVERY, budget=2, overrides=SPEC_OPTIONS),
        "validate": sim.validate([TINY, bad]),
    }


FIRST_LINE = {
    "run": "Summary (mean [95 % CI] over 2 replications)",
    "compare": "Differences from tiny",
    "size": "analytic estimate (M/M/c, Erlang C)",
    "calibrate": "best loss ",
    "validate": f"ok: {TINY} (tiny: ",
}


def test_every_result_has_table_summary_and_write(tmp_path: Path) -> None:
    pytest.importorskip("SALib")
    for kind, result in _results(tmp_path).items():
        table = result.table  # type: ignore[attr-defined]
        assert isinstance(table, pd.DataFrame) and not table.empty, kind
        text = result.summary()  # type: ignore[attr-defined]
        assert isinstance(text, str) and text.strip(), kind
        assert text.lstrip("\n").startswith(FIRST_LINE.get(kind, "")), (kind, text[:80])
        out = tmp_path / kind
        assert result.write(out) == out  # type: ignore[attr-defined]
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["kind"] == kind
        with pytest.raises(sim.InputError, match="--force"):
            result.write(out)  # type: ignore[attr-defined]
        assert result.write(out, force=True) == out  # type: ignore[attr-defined]
