"""Unit tests: the model's rules (``sim/model/rules.py``) with chosen inputs.

Whole-run tests check the system; these check each rule on its own, including the
cases a run rarely meets (ties, rates of 0, a contract end on the dot).
"""

from __future__ import annotations

import math
import statistics

import pytest

from sim.config.schema import Renewal
from sim.model import rules
from sim.model.entities import Household
from sim.model.queues import CHUNK, Entry, WaitingList
from sim.model.rules import (
    BREAKDOWN,
    CONTRACT_END,
    LEAVE,
    NOTHING,
    OTHER_EXIT,
    REAPPLY,
    REENTER,
    RETURN,
    SELF_SUFFICIENT,
    TenancyEvent,
    first_event,
    first_in_line,
    fits,
    lottery_index,
    renew,
    turnaround_delay,
)
from sim.model.streams import BLOCK, hashed_normal


@pytest.mark.parametrize(
    ("need", "rooms", "size_match", "extra", "expected"),
    [
        (2, 2, True, 0, True),
        (2, 3, True, 0, False),
        (2, 3, True, 1, True),
        (2, 1, True, 5, False),
        (2, 1, False, 0, True),
        (None, 1, True, 0, True),
        (3, None, True, 0, True),
    ],
)
def test_fits(
    need: int | None, rooms: int | None, size_match: bool, extra: int, expected: bool
) -> None:
    assert fits(need, rooms, size_match, extra) is expected


@pytest.mark.parametrize(
    ("rule", "self_sufficient", "u", "expected"),
    [
        (Renewal.always, True, 0.9, True),
        (Renewal.strict, False, 0.0, False),
        (Renewal.needs_based, False, 0.9, True),
        (Renewal.needs_based, True, 0.0, False),
        (Renewal.differentiated, True, 0.0, False),
        (Renewal.discretionary, True, 0.29, True),
        (Renewal.discretionary, False, 0.31, False),
    ],
)
def test_renew(rule: Renewal, self_sufficient: bool, u: float, expected: bool) -> None:
    assert renew(rule, self_sufficient, u, 0.3) is expected


@pytest.mark.parametrize(
    ("rule", "self_sufficient", "permanent", "expected"),
    [
        # needs_based renews whoever is still in need; differentiated only permanent need
        (Renewal.needs_based, False, False, True),
        (Renewal.needs_based, False, True, True),
        (Renewal.differentiated, False, False, False),
        (Renewal.differentiated, False, True, True),
        (Renewal.differentiated, True, True, False),
        (Renewal.strict, False, True, False),
    ],
)
def test_renew_by_lasting_need(
    rule: Renewal, self_sufficient: bool, permanent: bool, expected: bool
) -> None:
    assert renew(rule, self_sufficient, 0.0, 1.0, permanent) is expected


def _household(household_id: int, rooms: int | None) -> Household:
    household = Household(household_id, 0, 0, (0.5,) * BLOCK)
    household.rooms = rooms
    return household


def test_first_in_line_takes_list_order_fit_and_refusals_into_account() -> None:
    households = [_household(1, 3), _household(2, 1), _household(3, 1), _household(4, None)]
    waiting = WaitingList()
    for seniority, household in enumerate(households, start=1):
        waiting.add(Entry(0.0, float(seniority), household.id, household))
    assert first_in_line(waiting, None, True, 0, None) is households[0]
    assert first_in_line(waiting, 1, True, 0, None) is households[1]
    assert first_in_line(waiting, 1, True, 0, {2}) is households[2]
    assert first_in_line(waiting, 1, True, 0, {2, 3}) is households[3]  # no need: fits
    assert first_in_line(waiting, 1, False, 0, None) is households[0]
    assert first_in_line(waiting, 2, True, 0, {4}) is None
    assert first_in_line(WaitingList(), 1, True, 0, None) is None
    waiting.chunks[0][1].live = False  # household 2 has left the list
    waiting.discard()
    assert first_in_line(waiting, 1, True, 0, None) is households[2]


def test_first_in_line_reads_every_chunk_of_a_long_list_from_its_start() -> None:
    """A list longer than a chunk: the first who fits may be the first of a later chunk."""
    households = [_household(i, 3) for i in range(2 * CHUNK)]
    waiting = WaitingList()
    for seniority, household in enumerate(households):
        waiting.add(Entry(0.0, float(seniority), household.id, household))
    assert len(waiting.chunks) > 1
    waiting.chunks[0][0].live = False  # the first has left: the first chunk starts later
    waiting.discard()
    assert waiting.start() == 1
    later = waiting.chunks[1][0].household
    later.rooms = 1
    assert first_in_line(waiting, 1, True, 0, None) is later
    assert first_in_line(waiting, 3, True, 0, None) is households[1]


def test_lottery_index_is_uniform_over_the_candidates() -> None:
    picks = [lottery_index(5, (i + 0.5) / 1000) for i in range(1000)]
    assert [picks.count(k) for k in range(5)] == [200] * 5
    assert lottery_index(1, 0.999999) == 0
    assert lottery_index(4, 1.0) == 3  # a draw of 1 (past a uniform's range) picks the last


def test_turnaround_delay_has_the_mean_it_is_given() -> None:
    """Lognormal with mean m and CV c: sigma^2 = log(1 + c^2), shift sigma^2 / 2."""
    mean, cv = 30 / 365, 0.5
    sigma2 = math.log(1 + cv * cv)
    delays = [
        turnaround_delay(mean, math.sqrt(sigma2), sigma2 / 2, hashed_normal(12345, 1, j))
        for j in range(20_000)
    ]
    # 20,000 draws: the standard error of the mean is cv * mean / sqrt(n) = 0.35 % of it
    assert statistics.fmean(delays) == pytest.approx(mean, rel=0.015)
    assert statistics.stdev(delays) / statistics.fmean(delays) == pytest.approx(cv, rel=0.04)
    assert turnaround_delay(mean, 0.0, 0.0, 2.0) == mean


def test_hashed_normals_are_standard_normal() -> None:
    values = [hashed_normal(987654321, 3, j) for j in range(20_000)]
    assert abs(statistics.fmean(values)) < 0.03  # SE 0.007
    assert statistics.stdev(values) == pytest.approx(1.0, abs=0.03)
    assert sum(v < -1.959964 for v in values) / len(values) == pytest.approx(0.025, abs=0.005)


@pytest.mark.parametrize(
    ("clocks", "until_end", "expected"),
    [
        ((1.0, 1.0, 2.0, 1.0, 0.5, 0.0, 1.0, 0.0), math.inf, (1.0, BREAKDOWN)),
        ((1.0, 1.0, 1.0, 2.0, 3.0, 0.0, 1.0, 0.0), math.inf, (0.5, OTHER_EXIT)),
        ((1.0, 0.0, 1.0, 0.0, 1.0, 4.0, 1.0, 0.0), math.inf, (0.25, SELF_SUFFICIENT)),
        ((1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.3, 1.0), math.inf, (0.3, LEAVE)),
        ((1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0), math.inf, (1.0, BREAKDOWN)),  # tie
        ((1.0, 1.0, 2.0, 1.0, 1.0, 0.0, 1.0, 0.0), 1.0, (1.0, CONTRACT_END)),  # tie
        ((1.0, 1.0, 2.0, 1.0, 1.0, 0.0, 1.0, 0.0), -0.1, (0.0, CONTRACT_END)),
        ((-1e-12, 2.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0), math.inf, (0.0, BREAKDOWN)),
        ((1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0), 2.0, (2.0, CONTRACT_END)),
        ((1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0), math.inf, (math.inf, NOTHING)),
    ],
)
def test_first_event(
    clocks: tuple[float, ...], until_end: float, expected: tuple[float, int]
) -> None:
    names = ("breakdown", "other", "self", "leave")
    budgets = {f"{name}_left": left for name, left in zip(names, clocks[::2], strict=True)}
    rates = {f"{name}_rate": rate for name, rate in zip(names, clocks[1::2], strict=True)}
    assert first_event(**budgets, **rates, until_contract_end=until_end) == expected


def test_the_event_kinds_compared_in_the_loop_are_the_named_ones() -> None:
    """Each constant the loop compares has the value of the member of its name."""
    constants = {name: getattr(rules, name) for name in TenancyEvent.__members__}
    assert constants == {event.name: event.value for event in TenancyEvent}
    kinds = (
        NOTHING,
        CONTRACT_END,
        BREAKDOWN,
        OTHER_EXIT,
        SELF_SUFFICIENT,
        LEAVE,
        REAPPLY,
        REENTER,
        RETURN,
    )
    assert [TenancyEvent(kind).name for kind in kinds] == list(TenancyEvent.__members__)
