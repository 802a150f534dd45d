"""Old spellings of the Python API, kept working for one release with a warning.

The functions of :mod:`sim.api` take their subject by position and every option by
keyword. Scripts written for the previous release may still pass options by position
(in the old order) or by an old name, or ``lang="no"``; they keep working for one
release, with a :class:`DeprecationWarning` that names the new spelling.

>>> @keyword_first(positional=("size",), renamed={"length": "size"})
... def grow(thing: str, *, size: int = 1) -> str:
...     return thing * size
>>> import inspect, warnings
>>> print(inspect.signature(grow))
(thing: 'str', *, size: 'int' = 1) -> 'str'
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     grow("a", 2), grow("a", length=3)
('aa', 'aaa')
>>> print(caught[0].message)  # doctest: +NORMALIZE_WHITESPACE
sim.grow: size by position is deprecated and will stop working in the next release;
write size=...
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any, ClassVar, TypeVar

import pandas as pd

F = TypeVar("F", bound=Callable[..., Any])

NEXT = "will stop working in the next release"


def deprecated(old: str, new: str, stacklevel: int = 3) -> None:
    """Warn that the spelling ``old`` is deprecated in favour of ``new``."""
    warnings.warn(f"{old} is deprecated and {NEXT}; write {new}", DeprecationWarning, stacklevel)


def keyword_first(
    positional: Sequence[str] = (), renamed: Mapping[str, str] | None = None
) -> Callable[[F], F]:
    """Let a function whose options are keyword-only still be called the old way:
    options by position in the old order ``positional`` (given by their new names), and
    keywords by their old names (``renamed``: old → new). ``inspect.signature`` and type
    checkers see the new signature."""
    renamed = dict(renamed or {})

    def decorate(function: F) -> F:
        name = f"sim.{function.__name__}"
        kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        first = sum(p.kind in kinds for p in inspect.signature(function).parameters.values())

        @wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if len(args) > first:
                extra = args[first:]
                if len(extra) > len(positional):
                    raise TypeError(
                        f"{name}() takes {first} positional argument"
                        f"{'s' if first > 1 else ''}; give the others by keyword"
                    )
                names = positional[: len(extra)]
                deprecated(
                    f"{name}: {', '.join(names)} by position",
                    ", ".join(f"{n}=..." for n in names),
                )
                for option, value in zip(names, extra, strict=True):
                    if option in kwargs:
                        raise TypeError(f"{name}() got multiple values for {option!r}")
                    kwargs[option] = value
                args = args[:first]
            for old, new in renamed.items():
                if old in kwargs:
                    deprecated(f"{name}: {old}=", f"{new}=")
                    if new in kwargs:
                        raise TypeError(f"{name}() got both {old}= and {new}=")
                    kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


class CallableFrame(pd.DataFrame):
    """A table that was a method before: ``result.table()`` still gives it, with a warning
    (``result.table`` is the table). What is derived from it is a plain DataFrame."""

    _metadata: ClassVar[list[str]] = ["old_call"]

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def __call__(self) -> pd.DataFrame:
        deprecated(f"{getattr(self, 'old_call', 'table')}()", getattr(self, "old_call", "table"))
        return pd.DataFrame(self)


def callable_frame(table: pd.DataFrame, name: str) -> CallableFrame:
    """``table`` as a :class:`CallableFrame` whose old call was ``name()``."""
    frame = CallableFrame(table)
    frame.old_call = name
    return frame


def language(lang: str, stacklevel: int = 4) -> str:
    """``nb`` (Norwegian bokmål) for the old ``no``, with a warning; other codes as they are."""
    if lang == "no":
        deprecated('lang="no"', 'lang="nb"', stacklevel)
        return "nb"
    return lang
