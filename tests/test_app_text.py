"""The app's texts in Norwegian: numbers written with a decimal comma, the about page
without the files' English (unless asked for) and without unrounded values."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pandas as pd
import pytest

from sim.app.about import about_rows, header_text, rounded, source_text, value_text
from sim.app.text import TEXT, say, spoken_number
from sim.config import comments as about

pytest.importorskip("streamlit")
from sim.app import other_pages

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
ENGLISH_DECIMAL = re.compile(r"\d\.\d")
ENGLISH_WORDS = (
    "assumption",
    "calibrated",
    "guess",
    "pinned down",
    "identified",
    "Best loss",
    "trial",
    "Meaning",
    "Source",
    "Made by",
)


def sample(field: str) -> object:
    """A value for a text's field: a number with decimals where one may be given."""
    if field in ("label", "metric", "cached", "name", "file", "direction", "unit", "value"):
        return "x"
    if field in ("year",):
        return "2015"
    if field in ("events", "minutes", "budget"):
        return "1\u00a0234"
    if field in ("digits",):
        return 1
    if field in ("confidence",):
        return 0.85
    if field in ("n", "i", "reps", "units", "servers", "have", "max", "limit"):
        return 250_000
    return 1234.5678


@pytest.mark.parametrize("key", sorted(TEXT))
def test_every_text_writes_numbers_the_readers_way(key: str) -> None:
    text = TEXT[key][1]
    fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
    if "{digits}" in text:
        fields.add("digits")
    values = {field: sample(field) for field in fields}
    norwegian = say(key, "nb", **values)
    assert not ENGLISH_DECIMAL.search(norwegian), norwegian
    assert not re.search(r"\d,\d{3}\b", norwegian), norwegian  # no English thousands


def test_spoken_numbers_follow_the_format_given() -> None:
    assert spoken_number(55.7, ".1f", "nb") == "55,7"
    assert spoken_number(55.7, ".1f", "en") == "55.7"
    assert spoken_number(0.8, ".0%", "nb") == "80\u00a0%"
    assert spoken_number(2.0, "+.1f", "nb") == "+2,0"
    assert spoken_number(200_000, ",", "nb") == "200\u00a0000"
    assert spoken_number(3.0, "g", "nb") == "3"
    with pytest.raises(ValueError, match="not one the texts use"):
        spoken_number(1.0, "e", "nb")
    assert say("analytic", "nb", units=4, servers=30, have=26, arrivals=55.7).endswith(
        "55,7 ankomster per år)."
    )


def test_comparison_sentence_and_tables_in_norwegian() -> None:
    row = pd.Series(
        {
            "metric": "forced_moves",
            "year": "2015",
            "difference": 0.75,
            "ci_low": -0.77,
            "ci_high": 2.27,
        }
    )
    text = other_pages.sentence(row, "nb")
    assert "0,8" in text and "-0,8" in text and not ENGLISH_DECIMAL.search(text)
    table = pd.DataFrame(
        {
            "metric": ["waiting", "waiting"],
            "year": [2015, "all"],
            "base_mean": [55.7, 1234.5],
            "alternative_mean": [50.25, 1200.0],
            "difference": [-5.45, -34.5],
            "ci_low": [-7.1, -40.0],
            "ci_high": [-3.3, -29.0],
            "n": [2, 2],
        }
    )
    shown = other_pages.comparison_table(table, "nb")
    cells = " ".join(str(cell) for cell in shown.to_numpy().ravel())
    assert "55,7" in cells and "1\u00a0234" in cells and not ENGLISH_DECIMAL.search(cells)
    assert "alle år" in cells
    assert other_pages.comparison_table(table, "en").iloc[0, 2] == 55.7  # numbers in English


def test_sizing_intervals_do_not_cross_zero() -> None:
    table = pd.DataFrame(
        {
            "units": [0, 5],
            "metric_mean": [0.75, 0.2],
            "metric_ci_low": [-0.77, -0.1],
            "metric_ci_high": [2.27, 0.5],
            "probability": [0.5, 0.9],
            "replications": [2, 2],
            "chosen": [False, True],
        }
    )
    english = other_pages.sizing_table(table, "en")
    low = english.columns[2]
    assert list(english[low]) == [0.0, 0.0]
    norwegian = other_pages.sizing_table(table, "nb")
    assert list(norwegian[norwegian.columns[2]]) == ["0,00", "0,00"]
    assert list(norwegian[norwegian.columns[1]]) == ["0,75", "0,20"]
    assert "kuttet ved 0" in say("interval_caption", "nb")
    assert "kuttet ved 0" in say("chart_caption", "nb")


@pytest.mark.parametrize("name", ["lorenskog-calibrated.yaml", "asker-calibrated.yaml"])
def test_about_page_in_norwegian_has_no_english_and_rounded_values(name: str) -> None:
    dictionary = about.data_dictionary(SCENARIOS)
    chain = about.assumptions(SCENARIOS / name)
    assert len(chain) == 2
    for notes in chain:
        table = other_pages.about_table(notes, dictionary, "nb")
        assert list(table.columns) == ["Nøkkel", "Verdi", "Kilde eller antagelse"]
        told = table[~table["Nøkkel"].isin(["name", "extends"])]  # identifiers, file names
        texts = [header_text(notes, "nb"), *told.Verdi, *told["Kilde eller antagelse"]]
        shown = " ".join(texts)
        for word in ENGLISH_WORDS:
            assert word.lower() not in shown.lower(), (notes.name, word)
        assert not ENGLISH_DECIMAL.search(shown), ENGLISH_DECIMAL.findall(shown)[:5]
        numbers = table[table.Verdi.str.fullmatch(r"-?[\d\u00a0]+(,\d+)?")]
        told_source = numbers["Kilde eller antagelse"].astype(bool)
        assert len(numbers) >= 4 and told_source.mean() >= 0.9, numbers[~told_source]
    overlay = other_pages.about_table(chain[0], dictionary, "nb")
    calibrated = [s for s in overlay["Kilde eller antagelse"] if s.startswith("kalibrert")]
    assert calibrated and all("bestemt av" in s for s in calibrated)
    assert "tilpasset (kalibrert)" in header_text(chain[0], "nb")
    base = other_pages.about_table(chain[1], dictionary, "nb")
    assert any("rapporten, linje" in s for s in base["Kilde eller antagelse"])
    assert "antagelse" in set(base["Kilde eller antagelse"])
    english = other_pages.about_table(chain[1], dictionary, "nb", english=True)
    assert "Kommentar i filen (engelsk)" in english.columns
    assert any("assumption" in c for c in english["Kommentar i filen (engelsk)"])


def test_about_page_in_english_keeps_the_comments_but_not_the_jargon() -> None:
    chain = about.assumptions(SCENARIOS / "lorenskog-calibrated.yaml")
    header = header_text(chain[0], "en")
    assert "Best loss" not in header and "trial" not in header
    assert "targets/lorenskog.csv" in header and "lorenskog.yaml" in header
    assert header_text(chain[1], "en") == chain[1].header
    rows = {row.key: row for row in about_rows(chain[0], {}, "en")}
    fitted = rows["groups.disadvantaged.applications_per_year"]
    assert fitted.value == "82.0"  # 82.0294443978681 in the file
    assert "between 10 and 150" in fitted.source and "first guess 45" in fitted.source
    base = {row.key: row for row in about_rows(chain[1], {}, "en")}
    assert "l. 1600" in base["time.start"].source


def test_values_are_rounded_to_three_significant_digits() -> None:
    assert value_text("92.85270378399282", "nb") == "92,9"
    assert value_text("0.042864935741929455", "en") == "0.0429"
    assert value_text("2008", "nb") == "2008"  # years and counts as written
    assert value_text("[0.2, 0.35]", "nb") == "[0,2; 0,35]"
    assert rounded(0.01, "nb") == "0,01" and rounded(1234.5, "nb") == "1\u00a0234"
    assert source_text("l. 1600", "nb") == "rapporten, linje 1600"
    assert source_text("as ordinary", "nb") == "se kommentaren i filen"
    assert source_text("as ordinary", "en") == "as ordinary"


def test_about_page_of_the_running_app_in_norwegian(monkeypatch) -> None:
    from helpers import open_app

    app = open_app(monkeypatch, [ROOT / "tests" / "data" / "app-small.yaml"])
    app.radio(key="language").set_value("nb")
    app.run()
    assert not app.exception
    cited = [f.value for f in app.dataframe if "Kilde eller antagelse" in f.value.columns]
    assert len(cited) == 2  # lorenskog-calibrated.yaml and lorenskog.yaml
    shown = " ".join(" ".join(frame[c].astype(str)) for frame in cited for c in frame.columns[1:])
    assert "assumption" not in shown and not ENGLISH_DECIMAL.search(shown)
    assert not any("Best loss" in text.value for text in app.text)
    app.checkbox(key="about_english").check()
    app.run()
    cited = [f.value for f in app.dataframe if "Kilde eller antagelse" in f.value.columns]
    assert "Kommentar i filen (engelsk)" in cited[1].columns
    assert any("Best loss" in text.value for text in app.text)  # the file as written


def test_policies_are_named_by_their_labels() -> None:
    file = SCENARIOS / "policies" / "asker-contract-1y.yaml"
    assert other_pages.policy_label("asker-contract-1y", file, "nb") == (
        "Asker, ettårige kontrakter"
    )
    assert other_pages.policy_label("asker-contract-1y", file, "en") == (
        "Asker, one-year contracts"
    )
    unlabelled = ROOT / "tests" / "data" / "app-small.yaml"
    assert other_pages.policy_label("app-small", unlabelled, "nb") == "app-small"


def test_about_page_names_groups_and_dwellings_by_their_labels() -> None:
    from sim.config.loader import load_scenario

    file = SCENARIOS / "lorenskog-calibrated.yaml"
    scenario = load_scenario(file)
    notes = about.assumptions(file)[1]
    table = other_pages.about_table(notes, {}, "nb", scenario=scenario)
    assert list(table.columns[:2]) == ["Nøkkel", "Gruppe eller boliger"]
    named = dict(zip(table["Nøkkel"], table["Gruppe eller boliger"], strict=True))
    assert named["stock.ordinary.units"] == "Ordinære utleieboliger"
    assert named["time.start"] == ""
    english = other_pages.about_table(notes, {}, "en", scenario=scenario)
    assert (
        dict(zip(english.Key, english["Group or dwellings"], strict=True))["stock.ordinary.units"]
        == "Ordinary rentals"
    )
