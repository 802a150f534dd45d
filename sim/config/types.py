"""Limits and number types of scenario keys (``scenarios/README.md``, "Limits").

Every number in a scenario is finite and inside a documented range; whole numbers reject
``true`` and ``"5"`` (a ``5.0`` is read as 5). The limits lie far beyond any
municipality; they keep every mistake a clear message instead of a crash or a hang.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict

MAX_UNITS = 100_000
"""Most dwellings in a category, a build, emergency units or follow-up slots."""
MAX_HOUSEHOLDS = 100_000
"""Most households on a group's list at the start (``initial_waiting``)."""
MAX_APPLICATIONS = 100_000.0
"""Most applications a group makes in a year."""
MAX_RATE = 10_000.0
"""Largest hazard per household and year (withdrawal, breakdown, exits)."""
MIN_DURATION = 1.0 / MAX_RATE
"""Shortest duration in years (contract length, time to self-sufficiency)."""
MAX_DURATION = 1_000.0
"""Longest duration in years (contract length, time to self-sufficiency, warm-up)."""
MAX_YEARS = 1_000
"""Most reported years."""
MAX_ROOMS = 20
MAX_TURNAROUND_DAYS = 3_650.0
MAX_CV = 10.0
MIN_CV = 0.01
"""Smallest cv of a lognormal or gamma duration: the sampler's tables are exact from there
(measured down to 0.0016); a narrower duration is ``fixed``."""
MIN_SPREAD = 0.001
"""Smallest max - min of a triangular duration, as a share of its mean."""
MAX_FACTOR = 100.0
MAX_PRICE = 1e9
MAX_PRIORITY = 1_000
MAX_RENEWALS = 1_000
MAX_LEAD_YEARS = 100
MAX_REPLICATIONS = 100_000
MAX_SEED = 2**63 - 1
MAX_ENTRIES = 100
"""Most categories, and most groups, in a scenario."""
MAX_BUILDS = 1_000
MAX_LABEL = 200
MAX_DESCRIPTION = 10_000
MAX_ID = 64
ID_CHARACTER = r"[\w-]"
"""A character of a category or group id: a letter of any alphabet (``æ``, ``ø``, ``å``
too), a digit, ``_`` or ``-`` (a Unicode word character, or ``-``). Scenario files and
``sim size --target`` read ids by this one rule."""
ID_RULE = f"letters (æ, ø, å too), digits, '_' or '-', at most {MAX_ID} characters"
_ID = re.compile(f"{ID_CHARACTER}{{1,{MAX_ID}}}")


def is_id(value: Any) -> bool:
    """Whether ``value`` is a valid category or group id (:data:`ID_RULE`).

    >>> is_id("rusavhengige"), is_id("særskilt_bolig"), is_id("18-25"), is_id("a b")
    (True, True, True, False)
    """
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def integral(value: Any) -> Any:
    """A whole number written as a float (``5.0``) is that whole number."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def _room_key(value: Any) -> Any:
    """A room count written as a quoted number (``'2'``) is that number."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return integral(value)


# whole numbers: 5.0 is read as 5; True and "5" are not numbers
Units = Annotated[int, BeforeValidator(integral), Strict(), Field(ge=0, le=MAX_UNITS)]
Households = Annotated[int, BeforeValidator(integral), Strict(), Field(ge=0, le=MAX_HOUSEHOLDS)]
Rooms = Annotated[int, BeforeValidator(integral), Strict(), Field(ge=1, le=MAX_ROOMS)]
Priority = Annotated[
    int, BeforeValidator(integral), Strict(), Field(ge=-MAX_PRIORITY, le=MAX_PRIORITY)
]
Renewals = Annotated[int, BeforeValidator(integral), Strict(), Field(ge=0, le=MAX_RENEWALS)]
LeadYears = Annotated[int, BeforeValidator(integral), Strict(), Field(ge=0, le=MAX_LEAD_YEARS)]
Year = Annotated[int, BeforeValidator(integral), Strict(), Field(ge=1800, le=2500)]
Change = Annotated[int, BeforeValidator(integral), Strict(), Field(ge=-MAX_UNITS, le=MAX_UNITS)]
Probability = Annotated[float, Strict(), Field(ge=0.0, le=1.0)]
Rate = Annotated[float, Strict(), Field(ge=0.0, le=MAX_RATE)]
Duration = Annotated[float, Strict(), Field(ge=MIN_DURATION, le=MAX_DURATION)]
Days = Annotated[float, Strict(), Field(ge=0.0, le=MAX_TURNAROUND_DAYS)]
Variation = Annotated[float, Strict(), Field(ge=0.0, le=MAX_CV)]
Factor = Annotated[float, Strict(), Field(ge=0.0, le=MAX_FACTOR)]
Price = Annotated[float, Strict(), Field(ge=0.0, le=MAX_PRICE)]
Flag = Annotated[bool, Strict()]
Text = Annotated[str, Field(max_length=MAX_LABEL)]
RoomShares = dict[Annotated[Rooms, BeforeValidator(_room_key)], Probability]


class Frozen(BaseModel):
    """Base of every scenario object: unknown keys are errors, objects are immutable."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, validate_default=True
    )


class Translated(Frozen):
    """A label in Norwegian bokmål and English (``label: {nb: ..., en: ...}``); either
    may be left out, and the other is shown in its place."""

    nb: Text = ""
    en: Text = ""


Label = Text | Translated
"""A display name: one text for both languages, or ``{nb: ..., en: ...}``."""
