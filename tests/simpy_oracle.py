"""simpy as the definition of event order the engine is tested against (not a test file).

:class:`SimpyOracle` has the engine's interface (``now``, ``schedule``, ``call``,
``run_until``, ``processed``) over a ``simpy.Environment``: each :class:`Timer` is
scheduled as a simpy event of its own that calls the timer's callback when simpy
processes it. Fed the same timers as :class:`sim.model.engine.Engine`, it runs them in
simpy's order (time, then priority, then the order they were scheduled in), stops as
``Environment.run(until=...)`` stops, and counts the events processed as simpy does. It
reads two of simpy's internals to count (``_eid`` and ``_queue``, simpy 4.1; the test
extra pins it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import NORMAL, Event

from sim.model.engine import Timer


class SimpyOracle:
    """The engine's interface, run by ``simpy.Environment``."""

    def __init__(self, start: float) -> None:
        self.env = simpy.Environment(initial_time=start)

    @property
    def now(self) -> float:
        return float(self.env.now)

    def schedule(self, timer: Timer, priority: int, delay: float) -> None:
        """Queue ``timer`` as a simpy event that fires its callback."""
        event = Event(self.env)
        event._ok = True
        event._value = None
        event.callbacks.append(lambda _: timer.callback(timer))
        self.env.schedule(event, priority, delay)

    def call(
        self,
        callback: Callable[[Timer], None],
        value: Any,
        delay: float,
        priority: int = NORMAL,
        token: int = 0,
        kind: int = 0,
    ) -> Timer:
        timer = Timer(callback, value, token, kind)
        self.schedule(timer, priority, delay)
        return timer

    def run_until(self, until: float) -> None:
        self.env.run(until=until)

    @property
    def processed(self) -> int:
        """Events processed: ids handed out less the events still queued (read without
        taking an id: ``itertools.count`` shows its next value)."""
        handed_out = int(repr(self.env._eid)[len("count(") : -1])
        return handed_out - len(self.env._queue)
