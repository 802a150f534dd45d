"""Property-based (fuzz) tests of scenario loading, running and the resolved round trip.

Scenario documents are generated from the schema: valid ones (categories, groups,
series, builds, every section) and mutations of them (keys deleted, renamed or retyped,
extreme and non-finite numbers, odd series, aliases, deep nesting). Each is written as a
YAML file and loaded. The properties:

1. the loader returns a scenario or raises ``InputError``, nothing else, and without
   hanging (an example over 30 s of CPU fails: a hang detector, not a timing claim);
2. an accepted scenario runs one replication of one year (no warm-up) without an
   exception, and every count is finite and non-negative;
3. its resolved YAML validates to the very same scenario, which gives identical tables;
4. names, descriptions, labels and ids that look like numbers, booleans, null or dates
   (``1e5``, ``yes``, ``~``, ``2020-01-01``), in any script and of edge lengths, come back
   as the same texts, and the result folder of such a scenario (one replication) is read
   by ``sim report`` and its ``scenario.resolved.yaml`` by ``sim validate``.

The default suite runs a fixed set of 300 examples (``derandomize``); the slow suite
runs 3,000 (``pytest -m slow``). Property 4 runs 60 examples, and writes 2 folders (60
with ``-m slow``): a folder and its report take seconds.
"""

from __future__ import annotations

import contextlib
import copy
import math
import re
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import LOOKALIKES, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.config.errors import InputError
from sim.config.loader import load_scenario, scenario_yaml, validate_data
from sim.config.schema import Scenario
from sim.config.yaml_io import parse_yaml
from sim.model.housing import run_replication

IDS = st.sampled_from(["ordinary", "trygd", "flexbo", "omsorg", "a-b_c"])
GROUP_IDS = st.sampled_from(["disadvantaged", "elderly", "homeless", "g1"])
YEARS = st.integers(2008, 2011)  # the span 2008..2011 of every generated scenario

# out-of-range, non-finite, boundary and wrongly typed values
NUMBERS: list[Any] = [
    0,
    -1,
    1,
    0.5,
    1e-12,
    1e308,
    -1e308,
    math.inf,
    -math.inf,
    math.nan,
    2**63,
    -(2**63),
    10**30,
    100_000,
    100_001,
    10_000.0,
    10_001.0,
    1.0e-4,
    1000,
    1001,
    2011.9,
    -0.0,
]
OTHERS: list[Any] = [
    True,
    False,
    None,
    "",
    "5",
    "text",
    [],
    [1, 2],
    {},
    {"x": 1},
    {2010: 1},
    {2010.5: 1},
    {"2010": 2},
    {math.inf: 1},
    {2010: math.nan},
]


def probability() -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0, 1))


def shares(keys: list[Any]) -> st.SearchStrategy[dict[Any, float]]:
    """Shares over ``keys`` that sum to 1 (or nearly: the validator decides)."""
    return st.lists(st.integers(1, 9), min_size=len(keys), max_size=len(keys)).map(
        lambda weights: {k: w / sum(weights) for k, w in zip(keys, weights, strict=True)}
    )


def series(low: float, high: float, whole: bool = False) -> st.SearchStrategy[Any]:
    number = st.integers(int(low), int(high)) if whole else st.floats(low, high)
    return st.one_of(number, st.dictionaries(YEARS, number, min_size=1, max_size=3))


@st.composite
def category(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {"units": draw(st.integers(0, 30))}
    if draw(st.booleans()):
        data["contract_years"] = draw(st.sampled_from([0.5, 1, 3, 5]))
    if draw(st.booleans()):
        data["renewal"] = draw(
            st.sampled_from(["always", "needs_based", "strict", "differentiated", "discretionary"])
        )
    if draw(st.booleans()):
        data["turnaround_days"] = draw(st.floats(0, 90))
        data["turnaround_cv"] = draw(st.floats(0, 2))
    rooms = draw(st.sampled_from([None, 1, 2, "shares"]))
    if rooms == "shares":
        data["rooms"] = draw(shares([1, 2, 3]))
    elif rooms is not None:
        data["rooms"] = rooms
    return data


@st.composite
def group(draw: st.DrawFn, categories: list[str]) -> dict[str, Any]:
    eligible = draw(st.lists(st.sampled_from(categories), min_size=1, max_size=2, unique=True))
    data: dict[str, Any] = {
        "applications_per_year": draw(series(0, 40)),
        "eligible": eligible,
    }
    optional = {
        "approval": probability(),
        "permanent_need": probability(),
        "self_sufficient_years": st.floats(0.1, 10),
        "followup_need": probability(),
        "withdraw_per_year": st.floats(0, 3),
        "homeless_while_waiting": probability(),
        "breakdown_per_year": st.floats(0, 1),
        "reapply_after_breakdown": probability(),
        "other_exit_per_year": st.floats(0, 1),
        "leave_when_able_per_year": st.floats(0, 2),
        "exit_to": shares(["ownership", "private_rental"]),
        "rooms": shares([1, 2]),
        "priority": st.integers(-3, 3),
        "initial_waiting": st.integers(0, 10),
        "transfer_to": st.just(eligible),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            data[key] = draw(strategy)
    return data


@st.composite
def valid_document(draw: st.DrawFn) -> dict[str, Any]:
    """A scenario document as a user might write it (valid by construction, mostly)."""
    ids = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
    stock = {cid: draw(category()) for cid in ids}
    group_ids = draw(st.lists(GROUP_IDS, min_size=1, max_size=3, unique=True))
    document: dict[str, Any] = {
        "name": "fuzz",
        "time": {"start": 2010, "years": 2, "warmup_years": 2},
        "replications": 1,
        "seed": draw(st.integers(0, 2**32)),
        "stock": stock,
        "groups": {gid: draw(group(ids)) for gid in group_ids},
    }
    if draw(st.booleans()):
        document["policy"] = {
            "allocation": draw(st.sampled_from(["seniority", "priority", "lottery"])),
            "renewal": draw(st.sampled_from(["always", "needs_based", "strict"])),
            "after_nonrenewal": draw(st.sampled_from(["transfer", "homeless"])),
            "size_match": draw(st.booleans()),
            "max_extra_rooms": draw(st.integers(0, 3)),
        }
    if draw(st.booleans()):
        document["refusal"] = {
            "probability": draw(probability()),
            "penalty": draw(st.sampled_from(["keep", "back_of_queue", "removed"])),
        }
    if draw(st.booleans()):
        document["followup"] = {
            "capacity": draw(series(0, 10, whole=True)),
            "breakdown_factor": draw(st.floats(0, 2)),
            "self_sufficiency_factor": draw(st.floats(0.5, 3)),
        }
    if draw(st.booleans()):
        document["emergency"] = {"units": draw(series(0, 5, whole=True))}
    if draw(st.booleans()):
        build = {"category": draw(st.sampled_from(ids)), "lead_time_years": draw(st.integers(0, 1))}
        if draw(st.booleans()):
            build.update(year=draw(YEARS), units=draw(st.integers(-5, 10)))
        else:
            build.update({"from": 2009, "to": 2011, "units_per_year": draw(st.integers(0, 3))})
        document["builds"] = [build]
    if draw(st.booleans()):
        document["costs"] = {"hospits_per_night": 900.0, "followup_per_year": 1e5}
    return document


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += _paths(value, (*prefix, index))
    return out


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated_document(draw: st.DrawFn) -> dict[str, Any]:
    """A valid document with one to three things broken (or made extreme)."""
    document = copy.deepcopy(draw(valid_document()))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(document)
        numbers = [p for p in paths if _is_number(_value(document, p))]
        path = draw(st.sampled_from(numbers if numbers and draw(st.booleans()) else paths))
        parent = _parent(document, path)
        key = path[-1]
        action = draw(
            st.sampled_from(["number", "number", "other", "delete", "rename", "alias", "nest"])
        )
        if action == "delete":
            del parent[key]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.sampled_from([f"{key}x", str(key)[:-1] or "k", "unknown", 7]))] = (
                parent.pop(key)
            )
        elif action == "alias":
            # the same object in two places: yaml.safe_dump writes an anchor and an alias
            other = draw(st.sampled_from(paths))
            if other[: len(path)] != path and path[: len(other)] != other:
                _parent(document, other)[other[-1]] = parent[key]
        elif action == "nest":
            value = parent[key]
            for _ in range(draw(st.integers(1, 40))):
                value = [value]
            parent[key] = value
        else:
            parent[key] = draw(st.sampled_from(NUMBERS if action == "number" else OTHERS))
    return document


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _value(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _write(document: dict[str, Any], folder: Path) -> Path:
    path = folder / "scenario.yaml"
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


# ratios over an empty set (no tenant-years, no unit-years, nobody housed) are NaN
RATIOS = {
    "moves_per_100_tenant_years",
    "new_allocations_per_100_units",
    "wait_years_mean",
    "wait_years_p50",
    "wait_years_p90",
}


def _counts_ok(rows: list[Any]) -> None:
    for row in rows:
        if row.metric in RATIOS and math.isnan(row.value):
            continue
        assert math.isfinite(row.value), row
        assert row.value >= -1e-9, row


def _one_year(scenario: Scenario) -> Scenario:
    time = scenario.time.model_copy(update={"years": 1, "warmup_years": 0.0})
    return scenario.model_copy(update={"time": time})


LIMIT_SECONDS = 30


@contextlib.contextmanager
def watchdog(seconds: int = LIMIT_SECONDS) -> Iterator[None]:
    """Turn a hang into a failure: an example using more than ``seconds`` of CPU raises.

    (Hypothesis's deadline only judges an example once it has finished.) The timer
    counts the process's CPU time, not wall time, so a busy machine (parallel workers,
    other jobs) does not turn a slow example into a false hang; the hangs it guards
    against are loops that burn CPU. Where there is no interval timer (Windows),
    examples run without it.
    """
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"an example used more than {seconds} s of CPU (a hang?)")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def check(document: dict[str, Any]) -> None:
    with watchdog():
        _check(document)


def _check(document: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(document, Path(folder))
        try:
            scenario = load_scenario(path)
        except InputError as error:
            assert error.problems and all(p.message for p in error.problems)
            assert max(len(str(p)) for p in error.problems) < 2_000
            return
    resolved = validate_data(parse_yaml(scenario_yaml(scenario), "<resolved>"), "<resolved>")
    assert resolved == scenario
    rows, _ = run_replication(_one_year(scenario), 0, False)
    _counts_ok(rows)
    again, _ = run_replication(_one_year(resolved), 0, False)
    assert _table(again) == _table(rows)


def _table(rows: list[Any]) -> list[tuple[Any, ...]]:
    """Rows as comparable tuples (NaN written as "nan", since NaN != NaN)."""
    return [
        (r.year, r.group, r.category, r.metric, "nan" if math.isnan(r.value) else r.value)
        for r in rows
    ]


DOCUMENTS = st.one_of(valid_document(), mutated_document())
COMMON = {
    "derandomize": True,
    "database": None,
    "deadline": None,  # the watchdog catches hangs; timings are not asserted
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


@settings(max_examples=300, **COMMON)
@given(DOCUMENTS)
def test_loader_accepts_or_explains_and_accepted_scenarios_run(document: dict[str, Any]) -> None:
    check(document)


@pytest.mark.slow(seconds=55)
@settings(max_examples=3_000, **COMMON)
@given(DOCUMENTS)
def test_loader_property_long(document: dict[str, Any]) -> None:
    check(document)


@settings(max_examples=60, **COMMON)
@given(valid_document())
def test_generated_valid_documents_are_mostly_accepted(document: dict[str, Any]) -> None:
    """Guards the generator: documents built as valid load (else the fuzz test is idle)."""
    with tempfile.TemporaryDirectory() as folder:
        path = _write(document, Path(folder))
        try:
            load_scenario(path)
        except InputError as error:
            # the only rule the generator does not respect: build years in the span
            assert all("lies outside" in p.message for p in error.problems), error


# --- every number of a scenario that sets every key, with every extreme value ----------

EVERY_KEY = Path(__file__).parent / "data" / "every_key.yaml"
# values that a check must refuse or survive, cheap to run when accepted
QUICK = [math.inf, -math.inf, math.nan, 1e308, 10**30, 2**63, -1, 2011.9, True, "5", None]


def _number_paths() -> list[tuple[Any, ...]]:
    document = yaml.safe_load(EVERY_KEY.read_text(encoding="utf-8"))
    return [p for p in _paths(document) if _is_number(_value(document, p))]


def _grid(values: list[Any]) -> None:
    document = yaml.safe_load(EVERY_KEY.read_text(encoding="utf-8"))
    paths = _number_paths()
    assert len(paths) >= 60  # the file does set every key
    for path in paths:
        for value in values:
            changed = copy.deepcopy(document)
            _parent(changed, path)[path[-1]] = value
            try:
                check(changed)
            except Exception as error:
                raise AssertionError(
                    f"{'.'.join(map(str, path))} = {value!r}: {error!r}"
                ) from error


def test_every_number_with_extreme_values() -> None:
    """Exhaustive, not random: each number of a full scenario set to each extreme value."""
    _grid(QUICK)


@pytest.mark.slow(seconds=30)
def test_every_number_with_every_value() -> None:
    """The same with boundary values too (some accepted ones are the largest allowed)."""
    _grid([v for v in NUMBERS + OTHERS if not any(v is q for q in QUICK)])


# --- names, labels and ids that look like other types: the resolved round trip ----------

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
NAMES = st.one_of(
    st.sampled_from([t for t in LOOKALIKES if _NAME.fullmatch(t)]),
    st.from_regex(_NAME, fullmatch=True),
    st.just("n" * 64),
)
IDS_LIKE = st.one_of(
    st.sampled_from([t for t in LOOKALIKES if t and t.replace("_", "").replace("-", "").isalnum()]),
    st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=64),  # any script
    st.just("i" * 64),
)
TEXTS = st.one_of(
    st.sampled_from(LOOKALIKES),
    st.text(max_size=200),  # any code point but surrogates: controls, U+2028, emoji
    st.sampled_from(["é" * 200, "9" * 200, "a\nb", " x ", "# y", "a: b", "\x00\x85\ufeff"]),
)


@st.composite
def named_document(draw: st.DrawFn) -> dict[str, Any]:
    """A valid document whose name, description, labels and ids are drawn from texts that
    look like numbers, booleans, null or dates, any Unicode, and edge lengths."""
    document = copy.deepcopy(draw(valid_document()))
    document["name"] = draw(NAMES)
    document["description"] = draw(st.one_of(TEXTS, st.just("9" * 10_000)))
    for section in ("stock", "groups"):
        old = list(document[section])
        new = draw(st.lists(IDS_LIKE, min_size=len(old), max_size=len(old), unique=True))
        rename = dict(zip(old, new, strict=True))
        document[section] = {
            rename[key]: value | {"label": draw(TEXTS)} for key, value in document[section].items()
        }
        if section == "stock":
            for group in document["groups"].values():
                for key in ("eligible", "transfer_to"):
                    if key in group:
                        group[key] = [rename[cid] for cid in group[key]]
            for build in document.get("builds", []):
                build["category"] = rename[build["category"]]
    return document


def _named_scenario(document: dict[str, Any]) -> Scenario | None:
    """The scenario of a named document, or None where the generator broke the one rule
    it does not respect (build years in the span)."""
    try:
        return validate_data(document, "<named>")
    except InputError as error:
        assert all("lies outside" in p.message for p in error.problems), error
        return None


@settings(max_examples=60, **COMMON)
@given(named_document())
def test_texts_that_look_like_other_types_come_back_as_texts(document: dict[str, Any]) -> None:
    scenario = _named_scenario(document)
    if scenario is None:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "resolved.yaml"
        path.write_text(scenario_yaml(scenario), encoding="utf-8")
        assert load_scenario(path) == scenario


def check_folder(document: dict[str, Any]) -> None:
    """The folder of one replication (of the generated span: two years after two of
    warm-up) is read by ``sim report``, and its ``scenario.resolved.yaml`` by ``sim
    validate``, to the very same scenario."""
    scenario = _named_scenario(document)
    if scenario is None:
        return
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        results = sim.run(scenario, replications=1, out=out)
        result = invoke("validate", out / "scenario.resolved.yaml")
        assert result.exit_code == 0, result.output
        assert load_scenario(out / "scenario.resolved.yaml") == results.scenario
        result = invoke("report", out)
        assert result.exit_code == 0, (result.output, result.exception)
        assert (out / "report.html").is_file() and (out / "report.xlsx").is_file()


@settings(max_examples=2, **COMMON)  # a folder and its report take seconds: -m slow has more
@given(named_document())
def test_the_folder_of_every_valid_scenario_reads_back(document: dict[str, Any]) -> None:
    check_folder(document)


@pytest.mark.slow(seconds=100)
@settings(max_examples=60, **COMMON)
@given(named_document())
def test_the_folder_of_every_valid_scenario_reads_back_long(document: dict[str, Any]) -> None:
    check_folder(document)


# --- durations at and around their limits (scenarios/README.md, "Durations") --------------


def _around(*limits: float) -> st.SearchStrategy[float]:
    """Each limit, one float step either side of it, and 0.1 % either side."""
    steps = [(math.nextafter(limit, -1.0), math.nextafter(limit, math.inf)) for limit in limits]
    near = [limit * factor for limit in limits for factor in (1.0, 0.999, 1.001)]
    return st.sampled_from(near + [value for pair in steps for value in pair])


@st.composite
def edge_duration(draw: st.DrawFn) -> dict[str, Any]:
    """A duration at or near a limit of its distribution, or degenerate beyond it."""
    kind = draw(st.sampled_from(["gamma", "lognormal", "triangular", "empirical", "fixed"]))
    mean = draw(st.one_of(_around(1e-4, 1_000.0), st.floats(1e-4, 1_000.0)))
    if kind in ("gamma", "lognormal"):
        tiny = st.sampled_from([0.0, 5e-324, 1e-163, 1e-160, 1e-11, 1e-9, 1e-3])
        cv = draw(st.one_of(_around(0.01, 10.0), tiny, st.floats(1e-300, 20.0)))
        return {"distribution": kind, "mean": mean, "cv": cv}
    if kind == "triangular":
        low = draw(st.one_of(st.sampled_from([0.0, 1.0, 7.0, 999.0]), st.floats(0.0, 1_000.0)))
        high = draw(
            st.sampled_from(
                [math.nextafter(low, math.inf), low * 1.0009 + 1e-300, low * 1.0011 + 1e-300]
            )
            | st.floats(low, 1_000.0)
        )
        mode = draw(st.sampled_from([low, high, math.nextafter(low, math.inf), (low + high) / 2]))
        return {"distribution": kind, "min": low, "mode": mode, "max": high}
    if kind == "fixed":
        return {"distribution": kind, "mean": mean}
    if draw(st.booleans()):  # a file: none of these may be read, all are refused
        name = draw(st.sampled_from([".", "/proc/self/environ", "/dev/null", "x" * 300]))
        return {"distribution": kind, "file": name, "column": "years"}
    values = st.sampled_from([5e-324, 1e-4, mean, 1_000.0, 0.0, math.nextafter(1_000.0, 2e3)])
    return {"distribution": kind, "values": draw(st.lists(values, min_size=1, max_size=4))}


@st.composite
def document_with_edge_duration(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(draw(valid_document()))
    duration = draw(edge_duration())
    where = draw(st.sampled_from(["self_sufficient_years", "length_years", "hospits_stay_days"]))
    if where == "self_sufficient_years":
        next(iter(document["groups"].values()))[where] = duration
    elif where == "length_years":
        document.setdefault("followup", {"capacity": 2})[where] = duration
    else:
        document["homelessness"] = {"hospits_share": 0.5, where: duration}
    return document


@settings(max_examples=30, **COMMON)
@given(document_with_edge_duration())
def test_durations_at_their_limits_are_refused_or_run_finite(document: dict[str, Any]) -> None:
    """No degenerate duration ends in an internal error, a NaN or a hang."""
    check(document)
