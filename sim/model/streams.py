"""Random numbers with discipline: named streams, and draws that belong to one entity.

Every stochastic input of replication ``r`` of a scenario with seed ``s`` comes from a
stream seeded by ``(s, r, stable_hash(name))``: streams are independent of one another
and of the order in which they are first used, so replication ``r`` of two scenarios
shares its random numbers (common random numbers).

A stream is consumed by one process in a fixed order (the arrivals of one group, the
initial tenants of one category). Draws that belong to one household or one dwelling do
not come from a stream shared in event order: a household takes a block of
:data:`BLOCK` uniforms from its group's stream when it is created, and every draw it will
need has a fixed place there (the ``D_*`` constants); its j-th draw for a purpose that repeats
(breakdowns, renewals, offers) is the j-th of that purpose whatever else happened.
Draws beyond the block, and the draws of dwellings, are counter-based:
:func:`hashed_uniform` of the entity's key, the purpose and the occurrence. Every draw is
made unconditionally: a rate of 0 turns a drawn clock into "never" instead of skipping
the draw. No global random state is touched.
"""

from __future__ import annotations

import hashlib
import math
import struct
from array import array
from typing import Final

import numpy as np

BUFFER: Final = 4096
"""Uniforms generated per call into numpy."""

MASK: Final = (1 << 64) - 1


def stable_hash(name: str) -> int:
    """A 64-bit hash of a stream name that is the same on every machine and run."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big")


def mix64(value: int) -> int:
    """The splitmix64 finaliser: a bijective, well-mixing map of 64-bit integers."""
    z = value & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def entity_key(seed: int, replication: int, name_hash: int, index: int) -> int:
    """The 64-bit key of entity ``index`` of a named kind (its name's ``stable_hash``)."""
    z = mix64(name_hash ^ mix64(seed + 0x9E3779B97F4A7C15 * (replication + 1)))
    return mix64(z + 0xD1B54A32D192ED03 * (index + 1))


def _counter(key: int, purpose: int, occurrence: int) -> int:
    # splitmix64: the state key + n * golden gamma, mixed; purposes lie far apart in n
    return mix64(key + (purpose << 40) + occurrence * 0x9E3779B97F4A7C15)


def hashed_uniform(key: int, purpose: int, occurrence: int) -> float:
    """A uniform in [0, 1) that depends only on (key, purpose, occurrence)."""
    return (_counter(key, purpose, occurrence) >> 11) * (1.0 / 9007199254740992.0)


def hashed_normal(key: int, purpose: int, occurrence: int) -> float:
    """A standard normal number that depends only on (key, purpose, occurrence).

    Box–Muller on the two 32-bit halves of one hashed 64-bit number.
    """
    z = _counter(key, purpose, occurrence)
    u1 = ((z >> 32) + 0.5) * (1.0 / 4294967296.0)  # in (0, 1)
    u2 = (z & 0xFFFFFFFF) * (1.0 / 4294967296.0)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def unit_exponential(u: float) -> float:
    """An exponential number with mean 1 from a uniform in [0, 1)."""
    return -math.log(1.0 - u)


class Stream:
    """One named stream of uniform random numbers, consumed in a fixed order.

    >>> a = Stream(seed=1, replication=0, name="arrivals/refugees")
    >>> b = Stream(seed=1, replication=0, name="arrivals/refugees")
    >>> [a.uniform() for _ in range(3)] == [b.uniform() for _ in range(3)]
    True
    """

    __slots__ = ("_buffer", "_generator", "_next", "_size", "name")

    def __init__(self, seed: int, replication: int, name: str) -> None:
        self.name = name
        key = stable_hash(name)
        sequence = np.random.SeedSequence([seed, replication, key & 0xFFFFFFFF, key >> 32])
        self._generator = np.random.Generator(np.random.PCG64(sequence))
        self._buffer = array("d")
        self._size = 0  # len(self._buffer), kept as a number the compiled engine reads
        self._next = 0

    def _ensure(self, count: int) -> int:
        """The index of the next value, with at least ``count`` values from it on."""
        index = self._next
        if index + count > self._size:
            fresh = self._generator.random(max(BUFFER, count)).tobytes()
            buffer = self._buffer[index:]
            buffer.frombytes(fresh)
            self._buffer = buffer
            self._size = len(buffer)
            self._next = index = 0
        return index

    def uniform(self) -> float:
        """A uniform number in [0, 1)."""
        index = self._ensure(1)
        self._next = index + 1
        return self._buffer[index]

    def peek(self) -> float:
        """The next uniform number, left in the stream."""
        index = self._ensure(1)  # may replace the buffer: read it after
        return self._buffer[index]

    def skip(self, count: int) -> None:
        """Pass over the next ``count`` numbers (a block nobody will read)."""
        self._next = self._ensure(count) + count

    def exponential(self, rate: float) -> float:
        """An exponential time with the given rate; one draw always, infinite at rate 0."""
        work = unit_exponential(self.uniform())
        return work / rate if rate > 0.0 else math.inf

    def choice(self, cumulative: list[float]) -> int:
        """Index drawn from a cumulative distribution (last element 1); one draw always."""
        u = self.uniform()
        for index, bound in enumerate(cumulative):
            if u < bound:
                return index
        return len(cumulative) - 1

    def block(self) -> tuple[float, ...]:
        """The next :data:`BLOCK` uniforms (a household's block), as one tuple: unpacked
        from the buffer in one call, which costs less than reading them one by one.

        >>> stream = Stream(seed=1, replication=0, name="households/a")
        >>> first = stream.uniform()
        >>> block = stream.block()
        >>> fresh = Stream(seed=1, replication=0, name="households/a")
        >>> [fresh.uniform() for _ in range(BLOCK + 1)][1:] == list(block)
        True
        """
        index = self._ensure(BLOCK)
        self._next = index + BLOCK
        return _BLOCK_LAYOUT.unpack_from(self._buffer, index * 8)

    def normals(self, count: int) -> array[float]:
        """``count`` standard normal numbers, as one compact array."""
        values = array("d")
        values.frombytes(self._generator.standard_normal(count).tobytes())
        return values


class Streams:
    """The streams of one replication, created on first use by name."""

    __slots__ = ("_names", "_streams", "replication", "seed")

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication
        self._streams: dict[str, Stream] = {}
        self._names: dict[str, int] = {}

    def __getitem__(self, name: str) -> Stream:
        stream = self._streams.get(name)
        if stream is None:
            stream = self._streams[name] = Stream(self.seed, self.replication, name)
        return stream

    def key(self, name: str, index: int) -> int:
        """The key of entity ``index`` of ``name`` for :func:`hashed_uniform`."""
        name_hash = self._names.get(name)
        if name_hash is None:
            name_hash = self._names[name] = stable_hash(name)
        return entity_key(self.seed, self.replication, name_hash, index)


# --- the draws of one household ------------------------------------------------------


# Places of a household's draws in its block. A single draw has one place; a purpose that
# repeats has REPEATS places, and its occurrences beyond them are hashed from the
# household's key (the last place). Clocks are unit exponentials that run down at their
# hazard rate while their condition holds (see sim/model/housing.py).
D_APPROVAL: Final = 0
D_ROOMS: Final = 1
D_PERMANENT: Final = 2
D_FOLLOWUP: Final = 3
D_HOMELESS: Final = 4
D_WITHDRAW: Final = 5  # clock: runs while on the waiting list
D_SELF_SUFFICIENT: Final = 6  # clock: runs while housed and not yet self-sufficient
D_OTHER_EXIT: Final = 7  # clock: runs while housed
D_LEAVE: Final = 8  # clock: runs while housed and able to leave
D_DESTINATION: Final = 9
D_BREAKDOWN: Final = 10  # repeats: the clock of breakdown j
D_REAPPLY: Final = 12  # repeats: the decision after breakdown j
D_RENEWAL: Final = 14  # repeats: discretionary renewal j
D_REFUSAL: Final = 16  # repeats: offer j
D_CONTRACT_PHASE: Final = 18  # initial tenants: where in its contract a tenant starts
# places 19 to 22 are free for draws the model may come to need
D_KEY: Final = 23

REPEATS: Final = 2
BLOCK: Final = 24

_BLOCK_LAYOUT: Final = struct.Struct(f"={BLOCK}d")
"""A block of doubles as an ``array("d")`` holds them (native order and size)."""


# Purposes of draws that are hashed from the household's key from the first occurrence on:
# rare events, so no place in the block; the occurrence is the household's count of them.
H_SHELTER: Final = 32  # homelessness episode j: hospits or its own solution
H_HOSPITS_STAY: Final = 33  # the length of hospits stay j
H_NONRENEWAL: Final = 34  # non-renewal j: where the household goes
H_REAPPLY_NONRENEWAL: Final = 35  # non-renewal j to homelessness: whether it reapplies
H_REAPPLY_DELAY: Final = 36  # ... and after how long
H_OUTSIDE: Final = 37  # time j homeless outside the list: how long it is counted
H_FOLLOWUP_LENGTH: Final = 38  # the length of follow-up spell j


def household_key(key_draw: float) -> int:
    """The key a household's draws beyond its block are hashed from, made from the
    block's last uniform (``D_KEY``)."""
    return int(key_draw * 18446744073709551616.0) & MASK


def hashed(key_draw: float, purpose: int, occurrence: int) -> float:
    """Occurrence ``occurrence`` of a household's hashed draw for ``purpose`` (``H_*``),
    from its key draw (``D_KEY`` of its block)."""
    return hashed_uniform(household_key(key_draw), purpose, occurrence)
