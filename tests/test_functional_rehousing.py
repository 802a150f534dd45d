"""Functional tests through a small municipality (``helpers.municipality``): first-time and
re-housed allocations, returns from the private market, differentiated against
needs-based renewal, and need beyond the list."""

from __future__ import annotations

from helpers import municipality, per_replication, scenario, total

from sim.runner import run_scenario

STRICT_OUT = {
    "policy.renewal": "strict",
    "policy.after_nonrenewal": {"transfer": 0.5, "private_rental": 0.3, "homeless": 0.2},
}


def test_every_allocation_is_first_time_or_re_housed() -> None:
    back = {"probability": 0.6, "delay_years": 0.5, "homeless": 0.5}
    data = municipality(**STRICT_OUT, **{"policy.return_from_private": back})
    yearly = run_scenario(scenario(data)).yearly
    cells = yearly[yearly.metric.isin(["allocations", "first_allocations", "rehousings"])]
    table = cells.pivot_table(
        index=["replication", "year", "group", "category"], columns="metric", values="value"
    )
    assert (table.allocations == table.first_allocations + table.rehousings).all()
    assert per_replication(yearly, "rehousings").min() > 0
    assert per_replication(yearly, "returns_from_private").min() > 0
    # returns are re-housed, never first-time: without them fewer are re-housed
    without = run_scenario(scenario(municipality(**STRICT_OUT))).yearly
    assert per_replication(without, "returns_from_private").max() == 0
    assert (
        per_replication(yearly, "rehousings").sum() > per_replication(without, "rehousings").sum()
    )


def test_differentiated_and_needs_based_differ_in_temporary_need_still_in_need() -> None:
    """Same households, same draws: under needs-based renewal only self-sufficient
    tenants' contracts end unrenewed; differentiated also moves temporary need still in
    need, never permanent need."""
    runs = {
        rule: run_scenario(scenario(municipality(**{"policy.renewal": rule}))).yearly
        for rule in ("needs_based", "differentiated")
    }
    needs, differentiated = (per_replication(runs[r], "forced_moves") for r in runs)
    assert needs.max() == 0
    assert differentiated.min() > 10


def test_need_beyond_the_list_fills_units_nobody_on_the_list_takes() -> None:
    few = {
        "groups.disadvantaged.applications_per_year": 5,
        "policy.renewal": "strict",
        "stock.ordinary.turnaround_days": 5,
    }
    latent = {"group": "disadvantaged", "delay_days": 15}
    runs = {
        name: run_scenario(scenario(municipality(**few, **changes))).yearly
        for name, changes in (
            ("without", {}),
            ("with", {"stock.ordinary.latent_demand": latent}),
        )
    }

    def vacant_share(yearly):
        vacant = total(yearly, "vacant", category="ordinary").value.to_numpy()
        units = total(yearly, "units", category="ordinary").value.to_numpy()
        return (vacant / units).mean()

    assert vacant_share(runs["without"]) > 0.2
    assert vacant_share(runs["with"]) < 0.05
    assert per_replication(runs["with"], "latent_applications").min() > 0
    assert per_replication(runs["without"], "latent_applications").max() == 0
