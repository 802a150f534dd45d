"""Unit tests of the app's parts without a page: controls as scenario changes, pasted
text, the runner (cache, warm pool), the assumptions read from the files, the labels.

Simulations use ``tests/data/app-small.yaml`` (Lørenskog, three reported years).
"""

from __future__ import annotations

import re
import string
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from sim.analysis.labels import UNITS_NO
from sim.app import controls
from sim.app.runs import Runner
from sim.app.sources import MAX_PASTE_BYTES, Startup, find_baselines, pasted_scenario
from sim.app.text import TEXT
from sim.config import comments as about
from sim.config.errors import InputError
from sim.config.loader import load_scenario
from sim.model.catalogue import CATALOGUE
from sim.runner.replications import run_scenario

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "data" / "app-small.yaml"
LORENSKOG = ROOT / "scenarios" / "lorenskog-calibrated.yaml"
ASKER = ROOT / "scenarios" / "asker-calibrated.yaml"


@pytest.fixture(scope="module")
def base():
    return load_scenario(SMALL)


def test_baseline_controls_read_the_scenario(base) -> None:
    start = controls.baseline_controls(base)
    assert start.category == "ordinary"
    assert start.contract_years == 1.0
    assert start.renewal == "discretionary" and start.renewal_probability == 0.7
    assert start.followup_capacity == 15
    assert start.flexbo_group == "rus"
    assert controls.changes(base, start) == []  # the baseline itself changes nothing
    asker = controls.baseline_controls(load_scenario(ASKER))
    assert (asker.contract_years, asker.renewal, asker.flexbo_group) == (
        3.0,
        "needs_based",
        "disadvantaged",
    )


def test_every_control_changes_its_key_and_only_it(base) -> None:
    start = controls.baseline_controls(base)
    first = base.time.start
    cases = {
        "contract_years": lambda s: s.stock["ordinary"].contract_years.at_year(first) == 3.0,
        "renewal": lambda s: s.stock["ordinary"].renewal.at_year(first) == "strict",
        "after_nonrenewal": lambda s: s.policy.after_nonrenewal.at_year(first) == {"homeless": 1.0},
        "followup_capacity": lambda s: s.followup.capacity.at_year(first) == 30,
        "units_per_year": lambda s: any(
            b.category == "ordinary" and b.units_per_year == 4 for b in s.builds
        ),
        "flexbo_units": lambda s: (
            "flexbo" in s.stock
            and "flexbo" in s.groups["rus"].eligible
            and any(b.category == "flexbo" and b.units == 15 for b in s.builds)
        ),
    }
    values = {
        "contract_years": 3.0,
        "renewal": "strict",
        "after_nonrenewal": "homeless",
        "followup_capacity": 30,
        "units_per_year": 4,
        "flexbo_units": 15,
    }
    for key, value in values.items():
        found = controls.changes(base, replace(start, **{key: value}))
        assert [change.key for change in found] == [key]
        changed = controls.apply(base, found)
        assert cases[key](changed), key
        for other, holds in cases.items():
            if other != key:
                assert not holds(changed), (key, other)
    assert len(base.builds) == len(controls.apply(base, []).builds)


def test_discretionary_probability_is_a_change(base) -> None:
    start = controls.baseline_controls(base)
    found = controls.changes(base, replace(start, renewal_probability=0.2))
    assert [c.settings for c in found] == [
        ("stock.ordinary.renewal=discretionary", "stock.ordinary.renewal_probability=0.2")
    ]
    assert controls.apply(base, found).stock["ordinary"].renewal_probability == 0.2


def test_builds_keep_the_baselines_own(base) -> None:
    asker = load_scenario(ASKER)
    start = controls.baseline_controls(asker)
    changed = controls.apply(
        asker, controls.changes(asker, replace(start, units_per_year=2, flexbo_units=5))
    )
    assert changed.builds[: len(asker.builds)] == asker.builds
    assert len(changed.builds) == len(asker.builds) + 2
    assert "flexbo" in changed.groups["disadvantaged"].eligible


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("policy: {renewal: sometimes}", ["policy.renewal", "allowed"]),
        ("- just a list", ["mapping"]),
        ("", ["empty"]),
        ("extends: ../../etc/passwd\n", ["extends", "not allowed"]),
        ("stock: {ordinary: {units: -4}}", ["stock.ordinary.units"]),
        ("policy: {renewal: strict\n", ["pasted text"]),
        (
            "groups:\n  rus:\n    tenancy_years:\n      distribution: empirical\n"
            "      file: /etc/hostname\n      column: a\n",
            ["file is not allowed"],
        ),
        (
            "a: &a [1,1,1,1,1,1,1,1,1,1]\n"
            + "".join(
                f"{x}: &{x} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
                for p, x in zip("abcdefgh", "bcdefghi", strict=True)
            ),
            ["aliases"],
        ),
        ("x" * (MAX_PASTE_BYTES + 1), ["bytes"]),
        (b"\xff\xfe\x00", ["UTF-8"]),
    ],
)
def test_pasted_text_errors_name_the_key_and_rule(base, text, words) -> None:
    with pytest.raises(InputError) as caught:
        pasted_scenario(text, base)
    message = str(caught.value)
    for word in words:
        assert word in message, message


def test_pasted_text_is_merged_onto_the_baseline(base) -> None:
    pasted = pasted_scenario("policy:\n  renewal: strict\n", base)
    assert pasted.policy.renewal.at_year(2008).value == "strict"
    assert pasted.stock == base.stock and pasted.groups == base.groups
    assert pasted.name == "app-small-pasted"
    assert pasted_scenario(b"name: mine\n", base).name == "mine"


def test_baselines_are_named_and_offer_their_policies() -> None:
    found = find_baselines(Startup(ROOT / "scenarios", [SMALL], 1))
    assert list(found) == ["lorenskog-calibrated", "asker-calibrated", "app-small"]
    assert "lorenskog-renewal-strict" in found["lorenskog-calibrated"].policies
    assert all("asker" in name for name in found["asker-calibrated"].policies), found[
        "asker-calibrated"
    ].policies
    assert found["app-small"].policies == {}
    with pytest.raises(InputError):
        find_baselines(Startup(ROOT / "scenarios", [ROOT / "tests" / "data" / "nope.yaml"], 1))


def test_runner_caches_and_its_pool_gives_the_serial_numbers(base) -> None:
    serial = run_scenario(base, 3, 1, True)
    runner = Runner(jobs=2)
    try:
        first = runner.point(base, "baseline", (), 3)
        again = runner.point(base, "baseline", (), 3)
        assert not first.cached and again.cached
        assert first.measures == again.measures
        pooled = runner.results(base, 3)
        pd.testing.assert_frame_equal(pooled.yearly, serial.yearly)
        assert runner._pool is not None and runner._pool.processes == 2
    finally:
        runner.close()
    measures = first.measures
    assert measures["throughput_per_100_units_ci_low"] <= measures["throughput_per_100_units"]
    assert set(first.over_time.metric) == {"waiting", "forced_moves", "hospits_nights"}
    assert sorted(set(first.over_time.year)) == [2008, 2009, 2010]


def test_assumptions_carry_the_report_lines() -> None:
    chain = about.assumptions(LORENSKOG)
    assert [notes.name for notes in chain] == ["lorenskog-calibrated.yaml", "lorenskog.yaml"]
    keys = {row.key: row for row in chain[1].keys}
    assert keys["time.start"].value == "2008"
    assert "l. 1600" in keys["time.start"].source
    cited = [row for row in chain[1].keys if re.search(r"l\. \d+|assumption", row.source)]
    numbers = [row for row in chain[1].keys if re.fullmatch(r"-?[\d.]+", row.value)]
    assert len(cited) >= 0.9 * len(numbers) > 50
    dictionary = about.data_dictionary(ROOT / "scenarios")
    assert about.meaning("stock.ordinary.units", dictionary)[1] == "dwellings"
    assert about.meaning("policy.renewal", dictionary)[0].startswith("Renewal rule")
    assert about.meaning("builds.0.units", dictionary)[0].startswith("One-off")


def test_every_label_in_both_languages() -> None:
    fields = string.Formatter()
    for key, (english, norwegian) in TEXT.items():
        assert english.strip() and norwegian.strip(), key
        names = {f for _, f, _, _ in fields.parse(english) if f}
        assert names == {f for _, f, _, _ in fields.parse(norwegian) if f}, key


def test_every_unit_in_norwegian() -> None:
    assert {metric.unit for metric in CATALOGUE.values()} <= set(UNITS_NO)


def test_comparison_sentences() -> None:
    other_pages = pytest.importorskip("sim.app.other_pages")

    def row(metric: str, difference: float, low: float, high: float) -> pd.Series:
        return pd.Series(
            {
                "metric": metric,
                "year": "2015",
                "difference": difference,
                "ci_low": low,
                "ci_high": high,
            }
        )

    assert other_pages.sentence(row("waiting", -12.2, -16.4, -8.1), "en") == (
        "Waiting list at year end in 2015: about 12 fewer (households), 95 % interval 8 to 16."
    )
    assert other_pages.sentence(row("waiting", 3.0, 1.0, 5.0), "nb") == (
        "Venteliste ved årets slutt i 2015: omtrent 3,0 flere (husstander), "
        "95 % intervall 1,0 til 5,0."
    )
    assert "no clear difference (-1.0, 95 % interval -3.0 to 1.0)" in other_pages.sentence(
        row("forced_moves", -1.0, -3.0, 1.0), "en"
    )
    assert "about 0.8 lower (years), 95 % interval 0.6 to 0.9" in other_pages.sentence(
        row("wait_years_mean", -0.8, -0.9, -0.6), "en"
    )
    # a cost in kroner a year, written the reader's way (no-break spaces in Norwegian), to
    # three significant figures
    nb = other_pages.sentence(row("cost_net", -1929638.4, -2500000.0, -1200000.0), "nb")
    assert nb.replace("\u00a0", " ") == (
        "Netto utgifter (samlede utgifter minus husleieinntekter) i 2015: omtrent 1 930 000 kr "
        "lavere i året, 95 % intervall 1 200 000 kr til 2 500 000 kr."
    ), nb
    assert "no clear difference (NOK +446,000 a year, 95 % interval NOK -100,000 to NOK " in (
        other_pages.sentence(row("cost_total", 445905.0, -100000.0, 990000.0), "en")
    )
    assert "cost_total" in other_pages.SENTENCE_METRICS and "cost_net" in (
        other_pages.SENTENCE_METRICS
    )


def test_pasted_text_keeps_the_baselines_posterior_and_refuses_its_parameters() -> None:
    """Text merged onto a baseline that runs over a posterior runs over it too; a key the
    posterior draws (which it would replace) or a posterior file of its own is refused."""
    lorenskog = load_scenario(LORENSKOG)
    assert lorenskog.posterior is not None
    pasted = pasted_scenario("policy:\n  renewal: strict\n", lorenskog)
    assert pasted.posterior is not None and pasted.posterior.sha256 == lorenskog.posterior.sha256
    drawn = "groups:\n  disadvantaged:\n    applications_per_year: 80\n"
    with pytest.raises(InputError, match=r"applications_per_year.*posterior"):
        pasted_scenario(drawn, lorenskog)
    with pytest.raises(InputError, match="names no file on the server"):
        pasted_scenario("calibration:\n  posterior: /etc/passwd\n", lorenskog)


def test_the_download_of_a_posterior_baseline_names_no_server_path(tmp_path: Path) -> None:
    from sim.app.session import Chosen
    from sim.app.tradeoff_page import scenario_file

    lorenskog = load_scenario(LORENSKOG)
    name, text = scenario_file(Chosen("lorenskog-calibrated", lorenskog, LORENSKOG, {}), [])
    assert str(ROOT) not in text and "lorenskog-posterior.csv" in text
    (tmp_path / name).write_text(text, encoding="utf-8")
    loaded = load_scenario(tmp_path / name)
    assert loaded.posterior is None  # at the calibrated values, as its header says
    assert loaded.groups == lorenskog.groups and loaded.stock == lorenskog.stock
