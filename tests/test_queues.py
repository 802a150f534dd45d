"""Unit tests of ``sim/model/queues.py``: the first-come queue keeps the order a ``deque``
with ``append``, ``popleft`` and ``remove`` would, whatever the mix of operations; the
event heap and the sorted waiting lists keep the order ``heapq`` and ``bisect`` would."""

from __future__ import annotations

import bisect
import heapq
import math
import random
from collections import deque

import pytest

from sim.model.queues import (
    SLACK,
    FifoSet,
    Timer,
    sorted_index,
    sorted_insert,
    timer_pop,
    timer_push,
)


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
    come out as their (time, priority, id, timer) entries from ``heapq``."""
    rng = random.Random(seed)
    heap: list[Timer] = []
    reference: list = []
    ident = 0
    for _ in range(4000):
        if heap and rng.random() < 0.45:
            assert timer_pop(heap) is heapq.heappop(reference)[3]
        else:
            timer = Timer(print, ident)
            timer.time = rng.choice([1.0, 2.0, 2.5, rng.random() * 3, -0.0, 0.0])
            timer.priority = rng.choice([0, 1])
            timer.id = ident
            ident += 1
            timer_push(heap, timer)
            heapq.heappush(reference, (timer.time, timer.priority, timer.id, timer))
    while reference:
        assert timer_pop(heap) is heapq.heappop(reference)[3]
    assert heap == []


@pytest.mark.parametrize("seed", range(20))
def test_the_waiting_lists_keep_bisects_order(seed: int) -> None:
    """Entries (rank, seniority, id, household), with equal ranks and seniorities and a
    first place (-inf), are inserted and found where ``bisect`` puts and finds them."""
    rng = random.Random(seed)
    entries: list = []
    reference: list = []
    for ident in range(1500):
        if reference and rng.random() < 0.4:
            entry = rng.choice(reference)
            key = entry[:3]
            index = sorted_index(entries, key)
            assert index == bisect.bisect_left(reference, key)
            del entries[index]
            del reference[index]
        else:
            rank = rng.choice([0.0, -1.0, -math.inf, rng.random()])
            entry = (rank, rng.choice([0.5, 1.0, rng.random() * 10]), ident, object())
            sorted_insert(entries, entry)
            bisect.insort(reference, entry)
        assert entries == reference
