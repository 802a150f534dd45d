"""Unit tests: dated change points of series (``sim/config/dates.py``, ``series.py``).

Dates as model time, year and date keys of a :class:`YearlySeries`, the generic
:class:`Stepwise` of policy values, their messages, and the round trip of both through
``model_dump`` + ``yaml.safe_dump`` + ``yaml.safe_load`` + validation.
"""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

import pytest
import yaml
from pydantic import BeforeValidator, Field, TypeAdapter, ValidationError, field_validator

from sim.config.dates import calendar_date, days_in_year, iso_date, model_time
from sim.config.series import Stepwise, YearlySeries, series, stepwise
from sim.config.types import Frozen, Probability


class Renewal(StrEnum):
    needs_based = "needs_based"
    differentiated = "differentiated"


class Split(Frozen):
    transfer: Probability = 1.0
    homeless: Probability = 0.0


SHARES = TypeAdapter(dict[str, Probability])


def _shares(value: Any) -> dict[str, float]:
    if isinstance(value, str):
        return {value: 1.0}
    shares = SHARES.validate_python(value)
    if abs(sum(shares.values()) - 1.0) > 1e-9:
        raise ValueError("shares must sum to 1")
    return shares


def _contract(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"must be a positive number of years, got {value!r}")
    return float(value)


class Policy(Frozen):
    """A schema using both kinds of series, wired as ``sim/config/schema.py`` would."""

    rate: YearlySeries = Field(default_factory=lambda: YearlySeries.constant(0))
    renewal: Annotated[Stepwise[Renewal], BeforeValidator(lambda v: stepwise(v, Renewal))] = (
        Stepwise.constant(Renewal.needs_based)
    )
    contract_years: Annotated[
        Stepwise[float], BeforeValidator(lambda v: stepwise(v, _contract))
    ] = Stepwise.constant(3.0)
    after_nonrenewal: Annotated[
        Stepwise[dict[str, float]], BeforeValidator(lambda v: stepwise(v, _shares))
    ] = Stepwise.constant({"transfer": 1.0})
    split: Annotated[
        Stepwise[Split], BeforeValidator(lambda v: stepwise(v, Split.model_validate))
    ] = Stepwise.constant(Split())

    @field_validator("rate", mode="before")
    @classmethod
    def _rate(cls, value: Any) -> Any:
        return series(value, 100, whole=False)


def _error(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        Policy.model_validate(data)
    return str(caught.value)


# --- dates as model time -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "time"),
    [
        (date(2011, 1, 1), 2011.0),
        (date(2011, 12, 31), 2011 + 364 / 365),
        (date(2012, 3, 1), 2012 + 60 / 366),  # leap year: 31 + 29 days before it
        (date(2011, 3, 1), 2011 + 59 / 365),
        (date(2012, 12, 31), 2012 + 365 / 366),
    ],
)
def test_model_time_of_a_date(day: date, time: float) -> None:
    assert model_time(day) == time
    assert calendar_date(time) == day


def test_days_in_year() -> None:
    assert [days_in_year(y) for y in (1900, 2000, 2011, 2012)] == [365, 366, 365, 366]


def test_calendar_date_inverts_model_time_every_day() -> None:
    day = date(1995, 1, 1)
    while day < date(2035, 1, 1):
        time = model_time(day)
        assert calendar_date(time) == day
        assert day.year <= time < day.year + 1
        assert model_time(day + timedelta(days=1)) > time
        day += timedelta(days=1)


def test_calendar_date_is_the_day_a_time_falls_in() -> None:
    assert calendar_date(2011.5) == date(2011, 7, 2)  # 182.5 days into 2011
    assert calendar_date(2011.0 - 1e-12) == date(2011, 1, 1)  # rounding, not a day early
    with pytest.raises(ValueError, match="no calendar date"):
        calendar_date(float("nan"))


def test_model_time_refuses_a_time_of_day() -> None:
    with pytest.raises(ValueError, match="time of day"):
        model_time(datetime(2011, 9, 1, 10, 0))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2011-02-29", "does not exist"),
        ("2011-13-01", "does not exist"),
        ("2011-9-1", "YYYY-MM-DD"),
        ("2011-09-01T10:00", "YYYY-MM-DD"),
        ("1 Sep 2011", "YYYY-MM-DD"),
    ],
)
def test_iso_date_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        iso_date(text)


# --- YearlySeries with years and dates -----------------------------------------------------


def test_year_keys_behave_as_before() -> None:
    rate = series({2012: 8, 2010: 5}, 100, whole=False)
    assert rate.values == ((2010.0, 5.0), (2012.0, 8.0))
    assert [rate.at_year(y) for y in (2009, 2010, 2011, 2012, 2013)] == [5, 5, 5, 8, 8]
    assert rate.change_times() == [2010.0, 2012.0]
    assert rate.years == [2010, 2012]
    assert rate.to_plain() == {2010: 5.0, 2012: 8.0}
    assert all(type(key) is int for key in rate.to_plain())


def test_constant_series() -> None:
    rate = series(5, 100, whole=False)
    assert rate.is_constant and rate == YearlySeries.constant(5)
    assert rate.change_times() == [] and rate.years == []
    assert rate.at_time(-1e9) == rate.at_year(2011) == rate.at_time(3000.5) == 5.0
    assert rate.to_plain() == 5.0


def test_date_and_year_keys_mixed_are_sorted_by_time() -> None:
    start = model_time(date(2011, 9, 1))
    rate = series({2013: 3, "2011-09-01": 2, date(2010, 3, 1): 1}, 100, whole=False)
    assert rate.change_times() == [model_time(date(2010, 3, 1)), start, 2013.0]
    assert rate.years == [2010, 2011, 2013]
    assert rate.at_time(2000.0) == 1.0  # the first value holds before the first change
    assert rate.at_time(start - 1e-9) == 1.0
    assert rate.at_time(start) == 2.0  # in force from the start of the day
    assert rate.at_year(2011) == 1.0  # at the start of the year
    assert rate.at_year(2012) == 2.0
    assert rate.at_time(2013.0) == 3.0
    assert rate.to_plain() == {date(2010, 3, 1): 1.0, date(2011, 9, 1): 2.0, 2013: 3.0}


def test_first_of_january_is_the_year() -> None:
    assert series({"2011-01-01": 4}, 100, whole=False) == series({2011: 4}, 100, whole=False)


@pytest.mark.parametrize(
    ("mapping", "says"),
    [
        ({2011: 1, "2011": 2}, "gives a year twice"),
        ({2011: 1, date(2011, 1, 1): 2}, "gives a time twice: 2011 and 2011-01-01"),
        ({"2011-09-01": 1, date(2011, 9, 1): 2}, "gives a time twice"),
        ({2011: 1, "2011-02-30": 2}, "date '2011-02-30' does not exist"),
        ({2011: 1, "2011-9-1": 2}, "date '2011-9-1' is not written YYYY-MM-DD"),
        ({datetime(2011, 9, 1, 10, 0): 1}, "has a time of day"),
        ({2011.5: 1}, "year 2011.5 is not a whole number (a calendar year, e.g. 2012)"),
        ({"abc": 1}, "year 'abc' is not a whole number"),
        ({10**30: 1}, "too large for a calendar year"),
        ({}, "a {year: value} mapping needs at least one year"),
        ({"2011-09-01": -1}, "value in 2011-09-01 -1 is not allowed; allowed: 0 to 100"),
        ({date(2011, 9, 1): "x"}, "value in 2011-09-01 must be a number, got 'x'"),
    ],
)
def test_bad_series_keys_and_values(mapping: dict[Any, Any], says: str) -> None:
    with pytest.raises(ValueError) as caught:
        series(mapping, 100, whole=False)
    assert says in str(caught.value)


# --- Stepwise of policy values -----------------------------------------------------------


def test_stepwise_with_enum_values() -> None:
    renewal = stepwise({2010: "needs_based", "2013-07-01": "differentiated"}, Renewal)
    switch = model_time(date(2013, 7, 1))
    assert renewal.change_times() == [2010.0, switch]
    assert renewal.years == [2010, 2013]
    assert renewal.at_year(2013) is Renewal.needs_based
    assert renewal.at_time(switch) is Renewal.differentiated
    assert renewal.at_time(1900.0) is Renewal.needs_based
    assert not renewal.is_constant
    assert renewal.to_plain() == {2010: "needs_based", date(2013, 7, 1): "differentiated"}
    assert renewal.to_plain("json") == {2010: "needs_based", "2013-07-01": "differentiated"}


def test_stepwise_constant() -> None:
    renewal = stepwise("differentiated", Renewal)
    assert renewal.is_constant and renewal == Stepwise.constant(Renewal.differentiated)
    assert renewal.change_times() == [] and renewal.years == []
    assert renewal.at_time(2011.3) is Renewal.differentiated
    assert renewal.to_plain() == "differentiated"


def test_a_mapping_is_a_series_only_if_every_key_is_a_time() -> None:
    shares = stepwise({"private_rental": 0.5, "homeless": 0.5}, _shares)
    assert shares.is_constant and shares.at_year(2011) == {"private_rental": 0.5, "homeless": 0.5}
    changing = stepwise({2010: "transfer", 2012: {"private_rental": 0.5, "homeless": 0.5}}, _shares)
    assert changing.at_year(2011) == {"transfer": 1.0}
    assert changing.at_year(2012) == {"private_rental": 0.5, "homeless": 0.5}
    contract = stepwise({"2010": 3, date(2013, 7, 1): 1}, _contract)
    assert contract.at_time(2013.4) == 3.0 and contract.at_time(2013.6) == 1.0


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ({2010: "needs_based", 2012: "bogus"}, "value in 2012: 'bogus' is not a valid Renewal"),
        ({"2012-07-01": "bogus"}, "value in 2012-07-01: 'bogus'"),
        ("bogus", "'bogus' is not a valid Renewal"),
        ({2010: "needs_based", "2010": "needs_based"}, "gives a year twice"),
        ({2011: "needs_based", "2011-01-01": "needs_based"}, "gives a time twice"),
        ({"2011-02-29": "needs_based"}, "date '2011-02-29' does not exist"),
    ],
)
def test_stepwise_messages(value: Any, says: str) -> None:
    with pytest.raises(ValueError) as caught:
        stepwise(value, Renewal)
    assert says in str(caught.value)


def test_stepwise_message_of_a_model_value_names_the_year_and_the_key() -> None:
    message = _error({"split": {2010: {"transfer": 1.0}, 2012: {"transfer": 2}}})
    assert "value in 2012: transfer: Input should be less than or equal to 1" in message


def test_schema_messages_name_the_year() -> None:
    assert "value in 2013: must be a positive number of years, got 0" in _error(
        {"contract_years": {2010: 3, 2013: 0}}
    )
    assert "value in 2013-07-01: shares must sum to 1" in _error(
        {"after_nonrenewal": {2010: "transfer", "2013-07-01": {"homeless": 0.4}}}
    )
    assert "is not a valid Renewal" in _error({"renewal": "bogus"})


def test_stepwise_is_immutable_and_pickles() -> None:
    renewal = stepwise({2010: "needs_based", "2013-07-01": "differentiated"}, Renewal)
    with pytest.raises(AttributeError):
        renewal.values = ()  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(renewal)) == renewal
    same = stepwise({"2010": "needs_based", date(2013, 7, 1): "differentiated"}, Renewal)
    assert same == renewal and hash(same) == hash(renewal)
    assert same != stepwise({2010: "needs_based", 2013: "differentiated"}, Renewal)


# --- round trip through YAML ---------------------------------------------------------------

ROUND_TRIPS = [
    {"rate": {2010: 5, 2012: 8}, "renewal": {2010: "needs_based", 2012: "differentiated"}},
    {"rate": {"2011-09-01": 2, date(2012, 2, 29): 3}, "contract_years": {"2013-07-01": 1}},
    {
        "rate": {2010: 5, date(2011, 9, 1): 6, 2013: 0},
        "renewal": {2010: "needs_based", date(2013, 7, 1): "differentiated"},
        "contract_years": {2010: 3, date(2013, 7, 1): 1},
        "after_nonrenewal": {2010: "transfer", 2012: {"private_rental": 0.5, "homeless": 0.5}},
        "split": {2010: {"transfer": 0.5, "homeless": 0.5}, "2014-12-31": {}},
    },
    {"rate": 4, "renewal": "differentiated", "after_nonrenewal": {"homeless": 1.0}},
    {},
]


@pytest.mark.parametrize("data", ROUND_TRIPS)
@pytest.mark.parametrize("mode", ["python", "json"])
def test_round_trip_through_yaml(data: dict[str, Any], mode: str) -> None:
    policy = Policy.model_validate(data)
    text = yaml.safe_dump(policy.model_dump(mode=mode))
    again = Policy.model_validate(yaml.safe_load(text))
    assert again == policy
    assert yaml.safe_dump(again.model_dump(mode=mode)) == text


def test_dates_are_written_as_yaml_dates() -> None:
    policy = Policy.model_validate(ROUND_TRIPS[2])
    text = yaml.safe_dump(policy.model_dump(), sort_keys=False)
    assert "2011-09-01: 6.0" in text and "2013-07-01: differentiated" in text
    assert "2010: 5.0" in text and "2013: 0.0" in text  # years stay whole numbers
    assert Policy.model_validate_json(policy.model_dump_json()) == policy


def test_series_of_unquoted_yaml_dates() -> None:
    text = "rate: {2010: 5, 2011-09-01: 6}\nrenewal: {2010: needs_based, 2013-07-01: strict}\n"
    message = _error(yaml.safe_load(text))
    assert "value in 2013-07-01: 'strict' is not a valid Renewal" in message
    policy = Policy.model_validate(yaml.safe_load(text.replace("strict", "differentiated")))
    assert policy.rate.at_time(model_time(date(2011, 9, 1))) == 6.0
    assert policy.renewal.at_year(2014) is Renewal.differentiated
