"""What a run of the app costs, told before it runs, and the app's run budget.

The engine's work is its events (applications, moves, contract ends, turnarounds), about
12 µs each on one core of the pure-Python engine. They come from two sources, each
counted over the simulated years (warm-up and reported):

- households: every application (approved or not, with its withdrawal or placement)
  and every household on a list at the start, :data:`EVENTS_PER_APPLICATION` each;
- households called forth by units nobody on the list takes (``latent_demand``): in a
  category with it, the dwelling-years times its turnover below, less the applications
  of the groups eligible for it, :data:`EVENTS_PER_APPLICATION` each;
- homeless households on a list who move between hospits and their own solution
  (``homelessness.own_stay_days``): one event a stay, for as many homeless
  household-years as the approved homeless applicants of each group spend waiting, at
  most until they withdraw (``1 / withdraw_per_year``) or for the whole run;
- dwellings: every dwelling-year (the category's units, plus every build added),
  :data:`EVENTS_PER_UNIT_YEAR` times ``1 + turnover``, where the turnover is the
  contract ends a year (``1 / contract_years``) plus the fastest exit hazard of the
  groups that may live there.

Rates are taken at their highest over the years and builds at their sum, so the estimate
is an upper one: for the shipped municipalities and the cases of
``benchmarks/app_budget.py`` it lies between 1.0 and 2.9 times the events counted (a
stock far larger than its demand stands partly empty and costs less).

A run (``replications`` of a scenario; a comparison two, a sizing search about
:func:`sizing_runs`) within :data:`SOFT_BUDGET` events starts at once; up to
:data:`HARD_BUDGET` it needs a confirmation; above it is refused. Budgets count events,
not seconds, so that they do not depend on the server.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.config.choices import mean_of
from sim.config.schema import Scenario

EVENTS_PER_APPLICATION = 2.0
EVENTS_PER_UNIT_YEAR = 0.6
SECONDS_PER_EVENT = 12e-6
"""Measured on one core, pure-Python engine (``benchmarks/app_budget.py``)."""

SOFT_BUDGET = 20_000_000
"""Events a run may have without a confirmation (about 4 CPU-minutes, 2 minutes on the
app's two workers)."""
HARD_BUDGET = 200_000_000
"""Events above which a run is refused (about 40 CPU-minutes)."""


@dataclass(frozen=True)
class Cost:
    """A run's estimated events, and what the budget says of it."""

    events: float
    workers: int

    @property
    def seconds(self) -> float:
        """Estimated wall-clock seconds on the workers."""
        return self.events * SECONDS_PER_EVENT / max(1, self.workers)

    @property
    def refused(self) -> bool:
        return self.events > HARD_BUDGET

    @property
    def needs_confirmation(self) -> bool:
        return SOFT_BUDGET < self.events <= HARD_BUDGET


def _turnover(scenario: Scenario, category: str) -> float:
    """Tenancy events a dwelling-year beyond one: contract ends and the fastest exit."""
    stock = scenario.stock[category]
    contracts = [years for _, years in stock.contract_years.values if years]
    turnover = 1.0 / min(contracts) if contracts else 0.0
    exits = [0.0]
    for group in scenario.groups.values():
        if category in group.eligible:
            tenancy = mean_of(group.tenancy_years)
            ready = mean_of(group.self_sufficient_years)
            exits.append(
                group.breakdown_per_year
                + group.other_exit_per_year
                + group.leave_when_able_per_year
                + (1.0 / tenancy if tenancy else 0.0)
                + (1.0 / ready if ready else 0.0)
            )
    return turnover + max(exits)


def _homeless_stays(scenario: Scenario, years: float) -> float:
    """Hospits and own-solution stays of homeless households waiting on a list."""
    homelessness = scenario.homelessness
    own = mean_of(homelessness.own_stay_days)
    if own is None:
        return 0.0  # one hospits stay an episode: counted with the applications
    hospits = mean_of(homelessness.hospits_stay_days)
    share = homelessness.hospits_share
    stay = ((share * hospits if hospits else 0.0) + (1.0 - share) * own) / 365.0
    if stay <= 0.0:
        return 0.0
    stays = 0.0
    for group in scenario.groups.values():
        if group.homeless_while_waiting <= 0.0:
            continue
        rate = max(float(r) for _, r in group.applications_per_year.values)
        approval = max(float(a) for _, a in group.approval.values)
        wait = (
            years if group.withdraw_per_year <= 0.0 else min(1.0 / group.withdraw_per_year, years)
        )
        homeless_years = years * rate * approval * group.homeless_while_waiting * wait
        stays += homeless_years / stay
    return stays


def replication_events(scenario: Scenario) -> float:
    """Estimated events of one replication (see the module's docstring)."""
    years = scenario.time.years + scenario.time.warmup_years
    households = sum(
        years * max(float(rate) for _, rate in group.applications_per_year.values)
        + group.initial_waiting
        for group in scenario.groups.values()
    )
    added: dict[str, float] = {}
    for build in scenario.builds:
        if build.units_per_year is not None:
            spread = (build.to_year or 0) - (build.from_year or 0) + 1
            total = max(0, build.units_per_year) * spread
        else:
            total = max(0, build.units or 0)
        added[build.category] = added.get(build.category, 0.0) + total
    unit_years = sum(
        (category.units + added.get(name, 0.0)) * years * (1.0 + _turnover(scenario, name))
        for name, category in scenario.stock.items()
    )
    for name, category in scenario.stock.items():
        if category.latent_demand is None:
            continue
        vacancies = (category.units + added.get(name, 0.0)) * _turnover(scenario, name)
        applying = sum(
            max(float(rate) for _, rate in group.applications_per_year.values)
            for group in scenario.groups.values()
            if name in group.eligible
        )
        households += years * max(0.0, vacancies - applying)
    stays = _homeless_stays(scenario, years)
    return EVENTS_PER_APPLICATION * households + EVENTS_PER_UNIT_YEAR * unit_years + stays


def run_cost(scenario: Scenario, replications: int, workers: int, runs: float = 1) -> Cost:
    """The estimated cost of ``runs`` runs of ``replications`` replications."""
    return Cost(runs * replications * replication_events(scenario), workers)


def sizing_runs(max_units: int) -> int:
    """Runs a sizing search may make: doubling up to ``max_units``, then halving back."""
    return 2 * math.ceil(math.log2(max_units + 1)) + 2
