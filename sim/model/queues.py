"""Queues of the model: a first-come queue that any member can leave in constant time
(:class:`FifoSet`) and the sorted waiting lists (the event queue is ``engine.py``'s)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
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


# --- the waiting lists: ordered by numbers compared in compiled code ---
#
# ``bisect`` compares tuples through Python's generic comparison (each element compared
# for equality, then for order); the waiting lists below compare the typed keys of their
# entries (no tuple or boxed number an entry), as the event heap of ``engine.py`` does.
# They keep exactly the order ``bisect`` would: a waiting list's live entries are those of
# a sorted list.


class Entry:
    """A household's place on the waiting lists: its key (``rank``, ``seniority``, ``id``,
    compared in that order; ids are unique) and the household. A household on several
    lists has the same entry on each; leaving them, it marks the entry dead (``live``)
    and lets go of the household (``household`` None), which nothing reads of a dead entry."""

    __slots__ = ("household", "id", "live", "rank", "seniority")

    def __init__(self, rank: float, seniority: float, id: int, household: Any) -> None:
        self.rank = rank
        self.seniority = seniority
        self.id = id
        self.household = household
        self.live = True

    def key(self) -> tuple[float, float, int]:
        return (self.rank, self.seniority, self.id)


def _before(a: Entry, b: Entry) -> bool:
    """Whether entry ``a`` comes before ``b`` on a list (rank, then seniority, then id)."""
    if a.rank != b.rank:
        return a.rank < b.rank
    if a.seniority != b.seniority:
        return a.seniority < b.seniority
    return a.id < b.id


CHUNK: Final = 512
"""Entries a chunk of a waiting list holds at most: a fuller one is split in two."""


class WaitingList:
    """A category's waiting list: its members' entries in the order of their keys.

    The entries are kept in chunks (``chunks``, each in order, one after the other) of
    at most :data:`CHUNK`, as ``sortedcontainers.SortedList`` keeps its items: a
    household ranked ahead of most of the list is inserted into one chunk, not into one
    list of them all, where it would move every entry behind it (the cost of an insert
    would grow with the list, and that of a run with the square of the municipality).
    Most households join at the back (they applied last), which is an append; the others
    are inserted where ``bisect.insort`` would put them. A household that leaves is not
    looked for: its entry is only marked dead (:meth:`discard`), skipped by those who
    read the list, passed over when it is first (:meth:`start`; ``head`` is the first
    chunk's first entry that may be live), and all dead entries are dropped at once when
    they outnumber the live ones, as :class:`FifoSet` does. The live entries are always
    exactly those of a sorted list with inserts and deletes.

    >>> waiting = WaitingList()
    >>> a, b, c = Entry(0.0, 2.0, 7, "a"), Entry(0.0, 1.0, 9, "b"), Entry(-1.0, 5.0, 3, "c")
    >>> for entry in (a, b, c):
    ...     waiting.add(entry)
    >>> b.live = False; waiting.discard()
    >>> [entry.household for entry in waiting.members()], len(waiting)
    (['c', 'a'], 2)
    """

    __slots__ = ("chunks", "head", "live", "size")

    def __init__(self, entries: list[Entry] | None = None) -> None:
        self.chunks: list[list[Entry]] = []
        self.head = 0  # entries of the first chunk before it are dead
        self.size = 0  # entries in the chunks, dead ones included
        self.live = 0
        if entries:
            self._fill(entries)

    def __len__(self) -> int:
        return self.live

    def _fill(self, entries: list[Entry]) -> None:
        """Hold ``entries`` (live, in order) and nothing else, in half-full chunks."""
        step = CHUNK >> 1
        self.chunks = [entries[i : i + step] for i in range(0, len(entries), step)]
        self.head = 0
        self.size = self.live = len(entries)

    def add(self, entry: Entry) -> None:
        """Put a live entry in its place."""
        self.live += 1
        self.size += 1
        chunks = self.chunks
        last = len(chunks) - 1
        if last < 0:
            chunks.append([entry])
            return
        chunk = chunks[last]
        if _before(chunk[len(chunk) - 1], entry):
            chunk.append(entry)
            if len(chunk) > CHUNK:
                self._split(last)
            return
        low = 0  # the first chunk whose last entry does not come before this one
        high = last
        while low < high:
            middle = (low + high) >> 1
            chunk = chunks[middle]
            if _before(chunk[len(chunk) - 1], entry):
                low = middle + 1
            else:
                high = middle
        index = low
        chunk = chunks[index]
        low = self.head if index == 0 else 0
        high = len(chunk)
        while low < high:
            middle = (low + high) >> 1
            if _before(chunk[middle], entry):
                low = middle + 1
            else:
                high = middle
        chunk.insert(low, entry)
        if len(chunk) > CHUNK:
            self._split(index)

    def _split(self, index: int) -> None:
        chunks = self.chunks
        chunk = chunks[index]
        if index == 0 and self.head:  # drop the dead front first
            del chunk[: self.head]
            self.size -= self.head
            self.head = 0
            if len(chunk) <= CHUNK:
                return
        half = len(chunk) >> 1
        chunks.insert(index + 1, chunk[half:])
        del chunk[half:]

    def discard(self) -> None:
        """One of the entries has just been marked dead."""
        live = self.live - 1
        self.live = live
        if self.size > 2 * live + SLACK:
            self._fill(self.members())

    def start(self) -> int:
        """The index in the first chunk of the first live entry (dropping chunks with
        none); ``0`` if there is no chunk."""
        chunks = self.chunks
        head = self.head
        while chunks:
            chunk = chunks[0]
            size = len(chunk)
            while head < size and not chunk[head].live:
                head += 1
            if head < size:
                break
            del chunks[0]
            self.size -= size
            head = 0
        self.head = head
        return head

    def members(self) -> list[Entry]:
        """The live entries in order."""
        members = []
        chunks = self.chunks
        first = self.head
        for c in range(len(chunks)):
            chunk = chunks[c]
            for i in range(first, len(chunk)):
                entry = chunk[i]
                if entry.live:
                    members.append(entry)
            first = 0
        return members
