"""The state at the start of the run: every unit let, and the initial waiting lists."""

from __future__ import annotations

import math

from sim.model.entities import cumulative
from sim.model.state import State
from sim.model.stock import Stock
from sim.model.tenancy import Tenancies
from sim.model.waiting import WaitingLists


def populate(state: State, stock: Stock, lists: WaitingLists, tenancies: Tenancies) -> None:
    """Occupy every unit and put ``initial_waiting`` households on the lists.

    Each category's initial tenants come from its own stream (``initial/<id>``), each
    group's initial list from ``initial-waiting/<id>``: a unit always takes one draw for
    its tenant's group and one block for the tenant, whatever the other settings. A
    tenant's group is drawn in proportion to the eligible groups' application rates of
    the first simulated year.
    """
    year = math.floor(state.t0)
    state.populating = True
    for cat in state.categories:
        stock.add_units(cat, cat.config.units, cat.config.rooms, populate=True)
    for cat in state.categories:
        stream = state.streams[f"initial/{cat.id}"]
        candidates = [grp for grp in state.groups if cat.k in grp.eligible]
        weights = [grp.config.applications_per_year.at_year(year) for grp in candidates]
        total = sum(weights)
        if total <= 0:
            continue
        keys, bounds = cumulative({i: w / total for i, w in enumerate(weights)})
        dwellings = cat.available  # all let, in order (not removed one by one: quadratic)
        cat.available = []
        for dwelling in dwellings:
            grp = candidates[keys[stream.choice(bounds)]]
            household = state.new_household(grp, stream.block())
            dwelling.available = False
            tenancies.move_in(household, dwelling)
    for grp in state.groups:
        stream = state.streams[f"initial-waiting/{grp.id}"]
        for _ in range(grp.config.initial_waiting):
            household = state.new_household(grp, stream.block())
            lists.join(household, state.engine.now)
    state.populating = False
