"""Unit tests: the first-come queue (``sim/model/queues.py``) keeps the order a ``deque``
with ``append``, ``popleft`` and ``remove`` would, whatever the mix of operations."""

from __future__ import annotations

import random
from collections import deque

import pytest

from sim.model.queues import SLACK, FifoSet


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
