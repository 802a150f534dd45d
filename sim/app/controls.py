"""The trade-off page's controls, and the scenario changes they stand for.

A :class:`Controls` holds what a seminar leader can set; :func:`baseline_controls` reads
the values a baseline scenario already has, and :func:`changes` turns the controls into
``--set`` texts (``stock.ordinary.contract_years=1``) for the settings that differ from
the baseline only. The changed scenario is made by the loader's own override and
validation (:func:`sim.config.loader.scenario_from`), so the app can set nothing a
scenario file could not.

>>> from sim.config.loader import load_scenario
>>> base = load_scenario("scenarios/lorenskog-calibrated.yaml")  # doctest: +SKIP
>>> controls = baseline_controls(base)                           # doctest: +SKIP
>>> changes(base, replace(controls, contract_years=3.0))          # doctest: +SKIP
[Change(key='contract_years', value=3.0, settings=('stock.ordinary.contract_years=3.0',))]
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from sim.config.choices import NONRENEWAL, Renewal
from sim.config.loader import plain_data, scenario_from
from sim.config.schema import Scenario

__all__ = [
    "Change",
    "Controls",
    "Ignored",
    "apply",
    "baseline_controls",
    "changes",
    "from_params",
    "replace",
    "to_params",
]

BASELINE = "baseline"
"""``after_nonrenewal`` as the baseline has it (one destination or shares)."""

CONTRACT_CHOICES: tuple[float | None, ...] = (1.0, 2.0, 3.0, 5.0, None)
"""Contract lengths offered (years; ``None`` = permanent), besides the baseline's own."""

RENEWALS = tuple(rule.value for rule in Renewal)
DESTINATIONS = (BASELINE, *NONRENEWAL)

FLEXBO = "flexbo"
FLEXBO_CATEGORY = {
    "label": "Flexbo",
    "units": 0,
    "turnaround_days": 21,  # as flexbo.yaml (assumption: as the rus flats of lorenskog.yaml)
    "turnaround_cv": 0.5,  # assumption: the default spread
}
"""A flexbo category added where the baseline has none: permanent contracts (omitted
``contract_years``), as in ``scenarios/flexbo.yaml``."""

MAX_UNITS = 1000
"""Upper end of the unit and capacity controls."""


@dataclass(frozen=True)
class Controls:
    """What the trade-off page sets; ``category`` is the time-limited category that the
    contract, renewal and building controls act on."""

    category: str
    contract_years: float | None
    renewal: str
    renewal_probability: float
    after_nonrenewal: str
    followup_capacity: int
    units_per_year: int
    flexbo_units: int
    flexbo_group: str


@dataclass(frozen=True)
class Change:
    """One control that differs from the baseline, and the ``--set`` texts it makes."""

    key: str  # the Controls field
    value: Any
    settings: tuple[str, ...]


def contract_category(scenario: Scenario) -> str:
    """The category the contract controls act on by default: ``ordinary`` if there is
    one, else the first with time-limited contracts, else the first."""
    if "ordinary" in scenario.stock:
        return "ordinary"
    start = scenario.time.start
    for name, category in scenario.stock.items():
        if category.contract_years.at_year(start) is not None:
            return name
    return next(iter(scenario.stock))


def flexbo_group(scenario: Scenario) -> str:
    """The group flexbo units are for by default: substance users (``rus``), else the
    disadvantaged, else the first group."""
    for name in ("rus", "disadvantaged"):
        if name in scenario.groups:
            return name
    return next(iter(scenario.groups))


def baseline_controls(scenario: Scenario, category: str | None = None) -> Controls:
    """The controls as the baseline has them in its first reported year."""
    category = category or contract_category(scenario)
    start = scenario.time.start
    stock = scenario.stock[category]
    renewal = stock.renewal.at_year(start) or scenario.policy.renewal.at_year(start)
    probability = (
        stock.renewal_probability
        if stock.renewal_probability is not None
        else scenario.policy.renewal_probability
    )
    years = stock.contract_years.at_year(start)
    return Controls(
        category=category,
        contract_years=None if years is None else float(years),
        renewal=Renewal(renewal).value,
        renewal_probability=float(probability),
        after_nonrenewal=BASELINE,
        followup_capacity=int(scenario.followup.capacity.at_year(start)),
        units_per_year=0,
        flexbo_units=0,
        flexbo_group=flexbo_group(scenario),
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def changes(base: Scenario, controls: Controls) -> list[Change]:
    """The controls that differ from the baseline's, as ``--set`` texts, in page order."""
    was = baseline_controls(base, controls.category)
    k = controls.category
    start, last = base.time.start, base.time.end - 1
    found: list[Change] = []
    if controls.contract_years != was.contract_years:
        found.append(
            Change(
                "contract_years",
                controls.contract_years,
                (f"stock.{k}.contract_years={_json(controls.contract_years)}",),
            )
        )
    discretionary = controls.renewal == Renewal.discretionary.value
    if controls.renewal != was.renewal or (
        discretionary and controls.renewal_probability != was.renewal_probability
    ):
        settings = [f"stock.{k}.renewal={controls.renewal}"]
        if discretionary:
            settings.append(f"stock.{k}.renewal_probability={controls.renewal_probability!r}")
        value = (controls.renewal, controls.renewal_probability if discretionary else None)
        found.append(Change("renewal", value, tuple(settings)))
    if controls.after_nonrenewal != BASELINE:
        found.append(
            Change(
                "after_nonrenewal",
                controls.after_nonrenewal,
                (f"policy.after_nonrenewal={controls.after_nonrenewal}",),
            )
        )
    if controls.followup_capacity != was.followup_capacity:
        found.append(
            Change(
                "followup_capacity",
                controls.followup_capacity,
                (f"followup.capacity={controls.followup_capacity}",),
            )
        )
    builds = list(plain_data(base).get("builds", []))
    settings_builds: list[str] = []
    if controls.units_per_year:
        builds.append(
            {"category": k, "from": start, "to": last, "units_per_year": controls.units_per_year}
        )
        found.append(Change("units_per_year", controls.units_per_year, ()))
    if controls.flexbo_units:
        group = base.groups[controls.flexbo_group]
        if FLEXBO not in base.stock:
            settings_builds.append(f"stock.{FLEXBO}={_json(FLEXBO_CATEGORY)}")
        if FLEXBO not in group.eligible:
            eligible = [*group.eligible, FLEXBO]
            settings_builds.append(f"groups.{controls.flexbo_group}.eligible={_json(eligible)}")
        builds.append({"category": FLEXBO, "year": start, "units": controls.flexbo_units})
        found.append(Change("flexbo_units", (controls.flexbo_units, controls.flexbo_group), ()))
    if controls.units_per_year or controls.flexbo_units:
        settings_builds.append(f"builds={_json(builds)}")
        last_change = found[-1]
        found[-1] = replace(last_change, settings=tuple(settings_builds))
    return found


def apply(base: Scenario, found: list[Change]) -> Scenario:
    """The baseline with the changes, validated as a scenario file would be."""
    settings = [setting for change in found for setting in change.settings]
    return scenario_from(base, settings)[0]


PARAMS = (
    "category",
    "contract",
    "renewal",
    "probability",
    "after",
    "followup",
    "units",
    "flexbo",
    "group",
)
"""The controls' names in the page's address (``?contract=3&renewal=strict``)."""


@dataclass(frozen=True)
class Ignored:
    """An address value that was not used: the key, the value and what is allowed."""

    key: str
    value: str
    allowed: str


def contract_lengths(scenario: Scenario, category: str) -> list[float | None]:
    """The contract lengths offered for a category: the baseline's own and the usual
    choices, shortest first (permanent last)."""
    own = baseline_controls(scenario, category).contract_years
    lengths = list(dict.fromkeys([own, *CONTRACT_CHOICES]))
    lengths.sort(key=lambda years: float("inf") if years is None else years)
    return lengths


def contract_text(years: float | None) -> str:
    """A contract length in the address: ``3``, ``1.5`` or ``permanent``."""
    return "permanent" if years is None else f"{years:g}"


def to_params(base: Scenario, controls: Controls) -> dict[str, str]:
    """The controls as address values: those that differ from the baseline's, and the
    category where it is not the default one."""
    was = baseline_controls(base, controls.category)
    params: dict[str, str] = {}
    if controls.category != contract_category(base):
        params["category"] = controls.category
    if controls.contract_years != was.contract_years:
        params["contract"] = contract_text(controls.contract_years)
    if controls.renewal != was.renewal:
        params["renewal"] = controls.renewal
    if (
        controls.renewal == Renewal.discretionary.value
        and controls.renewal_probability != was.renewal_probability
    ):
        params["probability"] = str(round(100 * controls.renewal_probability))
    if controls.after_nonrenewal != BASELINE:
        params["after"] = controls.after_nonrenewal
    for key, value, start in (
        ("followup", controls.followup_capacity, was.followup_capacity),
        ("units", controls.units_per_year, 0),
        ("flexbo", controls.flexbo_units, 0),
    ):
        if value != start:
            params[key] = str(value)
    if controls.flexbo_group != was.flexbo_group:
        params["group"] = controls.flexbo_group
    return params


def whole(text: str, low: int, high: int) -> int | None:
    """``text`` as a whole number from ``low`` to ``high``, else ``None``."""
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def from_params(base: Scenario, params: dict[str, str]) -> tuple[Controls, list[Ignored]]:
    """The controls an address asks for (the baseline's values where it names none),
    and the values that were ignored, each with what is allowed. Never raises."""
    ignored: list[Ignored] = []

    def choose(key: str, choices: list[str]) -> str | None:
        text = params.get(key)
        if text is None:
            return None
        if text in choices:
            return text
        ignored.append(Ignored(key, text, ", ".join(choices)))
        return None

    category = choose("category", list(base.stock)) or contract_category(base)
    controls = baseline_controls(base, category)
    lengths = contract_lengths(base, category)
    contract = choose("contract", [contract_text(years) for years in lengths])
    if contract is not None:
        texts = [contract_text(years) for years in lengths]
        controls = replace(controls, contract_years=lengths[texts.index(contract)])
    renewal = choose("renewal", list(RENEWALS))
    if renewal is not None:
        controls = replace(controls, renewal=renewal)
    after = choose("after", list(DESTINATIONS))
    if after is not None:
        controls = replace(controls, after_nonrenewal=after)
    group = choose("group", list(base.groups))
    if group is not None:
        controls = replace(controls, flexbo_group=group)
    text = params.get("probability")
    if text is not None:
        percent = whole(text, 0, 100)
        if percent is None:
            ignored.append(Ignored("probability", text, "0–100"))
        else:
            controls = replace(controls, renewal_probability=percent / 100)
    for key in ("followup", "units", "flexbo"):
        text = params.get(key)
        if text is None:
            continue
        value = whole(text, 0, MAX_UNITS)
        if value is None:
            ignored.append(Ignored(key, text, f"0–{MAX_UNITS}"))
        elif key == "followup":
            controls = replace(controls, followup_capacity=value)
        elif key == "units":
            controls = replace(controls, units_per_year=value)
        else:
            controls = replace(controls, flexbo_units=value)
    return controls, ignored
