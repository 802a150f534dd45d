"""Queues of the event loop: a first-come queue that any member can leave in constant time
(:class:`FifoSet`), the event heap and the sorted waiting lists."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
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
# compared for equality, then for order); the functions below compare numbers: the event
# heap holds the timers themselves and compares their typed keys (no tuple, boxed time or
# boxed id an event), the waiting lists read the numbers of their tuple entries into typed
# locals (tuples of any length: typed tuples would be unpacked and packed anew at every
# move). They keep exactly the order ``heapq`` and ``bisect`` would: a heap pops its
# entries in the order of their keys whatever its layout, and a sorted list is sorted.

Entry = tuple[float, float, int, Any]
"""An entry of a waiting list: (rank, seniority, household id, household); ids are unique."""


class Timer:
    """A bare timed callback, lighter than a ``simpy.Timeout``: the event of the engine's
    event queue (:meth:`sim.model.state.State.schedule`).

    Its key is ``time``, ``priority`` and ``id`` (the order it was scheduled in), compared
    in that order as simpy compares the entries of its queue. Compiled, the heap holds the
    timers themselves and compares their keys as numbers (:func:`timer_push`,
    :func:`timer_pop`); as pure Python it holds simpy's ``(time, priority, id, timer)``
    tuples and uses ``heapq``. For ``simpy.Environment.step`` itself (tested) a timer has
    what that reads of an event: ``callbacks`` and ``_ok`` (simpy 4.1's internals, pinned
    in ``pyproject.toml`` and checked in ``tests/test_engines.py``).
    """

    __slots__ = ("_ok", "callback", "id", "pending", "priority", "time", "value")

    def __init__(self, callback: Callable[[Timer], None], value: Any) -> None:
        self.callback = callback
        self.value = value
        self.pending = True
        self._ok = True
        self.time = 0.0
        self.priority = 0
        self.id = 0

    @property
    def callbacks(self) -> list[Callable[[Timer], None]] | None:
        """simpy's view: the callbacks to run, ``None`` once taken."""
        return [self.callback] if self.pending else None

    @callbacks.setter
    def callbacks(self, value: list[Callable[[Timer], None]] | None) -> None:
        self.pending = value is not None


def _sooner(a: Timer, b: Timer) -> bool:
    """Whether timer ``a`` comes before ``b`` (time, then priority, then id)."""
    if a.time != b.time:
        return a.time < b.time
    if a.priority != b.priority:
        return a.priority < b.priority
    return a.id < b.id


def timer_push(heap: list[Timer], item: Timer) -> None:
    """``heapq.heappush`` for timers, by their keys.

    >>> heap = []
    >>> for name, time, priority in [("b", 2.0, 1), ("a", 1.0, 1), ("c", 2.0, 0)]:
    ...     timer = Timer(print, name)
    ...     timer.time, timer.priority = time, priority
    ...     timer_push(heap, timer)
    >>> [timer_pop(heap).value for _ in range(3)]
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


def timer_pop(heap: list[Timer]) -> Timer:
    """``heapq.heappop`` for timers (the heap must not be empty)."""
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
