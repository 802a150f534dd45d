"""Reproducibility tests: same seed, same tables; workers do not matter; streams are independent."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from helpers import municipality, scenario

from sim.model.streams import (
    BLOCK,
    HASHED,
    KEPT,
    PURPOSES,
    READ_WHEN_MADE,
    REPEATING,
    REPEATS,
    Draws,
    Stream,
    hashed,
    stable_hash,
)
from sim.runner import run_scenario


def test_same_seed_gives_identical_tables() -> None:
    first = run_scenario(scenario(municipality())).yearly
    second = run_scenario(scenario(municipality())).yearly
    pd.testing.assert_frame_equal(first, second)
    assert first.to_csv(index=False) == second.to_csv(index=False)


def test_another_seed_gives_other_tables() -> None:
    first = run_scenario(scenario(municipality())).yearly
    other = run_scenario(scenario(municipality(seed=8))).yearly
    assert not first.equals(other)


def test_one_worker_equals_two_workers() -> None:
    loaded = scenario(municipality())
    serial = run_scenario(loaded, replications=4, jobs=1, track_households=True)
    parallel = run_scenario(loaded, replications=4, jobs=2, track_households=True)
    pd.testing.assert_frame_equal(serial.yearly, parallel.yearly)
    assert serial.households is not None and parallel.households is not None
    pd.testing.assert_frame_equal(serial.households, parallel.households)


def test_adding_a_group_leaves_another_groups_arrivals_unchanged() -> None:
    data = municipality()
    alone = copy.deepcopy(data)
    del alone["groups"]["elderly"]
    alone["stock"]["care"]["units"] = 0
    data["groups"]["refugees"] = {"applications_per_year": 25, "eligible": ["ordinary"]}

    def arrivals(d: dict) -> list[float]:
        households = run_scenario(scenario(d), replications=1, track_households=True).households
        assert households is not None
        rows = households[(households.group == "disadvantaged") & (households.arrival >= 2010)]
        return sorted(rows.arrival.tolist())

    with_more_groups = arrivals(data)
    assert len(with_more_groups) > 100
    assert with_more_groups == arrivals(alone)


def test_streams_depend_on_seed_replication_and_name_only() -> None:
    a = Stream(5, 2, "arrivals/x")
    b = Stream(5, 2, "arrivals/x")
    draws_a = [a.uniform() for _ in range(2000)]
    assert draws_a == [b.uniform() for _ in range(2000)]
    for other in (
        Stream(6, 2, "arrivals/x"),
        Stream(5, 3, "arrivals/x"),
        Stream(5, 2, "arrivals/y"),
    ):
        assert [other.uniform() for _ in range(10)] != draws_a[:10]
    assert stable_hash("arrivals/x") == stable_hash("arrivals/x")
    assert stable_hash("arrivals/x") != stable_hash("arrivals/y")


def test_common_random_numbers_across_scenarios() -> None:
    """Replication r of two scenarios sees the same arrivals of an unchanged group."""
    base = run_scenario(scenario(municipality()), replications=2, track_households=True)
    more_units = run_scenario(
        scenario(municipality(**{"stock.ordinary.units": 150})),
        replications=2,
        track_households=True,
    )
    assert base.households is not None and more_units.households is not None
    for replication in range(2):
        times = [
            sorted(
                h[
                    (h.replication == replication) & (h.arrival >= 2010) & (h.group == "elderly")
                ].arrival
            )
            for h in (base.households, more_units.households)
        ]
        assert times[0] == times[1]


def test_one_job_runs_in_this_process(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """--jobs 1 (the default) starts no worker processes."""
    import sim.runner.pool as pool

    def no_pool(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(pool, "_start_pool", no_pool)
    results = run_scenario(scenario(municipality()), replications=2, jobs=1)
    assert results.replications == 2


# --- common random numbers: a household's draws do not depend on other settings --------


def _households(data: dict) -> list[tuple]:
    """Every household of replication 0: group, arrival, its draws, the attributes drawn
    from them, and its dwelling if it was an initial tenant."""
    from sim.model.housing import HousingModel

    model = HousingModel(scenario(data), 0, track_households=True)
    model.run()
    out = []
    for household in model.households:
        record = household.record
        assert record is not None
        first = record["moves"][0] if record["moves"] else {}
        out.append(
            (
                record["group"],
                record["arrival"],
                household.draws(),
                household.permanent,
                household.needs_followup,
                household.rooms,
                first.get("dwelling") if first.get("time") == model.t0 else None,
            )
        )
    return sorted(out, key=lambda row: (row[0], row[1], str(row[6])))


NEAR_ZERO = [
    ("groups.disadvantaged.withdraw_per_year", 0.0, 1e-9),
    ("groups.disadvantaged.breakdown_per_year", 0.0, 1e-9),
    ("groups.elderly.other_exit_per_year", 0.0, 1e-9),
    ("groups.disadvantaged.leave_when_able_per_year", 0.0, 1e-9),
    ("groups.disadvantaged.permanent_need", 0.0, 1e-9),
    ("groups.disadvantaged.approval", 1.0, 1.0 - 1e-9),
    ("refusal.probability", 0.0, 1e-9),
]


def _set(data: dict, dotted: str, value: object) -> dict:
    changed = copy.deepcopy(data)
    target = changed
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value
    return changed


@pytest.mark.parametrize(("key", "zero", "tiny"), NEAR_ZERO, ids=[k for k, _, _ in NEAR_ZERO])
def test_zero_and_near_zero_give_the_same_households_and_tables(
    key: str, zero: float, tiny: float
) -> None:
    """A setting of 0 and one of 1e-9 (never firing in the run) change nothing at all."""
    data = municipality(replications=2)
    a, b = _set(data, key, zero), _set(data, key, tiny)
    assert _households(a) == _households(b)
    first = run_scenario(scenario(a)).yearly
    second = run_scenario(scenario(b)).yearly
    pd.testing.assert_frame_equal(first, second)


def test_initial_tenants_of_a_category_do_not_depend_on_another_categorys_contract() -> None:
    data = municipality()
    other = _set(data, "stock.ordinary.contract_years", 3)
    permanent = _set(data, "stock.ordinary.contract_years", None)

    def care_tenants(d: dict) -> list[tuple]:
        return [row for row in _households(d) if row[6] and str(row[6]).startswith("care-")]

    tenants = care_tenants(data)
    assert len(tenants) == 30
    assert care_tenants(other) == tenants
    assert care_tenants(permanent) == tenants


def test_household_attributes_do_not_depend_on_policy() -> None:
    """Every applicant of a group has the same attributes under another policy."""
    data = municipality()
    strict = _set(_set(data, "policy.renewal", "strict"), "policy.allocation", "lottery")
    assert _households(data) == _households(strict)


# --- the table of draws -------------------------------------------------------------


def test_every_place_of_the_block_serves_at_most_one_purpose() -> None:
    places: list[int] = []
    for purpose in PURPOSES:
        if purpose.kind in (READ_WHEN_MADE, KEPT):
            places.append(purpose.place)
        elif purpose.kind == REPEATING:
            places.extend(range(purpose.place, purpose.place + REPEATS))
    assert len(places) == len(set(places))
    assert all(0 <= place < BLOCK for place in places)
    hashes = [(p.entity, p.place) for p in PURPOSES if p.kind == HASHED]
    assert len(hashes) == len(set(hashes))
    assert all(place >= BLOCK for entity, place in hashes if entity == "household")
    assert len({p.name for p in PURPOSES}) == len(PURPOSES)


def test_a_households_draws_are_read_from_the_places_the_table_gives() -> None:
    """``Draws`` keeps one field for each kept draw and each place of a repeating one, read
    from its place; a repeating draw's occurrences past its places are hashed."""
    block = tuple(float(place) / BLOCK for place in range(BLOCK))
    draws = Draws(block)
    expected: dict[str, float] = {}
    for purpose in PURPOSES:
        if purpose.kind == KEPT:
            expected[f"u_{purpose.name}"] = block[purpose.place]
        elif purpose.kind == REPEATING:
            draw = getattr(draws, f"{purpose.name}_draw")
            for j in range(REPEATS):
                expected[f"u_{purpose.name}_{j}"] = block[purpose.place + j]
                assert draw(j) == block[purpose.place + j]
            assert draw(REPEATS) == hashed(draws.u_key, purpose, REPEATS) != draw(REPEATS + 1)
    # its fields (slots in pure Python, a compiled class's attributes: both in dir())
    assert {name for name in dir(Draws) if name.startswith("u_")} == set(expected)
    assert {name: getattr(draws, name) for name in expected} == expected
    assert draws.draws() == tuple(sorted(expected.values()))


def test_every_place_the_model_indexes_by_number_is_its_purpose_s_place() -> None:
    """The compiled code reads a block by number (``block[4]  # HOMELESS.place``): each
    such number is the place the table of draws gives the purpose its comment names."""
    import re
    from pathlib import Path

    import sim.model.streams as streams

    pattern = re.compile(r"block\[(\d+)\].*#\s*([A-Z_]+)\.place(?: \+ (\d+))?")
    found = 0
    for path in Path(streams.__file__).parent.glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "block[" in line and re.search(r"block\[\d+\]", line):
                match = pattern.search(line)
                assert match, f"{path.name}: a numbered place without its purpose: {line}"
                number, name, plus = match.groups()
                purpose = getattr(streams, name)
                assert int(number) == purpose.place + int(plus or 0), line
                found += 1
    assert found >= 22
