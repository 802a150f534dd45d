"""Unit tests: the recorder's named counters (``sim/model/recorder.py``) with chosen
groups and categories.

A part counts a flow through the counter the recorder gives it by name, for a household
and a dwelling, a group or a category; the count lands where the yearly table reads that
group and category, and nowhere else, in every year.
"""

from __future__ import annotations

from array import array

import pytest

from sim.model.catalogue import STOCK_DIMS
from sim.model.entities import Dwelling, Household
from sim.model.recorder import Recorder
from sim.model.streams import BLOCK

GROUPS = ["elderly", "refugees"]
CATEGORIES = ["ordinary", "supported", "youth"]


def _recorder() -> Recorder:
    pairs = [(g, k) for g in range(len(GROUPS)) for k in range(len(CATEGORIES))]
    return Recorder(GROUPS, CATEGORIES, pairs, 2020.0)


def _counted(recorder: Recorder, name: str) -> dict[tuple[int, int], float]:
    """The non-zero counts of flow ``name`` by (group, category); G and K for none."""
    values = recorder.flows[name]
    return {
        (i // recorder.width, i % recorder.width): value for i, value in enumerate(values) if value
    }


@pytest.mark.parametrize(("g", "k"), [(0, 0), (0, 2), (1, 1), (1, 2)])
def test_a_flow_of_a_household_and_a_dwelling_counts_their_group_and_category(
    g: int, k: int
) -> None:
    recorder = _recorder()
    household = Household(7, g, recorder.index(g, 0), (0.5,) * BLOCK)
    dwelling = Dwelling("unit-1", k, 1, None, array("d"))
    recorder.flow("renewals").count(household, dwelling)
    recorder.flow("renewals").count(household, dwelling)
    recorder.flow("contract_ends").count(household, dwelling)
    assert _counted(recorder, "renewals") == {(g, k): 2.0}
    assert _counted(recorder, "contract_ends") == {(g, k): 1.0}
    assert _counted(recorder, "breakdowns") == {}


def test_a_flow_of_a_group_or_of_a_category_counts_it_without_the_other() -> None:
    recorder = _recorder()
    G, K = len(GROUPS), len(CATEGORIES)
    recorder.flow("withdrawals").count_group(1)
    recorder.flow("units_built").count_category(2)
    recorder.flow("units_built").count_category(2)
    assert _counted(recorder, "withdrawals") == {(1, K): 1.0}
    assert _counted(recorder, "units_built") == {(G, 2): 2.0}


def test_an_unknown_flow_is_an_error_not_a_new_counter() -> None:
    recorder = _recorder()
    with pytest.raises(KeyError):
        recorder.flow("withdrawal")
    assert set(recorder.flows) == set(_recorder().flows)


def test_a_counter_goes_on_counting_into_the_year_after_a_reset_and_a_close() -> None:
    recorder = _recorder()
    withdrawals = recorder.flow("withdrawals")
    withdrawals.count_group(0)
    recorder.reset(2021.0)  # the end of a warm-up year: what was counted is dropped
    assert _counted(recorder, "withdrawals") == {}
    withdrawals.count_group(1)
    stocks = {name: [0.0] * len(recorder.flows["withdrawals"]) for name in STOCK_DIMS}
    recorder.close_year(2021, 2022.0, stocks, {})
    counted = {row.group: row.value for row in recorder.rows if row.metric == "withdrawals"}
    assert counted == {"elderly": 0.0, "refugees": 1.0, "": 1.0}
    withdrawals.count_group(0)
    assert _counted(recorder, "withdrawals") == {(0, len(CATEGORIES)): 1.0}
