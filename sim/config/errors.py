"""Input errors: what a user wrote wrong, said so that they can fix it."""

from __future__ import annotations

from dataclasses import dataclass, field


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


def single(file: str, key: str, message: str, kind: type[InputError] = ScenarioError) -> InputError:
    return kind([Problem(str(file), key, message)])
