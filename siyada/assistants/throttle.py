"""The widget's limits: questions per minute per client address (IPv6 per /64) and per assistant.

A fixed one-minute window per key, in memory, per server process (N replicas each allow their own, as
the login throttle; docs/assistants.md says so). The table is capped: past `max_keys`, the oldest
windows are dropped first, so a flood of addresses costs bounded memory."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Hashable

from siyada.governance.login_throttle import client_key

WINDOW_S = 60.0


class Throttle:
    def __init__(self, max_keys: int = 100_000) -> None:
        self._windows: OrderedDict[Hashable, tuple[float, int]] = OrderedDict()
        self._max = max_keys

    def take(self, key: Hashable, limit: int, now: float | None = None) -> float:
        """Count one question under `key`; 0 when allowed, else the seconds until the window ends."""
        now = time.monotonic() if now is None else now
        start, count = self._windows.get(key, (now, 0))
        if now - start >= WINDOW_S:
            start, count = now, 0
        if count >= limit:
            return max(1.0, math.ceil(WINDOW_S - (now - start)))
        self._windows[key] = (start, count + 1)
        self._windows.move_to_end(key)
        while len(self._windows) > self._max:
            self._windows.popitem(last=False)
        return 0.0


def address_key(tenant_id: int, assistant: str, address: str | None) -> tuple[str, int, str, str]:
    return ("address", tenant_id, assistant, client_key(address))


def assistant_key(tenant_id: int, assistant: str) -> tuple[str, int, str]:
    return ("assistant", tenant_id, assistant)
