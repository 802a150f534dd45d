"""``brief.pdf`` (``--format pdf``): two A4 pages at most for the folders of sim run, sim
compare and sim size, in English and Norwegian (read back with pypdf), with the answer, the
key numbers and the provenance in the report's language; a label is printed as written,
never read as Typst markup; without the typst package the user is told which extra."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from helpers import DATA, assert_input_error, invoke

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("typst")

TINY = DATA / "tiny.yaml"
A4 = (595.28, 841.89)  # points
MARKUP = '#set page(width: 3cm) *loud* ] [ $x$ \\ "quoted" <tag> @ref // not a comment'
"""A label made of Typst markup: the brief must print it as written."""


def _command(kind: str, out: Path, other: Path, lang: str) -> list[str | Path]:
    common: list[str | Path] = ["--out", out, "-q", "--report", "--lang", lang, "--format", "pdf"]
    return {
        "run": ["run", other, "-r", "2", *common],
        "compare": ["compare", TINY, other, "-r", "2", *common],
        "size": [
            "size",
            TINY,
            *("--category", "ordinary", "--target", "waiting <= 4", "--max-units", "4"),
            *("-r", "2", *common),
        ],
    }[kind]


@pytest.fixture(scope="module")
def briefs(tmp_path_factory) -> dict[tuple[str, str], Path]:
    root = tmp_path_factory.mktemp("briefs")
    other = root / "other.yaml"
    label = MARKUP.replace("\\", "\\\\").replace('"', '\\"')
    other.write_text(
        f'extends: {TINY}\nname: other\nlabel: {{nb: "{label}", en: "{label}"}}\n'
        "policy:\n  renewal: always  # assumption: every contract is renewed\n"
        "seed: 7  # assumption: a seed like any other\n"
    )
    out = {}
    for kind in ("run", "compare", "size"):
        for lang in ("en", "nb"):
            folder = root / f"{kind}-{lang}"
            result = invoke(*_command(kind, folder, other, lang))
            assert result.exit_code == 0, (kind, lang, result.output)
            name = "brief.pdf" if lang == "en" else "brief.nb.pdf"
            assert f"report: {folder / name}" in result.stdout
            out[kind, lang] = folder / name
    return out


def _text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.parametrize("kind", ["run", "compare", "size"])
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_brief_is_at_most_two_a4_pages(briefs, kind, lang) -> None:
    reader = pypdf.PdfReader(briefs[kind, lang])
    assert 1 <= len(reader.pages) <= 2
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 1), round(height, 1)) == (round(A4[0], 1), round(A4[1], 1))
    assert reader.pages[0].images, "the brief shows a figure"


@pytest.mark.parametrize("kind", ["run", "compare", "size"])
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_brief_speaks_the_reports_language(briefs, kind, lang) -> None:
    text = _text(briefs[kind, lang])
    words = {
        "en": ["Assumptions that matter most", "How it was run", "Seed", "sim-housing version"],
        "nb": ["Antagelsene som betyr mest", "Hvordan det ble kjørt", "Frø", "sim-housing-versjon"],
    }
    for word in words[lang]:
        assert word in text, (word, text[:400])
    other = "nb" if lang == "en" else "en"
    assert words[other][0] not in text
    manifest = json.loads((briefs[kind, lang].parent / "manifest.json").read_text())
    assert " ".join(manifest["command"].split()[:3]) in text  # the command that made it


def test_compare_brief_leads_with_the_main_changes_by_label(briefs) -> None:
    text = _text(briefs["compare", "nb"])
    assert "Det viktigste" in text
    assert "den største endringen er" in text
    assert "95 % intervall" in text
    assert "other mot" not in text  # the alternative by its label, not its id


def test_a_label_is_printed_as_written_not_as_markup(briefs) -> None:
    for kind in ("run", "compare"):
        text = _text(briefs[kind, "en"])
        assert "#set page(width: 3cm)" in text and "*loud*" in text, text[:300]
        assert '"quoted"' in text and "// not a comment" in text


def test_run_brief_lists_the_scenarios_own_assumption(briefs) -> None:
    text = _text(briefs["run", "en"])
    assert "policy.renewal" in text and "every contract is renewed" in text


def test_the_nb_brief_says_an_english_comment_in_norwegian(briefs) -> None:
    """The Norwegian brief does not quote a comment written in English: it says what the
    value is (an assumption) and where the comment is; the English brief quotes it."""
    text = _text(briefs["run", "nb"])
    assert "policy.renewal" in text and "every contract is renewed" not in text
    assert "Kommentarer skrevet på engelsk i scenariofilen står i rapportens" in text


def test_a_comments_cited_lines_and_norwegian_comments_in_the_nb_brief() -> None:
    from sim.report.brief_parts import _why

    english = "assumption: too few small dwellings (l. 2206-2208; Asker 2011 l. 1461)"
    assert _why(english, "en") == english
    said = _why(english, "nb")
    assert said == "antagelse; rapporten, l. 2206–2208, 1461", said
    norwegian = "lånt fra Asker, bytt ut med egne tall"
    assert _why(norwegian, "nb") == norwegian


def test_the_brief_leaves_run_settings_out_of_the_assumptions(briefs) -> None:
    """A run setting marked as an assumption (the seed) is how the model is run, not an
    assumption about the municipality: the brief does not list it."""
    for lang in ("en", "nb"):
        text = _text(briefs["run", lang])
        assert "policy.renewal" in text and "a seed like any other" not in text


def test_pdf_without_typst_names_the_extra(briefs, monkeypatch) -> None:
    folder = briefs["run", "en"].parent
    monkeypatch.setitem(sys.modules, "typst", None)  # import typst raises ImportError
    error = assert_input_error(invoke("report", folder, "--format", "pdf", "--force"))
    assert "sim-housing[pdf]" in error and "typst" in error


def test_pdf_without_typst_stops_before_the_command_runs(tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "typst", None)
    out = tmp_path / "compare"
    args = ["compare", TINY, TINY, "-r", "2", "-q", "--out", out, "--report", "--format", "pdf"]
    assert "sim-housing[pdf]" in assert_input_error(invoke(*args))
    assert not out.exists()
