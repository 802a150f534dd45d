"""Queues of the event loop: a first-come queue that any member can leave in constant time
(:class:`FifoSet`), the event heap and the sorted waiting lists."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from types import FunctionType
from typing import Any, Final, Generic, TypeVar

T = TypeVar("T")

SLACK = 16
"""Left entries the queue may hold beyond its members before it drops them all at once."""


class FifoSet(Generic[T]):
    """Members in the order they joined; join at the back, leave from anywhere.

    The order is that of a ``deque`` with ``append``, ``popleft`` and ``remove``, but
    ``discard`` costs O(1) instead of a scan of the queue: a member that leaves only
    loses its ticket, and its entry is dropped when it reaches the front (or when left
    entries outnumber members, all at once). A member that joins again queues at the
    back with a new ticket, as after ``remove`` and ``append``.

    >>> queue = FifoSet()
    >>> for name in "abcd":
    ...     queue.append(name)
    >>> queue.discard("b"); queue.append("b"); queue.discard("a")
    >>> list(queue), queue.first(), queue.popleft(), len(queue), "b" in queue
    (['c', 'd', 'b'], 'c', 'c', 2, True)
    """

    __slots__ = ("entries", "next_ticket", "tickets")

    def __init__(self) -> None:
        self.entries: deque[tuple[int, T]] = deque()
        self.tickets: dict[T, int] = {}  # member -> the ticket of its live entry
        self.next_ticket = 0

    def __len__(self) -> int:
        return len(self.tickets)

    def __bool__(self) -> bool:
        return bool(self.tickets)

    def __contains__(self, item: T) -> bool:
        return item in self.tickets

    def __iter__(self) -> Iterator[T]:
        """The members, first in line first."""
        tickets = self.tickets
        return iter([item for ticket, item in self.entries if tickets.get(item) == ticket])

    def append(self, item: T) -> None:
        """Queue ``item`` at the back (it must not be a member)."""
        assert item not in self.tickets
        ticket = self.next_ticket
        self.next_ticket = ticket + 1
        self.tickets[item] = ticket
        self.entries.append((ticket, item))

    def discard(self, item: T) -> None:
        """Take ``item`` out of the queue if it is a member."""
        if self.tickets.pop(item, None) is None:
            return
        if len(self.entries) > 2 * len(self.tickets) + SLACK:
            self._compact()

    def first(self) -> T:
        """The member first in line (the queue must not be empty)."""
        self._drop_left()
        return self.entries[0][1]

    def popleft(self) -> T:
        """Take out and return the member first in line (the queue must not be empty)."""
        self._drop_left()
        item = self.entries.popleft()[1]
        del self.tickets[item]
        return item

    def _drop_left(self) -> None:
        entries = self.entries
        tickets = self.tickets
        while entries:
            ticket, item = entries[0]
            if tickets.get(item) == ticket:
                return
            entries.popleft()
        raise IndexError("the queue is empty")

    def _compact(self) -> None:
        tickets = self.tickets
        self.entries = deque(
            (ticket, item) for ticket, item in self.entries if tickets.get(item) == ticket
        )


# --- the event queue and the waiting lists: sorted by numbers compared in compiled code ---
#
# ``heapq`` and ``bisect`` compare tuples through Python's generic comparison (each element
# compared for equality, then for order); the functions below read the numbers of the
# entries into typed locals and compare those. They keep exactly the order those would: a
# heap pops its entries in the order of their keys whatever its layout, and a sorted list
# is sorted. Entries are handled as tuples of any length (typed tuples would be unpacked and
# packed anew at every move; a tuple of any length is read in place).

Event = tuple[float, int, int, Any]
"""An entry of simpy's event queue: (time, priority, id, event); ids are unique."""

Entry = tuple[float, float, int, Any]
"""An entry of a waiting list: (rank, seniority, household id, household); ids are unique."""


def _sooner(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Whether event entry ``a`` comes before ``b``."""
    time_a: float = a[0]
    time_b: float = b[0]
    if time_a != time_b:
        return time_a < time_b
    priority_a: int = a[1]
    priority_b: int = b[1]
    if priority_a != priority_b:
        return priority_a < priority_b
    id_a: int = a[2]
    id_b: int = b[2]
    return id_a < id_b


def heap_push(heap: list[tuple[Any, ...]], item: tuple[Any, ...]) -> None:
    """``heapq.heappush`` for event entries.

    >>> heap = []
    >>> for item in [(2.0, 1, 0, "b"), (1.0, 1, 1, "a"), (2.0, 0, 2, "c")]:
    ...     heap_push(heap, item)
    >>> [heap_pop(heap)[3] for _ in range(3)]
    ['a', 'c', 'b']
    """
    heap.append(item)
    pos = len(heap) - 1
    while pos > 0:
        up = (pos - 1) >> 1
        parent = heap[up]
        if not _sooner(item, parent):
            break
        heap[pos] = parent
        pos = up
    heap[pos] = item


def heap_pop(heap: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """``heapq.heappop`` for event entries (the heap must not be empty)."""
    last = heap.pop()
    size = len(heap)
    if size == 0:
        return last
    top = heap[0]
    pos = 0
    child = 1
    while child < size:
        right = child + 1
        if right < size and _sooner(heap[right], heap[child]):
            child = right
        smaller = heap[child]
        if not _sooner(smaller, last):
            break
        heap[pos] = smaller
        pos = child
        child = 2 * pos + 1
    heap[pos] = last
    return top


def _index(entries: list[tuple[Any, ...]], rank: float, seniority: float, id: int) -> int:
    """Where (rank, seniority, id) belongs in the sorted waiting list ``entries``."""
    low = 0
    high = len(entries)
    while low < high:
        middle = (low + high) >> 1
        entry = entries[middle]
        other_rank: float = entry[0]
        if other_rank != rank:
            before = other_rank < rank
        else:
            other_seniority: float = entry[1]
            if other_seniority != seniority:
                before = other_seniority < seniority
            else:
                other_id: int = entry[2]
                before = other_id < id
        if before:
            low = middle + 1
        else:
            high = middle
    return low


def sorted_insert(entries: list[tuple[Any, ...]], entry: tuple[Any, ...]) -> None:
    """Insert waiting-list ``entry`` where it belongs in the sorted ``entries``
    (``bisect.insort``).

    >>> entries = []
    >>> for entry in [(0.0, 2.0, 7, "b"), (0.0, 1.0, 9, "a"), (-1.0, 5.0, 3, "c")]:
    ...     sorted_insert(entries, entry)
    >>> [e[3] for e in entries], sorted_index(entries, (0.0, 2.0, 7))
    (['c', 'a', 'b'], 2)
    """
    entries.insert(_index(entries, entry[0], entry[1], entry[2]), entry)


def sorted_index(entries: list[tuple[Any, ...]], key: tuple[float, float, int]) -> int:
    """The index of the entry with ``key`` (rank, seniority, id) in the sorted ``entries``
    (``bisect.bisect_left``)."""
    return _index(entries, key[0], key[1], key[2])


NATIVE: Final = not isinstance(_sooner, FunctionType)
"""Whether this module runs compiled. Its heap and sorted-list functions pay only there: as
pure Python they are slower than ``heapq`` and ``bisect`` (which are C), so the engine
uses those when it is not compiled; both keep the same order (tested)."""
