"""Bayesian calibration (``sim calibrate --method abc``): the conjugate check against a
closed-form posterior, the priors, the likelihood, reproducibility and ``--resume``.

The simulation-based calibration of the whole fit is in ``test_abc_sbc.py`` (slow).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy import integrate, stats

from sim.calibration import load_calibration
from sim.calibration.likelihood import (
    EXACT,
    POINT,
    RANGE,
    Likelihood,
    TargetTerm,
    _log_interval,
    _log_normal,
    terms_of,
)
from sim.calibration.priors import BoundedPrior, Prior
from sim.calibration.spec import Discrepancy
from sim.cli import main

pytest.importorskip("pyabc")

from sim.calibration.abc_result import calibrate_abc

KEY = "groups.applicants.applications_per_year"

BASE = """\
name: conjugate
time: {start: 2000, years: 1, warmup_years: 0}
replications: 1
seed: 5
stock: {units: {units: 1}}
groups:
  applicants: {applications_per_year: 2.0, eligible: [units]}
"""

HEADER = "year,metric,group,category,observed,low,high,weight,source\n"

SPEC = """\
name: conjugate
scenario: base.yaml
targets: targets.csv
method: abc
seed: 4
parameters:
  groups.applicants.applications_per_year:
    {{low: {low}, high: {high}, guess: 2.0, prior: {prior}}}
abc:
  population: {population}
  generations: {generations}
  replications: 2
  predictive_draws: 10
  discrepancy: {{share: 0, minimum: 0}}
"""


def conjugate_spec(
    folder: Path,
    observed: int = 2,
    population: int = 250,
    generations: int = 2,
    prior: str = "{kind: gamma, shape: 2, rate: 1}",
    low: float = 0.001,
    high: float = 30.0,
) -> Path:
    """One group whose applications are a Poisson process of rate ``λ`` (the fitted
    ``applications_per_year``), one reported year, no warm-up: the year's
    ``applications`` count is Poisson(λ), observed exactly (discrepancy 0)."""
    (folder / "base.yaml").write_text(BASE, encoding="utf-8")
    (folder / "targets.csv").write_text(
        HEADER + f"2000,applications,,,{observed},,,1,test\n", encoding="utf-8"
    )
    spec = folder / "spec.yaml"
    text = SPEC.format(
        low=low, high=high, prior=prior, population=population, generations=generations
    )
    spec.write_text(text, encoding="utf-8")
    return spec


def weighted(values: np.ndarray, weights: np.ndarray) -> tuple[float, float, float, float]:
    """Weighted mean, sd, 5 % and 95 % quantiles (weighted distribution function)."""
    w = weights / weights.sum()
    mean = float(np.sum(w * values))
    sd = float(np.sqrt(np.sum(w * (values - mean) ** 2)))
    order = np.argsort(values)
    cdf = np.cumsum(w[order])
    q05, q95 = (float(values[order][np.searchsorted(cdf, q)]) for q in (0.05, 0.95))
    return mean, sd, q05, q95


# --- the model counts arrivals as the conjugate check assumes -------------------------


def test_a_years_applications_are_a_poisson_count_of_the_arrival_rate(tmp_path: Path) -> None:
    """The premise of the conjugate check: with no warm-up, no initial list and no
    refusals, ``applications`` in the one reported year is Poisson(λ): over 400
    replications at λ = 3 the mean and the variance are both 3 within 4 standard errors
    (sd of a mean 0.087, of a variance about 0.22)."""
    from sim.calibration.spec import scenario_with
    from sim.runner import run_scenario

    calibration = load_calibration(conjugate_spec(tmp_path))
    scenario = scenario_with(calibration, {KEY: 3.0}).model_copy(update={"replications": 400})
    yearly = run_scenario(scenario).yearly
    rows = yearly[
        (yearly.metric == "applications") & (yearly.group == "") & (yearly.category == "")
    ]
    assert sorted(rows.year.unique()) == [2000]
    counts = rows.value.to_numpy()
    assert len(counts) == 400
    assert abs(counts.mean() - 3.0) < 4 * math.sqrt(3.0 / 400)
    assert abs(counts.var(ddof=1) - 3.0) < 4 * 0.22


# --- the conjugate check ---------------------------------------------------------------


def test_exact_abc_matches_the_gamma_poisson_posterior(tmp_path: Path) -> None:
    """Gamma(a=2, b=1) prior on λ, one Poisson(λ) count n = 2 observed with discrepancy
    0 (exact rejection ABC, two replications per particle): the posterior is
    Gamma(a + n, b + 1) = Gamma(4, 2), mean 2, sd 1, 5 %/95 % quantiles 0.68/3.88. The
    bounds [0.001, 30] cut off prior mass 5e-7 and posterior mass below 1e-11, far
    below the Monte Carlo error.

    Tolerance: 4 Monte Carlo standard errors of the weighted sample, with the effective
    sample size ``ESS`` of the final generation's weights (asserted >= 150; 250
    particles): the mean within 4 sd/√ESS, the sd within 4 sd √((1 + κ/2)/(2 ESS)) (κ =
    6/4, the gamma's excess kurtosis), each quantile within 4 √(q(1-q)/ESS)/f(x_q)
    (f the posterior density). At ESS 230 these are 0.26, 0.23, 0.32 and 0.44."""
    a, b, n = 2.0, 1.0, 2
    spec = conjugate_spec(tmp_path, observed=n)
    result = calibrate_abc(load_calibration(spec), jobs=1)
    assert result.final_temperature == pytest.approx(1.0)
    values = result.posterior[KEY].to_numpy()
    weights = result.posterior.weight.to_numpy()
    ess = 1.0 / float(np.sum((weights / weights.sum()) ** 2))
    assert ess >= 150, ess
    exact = stats.gamma(a + n, scale=1.0 / (b + 1))
    mean, sd, q05, q95 = weighted(values, weights)
    kurtosis = 6.0 / (a + n)
    assert abs(mean - exact.mean()) < 4 * exact.std() / math.sqrt(ess), (mean, ess)
    sd_error = exact.std() * math.sqrt((1 + kurtosis / 2) / (2 * ess))
    assert abs(sd - exact.std()) < 4 * sd_error, (sd, ess)
    for q, found in ((0.05, q05), (0.95, q95)):
        x = exact.ppf(q)
        error = math.sqrt(q * (1 - q) / ess) / exact.pdf(x)
        assert abs(found - x) < 4 * error, (q, found, x, ess)
    # the prior's cut-off mass is negligible, as the docstring says
    prior = stats.gamma(a, scale=1 / b)
    assert prior.cdf(0.001) + prior.sf(30) < 1e-6
    assert exact.cdf(0.001) + exact.sf(30) < 1e-11


def test_a_point_target_with_discrepancy_matches_the_posterior_by_quadrature(
    tmp_path: Path,
) -> None:
    """The same count observed as a point target with discrepancy sd 1 (abc.discrepancy
    minimum 1): the data model is n = N + e, N ~ Poisson(λ), e ~ N(0, 1), so the exact
    posterior is prior(λ) Σ_k Poisson(k; λ) φ(n - k) / Z, computed by quadrature on a
    grid of 30,001 points. The fit uses the synthetic likelihood of two replications;
    tolerances as in the conjugate check (4 Monte Carlo standard errors at the effective
    sample size, κ the exact posterior's excess kurtosis). Measured (250 particles, ESS
    223): mean 2.73 and sd 1.30 against 2.77 and 1.27, 5 %/95 % 0.90/5.12 against
    1.02/5.12."""
    n = 4
    spec = conjugate_spec(tmp_path, observed=n)
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("minimum: 0}", "minimum: 1}"), encoding="utf-8")
    grid = np.linspace(0.001, 30.0, 30001)
    k = np.arange(200)
    likelihood = (stats.poisson.pmf(k, grid[:, None]) * stats.norm.pdf(n - k)).sum(axis=1)
    density = stats.gamma(2.0).pdf(grid) * likelihood
    density /= integrate.trapezoid(density, grid)
    exact_mean = float(integrate.trapezoid(grid * density, grid))
    exact_sd = math.sqrt(float(integrate.trapezoid((grid - exact_mean) ** 2 * density, grid)))
    fourth = float(integrate.trapezoid((grid - exact_mean) ** 4 * density, grid))
    kurtosis = fourth / exact_sd**4 - 3
    cdf = integrate.cumulative_trapezoid(density, grid, initial=0.0)

    result = calibrate_abc(load_calibration(spec), jobs=1)
    assert result.final_temperature == pytest.approx(1.0)
    weights = result.posterior.weight.to_numpy()
    ess = 1.0 / float(np.sum((weights / weights.sum()) ** 2))
    assert ess >= 150, ess
    mean, sd, q05, q95 = weighted(result.posterior[KEY].to_numpy(), weights)
    assert abs(mean - exact_mean) < 4 * exact_sd / math.sqrt(ess), (mean, exact_mean, ess)
    sd_error = exact_sd * math.sqrt((1 + kurtosis / 2) / (2 * ess))
    assert abs(sd - exact_sd) < 4 * sd_error, (sd, ess)
    for q, found in ((0.05, q05), (0.95, q95)):
        i = int(np.searchsorted(cdf, q))
        x, f = grid[i], density[i]
        assert abs(found - x) < 4 * math.sqrt(q * (1 - q) / ess) / f, (q, found, x, ess)


# --- priors ------------------------------------------------------------------------------

PRIORS = [
    (Prior(kind="uniform"), 1.0, 5.0),
    (Prior(kind="log-uniform"), 0.02, 0.5),
    (Prior(kind="normal", mean=2.0, sd=1.5), 0.5, 6.0),
    (Prior(kind="beta", a=1.0, b=20.0), 0.0, 0.4),
    (Prior(kind="beta", a=2.5, b=1.5), 10.0, 80.0),
    (Prior(kind="gamma", shape=3.0, rate=0.2), 1.0, 30.0),
]


@pytest.mark.parametrize(("prior", "low", "high"), PRIORS)
def test_prior_density_integrates_to_one_on_its_bounds(
    prior: Prior, low: float, high: float
) -> None:
    """Every prior is cut to [low, high] and renormalised there (quadrature to 1e-8);
    outside the bounds its density is 0; its distribution function and quantiles agree."""
    bounded = BoundedPrior(prior, low, high)
    total, _ = integrate.quad(bounded.pdf, low, high, limit=200)
    assert total == pytest.approx(1.0, abs=1e-8)
    assert bounded.pdf(low - 1e-6) == 0.0
    assert bounded.pdf(high + 1e-6) == 0.0
    middle = (low + high) / 2
    part, _ = integrate.quad(bounded.pdf, low, middle, limit=200)
    assert bounded.cdf(middle) == pytest.approx(part, abs=1e-8)
    assert float(bounded.ppf(bounded.cdf(middle))) == pytest.approx(middle, rel=1e-6)
    draws = bounded.draw(2000, np.random.default_rng(1))
    assert draws.min() >= low and draws.max() <= high


@pytest.mark.parametrize(("low", "high"), [(1.0, 5.0), (-3.0, 10.0)])
def test_uniform_prior_moments_match_the_closed_form(low: float, high: float) -> None:
    mean, variance = BoundedPrior(Prior(kind="uniform"), low, high).moments()
    assert mean == pytest.approx((low + high) / 2, rel=1e-9, abs=1e-9)
    assert variance == pytest.approx((high - low) ** 2 / 12, rel=1e-6)


@pytest.mark.parametrize(("low", "high"), [(0.02, 0.5), (10.0, 80.0)])
def test_log_uniform_prior_moments_match_the_closed_form(low: float, high: float) -> None:
    """Mean (h - l)/ln(h/l), second moment (h² - l²)/(2 ln(h/l)); the moments come from a
    grid of 4000 quantiles, exact to about 1e-6 relative."""
    mean, variance = BoundedPrior(Prior(kind="log-uniform"), low, high).moments()
    log_ratio = math.log(high / low)
    exact_mean = (high - low) / log_ratio
    exact_variance = (high**2 - low**2) / (2 * log_ratio) - exact_mean**2
    assert mean == pytest.approx(exact_mean, rel=1e-5)
    assert variance == pytest.approx(exact_variance, rel=1e-4)


@pytest.mark.parametrize(
    ("prior", "low", "expected"),
    [
        ("{kind: gamma, shape: 2}", 0.001, ["prior", "gamma prior needs shape, rate", "rate"]),
        ("{kind: beta, a: 1, b: 2, mean: 3}", 0.001, ["prior", "takes a, b", "remove mean"]),
        ("{kind: normal, mean: 1}", 0.001, ["prior", "normal prior needs mean, sd"]),
        ("{kind: uniform, sd: 1}", 0.001, ["prior", "takes no settings", "remove sd"]),
        (
            "{kind: cauchy}",
            0.001,
            ["prior.kind", "'uniform', 'log-uniform', 'normal', 'beta' or 'gamma'"],
        ),
        ("{kind: normal, mean: 1, sd: -1}", 0.001, ["prior.sd", "greater than 0"]),
        ("{kind: gamma, shape: 2, rate: 1, scale: 3}", 0.001, ["prior.scale"]),
        ("{kind: log-uniform}", 0, ["log-uniform prior needs low > 0"]),
        ("{kind: normal, mean: 1000, sd: 1}", 0.001, ["puts no weight on [0.001, 30]"]),
    ],
)
def test_bad_prior_settings_exit_2_naming_the_key(
    tmp_path: Path, prior: str, low: float, expected: list[str]
) -> None:
    spec = conjugate_spec(tmp_path, prior=prior, low=low)
    result = CliRunner().invoke(main, ["calibrate", str(spec), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"parameters.{KEY}" in result.output, result.output
    for text in expected:
        assert text in result.output, (text, result.output)
    assert not (tmp_path / "o").exists()


def test_exact_targets_no_prior_draw_reproduces_exit_2(tmp_path: Path) -> None:
    """A prior under which no particle of the prior sample produces an exact
    (discrepancy 0) target has no likelihood to start from: a clear error, not a crash."""
    spec = conjugate_spec(
        tmp_path, observed=25, prior="{kind: gamma, shape: 2, rate: 1000}", population=20
    )
    result = CliRunner().invoke(main, ["calibrate", str(spec), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
    assert "abc.discrepancy" in result.output, result.output


# --- likelihood -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "mean", "sd"),
    [
        (-1.0, 2.0, 0.3, 1.0),
        (4.0, 6.0, 5.0, 0.5),
        (10.0, 11.0, 0.0, 1.0),  # far upper tail: P about 7.6e-24
        (-11.0, -10.0, 0.0, 1.0),  # far lower tail
        (40.0, 41.0, 0.0, 1.0),  # beyond double precision of the plain difference
        (-41.0, -40.0, 0.0, 1.0),
        (100.0, 1e9, 0.0, 2.0),  # a one-sided range far away
        (-5.0, 5.0, 0.0, 1e-3),  # inside, with a tiny sd
    ],
)
def test_log_interval_matches_scipy_in_the_tails(
    low: float, high: float, mean: float, sd: float
) -> None:
    """log P(low <= X <= high) against scipy's log survival/distribution functions
    (log(e^A - e^B) formed stably from scipy's logsf/logcdf)."""
    x = stats.norm(mean, sd)
    if low >= mean:
        a, b = x.logsf(low), x.logsf(high)
    elif high <= mean:
        a, b = x.logcdf(high), x.logcdf(low)
    else:
        a, b = 0.0, np.logaddexp(x.logcdf(low), x.logsf(high))
    expected = a + np.log1p(-np.exp(b - a))
    assert _log_interval(low, high, mean, sd) == pytest.approx(float(expected), rel=1e-9)


def _term(
    kind: str,
    observed: float = math.nan,
    low: float = math.nan,
    high: float = math.nan,
    weight: float = 1.0,
    delta: float = 1.0,
    target: str = "t",
) -> TargetTerm:
    return TargetTerm(target, kind, observed, low, high, weight, delta)


def test_a_point_targets_log_density() -> None:
    """Normal density of the observation around the replications' mean with variance
    (delta² + v (1 + 1/R)) / weight (v the replications' variance, ddof 1)."""
    values = np.array([[10.0, 14.0, 9.0]])
    mean, v, r = values.mean(), values.var(ddof=1), 3
    for weight in (1.0, 2.5):
        term = _term(POINT, observed=15.0, weight=weight, delta=2.0)
        sd = math.sqrt((4.0 + v * (1 + 1 / r)) / weight)
        assert Likelihood([term]).log(values) == pytest.approx(
            float(stats.norm.logpdf(15.0, mean, sd)), rel=1e-12
        )


def test_the_normal_log_density_is_scipys_to_the_last_bit() -> None:
    """The likelihood's own normal log-density takes scipy's floating-point steps, so fits
    (and the shipped posteriors) are the very same as with ``norm.logpdf``: 20,000 draws
    over twelve orders of magnitude, compared for exact equality."""
    random = np.random.default_rng(7)
    x = random.normal(size=20_000) * 10 ** random.uniform(-3, 4, 20_000)
    mean = random.normal(size=20_000) * 10 ** random.uniform(-3, 4, 20_000)
    sd = 10 ** random.uniform(-6, 5, 20_000)
    ours = np.array(
        [_log_normal(float(a), float(m), float(s)) for a, m, s in zip(x, mean, sd, strict=True)]
    )
    assert np.array_equal(ours, stats.norm.logpdf(x, mean, sd))


def test_a_range_targets_log_probability() -> None:
    values = np.array([[10.0, 14.0]])
    term = _term(RANGE, low=12.0, high=20.0, delta=1.0)
    sd = math.sqrt(1.0 + values.var(ddof=1) * 1.5)
    expected = math.log(stats.norm.cdf(20, 12, sd) - stats.norm.cdf(12, 12, sd))
    assert Likelihood([term]).log(values) == pytest.approx(expected, rel=1e-12)


def test_weight_zero_drops_a_target() -> None:
    kept = _term(POINT, observed=15.0, delta=2.0, target="a")
    dropped = _term(POINT, observed=1e6, weight=0.0, delta=0.1, target="b")
    values = np.array([[10.0, 14.0, 9.0], [math.nan, 3.0, 4.0]])
    both = Likelihood([kept, dropped]).log(values)
    assert both == Likelihood([kept]).log(values[:1])
    assert math.isfinite(both)


def test_exact_kind_is_the_share_of_replications_that_hit() -> None:
    """A count with discrepancy 0 (share 0, minimum 0) is exact: log(hits / R), -inf
    without a hit; a non-count metric with discrepancy 0 stays a point target, and a
    range or a count with a discrepancy is not exact."""
    targets = pd.DataFrame(
        {
            "target": ["t00_applications_2000", "t01_wait_years_mean_2000", "t02_waiting_2000"],
            "year": [2000, 2000, 2000],
            "metric": ["applications", "wait_years_mean", "waiting"],
            "group": ["", "", ""],
            "category": ["", "", ""],
            "observed": [3.0, 1.5, math.nan],
            "low": [math.nan, math.nan, 2.0],
            "high": [math.nan, math.nan, 5.0],
            "weight": [1.0, 1.0, 1.0],
        }
    )
    terms = terms_of(targets, Discrepancy(share=0, minimum=0))
    assert [t.kind for t in terms] == [EXACT, POINT, RANGE]
    assert terms_of(targets, Discrepancy(share=0, minimum=1))[0].kind == POINT
    exact = Likelihood([terms[0]])
    assert exact.log(np.array([[3.0, 2.0, 3.0, 4.0]])) == pytest.approx(math.log(0.5))
    assert exact.log(np.array([[3.0, 3.0]])) == 0.0
    assert exact.log(np.array([[2.0, 4.0]])) == -math.inf


# --- reproducibility and resume ---------------------------------------------------------


def _calibrate(spec: Path, out: Path, *extra: str) -> None:
    result = CliRunner().invoke(
        main, ["calibrate", str(spec), "--out", str(out), "--quiet", *extra]
    )
    assert result.exit_code == 0, result.output


def test_same_seed_same_posterior_for_one_and_two_workers(tmp_path: Path) -> None:
    spec = conjugate_spec(tmp_path, population=20, generations=2)
    _calibrate(spec, tmp_path / "one", "--jobs", "1")
    _calibrate(spec, tmp_path / "two", "--jobs", "2")
    one = (tmp_path / "one" / "posterior.csv").read_bytes()
    assert one == (tmp_path / "two" / "posterior.csv").read_bytes()
    generations = [
        pd.read_csv(tmp_path / name / "generations.csv").drop(columns="seconds")
        for name in ("one", "two")
    ]
    pd.testing.assert_frame_equal(*generations)


def test_resume_continues_a_fit_to_the_generations_asked(tmp_path: Path) -> None:
    """``--resume`` continues to ``abc.generations`` generations in all. A fit of 2
    generations resumed with generations=3 has 3: the first two are the earlier fit's and
    the third is at temperature 1. It is not the uninterrupted 3-generation fit, and
    cannot be: a 2-generation fit plans its temperatures to reach 1 at its generation 1
    (3.80, then 1), where the 3-generation plan has 3.80, 1.78, 1, so their generation 1
    already differs. A fit stopped before the end of its own plan (here by
    abc.max_simulations after 2 of 3 generations) and resumed is the uninterrupted fit,
    value for value: the candidates of a generation are numbered from the seed and pyabc
    resumes from the stored last generation."""
    spec = conjugate_spec(tmp_path, population=20, generations=2)
    _calibrate(spec, tmp_path / "two")
    resume = ["--set", "abc.generations=3", "--resume"]
    _calibrate(spec, tmp_path / "resumed", *resume, str(tmp_path / "two"))
    _calibrate(spec, tmp_path / "three", "--set", "abc.generations=3")
    two, resumed, three = (
        pd.read_csv(tmp_path / name / "generations.csv").drop(columns="seconds")
        for name in ("two", "resumed", "three")
    )
    assert list(resumed.generation) == [0, 1, 2]
    pd.testing.assert_frame_equal(resumed.iloc[:2], two)
    assert resumed.temperature.iloc[2] == 1.0
    assert three.temperature.iloc[1] > 1.0 == two.temperature.iloc[1]

    # stopped after generation 1 of 3 (20 + 71 + 68 candidates reach 150), then resumed
    stopped = ["--set", "abc.generations=3", "--set", "abc.max_simulations=150"]
    _calibrate(spec, tmp_path / "stopped", *stopped)
    assert len(pd.read_csv(tmp_path / "stopped" / "generations.csv")) == 2
    _calibrate(spec, tmp_path / "continued", *resume, str(tmp_path / "stopped"))
    for name in ("posterior.csv", "parameters.csv"):
        continued = (tmp_path / "continued" / name).read_bytes()
        assert continued == (tmp_path / "three" / name).read_bytes(), name

    # nothing left to do: a clear error
    result = CliRunner().invoke(
        main,
        [
            "calibrate",
            str(spec),
            "--out",
            str(tmp_path / "again"),
            "--resume",
            str(tmp_path / "two"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "abc.generations" in result.output and "has 2 generations already" in result.output
