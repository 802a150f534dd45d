"""Theory and unit tests: duration distributions (``sim/model/durations.py``) and their
scenario form (``sim/config/durations.py``).

Theory: each standardised distribution has mean 1, matches scipy's distribution of the
same mean and cv (Kolmogorov–Smirnov), and its residual R follows the equilibrium
distribution, of density 1 - F(x): checked by its mean E[X²]/2 = (1 + cv²)/2 and, point by
point, against ∫ 1 - F computed by quadrature. The tables (gamma Q; lognormal, gamma and
triangular R) are checked against exact values with the stated largest relative error.
Unit: the scenario rules and their messages, the CSV reader, the round trip.
All random numbers come from fixed seeds, so every check is deterministic.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import integrate, special, stats

from sim.config.durations import DurationSpec
from sim.model import duration_tables, durations
from sim.model.durations import Standardised, sampler
from sim.model.streams import unit_exponential

N_MEAN = 200_000
"""Stratified uniforms for the means: u_i = (i + r_i) / N, one in each of N strata."""
N_KS = 20_000
"""Plain uniforms for the Kolmogorov–Smirnov tests (p-value must exceed 0.01)."""
MEAN_TOLERANCE = 1e-4
"""Relative error allowed in a stratified mean (measured: at most 1.4e-5, lognormal R)."""
TAIL = 1.0 - 2.0**-53
"""The largest uniform below 1."""


def stratified(n: int = N_MEAN, seed: int = 11) -> list[float]:
    rng = np.random.default_rng(seed)
    return ((np.arange(n) + rng.random(n)) / n).tolist()


def plain(n: int = N_KS, seed: int = 12) -> list[float]:
    return np.random.default_rng(seed).random(n).tolist()


def lognormal_reference(cv: float) -> tuple[Any, Any]:
    """scipy's lognormal with mean 1 and its size-biased version (density x f(x))."""
    sigma = math.sqrt(math.log1p(cv * cv))
    return (
        stats.lognorm(s=sigma, scale=math.exp(-sigma * sigma / 2)),
        stats.lognorm(s=sigma, scale=math.exp(sigma * sigma / 2)),
    )


def gamma_reference(cv: float) -> tuple[Any, Any]:
    k = 1.0 / (cv * cv)
    return stats.gamma(a=k, scale=1.0 / k), stats.gamma(a=k + 1.0, scale=1.0 / k)


def triangular_reference(low: float, mode: float, high: float) -> tuple[Any, None]:
    mean = (low + mode + high) / 3.0
    shape = (mode - low) / (high - low)
    return stats.triang(c=shape, loc=low / mean, scale=(high - low) / mean), None


# name: (distribution, scipy's distribution with mean 1, its size-biased version or None)
KINDS: dict[str, tuple[Standardised, Any, Any]] = {
    "exponential": (durations.exponential(), stats.expon(), stats.gamma(a=2.0)),
    "lognormal": (durations.lognormal(0.8), *lognormal_reference(0.8)),
    "gamma": (durations.gamma(0.5), *gamma_reference(0.5)),
    "gamma_heavy": (durations.gamma(2.0), *gamma_reference(2.0)),
    "triangular": (durations.triangular(0.5, 1.0, 4.0), *triangular_reference(0.5, 1.0, 4.0)),
    "triangular_from_0": (durations.triangular(0.0, 0.0, 3.0), *triangular_reference(0, 0, 3)),
}


# --- theory: means, shapes, residuals ---------------------------------------------------


@pytest.mark.parametrize("name", KINDS)
def test_quantile_has_mean_1_and_residual_mean_e_x2_over_2(name: str) -> None:
    sampler, _, _ = KINDS[name]
    u = stratified()
    mean = math.fsum(map(sampler.quantile, u)) / len(u)
    residual = math.fsum(map(sampler.residual, u)) / len(u)
    assert mean == pytest.approx(1.0, rel=MEAN_TOLERANCE)
    assert residual == pytest.approx(sampler.residual_mean, rel=MEAN_TOLERANCE)


@pytest.mark.parametrize("name", KINDS)
def test_quantile_follows_scipy_distribution(name: str) -> None:
    sampler, reference, _ = KINDS[name]
    assert reference.mean() == pytest.approx(1.0, rel=1e-12)
    assert reference.var() == pytest.approx(sampler.variance, rel=1e-12)
    sample = [sampler.quantile(u) for u in plain()]
    assert stats.kstest(sample, reference.cdf).pvalue > 0.01


@pytest.mark.parametrize("name", [name for name in KINDS if KINDS[name][2] is not None])
def test_residual_follows_equilibrium_distribution(name: str) -> None:
    sampler, reference, sized = KINDS[name]

    def equilibrium_cdf(x: Any) -> Any:  # ∫0^x 1 - F = x (1 - F(x)) + E[X; X <= x]
        return x * reference.sf(x) + sized.cdf(x)

    sample = [sampler.residual(u) for u in plain()]
    assert stats.kstest(sample, equilibrium_cdf).pvalue > 0.01


POINTS = [1e-12, 1e-8, 1e-4, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1 - 1e-4, 1 - 1e-8, 1 - 1e-12]


@pytest.mark.parametrize("name", [name for name in KINDS if name != "exponential"])
def test_residual_inverts_integral_of_survival_by_quadrature(name: str) -> None:
    """G(R(u)) = u with G(x) = ∫0^x 1 - F by quadrature (1 - G above u = 1/2)."""
    sampler, reference, _ = KINDS[name]
    end = reference.support()[1]
    for u in POINTS:
        x = sampler.residual(u)
        if u <= 0.5:
            got, want = integrate.quad(reference.sf, 0.0, x, epsabs=0.0, epsrel=1e-9)[0], u
        else:
            got = integrate.quad(reference.sf, x, end, epsabs=0.0, epsrel=1e-9, limit=200)[0]
            want = 1.0 - u
        assert got == pytest.approx(want, rel=1e-7), (u, x)


def test_exponential_is_bit_identical_to_unit_exponential() -> None:
    exponential = durations.exponential()
    assert exponential is durations.exponential()
    uniforms = [*plain(10_000, seed=14), 0.0, 2.0**-53, 0.5, TAIL]
    assert [exponential.quantile(u) for u in uniforms] == [unit_exponential(u) for u in uniforms]
    assert [exponential.residual(u) for u in uniforms] == [unit_exponential(u) for u in uniforms]


def test_fixed_lasts_its_mean_and_leaves_a_uniform_part() -> None:
    fixed = durations.fixed()
    uniforms = [*plain(1_000, seed=15), 0.0, TAIL]
    assert all(fixed.quantile(u) == 1.0 for u in uniforms)
    assert all(fixed.residual(u) == u for u in uniforms)
    assert fixed.residual_mean == 0.5


def test_empirical_resamples_and_picks_spells_by_length() -> None:
    spells = durations.empirical([3.0, 1.0])  # mean 2: standardised 0.5 and 1.5
    assert (spells.quantile(0.0), spells.quantile(0.49), spells.quantile(0.5)) == (0.5, 0.5, 1.5)
    assert spells.quantile(TAIL) == 1.5
    # laid end to end: [0, 0.5) is the short spell, [0.5, 2) the long one
    assert spells.residual(0.1) == pytest.approx(0.5 - 0.2)
    assert spells.residual(0.5) == pytest.approx(2.0 - 1.0)
    assert spells.residual(TAIL) == pytest.approx(0.0, abs=1e-12)
    assert spells.residual_mean == pytest.approx((0.25 + 2.25) / 2 / 2)


def test_empirical_means_are_exact_under_stratified_uniforms() -> None:
    observed = np.random.default_rng(16).lognormal(0.3, 0.9, size=1_000).tolist()
    spells = durations.empirical(observed)
    u = stratified(100_000)  # 100 uniforms in each observation's 1/1000 of [0, 1)
    assert math.fsum(map(spells.quantile, u)) / len(u) == pytest.approx(1.0, rel=1e-12)
    residual = math.fsum(map(spells.residual, u)) / len(u)
    assert residual == pytest.approx(spells.residual_mean, rel=1e-3)  # measured: 2.4e-4
    values = np.array(observed) / np.mean(observed)
    assert spells.variance == pytest.approx(values.var(), rel=1e-9)


# --- the tables: accuracy and monotony -------------------------------------------------

CVS = [0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0]
TRIANGLES = [(0.5, 1.0, 4.0), (0.0, 0.0, 3.0), (0.0, 3.0, 3.0), (1.0, 4.0, 4.0), (0.0, 1.0, 2.0)]


def table_uniforms() -> np.ndarray:
    rng = np.random.default_rng(17)
    tails = 10.0 ** rng.uniform(-16, -1, 1_000)
    return np.concatenate([rng.random(3_000), tails, 1.0 - tails])


def relative_error(got: list[float], want: np.ndarray) -> float:
    seen = want > 1e-300  # a gamma with cv 10 has x below 1e-300 for u < 0.1%
    return float(np.max(np.abs(np.array(got)[seen] - want[seen]) / want[seen]))


@pytest.mark.parametrize("cv", CVS)
def test_gamma_quantile_table_within_1e_7_of_gammaincinv(cv: float) -> None:
    """Measured: 2e-12 (cv 0.01) to 5.5e-8 (cv 10); the table costs ~0.6 µs, scipy 2-5 µs."""
    k = 1.0 / (cv * cv)
    u = table_uniforms()
    exact = np.where(u <= 0.5, special.gammaincinv(k, u), special.gammainccinv(k, 1.0 - u)) / k
    sampler = durations.gamma(cv)
    assert relative_error([sampler.quantile(x) for x in u], exact) < 1e-7


TABLED: list[tuple[str, Any]] = [("gamma", cv) for cv in CVS] + [("lognormal", cv) for cv in CVS]
TABLED += [("triangular", points) for points in TRIANGLES]


def make(kind: str, parameters: Any) -> Standardised:
    if kind == "triangular":
        return durations.triangular(*parameters)
    return durations.gamma(parameters) if kind == "gamma" else durations.lognormal(parameters)


@pytest.mark.parametrize(("kind", "parameters"), TABLED)
def test_residual_table_within_1e_7_of_root(kind: str, parameters: Any) -> None:
    """Against the root of G(x) = u the table was made from (checked by quadrature above).

    Measured: below 1e-9 for gamma and lognormal, 2e-8 for a triangular whose mode lies
    inside (its density has a kink there).
    """
    sampler = make(kind, parameters)
    u = table_uniforms()
    exact = duration_tables.equilibrium_quantile(sampler_parts(sampler), u, 1.0 - u)
    assert relative_error([sampler.residual(x) for x in u], exact) < 1e-7


def sampler_parts(sampler: Standardised) -> duration_tables.Parts:
    if isinstance(sampler, durations.Gamma):
        return duration_tables.gamma_parts(sampler.shape)
    if isinstance(sampler, durations.Lognormal):
        return duration_tables.lognormal_parts(math.sqrt(math.log1p(sampler.variance)))
    assert isinstance(sampler, durations.Triangular)
    return duration_tables.triangular_parts(sampler.low, sampler.mode, sampler.high)


@pytest.mark.parametrize(("kind", "parameters"), [*TABLED, ("exponential", None)])
def test_quantile_and_residual_never_decrease_and_stay_finite(kind: str, parameters: Any) -> None:
    sampler = durations.exponential() if kind == "exponential" else make(kind, parameters)
    u = sorted([0.0, 2.0**-53, 1e-300, TAIL, *table_uniforms().tolist()])
    for draw in (sampler.quantile, sampler.residual):
        values = [draw(x) for x in u]
        assert all(math.isfinite(value) and value >= 0.0 for value in values)
        assert all(a <= b for a, b in itertools.pairwise(values))


def test_parameters_outside_the_model_are_refused() -> None:
    for bad in (0.0, -1.0, math.inf, math.nan):
        with pytest.raises(ValueError, match="cv must be"):
            durations.gamma(bad)
    with pytest.raises(ValueError, match="triangular needs"):
        durations.triangular(2.0, 1.0, 3.0)
    with pytest.raises(ValueError, match="positive finite"):
        durations.empirical([1.0, 0.0])


# --- the scenario form -----------------------------------------------------------------


def spec(data: dict[str, Any], base_dir: Path | None = None) -> DurationSpec:
    context = {"base_dir": base_dir} if base_dir is not None else None
    return DurationSpec.model_validate(data, context=context)


@pytest.mark.parametrize(
    ("data", "mean", "kind"),
    [
        ({"distribution": "exponential", "mean": 3}, 3.0, "exponential"),
        ({"distribution": "lognormal", "mean": 3, "cv": 0.8}, 3.0, "lognormal"),
        ({"distribution": "gamma", "mean": 3, "cv": 0.5}, 3.0, "gamma"),
        ({"distribution": "triangular", "min": 0.5, "mode": 1, "max": 4}, 5.5 / 3, "triangular"),
        ({"distribution": "fixed", "mean": 2}, 2.0, "fixed"),
        ({"distribution": "empirical", "values": [3, 1.5, 1.5]}, 2.0, "empirical"),
    ],
)
def test_every_form_validates_and_round_trips(data: dict[str, Any], mean: float, kind: str) -> None:
    duration = spec(data)
    assert duration.mean == pytest.approx(mean)
    assert sampler(duration).kind == kind
    for dumped in (
        duration.model_dump(),
        duration.model_dump(by_alias=True, exclude_none=True),
        duration.model_dump(mode="json", by_alias=True),
    ):
        assert DurationSpec.model_validate(dumped) == duration


def test_sampler_is_standardised_by_the_mean() -> None:
    triangle = sampler(spec({"distribution": "triangular", "min": 0.5, "mode": 1, "max": 4}))
    assert triangle.quantile(0.0) == pytest.approx(0.5 / (5.5 / 3))
    same = sampler(spec({"distribution": "gamma", "mean": 9, "cv": 0.5}))
    assert same is sampler(spec({"distribution": "gamma", "mean": 3, "cv": 0.5}))  # made once


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"distribution": "lognormal", "mean": 3, "cv": -0.5}, "cv must be ≥ 0.01 and ≤ 10"),
        ({"distribution": "gamma", "mean": 3, "cv": 11}, "cv must be ≥ 0.01 and ≤ 10"),
        ({"distribution": "gamma", "mean": 3}, "distribution gamma needs mean and cv"),
        ({"distribution": "fixed", "mean": 2, "cv": 0.3}, "cv does not apply to distribution"),
        ({"distribution": "triangular", "min": 2, "mode": 1, "max": 4}, "min ≤ mode ≤ max"),
        ({"distribution": "triangular", "min": 1, "mode": 1, "max": 1}, "max > min"),
        ({"distribution": "triangular", "min": -1, "mode": 1, "max": 4}, "must be ≥ 0"),
        ({"distribution": "triangular", "min": 0, "max": 4}, "needs min, mode and max"),
        ({"distribution": "triangular", "mean": 2}, "mean does not apply to distribution"),
        ({"distribution": "exponential", "mean": 0}, "mean must be ≥ 0.0001 and ≤ 1,000"),
        ({"distribution": "exponential", "mean": math.nan}, "finite number"),
        ({"distribution": "exponential", "mean": math.inf}, "finite number"),
        ({"distribution": "exponential", "mean": "3"}, "valid number"),
        ({"distribution": "exponential", "mean": True}, "valid number"),
        ({"distribution": "exponential", "mean": 3, "shape": 2}, "Extra inputs"),
        ({"distribution": "weibull", "mean": 3}, "'exponential', 'lognormal'"),
        ({"mean": 3}, "Field required"),
        ({"distribution": "empirical", "values": [1.0]}, "needs 2 to 50,000 observed"),
        ({"distribution": "empirical", "values": [1.0, -2.0]}, "value 2 (-2) is not a duration"),
        ({"distribution": "empirical", "values": [1.0, math.nan]}, "finite number"),
        ({"distribution": "empirical"}, "needs file and column, or values"),
        ({"distribution": "gamma", "mean": 3, "cv": 1, "file": "x.csv"}, "empirical only"),
    ],
)
def test_bad_input_is_refused_with_the_rule(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        spec(data)


def write(folder: Path, text: str, name: str = "durations.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_empirical_file_is_read_relative_to_base_dir(tmp_path: Path) -> None:
    write(tmp_path, "id,years\n1,2.5\n2,0.5\n\n3,1.0\n")
    data = {"distribution": "empirical", "file": "durations.csv", "column": "years"}
    duration = spec(data, base_dir=tmp_path)
    assert duration.values == (0.5, 1.0, 2.5)
    assert duration.mean == pytest.approx(4.0 / 3.0)
    dumped = duration.model_dump(by_alias=True, exclude_none=True)
    assert dumped == {"distribution": "empirical", "values": (0.5, 1.0, 2.5)}
    assert DurationSpec.model_validate(dumped) == duration  # self-contained


def test_empirical_file_without_context_is_relative_to_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "years\n2\n4\n")
    monkeypatch.chdir(tmp_path)
    duration = spec({"distribution": "empirical", "file": "durations.csv", "column": "years"})
    assert duration.values == (2.0, 4.0)


def test_empirical_file_with_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    write(tmp_path, "\ufeffår;years\n2010;2,5\n2011;1,5\n")  # as a Norwegian Excel saves it
    data = {"distribution": "empirical", "file": "durations.csv", "column": "years"}
    assert spec(data, base_dir=tmp_path).values == (1.5, 2.5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("years\n1\n2\nabc\n", r"row 3 of column 'years' \(line 4\) is not a positive number"),
        ("years\n1\n-2\n", "row 2 of column 'years'"),
        ("years\n1\n0\n", "row 2 of column 'years'"),
        ("years\n1\nnan\n", "row 2 of column 'years'"),
        ("years\n1\ninf\n", "row 2 of column 'years'"),
        ("years\n1\n\n2000\n", r"row 2 of column 'years' \(line 4\)"),
        ("id,years\n1,2\n2\n", "row 2 of column 'years'"),
        ("years\n1\n", "has 1 durations in column 'years'; at least 2"),
        ("id,length\n1,2\n", r"has no column 'years': its first line \(the header\) must name"),
        ("years\n" + "1.5\n" * 50_001, "more than 50,000 rows"),
    ],
)
def test_bad_file_is_refused_with_the_row(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, text)
    data = {"distribution": "empirical", "file": "durations.csv", "column": "years"}
    with pytest.raises(ValueError, match=message):
        spec(data, base_dir=tmp_path)


def test_missing_large_or_unreadable_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = {"distribution": "empirical", "file": "durations.csv", "column": "years"}
    with pytest.raises(ValueError, match=r"file durations\.csv not found"):
        spec(data, base_dir=tmp_path)
    (tmp_path / "durations.csv").write_bytes(b"years\n1\n\xff\xfe2\n")
    with pytest.raises(ValueError, match="not UTF-8"):
        spec(data, base_dir=tmp_path)
    write(tmp_path, "years\n1\n2\n")
    monkeypatch.setattr("sim.config.durations.MAX_FILE_BYTES", 8)
    with pytest.raises(ValueError, match="larger than 8 bytes are not read"):
        spec(data, base_dir=tmp_path)
    with pytest.raises(ValueError, match="not both"):
        spec({**data, "values": [1, 2]}, base_dir=tmp_path)
    with pytest.raises(ValueError, match="column must name the column"):
        spec({"distribution": "empirical", "file": "durations.csv"}, base_dir=tmp_path)
