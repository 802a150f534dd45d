"""Unit tests: the target expression parser of sim size (safe, no code execution).

``sim.analysis.target.parse_target`` reads expressions such as
``wait_years_mean[group=disadvantaged] <= 0.5`` with a hand-written tokenizer and parser.
These tests check the accepted forms, ``Target.holds`` for every operator (NaN never
holds), that the normalised text reads back as the same target, that every mistake is an
``InputError`` naming ``--target``, the expression and what is wrong, and that inputs
shaped like Python code are rejected as input errors without running anything.
"""

from __future__ import annotations

import math
import subprocess
from dataclasses import FrozenInstanceError

import pytest

from sim.analysis.target import Target, parse_target
from sim.config.errors import InputError, Problem

METRICS = ["waiting", "wait_years_mean", "hospits_nights", "allocations"]
GROUPS = ["disadvantaged", "omsorg_puh", "a"]
CATEGORIES = ["ordinary", "b"]


def parse(text: str) -> Target:
    return parse_target(text, METRICS, GROUPS, CATEGORIES)


def problem_of(text: str) -> Problem:
    """The single problem reported for a bad expression."""
    with pytest.raises(InputError) as caught:
        parse(text)
    problems = caught.value.problems
    assert len(problems) == 1, problems
    assert problems[0].file == "--target"
    assert problems[0].key == text
    return problems[0]


# ---------------------------------------------------------------- valid expressions


@pytest.mark.parametrize(
    ("text", "metric", "group", "category", "op", "threshold"),
    [
        (
            "wait_years_mean[group=disadvantaged] <= 0.5",
            "wait_years_mean",
            "disadvantaged",
            "",
            "<=",
            0.5,
        ),
        ("waiting[group=omsorg_puh] <= 10", "waiting", "omsorg_puh", "", "<=", 10.0),
        ("hospits_nights == 0", "hospits_nights", "", "", "==", 0.0),
        ("allocations[category=ordinary] >= 30", "allocations", "", "ordinary", ">=", 30.0),
        ("waiting[group=a, category=b] < 5", "waiting", "a", "b", "<", 5.0),
        ("waiting[category=b, group=a] < 5", "waiting", "a", "b", "<", 5.0),
        ("waiting[category=b,group=a]<5", "waiting", "a", "b", "<", 5.0),
        ("waiting<=10", "waiting", "", "", "<=", 10.0),
        ("  waiting   [ group = a ]   >   7  ", "waiting", "a", "", ">", 7.0),
        ("waiting\t<=\t3", "waiting", "", "", "<=", 3.0),
        ("waiting > 2", "waiting", "", "", ">", 2.0),
        ("waiting >= -1", "waiting", "", "", ">=", -1.0),
        ("waiting>=-1", "waiting", "", "", ">=", -1.0),
        ("waiting <= +4", "waiting", "", "", "<=", 4.0),
        ("waiting <= 1e3", "waiting", "", "", "<=", 1000.0),
        ("waiting <= 2.5E-3", "waiting", "", "", "<=", 0.0025),
        ("waiting <= -1.5e+2", "waiting", "", "", "<=", -150.0),
        ("waiting <= .5", "waiting", "", "", "<=", 0.5),
        ("waiting <= 5.", "waiting", "", "", "<=", 5.0),
        ("waiting[group=a] == 0.25", "waiting", "a", "", "==", 0.25),
    ],
)
def test_valid_expressions(
    text: str, metric: str, group: str, category: str, op: str, threshold: float
) -> None:
    target = parse(text)
    assert target == Target(metric, group, category, op, threshold, text)
    assert isinstance(target.threshold, float)


def test_text_is_kept_as_given() -> None:
    text = "  waiting[ group=a ]<=10 "
    assert parse(text).text == text


def test_target_is_frozen() -> None:
    target = parse("waiting <= 1")
    with pytest.raises(FrozenInstanceError):
        target.threshold = 2.0  # type: ignore[misc]


def test_accepts_any_iterables_such_as_dict_keys_and_generators() -> None:
    metrics = {name: ("label", "etikett", "unit") for name in METRICS}
    target = parse_target(
        "waiting[group=a, category=b] < 5", metrics, iter(GROUPS), (c for c in CATEGORIES)
    )
    assert (target.metric, target.group, target.category) == ("waiting", "a", "b")


def test_ids_may_start_with_a_digit_or_hold_hyphens() -> None:
    target = parse_target(
        "waiting[group=3room, category=18-25] <= 1", METRICS, ["3room"], ["18-25"]
    )
    assert (target.group, target.category) == ("3room", "18-25")


@pytest.mark.parametrize(
    "group", ["rusavhengige", "særskilt_bolig", "eldre-ø", "Åsgård", "2-rom", "_intern", "-x"]
)
def test_every_id_a_scenario_may_have_can_be_named(group: str) -> None:
    """Target ids and scenario ids follow one rule (``sim.config.types.is_id``)."""
    from sim.config.types import is_id

    assert is_id(group)
    target = parse_target(f"waiting[group={group}] <= 1", METRICS, [group], ["ordinary"])
    assert target.group == group
    assert str(target) == f"waiting[group={group}] <= 1"
    assert parse_target(str(target), METRICS, [group], ["ordinary"]) == target.__class__(
        "waiting", group, "", "<=", 1.0, str(target)
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("waiting[group=!x] <= 1", "character '!' at position 15 is not allowed in an id"),
        ("waiting[group=rus.x] <= 1", "character '.' at position 18 is not allowed in an id"),
        ("waiting[group=] <= 1", "expected a group id after 'group='"),
    ],
)
def test_a_bad_id_in_a_target_names_the_id_rule(text: str, fragment: str) -> None:
    message = problem_of(text).message
    assert fragment in message
    assert "letters (æ, ø, å too), digits, '_' or '-', at most 64 characters" in message


# ---------------------------------------------------------------- holds()


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("<=", 9.0, True),
        ("<=", 10.0, True),
        ("<=", 10.5, False),
        ("<", 9.0, True),
        ("<", 10.0, False),
        ("<", 11.0, False),
        (">=", 11.0, True),
        (">=", 10.0, True),
        (">=", 9.5, False),
        (">", 11.0, True),
        (">", 10.0, False),
        (">", 9.0, False),
        ("==", 10.0, True),
        ("==", 10.0 + 1e-12, True),
        ("==", 10.1, False),
        ("==", 9.0, False),
    ],
)
def test_holds_for_each_operator(op: str, value: float, expected: bool) -> None:
    assert parse(f"waiting {op} 10").holds(value) is expected


@pytest.mark.parametrize("op", ["<=", "<", ">=", ">", "=="])
def test_nan_never_holds(op: str) -> None:
    assert parse(f"waiting {op} 10").holds(math.nan) is False
    assert parse(f"waiting {op} 0").holds(float("nan")) is False


def test_equality_uses_an_absolute_tolerance_near_zero() -> None:
    target = parse("hospits_nights == 0")
    assert target.holds(0.0)
    assert target.holds(0)
    assert target.holds(5e-10)
    assert target.holds(-5e-10)
    assert not target.holds(1e-6)
    assert not target.holds(1.0)


def test_holds_with_infinite_values() -> None:
    assert parse("waiting <= 10").holds(-math.inf)
    assert not parse("waiting <= 10").holds(math.inf)
    assert parse("waiting > 10").holds(math.inf)


# ---------------------------------------------------------------- normalised text


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("waiting[group=puh_x] <= 10", None),
        ("waiting<=10", "waiting <= 10"),
        ("waiting[category=b,group=a]<5", "waiting[group=a, category=b] < 5"),
        ("  waiting [ group = a ] >= 1e3 ", "waiting[group=a] >= 1000"),
        ("wait_years_mean[group=disadvantaged] <= 0.5", None),
        ("hospits_nights == 0", None),
        ("hospits_nights == 0.0", "hospits_nights == 0"),
        ("allocations[category=ordinary] >= 30", None),
        ("waiting <= 2.5e-5", "waiting <= 2.5e-05"),
        ("waiting <= 1e20", "waiting <= 1e+20"),
        ("waiting > -3", None),
        ("waiting <= 1234567.125", None),
        ("waiting <= 0.1", None),
    ],
)
def test_str_is_normalised_and_reads_back(text: str, normalised: str | None) -> None:
    groups = [*GROUPS, "puh_x"]
    target = parse_target(text, METRICS, groups, CATEGORIES)
    expected = text if normalised is None else normalised
    assert str(target) == expected
    again = parse_target(str(target), METRICS, groups, CATEGORIES)
    assert str(again) == str(target)
    assert (again.metric, again.group, again.category, again.op, again.threshold) == (
        target.metric,
        target.group,
        target.category,
        target.op,
        target.threshold,
    )


def test_str_example_from_the_specification() -> None:
    target = parse_target("waiting[group=puh]<=10", METRICS, ["puh"], CATEGORIES)
    assert str(target) == "waiting[group=puh] <= 10"


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        # unknown metric, with a suggestion and the allowed list
        (
            "waitng <= 5",
            [
                "unknown metric 'waitng'",
                "did you mean 'waiting'?",
                "waiting, wait_years_mean, hospits_nights, allocations",
            ],
        ),
        ("wait_years_men[group=a] <= 1", ["did you mean 'wait_years_mean'?"]),
        ("xyz <= 5", ["unknown metric 'xyz'", "Allowed: waiting, wait_years_mean"]),
        # unknown group / category, listing the ids
        (
            "waiting[group=nobody] <= 1",
            ["unknown group 'nobody'", "allowed: disadvantaged, omsorg_puh, a"],
        ),
        ("waiting[group=omsorg_pu] <= 1", ["unknown group", "did you mean 'omsorg_puh'?"]),
        ("waiting[category=luxury] <= 1", ["unknown category 'luxury'", "allowed: ordinary, b"]),
        ("waiting[group=ordinary] <= 1", ["unknown group 'ordinary'"]),
        ("waiting[category=a] <= 1", ["unknown category 'a'"]),
        # selector keys
        (
            "waiting[region=a] <= 1",
            ["unknown selector key 'region'", "allowed: group, category"],
        ),
        ("waiting[Group=a] <= 1", ["unknown selector key 'Group'"]),
        ("waiting[group=a, group=a] <= 1", ["selector 'group' given twice"]),
        ("waiting[category=b, category=ordinary] <= 1", ["selector 'category' given twice"]),
        ("waiting[group=a, category=b, group=a] <= 1", ["selector 'group' given twice"]),
        ("waiting[] <= 1", ["expected a selector", "got ']' at position 9"]),
        ("waiting[group] <= 1", ["expected '=' after 'group'"]),
        ("waiting[group=] <= 1", ["expected a group id after 'group='"]),
        ("waiting[group=a <= 1", ["expected ',' or ']'", "'<='"]),
        ("waiting[group=a category=b] <= 1", ["expected ',' or ']'", "'category'"]),
        ("waiting[group=a,] <= 1", ["expected a selector", "got ']'"]),
        ("waiting[group=a", ["missing ']'"]),
        ("waiting[group=a][category=b] <= 1", ["missing comparison operator", "'['"]),
        # operator
        ("waiting 10", ["missing comparison operator", "<=, <, >=, >, ==", "'10'"]),
        ("waiting", ["missing comparison operator", "after 'waiting'"]),
        ("waiting[group=a]", ["missing comparison operator", "after 'waiting[group=a]'"]),
        ("waiting = 10", ["'=' at position 9 is not a comparison", "use '=='"]),
        ("waiting =< 10", ["'=' at position 9 is not a comparison"]),
        ("waiting <== 10", ["threshold must be a number", "'='"]),
        # threshold
        ("waiting <=", ["missing threshold", "after '<='"]),
        ("waiting <= abc", ["threshold must be a number", "'abc'"]),
        ("waiting <= nan", ["threshold must be a number", "'nan'"]),
        ("waiting <= inf", ["threshold must be a number", "'inf'"]),
        ("waiting <= 1e999", ["too large"]),
        ("waiting <= 10abc", ["threshold must be a number", "'10abc'"]),
        ("waiting <= 1.2.3", ["threshold must be a number", "'1.2.3'"]),
        ("waiting <= <", ["threshold must be a number", "'<'"]),
        ("waiting <= - 1", ["'-' at position 12 is not part of a number or a name"]),
        # trailing text
        ("waiting <= 1 2", ["unexpected text '2'", "position 14", "after the threshold"]),
        ("waiting <= 1 and waiting >= 0", ["unexpected text 'and waiting >= 0'"]),
        ("waiting <= 1 <= 2", ["unexpected text '<= 2'"]),
        ("waiting <= 1]", ["unexpected text ']'"]),
        # empty
        ("", ["empty target expression"]),
        ("   ", ["empty target expression"]),
        # start
        ("<= 5", ["expected a metric name at the start", "'<='"]),
        ("5 >= waiting", ["expected a metric name at the start", "'5'"]),
        ("[group=a] <= 1", ["expected a metric name"]),
        # characters not allowed: named with their position (from 1)
        ("waiting <= 1 # comment", ["character '#' at position 14 is not allowed"]),
        ("waiting != 1", ["character '!' at position 9 is not allowed"]),
        ("waiting <= 5%", ["character '%' at position 13 is not allowed"]),
        ("waiting[group='a'] <= 1", ['character "\'" at position 15 is not allowed']),
        ('waiting[group="a"] <= 1', ["character '\"' at position 15 is not allowed"]),
        # names and ids are read by the rule of scenario ids: letters of any alphabet
        ("venteliste_ø <= 1", ["unknown metric 'venteliste_ø'", "Allowed: waiting"]),
        ("waiting[group=særskilt] <= 1", ["unknown group 'særskilt'"]),
        ("waiting[group=a b] <= 1", ["expected ',' or ']' after group=a", "'b'"]),
        ("waiting.mean <= 1", ["'.' at position 8 is not part of a number or a name"]),
    ],
)
def test_errors_name_the_problem(text: str, fragments: list[str]) -> None:
    problem = problem_of(text)
    for fragment in fragments:
        assert fragment in problem.message, (fragment, problem.message)
    if text:
        assert str(problem) == f"--target: {text}: {problem.message}"


def test_error_with_no_groups_or_categories_says_none() -> None:
    with pytest.raises(InputError) as caught:
        parse_target("waiting[group=a] <= 1", METRICS, [], CATEGORIES)
    assert "allowed: (none)" in str(caught.value)


def test_unknown_metric_without_close_match_has_no_suggestion() -> None:
    message = problem_of("qqqq <= 1").message
    assert "did you mean" not in message
    assert "Allowed:" in message


# ---------------------------------------------------------------- security


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("__import__('os').system('echo hi') == 0", "character '(' at position 11 is not allowed"),
        ("waiting <= (1)", "character '(' at position 12 is not allowed"),
        ("waiting <= 1; import os", "character ';' at position 13 is not allowed"),
        ("waiting[group=__class__] <= 1", "unknown group '__class__'"),
        ("waiting <= 1 or True", "unexpected text 'or True'"),
        ("waiting <= 1 if True else 0", "unexpected text 'if True else 0'"),
        ("__builtins__ <= 1", "unknown metric '__builtins__'"),
        ("waiting.__class__ <= 1", "'.' at position 8 is not part of a number or a name"),
        ("waiting <= __import__", "threshold must be a number"),
        ("waiting <= 1e308*10", "character '*' at position 17 is not allowed"),
        ("lambda: 0", "character ':' at position 7 is not allowed"),
        ("waiting <= `id`", "character '`' at position 12 is not allowed"),
        ("waiting <= $(echo hi)", "character '$' at position 12 is not allowed"),
        ("waiting <= 1\nimport os", "unexpected text 'import os'"),
    ],
)
def test_code_is_rejected_as_input_error(text: str, fragment: str) -> None:
    assert fragment in problem_of(text).message


def test_nothing_is_executed(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Parsing never calls eval, exec, compile, __import__ or starts a process."""
    import builtins

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"called with {args!r}")

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, forbidden)
    monkeypatch.setattr(subprocess, "Popen", forbidden)
    monkeypatch.setattr("os.system", forbidden)
    for text in (
        "__import__('os').system('echo hi') == 0",
        "waiting <= (1)",
        "waiting <= 1; import os",
        "waiting[group=__class__] <= 1",
        "waiting <= 1 or True",
    ):
        with pytest.raises(InputError):
            parse(text)
    assert "hi" not in capfd.readouterr().out


def test_module_does_not_use_eval_exec_or_ast() -> None:
    import inspect
    import re

    import sim.analysis.target as module

    source = inspect.getsource(module)
    code = source.split('"""', 2)[2]  # after the module docstring, which names them
    assert not re.search(r"(?<![.\w])(eval|exec|compile)\s*\(", code)  # re.compile is fine
    for word in ("import ast", "from ast", "literal_eval", "__import__", "getattr("):
        assert word not in code, word
