"""The report of a Bayesian calibration (``sim calibrate --method abc``): one real fit of
tests/data/recovery with a tiny budget writes its report in Norwegian (``--report``), and
``sim report`` remakes it in English; the workbook and the page hold the folder's own
numbers (parameters.csv, predictive.csv, generations.csv), the answer says how many
targets the posterior predictive interval covers and which values the counts pin down.
Copies of the folder with edited tables (their checksums rewritten) show the sentences
for values the counts leave to the prior and for a fit stopped before temperature 1."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from helpers import DATA, ReportPage, assert_input_error, english_in_workbook, invoke
from test_report_kinds import Tables, numbers_equal, sheet_table

from sim.analysis.provenance import file_digest
from sim.report import load_report, report_file
from sim.report.posterior import digits
from sim.report.reading import EXTRA_TYPES

pytest.importorskip("pyabc")

RECOVERY = DATA / "recovery" / "recovery.yaml"
TINY = (
    *("--set", "abc.population=10", "--set", "abc.generations=2"),
    *("--set", "abc.replications=2", "--set", "abc.predictive_draws=10"),
    *("--set", "abc.discrepancy.share=0.3"),  # a wider likelihood: fewer candidates
)
SHEETS = {
    "en": ["Overview", "Prior and posterior", "Posterior predictive check", "Generations"],
    "nb": ["Oversikt", "A priori og a posteriori", "Prediktiv kontroll", "Generasjoner"],
}
PARAMETERS = {  # parameters.csv column: the English header
    "low": "Lowest allowed",
    "prior_mean": "Prior, mean",
    "prior_p05": "Prior, 5th percentile",
    "prior_p95": "Prior, 95th percentile",
    "posterior_mean": "Posterior, mean",
    "posterior_p05": "Posterior, 5th percentile",
    "posterior_p50": "Posterior, median",
    "posterior_p95": "Posterior, 95th percentile",
    "contraction": "Contraction",
}
PREDICTIVE = {
    "year": "Year",
    "observed": "Observed",
    "simulated_mean": "Predicted, mean",
    "simulated_p05": "Predicted, 5th percentile",
    "simulated_p95": "Predicted, 95th percentile",
}
GENERATIONS = {
    "generation": "Generation",
    "temperature": "Temperature",
    "candidates": "Candidates simulated",
    "acceptance_rate": "Acceptance rate",
    "effective_sample_size": "Effective sample size",
}
TABLES = [
    ("Prior and posterior", "parameters.csv", PARAMETERS),
    ("Posterior predictive check", "predictive.csv", PREDICTIVE),
    ("Generations", "generations.csv", GENERATIONS),
]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A tiny fit (10 particles, 2 generations, 2014 held out) with its report in
    Norwegian, and a copy reported again in English by ``sim report``."""
    root = tmp_path_factory.mktemp("abc-report")
    nb = root / "nb"
    work = root / "work"
    work.mkdir()
    with pytest.MonkeyPatch.context() as patch:  # the fit's history.db in the test's folder
        patch.setattr(tempfile, "tempdir", str(work))
        result = invoke(
            "calibrate",
            RECOVERY,
            "--method",
            "abc",
            *TINY,
            *("--holdout", "2014", "--jobs", "2", "--out", nb, "-q"),
            *("--report", "--lang", "nb"),
        )
    assert result.exit_code == 0, result.output
    assert f"report: {nb / 'report.nb.xlsx'}" in result.stdout
    assert f"report: {nb / 'report.nb.html'}" in result.stdout
    en = root / "en"
    shutil.copytree(nb, en)
    again = invoke("report", en, "--lang", "en", "--force")
    assert again.exit_code == 0, again.output
    return {"nb": nb, "en": en}


def _answer(folder: Path, lang: str) -> list[str]:
    """The sentences under the answer of the overview sheet."""
    sheet = openpyxl.load_workbook(folder / report_file("xlsx", lang)).worksheets[0]
    rows = [row[0] for row in sheet.iter_rows(values_only=True)]
    start = rows.index("Svaret" if lang == "nb" else "The answer") + 1
    return [str(row) for row in rows[start : rows.index(None, start)]]


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_workbook_sheets(folders, lang) -> None:
    book = openpyxl.load_workbook(folders[lang] / report_file("xlsx", lang))
    assert book.sheetnames == [*SHEETS[lang], "Figurer" if lang == "nb" else "Figures"]
    for sheet in book.worksheets[1:-1]:
        assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref.startswith("A1:")
        assert all(cell.value for cell in sheet[1])
    assert len(book.worksheets[-1]._images) == 3  # predictive, marginals, pairs


def test_workbook_and_page_numbers_equal_the_folders_tables(folders) -> None:
    folder = folders["en"]
    book = openpyxl.load_workbook(folder / "report.xlsx")
    page = Tables()
    page.feed((folder / "report.html").read_text(encoding="utf-8"))
    for sheet, csv, columns in TABLES:
        table = pd.read_csv(folder / csv)
        shown = sheet_table(book, sheet)
        html = page.tables.pop(0)
        for column, header in columns.items():
            numbers_equal(shown[header], table[column])
            numbers_equal(html[header], table[column])
    inside = sheet_table(book, "Posterior predictive check")["Inside the 90 % predictive interval"]
    predictive = pd.read_csv(folder / "predictive.csv")
    assert list(inside) == ["yes" if v else "no" for v in predictive.inside]


def test_the_answer_counts_the_covered_targets_and_names_each_value(folders) -> None:
    predictive = pd.read_csv(folders["en"] / "predictive.csv")
    parameters = pd.read_csv(folders["en"] / "parameters.csv")
    single = ~predictive.target.str.startswith("sum_")
    fitted = predictive[single & predictive.used_in_fit]
    held = predictive[single & ~predictive.used_in_fit]
    assert len(held) and set(held.year) == {2014}
    answer = _answer(folders["en"], "en")
    assert answer[0] == (
        f"{int(fitted.inside.sum())} of {len(fitted)} fitted targets lie inside their 90 % "
        "posterior predictive interval (what the model gives over the posterior's values, "
        "chance and the discrepancy term together)."
    )
    assert answer[1].startswith(f"{int(held.inside.sum())} of {len(held)} targets of the years")
    for row in parameters.itertuples():
        shown = [s for s in answer if s.startswith(f"{row.parameter}: ")]
        assert len(shown) == 1, answer
        assert f"contraction {row.contraction:.2f}, {row.verdict}" in shown[0]
        places = digits(row.posterior_mean)
        low, high = f"{row.posterior_p05:.{places}f}", f"{row.posterior_p95:.{places}f}"
        assert (
            f"{row.posterior_mean:.{places}f} (90 % credible interval {low} to {high};"
            in (shown[0])
        )
    verdicts = set(parameters.verdict)
    if verdicts & {"pinned down", "identified"}:
        assert any(s.startswith("The counts pin down (contraction") for s in answer)


def test_norwegian_report_in_norwegian_with_decimal_commas(folders) -> None:
    folder = folders["nb"]
    assert english_in_workbook(folder / "report.nb.xlsx") == []
    answer = _answer(folder, "nb")
    assert answer[0].endswith("avviksleddet til sammen).") and " av " in answer[0]
    parameters = pd.read_csv(folder / "parameters.csv")
    for row in parameters.itertuples():
        shown = next(s for s in answer if s.startswith(f"{row.parameter}: "))
        assert "90 % kredibilitetsintervall" in shown
        assert f"innsnevring {row.contraction:.2f}".replace(".", ",") in shown
        assert not re.search(r"\d\.\d", shown.removeprefix(row.parameter)), shown
    text = (folder / "report.nb.html").read_text(encoding="utf-8")
    assert 'lang="nb"' in text
    for words in ("Prediktiv kontroll", "A priori og a posteriori", "Slik leser du rapporten"):
        assert words in text
    assert "a posteriori-fordelingen" in text and "Innsnevring" in text
    assert "credible" not in text and "posterior predictive" not in text


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_page_is_self_contained_with_the_three_figures(folders, lang) -> None:
    text = (folders[lang] / report_file("html", lang)).read_text(encoding="utf-8")
    page = ReportPage()
    page.feed(text)
    assert len(page.images) == 3
    assert all(src.startswith("data:image/png;base64,") for src in page.images)
    assert all(url.startswith("data:") for url in page.urls)
    for key in ("parameters", "predictive", "generations"):
        assert f'data-table="{key}"' in text


def test_provenance_holds_the_fits_settings(folders) -> None:
    manifest = json.loads((folders["en"] / "manifest.json").read_text())
    sheet = openpyxl.load_workbook(folders["en"] / "report.xlsx")["Overview"]
    pairs = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    extra = manifest["extra"]
    assert pairs["Particles"] == str(extra["population"]) == "10"
    assert pairs["Generations"] == str(extra["generations"])
    assert pairs["Candidates simulated"] == str(extra["candidates"])
    assert pairs["Seed of the fit"] == str(extra["search_seed"])
    assert pairs["Replications"] == str(manifest["replications"]) == "2"
    assert pairs["Method"].startswith("Bayesian")
    assert pairs["Command"] == manifest["command"]


def _edited(folder: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "edited"
    shutil.copytree(folder, copy)
    for name in ("report.xlsx", "report.html"):
        (copy / name).unlink()
    return copy


def _rehash(folder: Path, *names: str) -> None:
    """Record the edited files' checksums in the manifest, as if they had been written so."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    for name in names:
        sha256, size = file_digest(folder / name)
        manifest["checksums"][name] = {"sha256": sha256, "bytes": size}
    path.write_text(json.dumps(manifest))


def test_values_the_counts_leave_to_the_prior_and_a_tempered_fit_are_said(
    folders, tmp_path
) -> None:
    folder = _edited(folders["en"], tmp_path)
    parameters = pd.read_csv(folder / "parameters.csv")
    loose = parameters.parameter.iloc[-1]
    parameters.loc[parameters.index[-1], ["contraction", "verdict"]] = [
        0.05,
        "not identified by these targets",
    ]
    parameters.to_csv(folder / "parameters.csv", index=False)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["extra"]["final_temperature"] = 3.5
    (folder / "manifest.json").write_text(json.dumps(manifest))
    _rehash(folder, "parameters.csv")
    english = load_report(folder, "en").sentences
    assert f"The counts do not pin down: {loose} (0.05); their posterior" in " ".join(english)
    assert any(
        s.startswith("The fit stopped before its temperature reached 1 (last: 3.50)")
        for s in english
    )
    norwegian = " ".join(load_report(folder, "nb").sentences)
    assert f"Tallene bestemmer ikke: {loose} (0,05);" in norwegian
    assert "ikke bestemt av disse målene" in norwegian
    assert "(siste: 3,50)" in norwegian


def test_a_missing_table_or_setting_is_named(folders, tmp_path) -> None:
    folder = _edited(folders["en"], tmp_path)
    (folder / "generations.csv").unlink()
    stderr = assert_input_error(invoke("report", folder))
    assert "generations.csv" in stderr and "is missing" in stderr
    for name, wanted in EXTRA_TYPES["calibrate abc"].items():
        if name == "method":  # without it, the folder is read as the optimiser's
            continue
        for how in ("missing", "wrong type"):
            folder = _edited(folders["en"], tmp_path / f"{name}-{how}")
            manifest = json.loads((folder / "manifest.json").read_text())
            if how == "missing":
                del manifest["extra"][name]
            else:
                manifest["extra"][name] = "text" if wanted != "text" else [1]
            (folder / "manifest.json").write_text(json.dumps(manifest))
            stderr = assert_input_error(invoke("report", folder))
            assert f"extra.{name}: " in stderr, stderr


def test_the_guide_states_the_settings_and_verdicts_the_code_uses() -> None:
    from sim.calibration.abc_result import VERDICTS
    from sim.calibration.spec import Abc, Discrepancy

    text = (Path(__file__).resolve().parent.parent / "docs" / "bayesian-calibration.md").read_text()
    settings = Abc()
    for key in ("population", "generations", "replications", "min_acceptance_rate"):
        assert f"| `abc.{key}` | {getattr(settings, key):g} |" in text, key
    assert f"| `abc.max_simulations` | {settings.max_simulations:,} |" in text
    assert f"| `abc.predictive_draws` | {settings.predictive_draws} |" in text
    discrepancy = Discrepancy()
    assert f"share {discrepancy.share:g}, minimum {discrepancy.minimum:g} |" in text
    assert f"`share: {discrepancy.share:g}` says" in text
    shown = ", ".join(f"*{words}* from {limit:g}" for limit, words in VERDICTS)
    flat = " ".join(text.split())
    assert f"The verdicts: {shown}, else *not identified by these targets*." in flat


def test_few_effective_particles_and_a_tempered_fit_are_said_first(folders, tmp_path) -> None:
    """Uneven weights (an effective sample size below a quarter of the particles) and a fit
    stopped early qualify every value the answer gives, so they lead it."""
    from sim.report.posterior import FEW_EFFECTIVE

    folder = _edited(folders["en"], tmp_path)
    generations = pd.read_csv(folder / "generations.csv")
    accepted = int(generations.accepted.iloc[-1])
    generations.loc[generations.index[-1], "effective_sample_size"] = 0.2 * accepted
    generations.to_csv(folder / "generations.csv", index=False)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["extra"]["final_temperature"] = 3.5
    (folder / "manifest.json").write_text(json.dumps(manifest))
    _rehash(folder, "generations.csv")
    assert FEW_EFFECTIVE > 0.2
    english = load_report(folder, "en").sentences
    assert english[0].startswith("The fit stopped before its temperature reached 1")
    assert english[1].startswith("The posterior rests on")
    assert f"of {accepted} (its weights are uneven)" in english[1]
    norwegian = load_report(folder, "nb").sentences
    assert norwegian[1].startswith("A posteriori-fordelingen hviler på")
