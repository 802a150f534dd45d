"""Display names of scenarios, groups and categories: the scenario files' labels in the
reader's language, the id only where no label exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.analysis.labels import category_label, group_label, scenario_label, shown
from sim.calibration.result import calibrated_label
from sim.config.errors import InputError
from sim.config.loader import load_scenario
from sim.config.types import Translated

ROOT = Path(__file__).resolve().parent.parent


def test_a_label_in_each_language_and_the_other_in_place_of_a_missing_one() -> None:
    both = Translated(nb="Eldre", en="Elderly")
    assert shown(both, "elderly", "nb") == "Eldre"
    assert shown(both, "elderly", "en") == "Elderly"
    assert shown(Translated(nb="Eldre"), "elderly", "en") == "Eldre"
    assert shown(Translated(en="Elderly"), "elderly", "nb") == "Elderly"
    assert shown("Eldre", "elderly", "en") == "Eldre"
    assert shown("", "elderly", "nb") == "elderly"
    assert shown(Translated(), "elderly", "nb") == "elderly"


def test_the_shipped_baselines_name_their_groups_and_dwellings_in_both_languages() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "lorenskog-calibrated.yaml")
    assert scenario_label(scenario, "nb") == "Lørenskog 2008, kalibrert"
    assert scenario_label(scenario, "en") == "Lørenskog 2008, calibrated"
    assert category_label(scenario, "ordinary", "nb") == "Ordinære utleieboliger"
    assert group_label(scenario, "rus", "nb") == "Bostedsløse rusmiddelavhengige"
    assert group_label(scenario, "rus", "en") == "Homeless substance users"
    assert group_label(scenario, "all", "nb") == "all"  # no such group: the id
    for path in [*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("scenarios/policies/*.yaml")]:
        loaded = load_scenario(path)
        for lang in ("nb", "en"):
            assert scenario_label(loaded, lang) != loaded.name, (path, lang)
            for key in loaded.groups:
                assert group_label(loaded, key, lang) != key, (path, key, lang)
            for key in loaded.stock:
                assert category_label(loaded, key, lang) != key, (path, key, lang)


def test_a_label_is_not_inherited_through_extends(tmp_path: Path) -> None:
    parent = load_scenario(ROOT / "scenarios" / "lorenskog-calibrated.yaml")
    (tmp_path / "child.yaml").write_text(
        f"extends: {ROOT / 'scenarios' / 'lorenskog-calibrated.yaml'}\nname: child\n",
        encoding="utf-8",
    )
    child = load_scenario(tmp_path / "child.yaml")
    assert scenario_label(child, "nb") == "child"
    assert child.groups["rus"].label == parent.groups["rus"].label  # groups keep theirs


def test_a_label_with_an_unknown_language_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        f"extends: {ROOT / 'scenarios' / 'lorenskog.yaml'}\nlabel: {{nb: Lørenskog, de: X}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as error:
        load_scenario(tmp_path / "bad.yaml")
    assert "label" in str(error.value) and "de" in str(error.value)


def test_a_calibrated_overlay_is_labelled_after_its_base() -> None:
    base = load_scenario(ROOT / "scenarios" / "asker.yaml")
    assert (
        calibrated_label(base)
        == 'label: {nb: "Asker 2008, kalibrert", en: "Asker 2008, calibrated"}'
    )
