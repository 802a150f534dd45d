"""The worked example of "Your own municipality from KOSTRA" (docs/guide/own-municipality.md)
and its Norwegian twin (docs/guide/egen-kommune.md), end to end: the four commands of the
pages' ``bash`` block, run as written in a fresh folder, with a small calibration budget
and fewer replications added (the pages say so)."""

from __future__ import annotations

import contextlib
import math
import re
import shlex
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner, Result

from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"en": "docs/guide/own-municipality.md", "nb": "docs/guide/egen-kommune.md"}
EXPORT = "docs/reference/kostra-eksempelby.json"
BASH = re.compile(r"^```bash\n(?P<body>.*?)^```", re.M | re.S)
# what the test adds to the commands as the pages write them: a tiny budget
SMALL = {
    "calibrate": (
        "--set", "abc.population=10", "--set", "abc.generations=1",
        "--set", "abc.replications=2", "--set", "abc.predictive_draws=10", "--jobs", "1",
    ),
    "run": ("--replications", "4"),
}  # fmt: skip


def commands(page: str) -> list[list[str]]:
    """The commands of the page's one ``bash`` block, each split into words."""
    blocks = BASH.findall((ROOT / page).read_text(encoding="utf-8"))
    assert len(blocks) == 1, f"{page}: one bash block, the worked example"
    lines = [line.strip() for line in blocks[0].replace("\\\n", " ").splitlines()]
    return [shlex.split(line) for line in lines if line and not line.startswith("#")]


def without_lang(words: list[str]) -> list[str]:
    if "--lang" not in words:
        return words
    at = words.index("--lang")
    return words[:at] + words[at + 2 :]


def invoke(words: list[str], *more: str) -> Result:
    assert words[0] == "sim", words
    result = CliRunner().invoke(main, [*words[1:], *more])
    assert result.exit_code == 0, (words, more, result.output)
    return result


def test_both_pages_name_the_same_four_commands() -> None:
    en, nb = commands(PAGES["en"]), commands(PAGES["nb"])
    assert [words[:2] for words in en] == [
        ["sim", "init"], ["sim", "calibrate"], ["sim", "run"], ["sim", "report"],
    ]  # fmt: skip
    assert [without_lang(w) for w in en] == [without_lang(w) for w in nb]
    assert en[-1][-2:] == ["--lang", "en"] and nb[-1][-2:] == ["--lang", "nb"]
    assert en[0][-2:] == ["--from", EXPORT]
    for page in PAGES.values():  # the sim init output shown is that of the block's command
        shown = re.search(r"^\$ (sim init .*)$", (ROOT / page).read_text("utf-8"), re.M)
        assert shown is not None and shlex.split(shown.group(1)) == en[0], page


@pytest.mark.slow(seconds=12)
def test_the_worked_example_runs_end_to_end(tmp_path: Path) -> None:
    """init → calibrate (abc) → run → report in Norwegian and English, each writing what
    the pages say; the commands after init are the ones sim init prints. About 25 s,
    most of it the calibration (slow: CI runs it with -m slow)."""
    en, nb = commands(PAGES["en"]), commands(PAGES["nb"])
    init, calibrate, run, report_en = en
    (tmp_path / EXPORT).parent.mkdir(parents=True)
    shutil.copy(ROOT / EXPORT, tmp_path / EXPORT)
    folder = tmp_path / "kommuner" / "eksempelby"
    with contextlib.chdir(tmp_path):
        printed = invoke(init).output
        # what sim init prints next (validation apart) is what the pages run next
        nexts = [shlex.split(x) for x in re.findall(r"^  (sim .*)$", printed, re.M)]
        assert [w for w in nexts if w[1] != "validate"] == [calibrate, run, nb[-1]]
        for name in ("eksempelby.yaml", "eksempelby-targets.csv", "eksempelby-spec.yaml"):
            assert (folder / name).is_file(), name
        assert (folder / "kilde" / "kostra-eksempelby.json").is_file()
        readme = (folder / "README.md").read_text(encoding="utf-8")
        assert "Dette er lånt" in readme and "Dette bør dere sjekke" in readme
        scenario_text = (folder / "eksempelby.yaml").read_text(encoding="utf-8")
        assert "lånt fra Asker" in scenario_text and "lånt fra Lørenskog" in scenario_text
        prices = yaml.safe_load(scenario_text)["costs"]  # "the prices are borrowed"
        entries = [v for v in prices.values() if isinstance(v, dict)]
        assert entries and all(e["source"].startswith("lånt fra Asker") for e in entries)

        fitted = invoke(calibrate, *SMALL["calibrate"]).output
        assert "posterior predictive check:" in fitted and "inside the 90 % interval" in fitted
        overlay_path = Path(calibrate[calibrate.index("--scenario-out") + 1])
        overlay = yaml.safe_load(overlay_path.read_text(encoding="utf-8"))
        assert overlay["extends"] == "eksempelby.yaml"
        posterior = (overlay_path.parent / overlay["calibration"]["posterior"]).resolve()
        results = posterior.parent
        assert posterior.is_file() and results.parent == (
            tmp_path / "results" / "calibrate-eksempelby"
        )
        for name in ("parameters.csv", "predictive.csv"):
            assert (results / name).is_file(), name
        spec = yaml.safe_load((folder / "eksempelby-spec.yaml").read_text(encoding="utf-8"))
        for key in spec["parameters"]:  # each fitted value set to its posterior median
            node = overlay
            for part in key.split("."):
                node = node[part]
            assert isinstance(node, float), key

        ran = invoke(run, *SMALL["run"]).output
        assert "over the posterior" in ran
        out = Path(run[run.index("--out") + 1])
        for name in ("summary.csv", "yearly.csv", "manifest.json"):
            assert (out / name).is_file(), name

        invoke(nb[-1])
        html = (out / "report.nb.html").read_text(encoding="utf-8")
        assert "Eksempelby (KOSTRA), kalibrert" in html
        assert "\u00a0kr" in html  # the borrowed prices give kroner, written the Norwegian way
        assert (out / "report.nb.xlsx").is_file()
        invoke(report_en)
        assert "Eksempelby (KOSTRA), calibrated" in (out / "report.html").read_text("utf-8")
        assert (out / "report.xlsx").is_file()


@pytest.mark.parametrize("page", PAGES.values())
def test_the_pages_are_linked(page: str) -> None:
    """Each page is in the site's navigation and the README's table; the Norwegian one is
    in the Norwegian guide too."""
    name = Path(page).name
    assert f": guide/{name}\n" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"](docs/guide/{name})" in (ROOT / "README.md").read_text(encoding="utf-8")
    norwegian = (ROOT / "docs" / "brukerveiledning.md").read_text(encoding="utf-8")
    assert (f"](guide/{name})" in norwegian) == (page == PAGES["nb"])


# --- what makes the example's calibration robust --------------------------------------


def test_a_value_over_zero_makes_a_particle_impossible_not_nan() -> None:
    """A replication whose target is infinite (a ratio over 0) gives the particle no
    likelihood (-inf), as a missing value (NaN) does; before, an inf made the variance and
    so the log-likelihood NaN, which reached pyabc's weights."""
    from sim.calibration.likelihood import POINT, Likelihood, TargetTerm

    likelihood = Likelihood([TargetTerm("t", POINT, 5.0, math.nan, math.nan, 1.0, 1.0)])
    assert likelihood.log(np.array([[4.0, math.inf]])) == -math.inf
    assert likelihood.log(np.array([[4.0, math.nan]])) == -math.inf
    finite = likelihood.log(np.array([[4.0, 6.0]]))
    assert math.isfinite(finite) and finite < 0


def test_a_population_on_one_particle_still_gives_a_proposal() -> None:
    """When a generation's weight sits on one particle, pyabc's own kernel fails on a 0/0
    covariance ("array must not contain infs or NaNs"); the fit's kernel takes the
    particles' unweighted spread, draws from the one particle and has a density; with
    spread weights it is pyabc's kernel exactly."""
    pyabc = pytest.importorskip("pyabc")
    from sim.calibration.abc import _transition

    particles = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [0.1, 0.5, 0.2, 0.9, 0.3]})
    one = np.array([1.0, 0.0, 0.0, 0.0, 0.0])
    with warnings.catch_warnings(), pytest.raises(ValueError, match="infs or NaNs"):
        warnings.simplefilter("ignore", RuntimeWarning)
        pyabc.MultivariateNormalTransition().fit(particles, one)
    kernel = _transition()
    kernel.fit(particles, one)
    assert np.isfinite(kernel.cov).all() and np.linalg.eigvalsh(kernel.cov).min() > 0
    np.random.seed(1)
    drawn = kernel.rvs(200)
    assert abs(drawn.a.mean() - 1.0) < 0.3  # around the particle that has the weight
    assert kernel.pdf(particles.iloc[0]) > kernel.pdf(particles.iloc[4]) > 0
    spread = np.array([0.5, 0.2, 0.1, 0.1, 0.1])
    usual = pyabc.MultivariateNormalTransition()
    usual.fit(particles, spread)
    kernel.fit(particles, spread)
    assert np.array_equal(kernel.cov, usual.cov) and np.array_equal(kernel.w, usual.w)
