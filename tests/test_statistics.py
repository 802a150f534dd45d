"""Unit tests of sim/analysis/statistics.py: chosen inputs against known values.

The reference values are hand-computed (three values 1, 2, 3: mean 2, sd 1, and for two
degrees of freedom the t quantile has the closed form t(p; 2) = (2p − 1) / √(2p(1 − p)))
or scipy's own intervals (``ttest_1samp``, ``ttest_rel``, ``ttest_ind`` with
``equal_var=False``, ``binomtest(...).proportion_ci(method="wilson")``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim.analysis.statistics import (
    NON_NEGATIVE_UNITS,
    SIGNED_UNITS,
    cannot_be_negative,
    floor_at_zero,
    mean_interval,
    paired_interval,
    t_half_width,
    welch_interval,
    wilson_interval,
)

BASE = np.array([1.0, 2.0, 3.0, 4.0])
ALTERNATIVE = np.array([2.0, 5.0, 7.0, 9.0])


T_975_2 = 0.95 / math.sqrt(2 * 0.975 * 0.025)  # t(0.975; 2) = 4.3027


def test_mean_interval_by_hand() -> None:
    mean, low, high = mean_interval([1.0, 2.0, 3.0])
    half = T_975_2 / math.sqrt(3)  # t(0.975; 2) · sd 1 / √3
    assert mean == 2.0
    assert low == pytest.approx(2.0 - half, abs=1e-12)
    assert high == pytest.approx(2.0 + half, abs=1e-12)


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
def test_mean_interval_is_scipys_t_interval(confidence: float) -> None:
    values = np.array([3.1, 4.7, 2.2, 5.9, 4.4, 3.8, 6.1])
    mean, low, high = mean_interval(values, confidence)
    expected = stats.ttest_1samp(values, 0.0).confidence_interval(confidence)
    assert mean == pytest.approx(values.mean(), abs=1e-12)
    assert (low, high) == pytest.approx((expected.low, expected.high), abs=1e-12)


def test_mean_interval_leaves_out_missing_values_and_needs_two() -> None:
    assert mean_interval([1.0, math.nan, 2.0, 3.0]) == mean_interval([1.0, 2.0, 3.0])
    mean, low, high = mean_interval([5.0, math.nan])
    assert mean == 5.0 and math.isnan(low) and math.isnan(high)
    assert all(math.isnan(x) for x in mean_interval([]))
    assert mean_interval([4.0, 4.0, 4.0]) == (4.0, 4.0, 4.0)  # no spread: a point


def test_half_width_vectorised_agrees_with_one_at_a_time() -> None:
    sd = np.array([1.0, 0.5, 2.0, 3.0, 0.0])
    n = np.array([3.0, 10.0, 1.0, 30.0, 4.0])
    halves = t_half_width(sd, n)
    assert math.isnan(halves[2])  # one value: no interval
    for i in (0, 1, 3, 4):
        assert halves[i] == t_half_width(float(sd[i]), float(n[i]))
    assert halves[0] == pytest.approx(T_975_2 / math.sqrt(3), abs=1e-12)
    assert halves[4] == 0.0


def test_paired_interval_is_scipys_related_t_interval() -> None:
    difference, low, high = paired_interval(BASE, ALTERNATIVE)
    expected = stats.ttest_rel(ALTERNATIVE, BASE).confidence_interval()
    assert difference == pytest.approx(3.25, abs=1e-12)  # mean of 1, 3, 4, 5
    assert (low, high) == pytest.approx((expected.low, expected.high), abs=1e-12)
    # by hand: differences 1, 3, 4, 5 have sd √(35/12); t(0.975; 3) = 3.182446
    half = 3.1824463052837 * math.sqrt(35 / 12) / 2
    assert (low, high) == pytest.approx((3.25 - half, 3.25 + half), abs=1e-12)


def test_paired_interval_of_a_sample_with_itself_is_exactly_zero() -> None:
    assert paired_interval(ALTERNATIVE, ALTERNATIVE) == (0.0, 0.0, 0.0)


def test_welch_interval_is_scipys() -> None:
    alternative = np.array([2.0, 5.0, 7.0, 9.0, 11.0])
    low, high = welch_interval(BASE, alternative)
    expected = stats.ttest_ind(alternative, BASE, equal_var=False).confidence_interval()
    assert (low, high) == pytest.approx((expected.low, expected.high), abs=1e-12)
    assert low < alternative.mean() - BASE.mean() < high


def test_welch_interval_is_wider_than_paired_for_correlated_pairs() -> None:
    """What common random numbers buy: the pairs share their noise."""
    _, paired_low, paired_high = paired_interval(BASE, ALTERNATIVE)
    low, high = welch_interval(BASE, ALTERNATIVE)
    assert paired_high - paired_low < high - low


def test_welch_interval_edge_cases() -> None:
    assert all(math.isnan(x) for x in welch_interval(np.array([1.0]), ALTERNATIVE))
    assert welch_interval(np.array([2.0, 2.0]), np.array([5.0, 5.0, 5.0])) == (3.0, 3.0)


@pytest.mark.parametrize(("successes", "n"), [(0, 10), (3, 10), (8, 10), (10, 10), (37, 40)])
def test_wilson_interval_is_scipys(successes: int, n: int) -> None:
    low, high = wilson_interval(successes, n)
    expected = stats.binomtest(successes, n).proportion_ci(method="wilson")
    # the default z is the 97.5 % normal quantile to seven digits
    assert (low, high) == pytest.approx((expected.low, expected.high), abs=1e-7)


def test_wilson_interval_by_hand_and_at_the_edges() -> None:
    low, high = wilson_interval(0, 10)  # z²/(n + z²) = 3.8415 / 13.8415
    assert low == 0.0 and high == pytest.approx(1.959964**2 / (10 + 1.959964**2), abs=1e-12)
    assert wilson_interval(10, 10)[1] == 1.0  # not 0.9999999999999999
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(0, 0) == (0.0, 1.0)
    narrow = wilson_interval(8, 10, z=1.0)
    wide = wilson_interval(8, 10)
    assert wide[0] < narrow[0] < 0.8 < narrow[1] < wide[1]


def test_wilson_interval_contains_the_proportion() -> None:
    """Always, even where rounding would leave an end a hair short of it (a figure's error
    bar of negative length once stopped ``sim size``)."""
    for n in range(1, 60):
        for successes in range(n + 1):
            low, high = wilson_interval(successes, n)
            assert 0.0 <= low <= successes / n <= high <= 1.0, (successes, n)


def test_interval_of_a_count_near_zero_stops_at_zero() -> None:
    """A count that is mostly 0 over few replications: the t-interval's lower end
    would be below 0, where no replication can be; it is 0, the rest unchanged."""
    values = [0.0, 0.0, 0.0, 3.0]
    mean, low, high = mean_interval(values)
    assert low < 0  # the plain t-interval crosses zero
    clipped = mean_interval(values, metric="in_hospits")
    assert clipped == (mean, 0.0, high)
    assert mean_interval(values, metric="hospits_nights")[1] == 0.0
    assert mean_interval(values, metric="vacancy_share")[1] == 0.0  # a share
    assert mean_interval(values, metric="wait_years_mean")[1] == 0.0  # a wait
    # a lower end already above 0 is left as it is
    assert mean_interval([5.0, 6.0, 7.0], metric="in_hospits") == mean_interval([5.0, 6.0, 7.0])


def test_differences_are_not_clipped() -> None:
    base = np.array([3.0, 0.0, 0.0, 1.0])
    alternative = np.array([0.0, 1.0, 0.0, 0.0])
    difference, low, high = paired_interval(base, alternative)
    assert difference < 0 and low < difference < high
    low_w, _ = welch_interval(base, alternative)
    assert low_w < 0
    assert cannot_be_negative("difference") is False
    assert floor_at_zero(-0.77, "difference") == -0.77


def test_every_catalogue_unit_is_decided() -> None:
    """A new unit in the catalogue must be placed: a unit that can be negative would need
    its intervals left alone, so the rule is written down unit by unit."""
    from sim.model.catalogue import CATALOGUE

    units = {metric.unit for metric in CATALOGUE.values()}
    assert units <= NON_NEGATIVE_UNITS | SIGNED_UNITS
    assert not NON_NEGATIVE_UNITS & SIGNED_UNITS
    signed = [name for name in CATALOGUE if not cannot_be_negative(name)]
    assert signed == ["cost_net"]  # costs less rent income: the one that can be below 0
    assert all(
        cannot_be_negative(name) == (metric.unit in NON_NEGATIVE_UNITS)
        for name, metric in CATALOGUE.items()
    )


def test_summary_clips_only_metrics_that_cannot_be_negative() -> None:
    import pandas as pd

    from sim.analysis.tables import summarise

    rows = [
        {"replication": r, "year": 2020, "group": "", "category": "", "metric": m, "value": v}
        for m in ("in_hospits", "not_a_metric")
        for r, v in enumerate([0.0, 0.0, 0.0, 3.0])
    ]
    summary = summarise(pd.DataFrame(rows)).set_index("metric")
    assert summary.loc["in_hospits", "ci_low"] == 0.0
    assert summary.loc["not_a_metric", "ci_low"] == pytest.approx(mean_interval([0, 0, 0, 3])[1])
    assert summary.loc["in_hospits", "ci_high"] == summary.loc["not_a_metric", "ci_high"]
