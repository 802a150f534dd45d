"""Renewal decisions counted as the reports count them (``policy.renewal_decisions``) and
an approval share that changes by year (``groups.<id>.approval`` as a series).

Unit tests with chosen households (``model_parts``), a functional test through a small
scenario, and the hold-out check of ``sim calibrate``.
"""

from __future__ import annotations

import pandas as pd
import pytest
from model_parts import BASE, START, build

from sim.calibration.holdout import check_lines, holdout_check
from sim.calibration.spec import apply_parameters, key_part
from sim.config.loader import validate_data
from sim.config.schema import Renewal
from sim.model.housing import run_replication
from sim.model.rules import judged


def contract_end(parts, *, self_sufficient: bool):
    (unit,) = parts.dwellings("ordinary", 1)
    household = parts.household("a", self_sufficient=self_sufficient)
    parts.housed(household, unit)
    parts.at(START + 2)
    parts.tenancies.contract_end(household)
    return household


@pytest.mark.parametrize("self_sufficient", [False, True])
def test_separate_renewal_decisions_are_not_applications(self_sufficient: bool) -> None:
    parts = build()  # the default: separate
    contract_end(parts, self_sufficient=self_sufficient)
    assert parts.counted("renewal_decisions", "a") == 1
    for metric in ("applications", "approvals", "refusals"):
        assert parts.counted(metric) == 0, metric


def test_a_counted_renewal_is_an_approved_application() -> None:
    parts = build(**{"policy.renewal_decisions": "counted"})
    household = contract_end(parts, self_sufficient=False)
    assert household.renewals == 1
    assert parts.counted("renewal_decisions", "a") == 1
    assert parts.counted("applications", "a") == 1 and parts.counted("approvals", "a") == 1
    assert parts.counted("refusals") == 0


def test_a_counted_non_renewal_is_a_refused_application() -> None:
    parts = build(**{"policy.renewal_decisions": "counted"})
    household = contract_end(parts, self_sufficient=True)
    assert household.dwelling is None  # left to the market
    assert parts.counted("applications", "a") == 1 and parts.counted("refusals", "a") == 1
    assert parts.counted("approvals") == 0


@pytest.mark.parametrize("rule", ["strict", "always"])
def test_a_contract_end_the_rule_settles_is_no_decision(rule: str) -> None:
    parts = build(**{"policy.renewal_decisions": "counted", "policy.renewal": rule})
    contract_end(parts, self_sufficient=False)
    assert parts.counted("contract_ends") == 1
    for metric in ("renewal_decisions", "applications", "approvals", "refusals"):
        assert parts.counted(metric) == 0, metric


def test_a_refusal_under_max_renewals_is_counted_as_a_decision() -> None:
    parts = build(**{"policy.renewal_decisions": "counted", "policy.max_renewals": 0})
    contract_end(parts, self_sufficient=False)
    assert parts.counted("renewal_decisions") == 1 and parts.counted("refusals") == 1
    assert parts.counted("forced_moves") == 1


def test_judged_rules() -> None:
    assert [r.value for r in Renewal if judged(r)] == [
        "needs_based",
        "differentiated",
        "discretionary",
    ]


def test_the_approval_in_force_follows_its_series() -> None:
    year = int(START)
    parts = build(**{"groups.a.approval": {year: 0.9, year + 2: 0.2}})
    group = parts.group("a")
    assert group.approval == 0.9
    parts.state.set_policy(parts.model.scenario.policy, year + 1.5)
    assert group.approval == 0.9
    parts.state.set_policy(parts.model.scenario.policy, year + 2.0)
    assert group.approval == 0.2


def test_a_bad_approval_series_says_it_is_not_a_probability() -> None:

    data = {**BASE, "groups": {**BASE["groups"], "a": {**BASE["groups"]["a"]}}}
    data["groups"]["a"]["approval"] = {2010: 1.5}
    with pytest.raises(Exception, match="not a probability"):
        validate_data(data, "bad.yaml")


# --- through a small scenario ---------------------------------------------------------


def yearly(scenario: dict, replications: int = 6) -> pd.DataFrame:
    valid = validate_data(scenario, "small.yaml")
    rows = [row for r in range(replications) for row in run_replication(valid, r)[0]]
    frame = pd.DataFrame([(r.year, r.group, r.category, r.metric, r.value) for r in rows])
    frame.columns = ["year", "group", "category", "metric", "value"]
    return frame


SMALL: dict = {
    "name": "small",
    "time": {"start": 2010, "years": 6, "warmup_years": 10},
    "seed": 5,
    "stock": {"ordinary": {"units": 60, "contract_years": 3}},
    "groups": {
        "g": {
            "applications_per_year": 30,
            "approval": 0.6,
            "eligible": ["ordinary"],
            "self_sufficient_years": 4,
            "withdraw_per_year": 0.5,
        }
    },
}


def totals(frame: pd.DataFrame, metric: str) -> pd.Series:
    block = frame[(frame.metric == metric) & (frame.group == "g") & (frame.category == "")]
    if block.empty:
        block = frame[(frame.metric == metric) & (frame.group == "g")]
        return block.groupby("year").value.sum()
    return block.groupby("year").value.sum()


def test_counted_decisions_add_renewal_decisions_and_change_nothing_else() -> None:
    separate = yearly(SMALL)
    counted = yearly({**SMALL, "policy": {"renewal_decisions": "counted"}})
    for metric in ("waiting", "allocations", "renewals", "contract_ends", "renewal_decisions"):
        a = separate[separate.metric == metric].value.to_numpy()
        b = counted[counted.metric == metric].value.to_numpy()
        assert (a == b).all(), metric
    decisions = totals(separate, "renewal_decisions")
    renewals = totals(separate, "renewals")
    assert decisions.sum() > 50  # enough events for the identities to mean something
    for metric, added in (
        ("applications", decisions),
        ("approvals", renewals),
        ("refusals", decisions - renewals),
    ):
        difference = totals(counted, metric) - totals(separate, metric)
        assert (difference == added).all(), metric


def test_an_approval_series_changes_the_share_approved_in_its_years() -> None:
    frame = yearly(
        {**SMALL, "groups": {"g": {**SMALL["groups"]["g"], "approval": {2010: 0.9, 2013: 0.2}}}},
        replications=10,
    )
    approvals = totals(frame, "approvals")
    applications = totals(frame, "applications")
    early = approvals.loc[2010:2012].sum() / applications.loc[2010:2012].sum()
    late = approvals.loc[2013:2015].sum() / applications.loc[2013:2015].sum()
    # about 900 applications each: binomial sd of a share below 0.015, tolerance 0.05
    assert abs(early - 0.9) < 0.05 and abs(late - 0.2) < 0.05


# --- calibration: series points and the hold-out check ------------------------------


def test_a_year_of_a_series_is_a_dotted_key() -> None:
    data = {"groups": {"g": {"approval": {2008: 0.4, 2009: 0.3}}}}
    changed = apply_parameters(data, {"groups.g.approval.2009": 0.25})
    assert changed["groups"]["g"]["approval"] == {2008: 0.4, 2009: 0.25}
    assert key_part({2008: 1}, "2008") == 2008 and key_part({"2008": 1}, "2008") == "2008"


def test_the_holdout_check_compares_the_fit_with_the_mean_of_two_years() -> None:
    targets = pd.DataFrame(
        {
            "year": [2008, 2009, 2010] * 2,
            "metric": ["waiting"] * 6,
            "group": ["a"] * 3 + ["b"] * 3,
            "category": [""] * 6,
            "observed": [10.0, 20.0, 16.0, 40.0, 30.0, 20.0],
        }
    )
    fit = targets.assign(target=[f"t{i}" for i in range(6)], simulated_mean=[0, 0, 14, 0, 0, 24])
    check = holdout_check(targets, fit, {2010})
    total = check[check.group == "sum"].iloc[0]
    # naive: 15 (error 1) and 35 (error 15); fit: errors 2 and 4
    assert (total.fit_error, total.naive_error) == (6.0, 16.0)
    (line,) = check_lines(check)
    assert "2 waiting lists 6.0 (fit) against 16.0 (naive" in line and "is better" in line


def test_an_approval_change_on_a_date_is_a_dated_change() -> None:
    year = int(START)
    parts = build(**{"groups.a.approval": {year: 0.9, f"{year + 1}-07-01": 0.2}})
    (when,) = parts.model._dated_changes()
    assert year + 1.49 < when < year + 1.5
    parts.state.set_policy(parts.model.scenario.policy, when)
    assert parts.group("a").approval == 0.2
