"""Target expressions of ``sim size``: parsed by hand, never evaluated as code.

A target says which metric must stay on which side of a threshold, e.g.::

    wait_years_mean[group=disadvantaged] <= 0.5
    waiting[group=omsorg_puh] <= 10
    hospits_nights == 0
    allocations[category=ordinary] >= 30
    waiting[group=a, category=b] < 5

Grammar (whitespace between tokens is ignored)::

    target     := metric [ "[" selector [ "," selector ] "]" ] operator threshold
    selector   := key "=" id
    key        := "group" | "category"          (each at most once, in any order)
    id         := letters (of any alphabet: æ, ø, å too), digits, "_" and "-"
    operator   := "<=" | "<" | ">=" | ">" | "=="
    threshold  := a finite decimal number, e.g. 10, -1, 0.5, .5, 2.5e-3, 1E6

``metric`` must be one of the metric names given (normally ``sim.analysis.labels.METRICS``)
and ``id`` one of the scenario's group or category ids. No selector means all groups or
all categories (stored as ``""``).

The text is split by a small tokenizer (regular expressions for names: a letter or
``_`` followed by letters, digits, ``_`` and ``-``; numbers; the operators; ``[``, ``]``,
``=`` and ``,``) and then read token by token by a recursive-descent parser; nothing in
it is ever passed to ``eval``, ``exec``, ``compile`` or Python's ``ast``. Any other
character (quotes, parentheses, ``;``, ``.`` outside a number, ...) is rejected with its
position, counted from 1. After ``=`` the tokenizer reads an id by the rule of scenario
ids (:data:`sim.config.types.ID_CHARACTER`), so every group or category a scenario may
have can be named (``3room``, ``18-25``, ``særskilt``); it must then be one of the ids
given.

Every mistake raises :class:`sim.config.errors.InputError` with one
``Problem("--target", <expression>, <message>)``.
"""

from __future__ import annotations

import difflib
import math
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from sim.config.errors import InputError, Problem
from sim.config.types import ID_CHARACTER, ID_RULE

__all__ = ["OPERATORS", "SELECTORS", "Target", "parse_target"]

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": lambda value, threshold: math.isclose(value, threshold, abs_tol=1e-9),
}
SELECTORS = ("group", "category")
OPTION = "--target"
EXAMPLE = "waiting[group=x] <= 10"

# Order matters: two-character operators before "<", ">" and "=".
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<number>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)
    | (?P<name>[^\W\d][\w-]*)
    | (?P<op><=|>=|==|<|>)
    | (?P<equals>=)
    | (?P<lbracket>\[)
    | (?P<rbracket>\])
    | (?P<comma>,)
    """,
    re.VERBOSE,
)
_ALLOWED_CHARACTERS = "letters, digits, '_', '-', '+', '.', '[', ']', '=', ',', '<', '>' and spaces"
_ID_AFTER_EQUALS = re.compile(rf"\s*({ID_CHARACTER}+)")
"""What follows ``=`` in a selector: an id, read by the scenario's own rule."""


@dataclass(frozen=True)
class Target:
    """``metric[group=..., category=...] op threshold``; ``""`` selects all."""

    metric: str
    group: str
    category: str
    op: str
    threshold: float
    text: str

    def holds(self, value: float) -> bool:
        """Whether ``value`` meets the target; NaN (no value) never does."""
        value = float(value)
        if math.isnan(value):
            return False
        return OPERATORS[self.op](value, self.threshold)

    def __str__(self) -> str:
        selectors = [
            f"{key}={value}"
            for key, value in (("group", self.group), ("category", self.category))
            if value
        ]
        where = f"[{', '.join(selectors)}]" if selectors else ""
        return f"{self.metric}{where} {self.op} {_format_number(self.threshold)}"


def parse_target(
    text: str,
    metrics: Iterable[str],
    groups: Iterable[str],
    categories: Iterable[str],
) -> Target:
    """Parse and check a target expression (see the module docstring for the grammar)."""
    return _Parser(
        text,
        metrics=list(dict.fromkeys(metrics)),
        allowed={"group": list(dict.fromkeys(groups)), "category": list(dict.fromkeys(categories))},
    ).parse()


class _Token(NamedTuple):
    kind: str  # number, name, id (after "="), op, equals, lbracket, rbracket, comma
    text: str
    start: int  # index in the expression, from 0
    end: int


def _format_number(value: float) -> str:
    """Shortest text that reads back as ``value``: 10, 0.5, 1e-05, not 10.0."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _allowed_list(names: list[str]) -> str:
    return ", ".join(names) if names else "(none)"


def _tokenize(text: str, fail: Callable[[str], InputError]) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            if tokens and tokens[-1].kind in ("equals", "id"):  # in a selector's id
                raise fail(
                    f"character {char!r} at position {position + 1} is not allowed in an id: "
                    f"an id is {ID_RULE}"
                )
            if char in "+-.":
                raise fail(
                    f"character {char!r} at position {position + 1} is not part of a "
                    "number or a name"
                )
            raise fail(
                f"character {char!r} at position {position + 1} is not allowed "
                f"(allowed: {_ALLOWED_CHARACTERS})"
            )
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            tokens.append(_Token(kind, match.group(), match.start(), match.end()))
        position = match.end()
        if kind == "equals":  # a selector's id: every character the id rule allows
            found = _ID_AFTER_EQUALS.match(text, position)
            if found is not None:
                tokens.append(_Token("id", found.group(1), found.start(1), found.end(1)))
                position = found.end()
    return tokens


class _Parser:
    """Recursive descent over the tokens; one method per grammar rule."""

    def __init__(self, text: str, metrics: list[str], allowed: dict[str, list[str]]) -> None:
        self.text = text
        self.metrics = metrics
        self.allowed = allowed
        self.tokens = _tokenize(text, self.error)
        self.index = 0

    def error(self, message: str) -> InputError:
        return InputError([Problem(OPTION, self.text, message)])

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def describe(self, token: _Token) -> str:
        return f"{token.text!r} at position {token.start + 1}"

    def adjacent_run(self) -> tuple[str, int]:
        """The text of the name/number tokens from here written without spaces between
        (a threshold such as ``10abc`` is shown whole)."""
        first = self.tokens[self.index]
        end = first.end
        count = 1
        for token in self.tokens[self.index + 1 :]:
            if token.start != end or token.kind not in ("name", "number"):
                break
            end = token.end
            count += 1
        return self.text[first.start : end], count

    def parse(self) -> Target:
        if not self.tokens:
            raise self.error(f"empty target expression; expected e.g. '{EXAMPLE}'")
        metric = self.metric()
        selected = self.selectors()
        op = self.operator(after=self.text[: self.tokens[self.index - 1].end].strip())
        threshold = self.threshold(op)
        rest = self.peek()
        if rest is not None:
            raise self.error(
                f"unexpected text {self.text[rest.start :].strip()!r} at position "
                f"{rest.start + 1} after the threshold; a target is one comparison, "
                f"e.g. '{EXAMPLE}'"
            )
        return Target(
            metric=metric,
            group=selected.get("group", ""),
            category=selected.get("category", ""),
            op=op,
            threshold=threshold,
            text=self.text,
        )

    def metric(self) -> str:
        token = self.tokens[0]
        if token.kind != "name":
            raise self.error(
                f"expected a metric name at the start, got {self.describe(token)}; e.g. '{EXAMPLE}'"
            )
        self.index = 1
        name = token.text
        if name not in self.metrics:
            close = difflib.get_close_matches(name, self.metrics, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else "."
            raise self.error(
                f"unknown metric {name!r}{hint} Allowed: {_allowed_list(self.metrics)}"
            )
        return name

    def selectors(self) -> dict[str, str]:
        token = self.peek()
        if token is None or token.kind != "lbracket":
            return {}
        self.index += 1
        selected: dict[str, str] = {}
        while True:
            key, value = self.selector()
            if key in selected:
                raise self.error(f"selector {key!r} given twice")
            selected[key] = value
            token = self.peek()
            if token is None:
                raise self.error("missing ']' to close the selectors")
            self.index += 1
            if token.kind == "rbracket":
                return selected
            if token.kind != "comma":
                raise self.error(
                    f"expected ',' or ']' after {key}={value}, got {self.describe(token)}"
                )

    def selector(self) -> tuple[str, str]:
        token = self.peek()
        if token is None or token.kind != "name":
            got = "the end" if token is None else self.describe(token)
            raise self.error(f"expected a selector (group=<id> or category=<id>), got {got}")
        key = token.text
        if key not in SELECTORS:
            raise self.error(
                f"unknown selector key {key!r} at position {token.start + 1} "
                f"(allowed: {', '.join(SELECTORS)})"
            )
        self.index += 1
        token = self.peek()
        if token is None or token.kind != "equals":
            got = "the end" if token is None else self.describe(token)
            raise self.error(f"expected '=' after {key!r}, got {got}")
        self.index += 1
        token = self.peek()
        if token is None or token.kind != "id":
            got = "the end" if token is None else self.describe(token)
            raise self.error(f"expected a {key} id after '{key}=', got {got}; an id is {ID_RULE}")
        self.index += 1
        value = token.text
        allowed = self.allowed[key]
        if value not in allowed:
            close = difflib.get_close_matches(value, allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise self.error(f"unknown {key} {value!r}{hint} (allowed: {_allowed_list(allowed)})")
        return key, value

    def operator(self, after: str) -> str:
        token = self.peek()
        choices = ", ".join(OPERATORS)
        if token is None:
            raise self.error(
                f"missing comparison operator ({choices}) and threshold after {after!r}"
            )
        if token.kind == "equals":
            raise self.error(
                f"'=' at position {token.start + 1} is not a comparison; use '==' "
                f"(or one of {choices})"
            )
        if token.kind != "op":
            raise self.error(
                f"missing comparison operator ({choices}) before {self.describe(token)}"
            )
        self.index += 1
        return token.text

    def threshold(self, op: str) -> float:
        token = self.peek()
        if token is None:
            raise self.error(f"missing threshold (a number) after {op!r}")
        if token.kind not in ("name", "number"):
            raise self.error(f"threshold must be a number, got {self.describe(token)}")
        run, count = self.adjacent_run()
        if token.kind != "number" or count > 1:
            raise self.error(
                f"threshold must be a number, got {run!r} at position {token.start + 1}"
            )
        self.index += 1
        value = float(token.text)
        if not math.isfinite(value):
            raise self.error(f"threshold {token.text!r} is too large to be a finite number")
        return value
