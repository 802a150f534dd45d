"""A first-come queue that any member can leave in constant time (:class:`FifoSet`)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Generic, TypeVar

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
