"""The question ``sim size`` answers, checked against the scenario (:func:`sizing_question`):
shared by the search (:mod:`sim.analysis.sizing`), its analytic first estimate
(:mod:`sim.analysis.sizing_estimate`) and its figure."""

from __future__ import annotations

from dataclasses import dataclass

from sim.analysis.labels import METRICS, category_label, short
from sim.analysis.target import Target, parse_target
from sim.config.errors import InputError, Problem
from sim.config.option_limits import check_number
from sim.config.schema import Scenario
from sim.config.types import MAX_UNITS


@dataclass(frozen=True)
class SizingQuestion:
    """Units a year (or ``once``) from ``from_year`` in ``category`` such that ``target``
    holds in every year from ``to_year`` in at least ``confidence`` of the replications;
    at most ``max_units``."""

    category: str
    target: Target
    from_year: int
    to_year: int
    confidence: float
    max_units: int
    once: bool = False

    def facts(self, language: str, scenario: object = None) -> dict[str, str]:
        """The question's parts as its sentences show them in English (``en``) or
        Norwegian (``nb``): ``category`` (its display name with the ``scenario``),
        ``target``, ``first`` and ``last`` year, and ``p``, the required probability
        (:func:`confidence_text`)."""
        category = (
            category_label(scenario, self.category, language)
            if scenario is not None
            else self.category
        )
        return {
            "category": category,
            "target": str(self.target),
            "first": str(self.from_year),
            "last": str(self.to_year),
            "p": confidence_text(self.confidence, language),
        }


def confidence_text(confidence: float, language: str) -> str:
    """The required probability of ``sim size`` as its texts write it: ``0.8`` in
    English, ``0,8`` in Norwegian (as many places as it was given with).

    >>> confidence_text(0.8, "nb"), confidence_text(0.95, "en")
    ('0,8', '0.95')
    """
    return short(float(confidence), language)


def sizing_question(
    scenario: Scenario,
    category: str,
    target: str | Target,
    from_year: int | None = None,
    to_year: int | None = None,
    confidence: float = 0.8,
    max_units: int = 200,
    once: bool = False,
) -> SizingQuestion:
    """The question, checked against the scenario: a known category, a target expression
    over known metrics, groups and categories (parsed safely); the years default to the
    first and last reported year."""
    if category not in scenario.stock:
        raise InputError(
            [
                Problem(
                    "--category",
                    category,
                    "unknown category; allowed: " + ", ".join(scenario.stock),
                )
            ]
        )
    check_number("--confidence", confidence, 0, 1, low_open=True)
    check_number("--max-units", max_units, 1, MAX_UNITS, whole=True)
    for option, year in (("--from", from_year), ("--to", to_year)):
        if year is not None:
            check_number(option, year, scenario.time.start, scenario.time.end - 1, whole=True)
    if isinstance(target, str):
        target = parse_target(target, METRICS, scenario.groups, scenario.stock)
    return SizingQuestion(
        category,
        target,
        scenario.time.start if from_year is None else int(from_year),
        scenario.time.end - 1 if to_year is None else int(to_year),
        float(confidence),
        int(max_units),
        once,
    )
