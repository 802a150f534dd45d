"""Numbers and percentages as English and Norwegian readers write them
(sim.analysis.labels.number and percent, on Babel)."""

from __future__ import annotations

import math

import pytest

from sim.analysis.labels import number, percent

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "digits", "english", "norwegian"),
    [
        (1234.56, None, "1,235", f"1{NBSP}235"),
        (1234567.0, 0, "1,234,567", f"1{NBSP}234{NBSP}567"),
        (12.34, None, "12.3", "12,3"),
        (0.1234, None, "0.12", "0,12"),
        (0.8, 1, "0.8", "0,8"),
        (-1234.5, 1, "-1,234.5", f"-1{NBSP}234,5"),
        (-0.75, None, "-0.75", "-0,75"),
        (99.96, None, "100.0", "100,0"),  # the digits follow the value, not its rounding
        (100.0, None, "100", "100"),
        (2.5, 0, "2", "2"),  # ties to even, as Python rounds
        (0.015, 2, "0.01", "0,01"),  # the float 0.015 is a hair below 0.015
        (-0.001, None, "0.00", "0,00"),  # no minus sign on a zero
        (5.0, 3, "5.000", "5,000"),
    ],
)
def test_number(value: float, digits: int | None, english: str, norwegian: str) -> None:
    assert number(value, "en", digits) == english
    assert number(value, "nb", digits) == norwegian


def test_number_rounds_as_python_formats() -> None:
    for value in (0.125, 0.375, 1.005, 2.675, 12.25, 1e-7, 123456.5, -3.14159, -0.004):
        for digits in (0, 1, 2, 3):
            expected = f"{value:,.{digits}f}"
            if float(expected.replace(",", "")) == 0:
                expected = expected.lstrip("-")
            assert number(value, "en", digits) == expected
            norwegian = expected.replace(",", NBSP).replace(".", ",")
            assert number(value, "nb", digits) == norwegian


def test_number_not_finite() -> None:
    assert number(math.nan, "nb") == number(math.inf, "en") == "–"


@pytest.mark.parametrize(
    ("value", "digits", "english", "norwegian"),
    [
        (0.125, 1, "12.5%", f"12,5{NBSP}%"),
        (0.8, 0, "80%", f"80{NBSP}%"),
        (1.0, 0, "100%", f"100{NBSP}%"),
        (12.3456, 1, "1,234.6%", f"1{NBSP}234,6{NBSP}%"),
        (-0.05, 0, "-5%", f"-5{NBSP}%"),
        (-0.0001, 1, "0.0%", f"0,0{NBSP}%"),
        (0.125, 0, "12%", f"12{NBSP}%"),  # ties to even
    ],
)
def test_percent(value: float, digits: int, english: str, norwegian: str) -> None:
    assert percent(value, "en", digits) == english
    assert percent(value, "nb", digits) == norwegian


def test_percent_not_finite() -> None:
    assert percent(math.nan, "nb") == "–"
