"""The widget's limits: questions per minute per client address (IPv6 per /64) and per assistant.

A fixed one-minute window per key. Two stores with one contract (`take`):
- `Throttle`, in this process's memory: the deployment without Redis (one replica). Its table is capped:
  past `max_keys`, the oldest windows are dropped first, so a flood of addresses costs bounded memory.
- `RedisThrottle`, in the Redis the quota counters use (`redis_url`): every replica counts in the same
  windows, so N replicas allow the limit once, not N times. One Lua script checks and counts all the
  keys of a question atomically; each key lives one window (PEXPIRE), so Redis holds at most the keys
  of the last minute. Redis down: the caller fails closed (503), as the tenant quotas do.

Both count a question under every key or under none: a question refused per assistant does not use up
the address's allowance, and the reverse."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Protocol

from siyada.governance.login_throttle import client_key

if TYPE_CHECKING:
    from redis.asyncio import Redis

WINDOW_S = 60.0
Check = tuple[str, int]  # (key, questions allowed per window)


class Windows(Protocol):
    async def take(self, checks: list[Check]) -> tuple[int, float]:
        """Count one question under every key if each is under its limit: (-1, 0). Otherwise count
        nothing and answer the index of the first full key and the seconds until its window ends."""
        ...


class Throttle:
    def __init__(self, max_keys: int = 100_000) -> None:
        self._windows: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self._max = max_keys

    def take_now(self, checks: list[Check], now: float | None = None) -> tuple[int, float]:
        now = time.monotonic() if now is None else now
        current: list[tuple[float, int]] = []
        for i, (key, limit) in enumerate(checks):
            start, count = self._windows.get(key, (now, 0))
            if now - start >= WINDOW_S:
                start, count = now, 0
            if count >= limit:
                return i, max(1.0, math.ceil(WINDOW_S - (now - start)))
            current.append((start, count))
        for (key, _), (start, count) in zip(checks, current, strict=True):
            self._windows[key] = (start, count + 1)
            self._windows.move_to_end(key)
        while len(self._windows) > self._max:
            self._windows.popitem(last=False)
        return -1, 0.0

    async def take(self, checks: list[Check]) -> tuple[int, float]:
        return self.take_now(checks)  # no await inside: exact within this process


# KEYS: the windows; ARGV: window_ms, then each key's limit. Returns {0, 0} when counted, else {i, ms
# left in key i's window}. A key left without a TTL (never written so) is given one before answering.
_TAKE_LUA = """
local window = tonumber(ARGV[1])
for i = 1, #KEYS do
  local n = tonumber(redis.call('GET', KEYS[i]) or '0')
  if n >= tonumber(ARGV[i + 1]) then
    local left = redis.call('PTTL', KEYS[i])
    if left < 0 then redis.call('PEXPIRE', KEYS[i], window); left = window end
    return {i, left}
  end
end
for i = 1, #KEYS do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], window) end
end
return {0, 0}
"""


class RedisThrottle:
    """The windows in Redis, shared by every replica (the quota counters' connection pool)."""

    def __init__(self, client: Redis) -> None:
        self._take = client.register_script(_TAKE_LUA)

    async def take(self, checks: list[Check]) -> tuple[int, float]:
        args = [int(WINDOW_S * 1000), *(limit for _, limit in checks)]
        full, left_ms = await self._take(keys=[f"w:{key}" for key, _ in checks], args=args)
        if not int(full):
            return -1, 0.0
        return int(full) - 1, max(1.0, math.ceil(int(left_ms) / 1000))


def address_key(tenant_id: int, assistant: str, address: str | None) -> str:
    return f"address:{tenant_id}:{assistant}:{client_key(address)}"


def assistant_key(tenant_id: int, assistant: str) -> str:
    return f"assistant:{tenant_id}:{assistant}"
