"""The event engine of a replication: a clock, a calendar of timers and the loop that runs
them, with nothing of the housing model in it.

:class:`Engine` runs :class:`Timer` s (bare timed callbacks) in a fixed order: by time,
then priority (:data:`URGENT` before :data:`NORMAL`), then the order they were scheduled
in. That order, the stop of :meth:`Engine.run_until` and the count of
:attr:`Engine.processed` are simpy's (``Environment.schedule`` and ``run(until=...)``):
simpy is the definition the engine is tested against, event for event
(``tests/simpy_oracle.py``), and is not used when a model runs.

Timers due in the current slice of a year (``1 / slices``) are kept in a heap; later ones
wait in their slice of a calendar until the clock reaches it (:meth:`Engine.schedule`).
Compiled, the heap holds the timers themselves and compares their keys as numbers
(:func:`timer_push`, :func:`timer_pop`); as pure Python it holds ``(time, priority, id,
timer)`` tuples and uses ``heapq`` (C), which is faster there. Both keep the same order
(tested).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from types import FunctionType
from typing import Any, Final

URGENT: Final = 0
NORMAL: Final = 1
"""Priorities of timers due at the same time: urgent ones run first. simpy's values
(``simpy.events.URGENT`` and ``NORMAL``; tested equal)."""

INFINITY: Final = float("inf")

SLICES: Final = 512
"""Slices of a year in the event calendar of a municipality of up to ``SLICE_UNITS``
dwellings (a power of two; see :meth:`Engine.schedule` and :func:`calendar_slices`)."""

SLICE_UNITS: Final = 1024
MAX_SLICES: Final = 65536
SPARE_TIMERS: Final = 4096
"""Fired timers kept for use again (:meth:`Engine.call`)."""

MAX_CALENDAR: Final = 1 << 22
"""Slices in a whole run beyond which a bigger municipality gets no finer calendar (the
list of slices is 8 bytes a slice: 32 MB)."""


def calendar_slices(units: int, years: float) -> int:
    """Slices of a year in the event calendar of a municipality with ``units`` dwellings,
    simulated for ``years`` (warm-up included): ``SLICES`` up to ``SLICE_UNITS``, twice as
    many for each doubling beyond, so a slice holds about as many events at any size and
    the heap stays as small; at most ``MAX_SLICES``, and no more than ``MAX_CALENDAR`` in
    the whole run unless that is below ``SLICES``. Always a power of two. The order of
    events does not depend on it.

    >>> calendar_slices(827, 20), calendar_slices(8_270, 20), calendar_slices(82_700, 20)
    (512, 8192, 65536)
    >>> calendar_slices(82_700, 200), calendar_slices(100_000, 2_000)
    (16384, 2048)
    """
    slices = SLICES
    capacity = SLICE_UNITS
    while capacity < units and slices < MAX_SLICES and 2 * slices * years <= MAX_CALENDAR:
        slices *= 2
        capacity *= 2
    return slices


class Timer:
    """A timed callback: the event of the engine's queue (:meth:`Engine.schedule`).

    Its key is ``time``, ``priority`` and ``id`` (the order it was scheduled in), compared
    in that order. A household's timer carries the household (``value``) and the numbers
    its handler checks (``token``, ``kind``), not a tuple of them. The engine's own timers
    (:meth:`Engine.call`) are used again once they have fired.
    """

    __slots__ = (
        "callback",
        "following",
        "id",
        "kind",
        "pooled",
        "priority",
        "time",
        "token",
        "value",
    )

    def __init__(
        self, callback: Callable[[Timer], None], value: Any, token: int = 0, kind: int = 0
    ) -> None:
        self.callback = callback
        self.value = value
        self.token = token  # for a household's timer: which of its clocks it belongs to
        self.kind = kind
        self.pooled = False  # whether the engine may use it again once it has fired
        self.time = 0.0
        self.priority = 0
        self.id = 0
        self.following: Timer | None = None  # the one before it in its calendar slice


def _sooner(a: Timer, b: Timer) -> bool:
    """Whether timer ``a`` comes before ``b`` (time, then priority, then id)."""
    if a.time != b.time:
        return a.time < b.time
    if a.priority != b.priority:
        return a.priority < b.priority
    return a.id < b.id


def _free_slot(timer: Timer) -> None:
    raise AssertionError("a free slot of the event heap was fired")


FREE: Final = Timer(_free_slot, None)
"""What the slots of an event heap past its timers hold, so that they hold no timer."""


def timer_push(heap: list[Timer], size: int, item: Timer) -> None:
    """``heapq.heappush`` for the timers ``heap[:size]``, by their keys (the slots after
    them are :data:`FREE`): ``item`` joins them. The list grows when it is full and never
    shrinks: the heap of the calendar's current slice often holds a timer or two, and a
    list that empties and fills again is freed and made again each time.

    >>> heap, size = [], 0
    >>> for name, time, priority in [("b", 2.0, 1), ("a", 1.0, 1), ("c", 2.0, 0)]:
    ...     timer = Timer(print, name)
    ...     timer.time, timer.priority = time, priority
    ...     timer_push(heap, size, timer)
    ...     size += 1
    >>> [timer_pop(heap, size - i).value for i in range(3)], heap == [FREE] * 3
    (['a', 'c', 'b'], True)
    """
    if size == len(heap):
        heap.append(item)
    pos = size
    while pos > 0:
        up = (pos - 1) >> 1
        parent = heap[up]
        if not _sooner(item, parent):
            break
        heap[pos] = parent
        pos = up
    heap[pos] = item


def timer_pop(heap: list[Timer], size: int) -> Timer:
    """``heapq.heappop`` for the timers ``heap[:size]`` (``size`` > 0): the first leaves,
    and its slot, the last, becomes :data:`FREE`."""
    size -= 1
    last = heap[size]
    heap[size] = FREE
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


NATIVE: Final = not isinstance(_sooner, FunctionType)
"""Whether this module runs compiled. Its heap functions pay only there: as pure Python
they are slower than ``heapq`` (which is C), so the engine uses that when it is not
compiled; both keep the same order (tested)."""


class Engine:
    """The clock and event queue of one replication, from ``start`` to ``end`` (years),
    with ``slices`` slices a year in its calendar (a power of two:
    :func:`calendar_slices`).

    ``now`` is the clock; :meth:`schedule` and :meth:`call` queue timers;
    :meth:`run_until` runs them; :attr:`processed` counts the events run.

    >>> engine = Engine(2000.0, 2010.0, SLICES)
    >>> seen = []
    >>> _ = engine.call(lambda timer: seen.append((engine.now, timer.value)), "b", 0.5)
    >>> engine.schedule(Timer(lambda timer: seen.append((engine.now, timer.value)), "a"),
    ...                 URGENT, 0.5)
    >>> engine.run_until(2001.0)
    >>> seen, engine.now, engine.processed
    ([(2000.5, 'a'), (2000.5, 'b')], 2001.0, 3)
    """

    def __init__(self, start: float, end: float, slices: int) -> None:
        self.now = start
        self.end = end
        self.slices = slices
        # events from the start of the next slice of the calendar on, by slice (see
        # schedule): slice n is [n / slices, (n + 1) / slices) years; _later[i] holds
        # the last scheduled of slice _first_slice + i, which holds the one before it
        # (Timer.following), and so on
        first_slice = math.floor(start * slices)
        self._first_slice = first_slice
        self._horizon = (first_slice + 1) / slices
        self._later: list[Timer | None] = [None] * (math.ceil(end * slices) - first_slice + 1)
        # the heap: timers (compiled; the first _queued of the list, see timer_push) or
        # (time, priority, id, timer) tuples
        self._queue: list[Any] = []
        self._queued = 0
        self._next_id = 0  # ids in scheduling order
        self._stopped = 0  # 1 after a run_until: simpy's stop event, queued again
        self._spare: list[Timer] = []  # fired timers of call(), the last fired last

    def run_until(self, until: float) -> None:
        """Process the events before ``until`` and leave the clock at ``until``: in order
        (time, then priority, then the order they were scheduled in), stopping where
        simpy's ``env.run(until=until)`` stops: there a stop event stands at ``until``,
        urgent, scheduled now (it takes the id that event would take), so the urgent
        timers at ``until`` scheduled before the call run and no normal one does. One
        compiled loop, no Python call per event but the timer's own.

        simpy queues its stop event again when it stops (first of all at that time) and
        processes it when the run resumes: the count of :attr:`processed` follows (it
        takes an id when stopping and counts as processed on the next call).
        """
        now = self.now
        stop = now + (until - now)  # as simpy computes the time of its stop event
        self._stopped = 0  # (the last stop event, first now, is processed)
        stop_id = self._next_id
        self._next_id += 1
        queue = self._queue
        spare = self._spare
        while True:
            queued = self._queued
            if queued:
                timer: Timer = queue[0] if NATIVE else queue[0][3]
                time = timer.time
            if not queued or time >= self._horizon:
                # the events of the next slice join the heap before any of them (or
                # anything later) can be first
                horizon = self._horizon
                if horizon > stop:
                    break
                self._horizon = horizon + 1.0 / self.slices
                index = int(horizon * self.slices) - self._first_slice
                later = self._later[index] if index < len(self._later) else None
                if later is not None:
                    self._later[index] = None
                    while later is not None:
                        following = later.following
                        later.following = None
                        self._push(
                            later if NATIVE else (later.time, later.priority, later.id, later)
                        )
                        later = following
                continue
            if time > stop or (time == stop and (timer.priority != URGENT or timer.id > stop_id)):
                break  # where the stop event would be first
            if NATIVE:
                timer_pop(queue, queued)
            else:
                heapq.heappop(queue)
            self._queued = queued - 1
            self.now = time
            timer.callback(timer)
            if timer.pooled and len(spare) < SPARE_TIMERS:
                timer.value = None
                spare.append(timer)
        self.now = stop
        self._next_id += 1  # the stop event, queued again
        self._stopped = 1

    @property
    def processed(self) -> int:
        """Events run so far, as simpy counts them (ids handed out, the stop events of
        :meth:`run_until` included, less the events still queued, the last stop event
        included)."""
        pending = 0
        for later in self._later:
            while later is not None:
                pending += 1
                later = later.following
        return self._next_id - self._queued - pending - self._stopped

    def pending(self) -> list[Timer]:
        """The timers queued now, in the order they were scheduled (for tests and
        inspection; the loop never calls it)."""
        timers: list[Timer] = []
        for i in range(self._queued):
            entry = self._queue[i]
            timers.append(entry if NATIVE else entry[3])
        for later in self._later:
            while later is not None:
                timers.append(later)
                later = later.following
        timers.sort(key=lambda timer: timer.id)
        return timers

    def schedule(self, timer: Timer, priority: int, delay: float) -> None:
        """Queue ``timer`` to fire ``delay`` from now with ``priority``.

        Only the events of the current slice of the calendar (``1 / slices`` of a year)
        are kept in the heap; later ones wait in a chain for their slice (``_later``
        holds its last timer, each timer the one before it: ``Timer.following``), which
        joins the heap when the clock reaches it. The heap stays small (and in the
        processor's cache) however many timers run, and the order is the same: every
        event of a later slice comes after every event of this one, and the heap orders
        a slice's events by their keys, whatever order they join it in. A chain, not a
        list a slice: a list would be made when the slice's first timer is scheduled and
        freed when the slice comes, often years later, when it is no longer in the
        processor's cache. ``slices`` is a power of two, so ``time * slices`` is exact
        and a slice's bounds are exact.
        A normal timer due at or after the end is not queued: the run stops there before
        any normal event (so the model need not check)."""
        time = self.now + delay
        if time >= self.end and priority != URGENT:
            return
        timer.time = time
        timer.priority = priority
        timer.id = self._next_id
        self._next_id += 1
        if not (self._horizon <= time < INFINITY):  # this slice's (or urgent and never)
            self._push(timer if NATIVE else (time, priority, timer.id, timer))
            return
        index = int(time * self.slices) - self._first_slice
        later = self._later
        while index >= len(later):  # (an urgent timer at or after the end)
            later.append(None)
        timer.following = later[index]
        later[index] = timer

    def call(
        self,
        callback: Callable[[Timer], None],
        value: Any,
        delay: float,
        priority: int = NORMAL,
        token: int = 0,
        kind: int = 0,
    ) -> Timer | None:
        """Schedule ``callback(timer)`` ``delay`` from now, with a timer that carries
        ``value``, ``token`` and ``kind`` (see :meth:`schedule`); return the timer, or
        None if it is not queued (a normal timer due at or after the end). The caller
        may hold it until it fires, not after: it is then used again.

        The timer is one that has fired lately, if there is one (else a new one): a new
        timer is freed when it has fired, often years later, when it and its neighbours
        in memory are no longer in the processor's cache; one just fired still is.
        """
        if self.now + delay >= self.end and priority != URGENT:
            return None  # (schedule would not queue it)
        spare = self._spare
        if spare:
            timer = spare.pop()
            timer.callback = callback
            timer.value = value
            timer.token = token
            timer.kind = kind
        else:
            timer = Timer(callback, value, token, kind)
            timer.pooled = True
        self.schedule(timer, priority, delay)
        return timer

    def _push(self, entry: Any) -> None:
        if NATIVE:
            timer_push(self._queue, self._queued, entry)
        else:
            heapq.heappush(self._queue, entry)
        self._queued += 1
