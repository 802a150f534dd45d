"""Input errors: what a user wrote wrong, said so that they can fix it."""

from __future__ import annotations

import reprlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (file and dotted key) and what."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}" if self.key else self.file
        return f"{where}: {self.message}"


@dataclass
class InputError(Exception):
    """Invalid user input (scenario, override, option). The CLI exits with code 2."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class ScenarioError(InputError):
    """A scenario file (or an override of one) is invalid."""


class CrossReferenceError(ValueError):
    """A rule that relates several keys; carries the location of the offending key."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


def single(file: str, key: str, message: str, kind: type[InputError] = ScenarioError) -> InputError:
    return kind([Problem(str(file), key, message)])


_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
_short.maxlong = 40
_short.maxdict = 6
_short.maxlist = 6
_short.maxlevel = 3


def brief(value: Any, limit: int = 100) -> str:
    """``repr(value)`` cut to a readable length (for error messages)."""
    return brief_text(_short.repr(value), limit)


def brief_text(text: str, limit: int = 80) -> str:
    """Text cut to ``limit`` characters, with an ellipsis where it was cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
