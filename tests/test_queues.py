"""Unit tests of ``sim/model/queues.py`` and of the event heap of ``sim/model/engine.py``:
the first-come queue keeps the order a ``deque`` with ``append``, ``popleft`` and
``remove`` would, whatever the mix of operations; the event heap and the sorted waiting
lists keep the order ``heapq`` and ``bisect`` would."""

from __future__ import annotations

import bisect
import heapq
import math
import random
from collections import deque

import pytest

from sim.model.engine import FREE, Timer, timer_pop, timer_push
from sim.model.queues import CHUNK, SLACK, Entry, FifoSet, WaitingList


@pytest.mark.parametrize("seed", range(20))
def test_same_order_as_a_deque(seed: int) -> None:
    rng = random.Random(seed)
    queue: FifoSet[int] = FifoSet()
    reference: deque[int] = deque()
    members = rng.randint(3, 40)
    for _ in range(3000):
        step = rng.random()
        if step < 0.4:
            item = rng.randrange(members)
            if item not in reference:
                queue.append(item)
                reference.append(item)
        elif step < 0.75:
            item = rng.randrange(members)
            queue.discard(item)  # a no-op for a non-member, as `if x in q: q.remove(x)`
            if item in reference:
                reference.remove(item)
        elif reference:
            if step < 0.9:
                assert queue.popleft() == reference.popleft()
            else:
                assert queue.first() == reference[0]
        assert list(queue) == list(reference)
        assert len(queue) == len(reference)
        assert bool(queue) == bool(reference)
        assert all(item in queue for item in reference)
        assert len(queue.entries) <= 2 * members + SLACK  # left entries do not pile up


def test_rejoining_goes_to_the_back() -> None:
    queue: FifoSet[str] = FifoSet()
    for name in ("a", "b", "c"):
        queue.append(name)
    queue.discard("a")
    queue.append("a")
    assert list(queue) == ["b", "c", "a"]
    assert [queue.popleft() for _ in range(3)] == ["b", "c", "a"]
    assert not queue and "a" not in queue


def test_empty_queue_has_no_first() -> None:
    queue: FifoSet[str] = FifoSet()
    queue.append("a")
    queue.discard("a")
    with pytest.raises(IndexError):
        queue.first()
    with pytest.raises(IndexError):
        queue.popleft()


# --- the event heap and the waiting lists: the order heapq and bisect would keep ---------


@pytest.mark.parametrize("seed", range(20))
def test_the_event_heap_pops_in_heapqs_order(seed: int) -> None:
    """Timers with many equal times and priorities, pushed and popped in a random mix,
    come out as their (time, priority, id, timer) entries from ``heapq``; the list
    never shrinks, and its slots past the heap's timers hold no timer."""
    rng = random.Random(seed)
    heap: list[Timer] = []
    size = 0
    reference: list = []
    ident = 0
    for _ in range(4000):
        if size and rng.random() < 0.45:
            assert timer_pop(heap, size) is heapq.heappop(reference)[3]
            size -= 1
        else:
            timer = Timer(print, ident)
            timer.time = rng.choice([1.0, 2.0, 2.5, rng.random() * 3, -0.0, 0.0])
            timer.priority = rng.choice([0, 1])
            timer.id = ident
            ident += 1
            timer_push(heap, size, timer)
            size += 1
            heapq.heappush(reference, (timer.time, timer.priority, timer.id, timer))
        assert size == len(reference) and all(slot is FREE for slot in heap[size:])
    longest = len(heap)
    while reference:
        assert timer_pop(heap, size) is heapq.heappop(reference)[3]
        size -= 1
    assert heap == [FREE] * longest


@pytest.mark.parametrize("seed", range(20))
def test_a_waiting_list_keeps_the_order_of_a_sorted_list(seed: int) -> None:
    """Entries with equal ranks and seniorities and a first place (-inf) join (mostly at
    the back, as applicants do), leave from anywhere and join again, some with the very
    key they left with; the live entries are always those of a list kept by ``bisect``,
    the front is found, and dead entries never outnumber live ones by more than SLACK."""
    rng = random.Random(seed)
    waiting = WaitingList()
    reference: list[tuple[float, float, int]] = []
    entries: dict[int, Entry] = {}  # id -> live entry
    left: list[Entry] = []
    clock = 0.0
    next_id = 0
    for _ in range(3000):
        step = rng.random()
        if reference and step < 0.45:
            key = reference.pop(0 if rng.random() < 0.5 else rng.randrange(len(reference)))
            entry = entries.pop(key[2])
            entry.live = False
            waiting.discard()
            left.append(entry)
        else:
            if left and step < 0.55:  # back with the key it left with, or a new one
                old = left.pop(rng.randrange(len(left)))
                rank, seniority = old.rank, old.seniority
                if rng.random() < 0.5:
                    rank = rng.choice([0.0, -1.0, -math.inf])
                ident = old.id
            else:
                clock += rng.choice([0.0, 0.5])
                rank = rng.choice([0.0, 0.0, 0.0, -1.0, -math.inf])
                seniority = clock if rng.random() < 0.9 else rng.random() * clock
                ident = next_id
                next_id += 1
            entry = Entry(rank, seniority, ident, ident)
            entries[ident] = entry
            waiting.add(entry)
            bisect.insort(reference, entry.key())
        assert [entry.key() for entry in waiting.members()] == reference
        assert len(waiting) == len(reference)
        front = waiting.start()
        if reference:
            assert waiting.chunks[0][front].key() == reference[0]
        else:
            assert waiting.chunks == []
        held = [entry for chunk in waiting.chunks for entry in chunk]
        assert len(held) == waiting.size <= 2 * len(reference) + SLACK + 1
        keys = [entry.key() for entry in held[front:]]  # dead ones too, from the front on
        assert keys == sorted(keys)


def test_a_waiting_list_appends_who_joins_at_the_back() -> None:
    waiting = WaitingList()
    first, second = Entry(0.0, 1.0, 1, "a"), Entry(0.0, 2.0, 2, "b")
    waiting.add(first)
    waiting.add(second)
    first.live = False
    waiting.discard()
    later = Entry(0.0, 0.5, 3, "c")  # before the dead front entry: in front of the live
    waiting.add(later)
    assert [entry.household for entry in waiting.members()] == ["c", "b"]
    assert waiting.chunks[0][waiting.start()] is later


@pytest.mark.parametrize("seed", range(3))
def test_a_long_waiting_list_is_kept_in_chunks_in_order(seed: int) -> None:
    """A list many chunks long, with households of a first rank inserted ahead of most
    of it, others leaving from the front and from anywhere: its live entries are those
    of a list kept by ``bisect``, no chunk is empty or holds more than CHUNK, and the
    first live entry is found where the first chunk's ``head`` says."""
    rng = random.Random(seed)
    waiting = WaitingList()
    reference: list[tuple[float, float, int]] = []
    entries: dict[int, Entry] = {}
    for ident in range(6 * CHUNK):
        rank = -1.0 if rng.random() < 0.2 else 0.0
        entry = Entry(rank, float(ident), ident, ident)
        entries[ident] = entry
        waiting.add(entry)
        bisect.insort(reference, entry.key())
        if rng.random() < 0.3:  # the first in line is housed, or someone leaves
            key = reference.pop(0 if rng.random() < 0.5 else rng.randrange(len(reference)))
            entries.pop(key[2]).live = False
            waiting.discard()
        if ident % 97 == 0 or ident == 6 * CHUNK - 1:
            assert [entry.key() for entry in waiting.members()] == reference
            assert all(0 < len(chunk) <= CHUNK for chunk in waiting.chunks)
            assert waiting.chunks[0][waiting.start()].key() == reference[0]
    assert len(waiting.chunks) >= 3 and len(waiting) == len(reference)
