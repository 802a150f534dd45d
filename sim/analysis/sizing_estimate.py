"""The analytic first estimate of ``sim size``: a category as an M/M/c queue.

Arrivals are the approved applications of the groups eligible for the category (shared
equally where a group has several categories); service is one tenancy, whose mean follows
from the groups' exit hazards, self-sufficiency and contract length. For a wait or
list-length target the estimate is the smallest number of units c whose Erlang-C mean wait
or list length meets it; for any other target the fluid condition c ≥ λ / μ.

>>> round(erlang_c_wait(2, 1.0, 1.0), 4)  # M/M/2 at load 1/2: C = 1/3, wait C / (cμ − λ)
0.3333
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sim.config.schema import Scenario, mean_of

if TYPE_CHECKING:
    from sim.analysis.sizing_question import SizingQuestion


def mean_tenancy(
    scenario: Scenario, group_id: str, category: str, year: int | None = None
) -> float:
    """Approximate mean tenancy (years) of a group's household in a category, under the
    contracts of ``year`` (default: the last reported year); durations by their means."""
    group = scenario.groups[group_id]
    cat = scenario.stock[category]
    year = scenario.time.end - 1 if year is None else year
    other = group.tenancy_years
    base = group.breakdown_per_year + (
        1.0 / mean_of(other) if other is not None else group.other_exit_per_year  # type: ignore[operator]
    )
    ready = mean_of(group.self_sufficient_years)
    s = 1.0 / ready if ready else 0.0
    contract = cat.contract_years.at_year(year)
    leave = group.leave_when_able_per_year
    if contract is not None:
        # self-sufficient: leaves at the contract's end (on average half a contract
        # away) or when able, whichever comes first
        after = contract / 2 if leave <= 0 else min(contract / 2, 1.0 / leave)
    elif leave > 0:
        after = 1.0 / leave
    else:
        after = math.inf
    permanent = 1.0 / base if base > 0 else math.inf
    first = 1.0 / (base + s) if base + s > 0 else math.inf
    temporary = (
        first + (s / (base + s)) * min(after, 1.0 / base if base > 0 else math.inf)
        if base + s > 0
        else math.inf
    )
    p = group.permanent_need
    if p == 0:
        return temporary
    if p == 1:
        return permanent
    return p * permanent + (1 - p) * temporary


def arrival_and_service(scenario: Scenario, category: str, year: int) -> tuple[float, float]:
    """Approved applications a year for the category, and its mean service rate per unit."""
    arrivals = 0.0
    tenancy_weighted = 0.0
    for group_id, group in scenario.groups.items():
        if category not in group.eligible:
            continue
        share = 1.0 / len(group.eligible)
        rate = group.applications_per_year.at_year(year) * group.approval.at_year(year) * share
        arrivals += rate
        tenancy_weighted += rate * mean_tenancy(scenario, group_id, category, year)
    if arrivals == 0:
        return 0.0, math.inf
    tenancy = tenancy_weighted / arrivals
    return arrivals, (1.0 / tenancy if tenancy > 0 and math.isfinite(tenancy) else 0.0)


def erlang_c_wait(c: int, arrival: float, service: float) -> float:
    """Mean wait in queue of M/M/c (years); infinite when c·μ ≤ λ."""
    if c <= 0 or c * service <= arrival:
        return math.inf
    a = arrival / service
    # Erlang B by recursion, then Erlang C
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return _wait(b, c, arrival, service)


def _wait(b: float, c: int, arrival: float, service: float) -> float:
    """Erlang C's mean wait from Erlang B ``b`` of ``c`` servers."""
    rho = arrival / service / c
    erlang_c = b / (1 - rho + rho * b)
    return erlang_c / (c * service - arrival)


MAX_ERLANG_SERVERS = 1_000_000
"""Largest number of servers (dwellings) the Erlang search goes to: each server is one
step of the Erlang B recursion, so the estimate costs at most this many steps (well
under a second). A queue whose fluid bound ``ceil(λ / μ)`` is larger gets that bound."""


def erlang_servers(c: int, arrival: float, service: float, holds: Callable[[float], bool]) -> int:
    """The smallest number of servers from ``c`` on whose Erlang-C mean wait meets
    ``holds`` (searched up to ``100 c + 1000`` and :data:`MAX_ERLANG_SERVERS`); ``c``
    itself above that.

    One pass of the Erlang B recursion, continued server by server: the same numbers as
    :func:`erlang_c_wait` for each ``c``, in steps linear in the answer.
    """
    limit = min(100 * c + 1000, MAX_ERLANG_SERVERS)
    if c >= limit:
        return c
    a = arrival / service
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    while c < limit:
        wait = _wait(b, c, arrival, service) if c * service > arrival else math.inf
        if holds(wait):
            break
        c += 1
        b = a * b / (c + a * b)
    return c


def analytic_units(scenario: Scenario, question: SizingQuestion) -> dict[str, Any]:
    """The analytic first estimate: servers c needed and units a year to add."""
    arrival, service = arrival_and_service(scenario, question.category, question.to_year)
    have = scenario.stock[question.category].units + sum(
        units
        for build in scenario.builds
        if build.category == question.category
        for year, units in build.schedule()
        if year <= question.from_year
    )
    target = question.target
    if arrival == 0:
        c = 0
    elif service == 0:
        c = math.inf  # type: ignore[assignment]
    else:
        c = max(1, math.ceil(arrival / service))
        metric = target.metric
        if metric.startswith("wait_years"):
            c = erlang_servers(c, arrival, service, target.holds)
        elif metric in ("waiting", "waiting_mean"):
            c = erlang_servers(c, arrival, service, lambda wait: target.holds(arrival * wait))
    years = 1 if question.once else max(1, question.to_year - question.from_year + 1)
    needed = (c - have) if math.isfinite(c) else math.inf
    per_year = max(0, math.ceil(needed / years)) if math.isfinite(needed) else math.inf
    return {
        "arrivals_per_year": arrival,
        "service_rate": service,
        "servers": c,
        "units_now": have,
        "units": per_year,
    }
