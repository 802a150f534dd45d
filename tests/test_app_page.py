"""The app's pages under Streamlit's AppTest: every control changes what it should, the
trade-off chart gains a point per run, the language switch changes the labels, bad input
shows a message and no traceback.

Runs are serial (``jobs`` 1) on ``tests/data/app-small.yaml`` with 2 replications, except
where a shipped baseline is the point.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

pytest.importorskip("streamlit")
from helpers import open_app
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "data" / "app-small.yaml"


@pytest.fixture
def app(monkeypatch):
    return open_app(monkeypatch, [SMALL])


def small(app: AppTest) -> AppTest:
    app.selectbox(key="baseline").set_value("app-small")
    app.slider(key="replications").set_value(2)
    return app.run()


def run(app: AppTest) -> AppTest:
    app.button(key="run").click()
    app.run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    return app


def points(app: AppTest, baseline: str = "app-small") -> list:
    return app.session_state["points"][baseline]


OVER_TIME = 2
"""The first panel of the over-time chart (the trade-off chart has two panels, drawn as
charts of their own, each the width of its column)."""


def chart_data(app: AppTest, index: int) -> pa.Table:
    """The data behind a chart panel (0, 1: the trade-off, 2 to 4: over time)."""
    return pa.ipc.open_stream(app.get("vega_lite_chart")[index].proto.data.data).read_all()


def chart_rows(app: AppTest) -> int:
    """Rows of the data behind the trade-off chart (one per point)."""
    return chart_data(app, 0).num_rows


def test_the_chart_gains_a_point_per_run_and_reset_clears_it(app) -> None:
    small(app)
    assert not app.get("vega_lite_chart")
    assert any("press Run" in info.value for info in app.info)
    run(app)
    assert chart_rows(app) == 1 and len(points(app)) == 1
    app.selectbox(key="app-small:contract:ordinary").set_value(3.0)
    run(app)
    assert chart_rows(app) == 2
    assert "**Points on the chart: 2**" in [m.value for m in app.markdown]
    assert points(app)[-1][1].label == "contracts: 3 years"
    run(app)  # the same settings again: answered from the cache, still a new point
    assert chart_rows(app) == 3 and points(app)[-1][1].cached
    app.button(key="reset").click()
    app.run()
    assert not app.get("vega_lite_chart") and points(app) == []


CONTROLS = [
    ("app-small:contract:ordinary", "selectbox", 5.0, "stock.ordinary.contract_years=5.0"),
    ("app-small:renewal:ordinary", "selectbox", "strict", "stock.ordinary.renewal=strict"),
    ("app-small:after", "selectbox", "private_rental", "policy.after_nonrenewal=private_rental"),
    ("app-small:followup", "number_input", 40, "followup.capacity=40"),
    ("app-small:units", "number_input", 6, '"units_per_year": 6'),
    ("app-small:flexbo", "number_input", 12, '"category": "flexbo", "year": 2008, "units": 12'),
]


@pytest.mark.parametrize(("key", "kind", "value", "setting"), CONTROLS)
def test_every_control_changes_what_it_should(app, key, kind, value, setting) -> None:
    small(app)
    getattr(app, kind)(key=key).set_value(value)
    run(app)
    settings = points(app)[-1][1].settings
    assert any(setting in text for text in settings), settings
    assert len(points(app)) == 1


def test_renewal_probability_and_the_doubling_button(app) -> None:
    small(app)
    app.slider(key="app-small:probability:ordinary").set_value(30)  # per cent
    app.button(key="app-small:double").click()
    app.run()
    assert app.number_input(key="app-small:followup").value == 30
    run(app)
    settings = points(app)[-1][1].settings
    assert "stock.ordinary.renewal_probability=0.3" in settings
    assert "followup.capacity=30" in settings
    assert points(app)[-1][1].label == "renewal: at discretion 30%, follow-up 30"
    app.selectbox(key="app-small:renewal:ordinary").set_value("always")
    app.run()
    assert not [s for s in app.slider if s.key == "app-small:probability:ordinary"]


def test_strict_renewal_moves_more_tenants_than_needs_based(app) -> None:
    """Same random numbers in both runs: strict one-year contracts move far more tenants
    (about 40 against 1 forced moves per 100 tenant-years in the trade-off guide's grid)."""
    small(app)
    app.selectbox(key="app-small:renewal:ordinary").set_value("needs_based")
    run(app)
    app.selectbox(key="app-small:renewal:ordinary").set_value("strict")
    run(app)
    (_, needs), (_, strict) = points(app)
    moves = "forced_moves_per_100_tenant_years"
    assert strict.measures[f"{moves}_ci_low"] > needs.measures[f"{moves}_ci_high"]


def test_language_switch_changes_the_labels(app) -> None:
    small(app)
    run(app)
    assert app.button(key="run").label == "Run"
    assert app.title[0].value.startswith("Social housing")
    app.radio(key="language").set_value("nb")
    app.run()
    assert app.button(key="run").label == "Kjør"
    assert app.title[0].value.startswith("Kommunale boliger")
    assert app.selectbox(key="app-small:renewal:ordinary").label == "Fornyelse ved kontraktsslutt"
    assert points(app)[-1][1].label == "baseline"  # stored in English, shown in the language
    charts = app.get("vega_lite_chart")
    titles = [json.loads(chart.proto.spec)["title"] for chart in charts[OVER_TIME:]]
    assert titles == ["Venteliste ved årets slutt", "Tvungne flyttinger", "Hospitsdøgn"]
    assert set(chart_data(app, OVER_TIME).column("label").to_pylist()) == {"1. utgangspunkt"}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("policy: {renewal: sometimes}", "allowed"),
        (
            "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
            "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
            "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
            "aliases",
        ),
        ("extends: /etc/passwd", "extends"),
        ("stock: [1, 2", "pasted text"),
    ],
)
def test_bad_pasted_text_shows_a_message_and_no_traceback(app, text, words) -> None:
    app.text_area(key="paste_text").input(text)
    app.button[-1].click()  # the form's submit button
    app.run()
    assert not app.exception
    assert app.error and words in app.error[0].value, [e.value for e in app.error]
    assert app.selectbox(key="baseline").value == "lorenskog-calibrated"


def test_good_pasted_text_becomes_a_baseline(app) -> None:
    small(app)
    app.text_area(key="paste_text").input("policy:\n  renewal: strict\n")
    app.button[-1].click()
    app.run()
    assert not app.error and not app.exception
    assert app.selectbox(key="baseline").value == "app-small-pasted"
    run(app)
    assert len(points(app, "app-small-pasted")) == 1
    assert any("no comments" in info.value for info in app.info)  # the about page


def test_full_grid_runs_the_tradeoff_grid(app) -> None:
    small(app)
    app.button(key="grid").click()
    app.run()
    assert not app.exception and not app.error
    labels = [point.label for _, point in points(app)]
    assert len(labels) == 16 and chart_rows(app) == 16
    assert "contracts: permanent, renewal: strict" in labels
    # drawn as a frontier: one colour and one line per renewal rule
    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    layers = spec["layer"]
    assert any(layer["encoding"].get("color", {}).get("field") == "renewal" for layer in layers)
    assert any(
        (layer["mark"] if isinstance(layer["mark"], str) else layer["mark"]["type"]) == "line"
        for layer in layers
    )
    app.button(key="reset").click()
    app.run()
    assert not app.get("vega_lite_chart")


def test_compare_page_tells_paired_differences_in_words(app) -> None:
    small(app)
    app.selectbox(key="app-small:renewal:ordinary").set_value("strict")
    app.run()
    app.button(key="compare").click()
    app.run()
    assert not app.exception and not app.error
    sentences = [m.value for m in app.markdown if m.value.startswith("- ")]
    assert len(sentences) == 8  # six measures, then the total and the net cost
    assert any("Forced moves in 2010: about" in s and "more" in s for s in sentences), sentences
    assert all("95 % interval" in s for s in sentences)
    assert sentences[-2].startswith("- Total cost in 2010:") and "NOK " in sentences[-2]
    app.radio(key="language").set_value("nb")
    app.run()
    sentences = [m.value for m in app.markdown if m.value.startswith("- ")]
    assert any(s.startswith("- Tvungne flyttinger i 2010: omtrent") for s in sentences)
    assert sentences[-1].startswith("- Netto utgifter") and "\u00a0kr" in sentences[-1]
    columns = [list(frame.value.columns) for frame in app.dataframe]
    assert ["Mål", "År", "Utgangspunkt, gjennomsnitt"] in [c[:3] for c in columns]


def test_compare_page_with_a_policy_file(app) -> None:
    app.slider(key="replications").set_value(2)
    app.run()
    app.selectbox(key="lorenskog-calibrated:alternative").set_value("lorenskog-renewal-strict")
    app.button(key="compare").click()
    app.run()
    assert not app.exception and not app.error
    sentences = [m.value for m in app.markdown if m.value.startswith("- ")]
    assert len(sentences) == 8 and all("2020" in s for s in sentences)  # with the costs


def test_units_page_estimates_at_once_and_simulates_on_request(app) -> None:
    small(app)
    assert any("Erlang C" in info.value for info in app.info)
    app.number_input(key="app-small:size_limit").set_value(60.0)
    app.run()
    app.button(key="simulate").click()
    app.run()
    assert not app.exception and not app.error
    assert app.success and "units a year meet the target" in app.success[0].value


def test_about_page_shows_sources(app) -> None:
    texts = [frame.value for frame in app.dataframe]
    cited = [frame for frame in texts if "Source or assumption" in frame.columns]
    assert len(cited) == 2  # lorenskog-calibrated.yaml and lorenskog.yaml
    sources = " ".join(cited[1]["Source or assumption"])
    assert "l. 1600" in sources and "assumption" in sources
    app.text_input(key="about_filter").input("hospits_share")
    app.run()
    filtered = [f.value for f in app.dataframe if "Source or assumption" in f.value.columns]
    assert 0 < len(filtered[1]) < 5


def opened_at(monkeypatch, address: dict[str, str]) -> AppTest:
    """The page as a browser opens it at an address with these query values (as
    ``helpers.open_app``, with the address set before the first run)."""
    from sim.app.sources import STARTUP, Startup

    startup = Startup(ROOT / "scenarios", [SMALL], 1)
    for name in ("folder", "files", "jobs"):
        monkeypatch.setattr(STARTUP, name, getattr(startup, name))
    test = AppTest.from_file(str(ROOT / "sim" / "app" / "page.py"), default_timeout=300)
    test.query_params.update(address)
    test.run()
    assert not test.exception, test.exception
    return test


def test_selectors_show_display_names_in_the_language(app) -> None:
    app.radio(key="language").set_value("nb")
    app.run()
    baseline = app.selectbox(key="baseline")
    assert "Lørenskog 2008, kalibrert" in baseline.options
    assert "lorenskog-calibrated" not in baseline.options
    assert "app-small" in baseline.options  # no label of its own: its name
    category = app.selectbox(key="lorenskog-calibrated:category")
    assert category.options[0] == "Ordinære utleieboliger" and category.value == "ordinary"
    assert "Rustjenestens boliger" in category.options and "rus" not in category.options
    group = app.selectbox(key="lorenskog-calibrated:flexbo_group")
    assert group.options == [
        "Økonomisk og sosialt vanskeligstilte",
        "Eldre",
        "Psykiske lidelser og funksjonsnedsettelser",
        "Bostedsløse rusmiddelavhengige",
        "Flyktninger",
    ]
    assert group.value == "rus"
    app.radio(key="language").set_value("en")
    app.run()
    assert app.selectbox(key="baseline").options[0] == "Lørenskog 2008, calibrated"


def test_the_address_sets_language_baseline_and_controls(monkeypatch) -> None:
    address = {
        "lang": "nb",
        "baseline": "app-small",
        "reps": "2",
        "contract": "3",
        "renewal": "discretionary",
        "probability": "40",
        "units": "6",
        "group": "refugees",
    }
    app = opened_at(monkeypatch, address)
    assert not app.warning, [w.value for w in app.warning]
    assert app.radio(key="language").value == "nb"
    assert app.selectbox(key="baseline").value == "app-small"
    assert app.slider(key="replications").value == 2
    assert app.selectbox(key="app-small:contract:ordinary").value == 3.0
    assert app.slider(key="app-small:probability:ordinary").value == 40
    assert app.number_input(key="app-small:units").value == 6
    assert app.selectbox(key="app-small:flexbo_group").value == "refugees"
    run(app)
    settings = points(app)[-1][1].settings
    assert "stock.ordinary.contract_years=3.0" in settings
    assert "stock.ordinary.renewal_probability=0.4" in settings
    # what the page shows is kept in its address, for a bookmark
    assert app.query_params["contract"] == "3" and app.query_params["units"] == "6"
    assert "renewal" not in app.query_params  # discretionary, as the baseline has it
    app.selectbox(key="app-small:contract:ordinary").select_index(4)  # permanent
    app.number_input(key="app-small:units").set_value(0)
    app.run()
    assert app.query_params["contract"] == "permanent" and "units" not in app.query_params
    assert app.query_params["baseline"] == "app-small" and app.query_params["lang"] == "nb"


def test_bad_address_values_are_ignored_with_a_warning(monkeypatch) -> None:
    address = {
        "lang": "xx",
        "baseline": "/etc/passwd",
        "reps": "500",
        "contract": "7",
        "renewal": "sometimes",
        "followup": "-1",
        "category": "castle",
        "presenter": "yes",
    }
    app = opened_at(monkeypatch, address)
    assert not app.exception and not app.error
    warnings = [w.value for w in app.warning]
    assert len(warnings) == len(address), warnings
    for key, value in address.items():
        assert any(f"{key}={value}" in text for text in warnings), (key, warnings)
    assert any("allowed: en, nb" in text for text in warnings)
    assert app.radio(key="language").value == "en"
    assert app.selectbox(key="baseline").value == "lorenskog-calibrated"
    assert app.slider(key="replications").value == 8
    assert app.selectbox(key="lorenskog-calibrated:contract:ordinary").value == 1.0
    app.run()  # told once
    assert not app.warning


def test_the_settings_download_as_a_scenario_file_sim_run_reads(app, tmp_path) -> None:
    from sim.app import controls as ctl
    from sim.app.session import Chosen
    from sim.app.sources import pasted_scenario
    from sim.app.tradeoff_page import scenario_file
    from sim.config.loader import load_scenario, plain_data

    small(app)
    assert app.get("download_button"), "the page offers the download"
    base = load_scenario(SMALL)
    wanted = ctl.replace(
        ctl.baseline_controls(base), contract_years=3.0, units_per_year=6, flexbo_units=12
    )
    found = ctl.changes(base, wanted)
    name, text = scenario_file(Chosen("app-small", base, SMALL, {}), found)
    assert name == "app-small-app.yaml" and text.startswith("# Made by sim app from app-small")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    loaded = load_scenario(path)  # as sim run reads it
    expected = plain_data(ctl.apply(base, found))
    got = plain_data(loaded)
    assert got.pop("name") == "app-small-app" and not got.pop("label")
    assert "contracts: 3 years" in got.pop("description")
    for key in ("name", "label", "description"):
        expected.pop(key, None)
    assert got == expected
    # and uploaded again (the sidebar's paste/upload): the same scenario
    assert plain_data(pasted_scenario(text, base)) == plain_data(loaded)
    app.text_area(key="paste_text").input(text)
    app.button[-1].click()
    app.run()
    assert not app.error and app.selectbox(key="baseline").value == "app-small-app"


def test_presenter_mode_draws_one_chart(app) -> None:
    small(app)
    run(app)
    assert len(app.get("vega_lite_chart")) == 5  # two trade-off panels, three over time
    app.toggle(key="presenter").set_value(True)
    app.run()
    assert len(app.get("vega_lite_chart")) == 2
    assert app.query_params["presenter"] == "1"
    assert any(e.label == "Policy" for e in app.expander)  # the controls folded away
    run(app)
    assert len(points(app)) == 2


def test_chart_panels_are_drawn_as_wide_as_their_columns() -> None:
    """A row of panels (hconcat, fixed widths: cut off below 1920 pixels) becomes one
    chart per panel, as wide as its container, with the legend in the first only and
    long axis titles on several lines."""
    from sim.app.charts import tradeoff_chart
    from sim.app.panels import TITLE_WIDTH, panels
    from sim.app.runs import Point

    measures = {
        name + suffix: 1.0
        for name in (
            "first_housed_per_100_units",
            "forced_moves_per_100_tenant_years",
            "share_permanent_need_moved",
            "wait_years_mean",
            "hospits_nights_per_year",
        )
        for suffix in ("", "_ci_low", "_ci_high")
    }
    point = Point("baseline", (), measures, None, 2, 1.0, False)  # type: ignore[arg-type]
    _, spec = tradeoff_chart([point], "nb")
    shown = panels(spec)
    assert len(shown) == len(spec["hconcat"]) == 2
    for index, panel in enumerate(shown):
        assert panel["width"] == "container" and "hconcat" not in panel
        assert panel["autosize"]["type"] == "fit-x"
        assert panel["usermeta"]["embedOptions"]["renderer"] == "svg"
        legends = [layer["encoding"]["color"]["legend"] for layer in panel["layer"]]
        assert all(legend is None for legend in legends) == (index > 0)
        titles = [layer["encoding"]["y"].get("title") for layer in panel["layer"]]
        wrapped = [title for title in titles if isinstance(title, list)]
        assert wrapped and all(len(line) <= TITLE_WIDTH for line in wrapped[0])
    assert "width" in spec["hconcat"][0] and spec["hconcat"][0]["width"] != "container"
    big = panels(spec, presenter=True)[0]
    assert big["config"]["axis"]["labelFontSize"] > 11 and big["height"] >= 340


def test_a_posterior_baseline_needs_two_draws_of_replications(app) -> None:
    """The calibrated Lørenskog runs over its posterior, two replications a draw: the
    slider starts at 4 (two draws, the fewest an interval over the draws needs) and says
    why; a baseline at fixed values keeps 2."""
    assert app.selectbox(key="baseline").value == "lorenskog-calibrated"
    app.slider(key="replications").set_value(2)
    app.run()
    slider = app.slider(key="replications")
    assert slider.min == 4 and slider.value == 4 and "at least 4" in slider.help
    small(app)
    assert app.slider(key="replications").min == 2 and app.slider(key="replications").value == 2
