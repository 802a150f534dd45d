"""Random numbers: named streams of uniforms, and counter-based draws hashed from an
entity's key (the generators beneath :mod:`sim.model.streams`, which says how the model
uses them and holds the table of draws).

A stream of replication ``r`` of a scenario with seed ``s`` is seeded by
``(s, r, stable_hash(name))``; a hashed draw is :func:`hashed_uniform` of the entity's
key, the purpose's number and the occurrence. No global random state is touched.
"""

from __future__ import annotations

import hashlib
import math
import struct
from array import array
from typing import Final

import numpy as np

BLOCK: Final = 24
"""Uniforms in a household's block (:meth:`Stream.block`; the places of
:data:`~sim.model.streams.PURPOSES`)."""

_BLOCK_LAYOUT: Final = struct.Struct(f"={BLOCK}d")
"""A block of doubles as an ``array("d")`` holds them (native order and size)."""

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
