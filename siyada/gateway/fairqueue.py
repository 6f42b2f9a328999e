"""A bounded queue that serves tenants in turn, so one busy tenant cannot starve the others."""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from typing import Generic, TypeVar

T = TypeVar("T")


class QueueFull(Exception):
    """The queue holds its maximum number of waiting jobs."""


class FairQueue(Generic[T]):
    """Thread-safe; `put` from the event loop, `get` from the worker thread. Round-robin across keys."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._lanes: OrderedDict[str, deque[T]] = OrderedDict()
        self._size = 0
        self._cond = threading.Condition()
        self._closed = False

    def __len__(self) -> int:
        return self._size

    def put(self, lane: str, item: T) -> None:
        with self._cond:
            if self._size >= self.maxsize:
                raise QueueFull(f"{self._size} requests are already waiting")
            self._lanes.setdefault(lane, deque()).append(item)
            self._size += 1
            self._cond.notify()

    def get(self, timeout: float | None = None) -> T | None:
        """The next item, taking lanes in turn; None on timeout or once closed."""
        with self._cond:
            while self._size == 0 and not self._closed:
                if not self._cond.wait(timeout):
                    return None
            if self._closed and self._size == 0:
                return None
            lane, items = next(iter(self._lanes.items()))
            item = items.popleft()
            self._size -= 1
            # The served lane goes to the back of the round.
            del self._lanes[lane]
            if items:
                self._lanes[lane] = items
            return item

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
