"""Quota counters with leased reservations: in this process, or in Redis shared by every replica.

A counter is what settled calls committed plus the reservations of live leases. An admission adds a
lease (its id, the amount of each check, a deadline) only if every check fits; settling or refunding
removes the lease and commits the call's real use (nothing for a refund). A lease whose deadline has
passed stops counting, so reservations of a process that died mid-call do not stay forever.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from siyada.governance.quotas import Check

if TYPE_CHECKING:
    import redis.asyncio as redis

REDIS_SOCKET_TIMEOUT_S = 1.0  # Redis answers in well under a millisecond; a second of silence is an outage


class LocalCounters:
    """In-process counters: exact within one process, since admission runs without awaiting."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._committed: dict[str, tuple[int, float]] = {}  # key -> (value, expires at)
        self._leases: dict[str, dict[str, tuple[int, float]]] = {}  # key -> lease -> (amount, deadline)

    def _live(self, key: str, now: float) -> int:
        held = self._leases.get(key)
        if not held:
            return 0
        for lease in [lease for lease, (_, deadline) in held.items() if deadline <= now]:
            del held[lease]
        return sum(amount for amount, _ in held.values())

    def level(self, key: str) -> int:
        """Committed use plus live reservations: what an admission on `key` counts."""
        now = self._clock()
        v = self._committed.get(key)
        return (v[0] if v is not None and v[1] > now else 0) + self._live(key, now)

    async def admit(self, checks: list[Check], lease: str, lease_seconds: float) -> Check | None:
        now = self._clock()
        for c in checks:
            if self.level(c.key) + c.amount > c.cap:
                return c
        for c in checks:
            self._leases.setdefault(c.key, {})[lease] = (c.amount, now + lease_seconds)
            committed = self._committed.get(c.key)
            if committed is None or committed[1] <= now:
                self._committed[c.key] = (0, now + c.ttl + 1)
        if len(self._committed) > 100_000:  # windows that ended: their counters and leases go
            self._committed = {k: v for k, v in self._committed.items() if v[1] > now}
            self._leases = {k: v for k, v in self._leases.items() if k in self._committed}
        return None

    async def release(self, lease: str, commits: list[tuple[str, float, int]]) -> None:
        now = self._clock()
        for key, window_end, amount in commits:
            self._leases.get(key, {}).pop(lease, None)
            if amount:
                v = self._committed.get(key)
                value = v[0] if v is not None and v[1] > now else 0
                self._committed[key] = (value + amount, now + max(0.0, window_end - time.time()) + 1)


def _lease_keys(key: str) -> tuple[str, str]:
    """The hash (lease -> amount, plus `_sum`) and sorted set (lease by deadline) beside a counter.
    Prefixes of their own, so `q:*` still matches only counters."""
    rest = key.removeprefix("q:")
    return f"qr:{rest}", f"qd:{rest}"


# Each check is three keys: counter, lease amounts (hash with a running `_sum`), lease deadlines (zset).
# Expired leases are dropped (and their amounts taken off `_sum`) before anything is counted; deadlines
# are Redis's own clock, so replicas with skewed clocks agree.
_PRUNE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function level(i)
  local r, d = KEYS[3*i-1], KEYS[3*i]
  local gone = redis.call('ZRANGEBYSCORE', d, '-inf', now)
  if #gone > 0 then
    local freed = 0
    for _, g in ipairs(gone) do
      freed = freed + tonumber(redis.call('HGET', r, g) or '0')
      redis.call('HDEL', r, g)
    end
    redis.call('ZREMRANGEBYSCORE', d, '-inf', now)
    redis.call('HINCRBY', r, '_sum', -freed)
  end
  return tonumber(redis.call('GET', KEYS[3*i-2]) or '0') + tonumber(redis.call('HGET', r, '_sum') or '0')
end
"""

# ARGV: n, lease, lease_ms, then amount_i, cap_i, ttl_ms_i. 0 when admitted, else the 1-based index of
# the first check that does not fit. All or nothing, atomically.
_ADMIT_LUA = (
    _PRUNE_LUA
    + """
local n, lease, lease_ms = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
for i = 1, n do
  if level(i) + tonumber(ARGV[3 + (i-1)*3 + 1]) > tonumber(ARGV[3 + (i-1)*3 + 2]) then return i end
end
for i = 1, n do
  local amount, ttl = tonumber(ARGV[3 + (i-1)*3 + 1]), ARGV[3 + (i-1)*3 + 3]
  redis.call('HSET', KEYS[3*i-1], lease, amount)
  redis.call('HINCRBY', KEYS[3*i-1], '_sum', amount)
  redis.call('ZADD', KEYS[3*i], now + lease_ms, lease)
  redis.call('PEXPIRE', KEYS[3*i-1], ttl)
  redis.call('PEXPIRE', KEYS[3*i], ttl)
end
return 0
"""
)

# ARGV: n, lease, then amount_i, ttl_ms_i. Drops the lease (if still live) and commits the amounts.
_RELEASE_LUA = """
local n, lease = tonumber(ARGV[1]), ARGV[2]
for i = 1, n do
  local r, d = KEYS[3*i-1], KEYS[3*i]
  local held = redis.call('HGET', r, lease)
  if held then
    redis.call('HDEL', r, lease)
    redis.call('HINCRBY', r, '_sum', -tonumber(held))
    redis.call('ZREM', d, lease)
  end
  local amount = tonumber(ARGV[2 + (i-1)*2 + 1])
  if amount ~= 0 then
    redis.call('INCRBY', KEYS[3*i-2], amount)
    redis.call('PEXPIRE', KEYS[3*i-2], ARGV[2 + (i-1)*2 + 2])
  end
end
return 0
"""

_LEVEL_LUA = _PRUNE_LUA + "return level(1)\n"


def _keys(keys: list[str]) -> list[str]:
    return [k for key in keys for k in (key, *_lease_keys(key))]


class RedisCounters:
    """Counters in Redis, shared by every replica; one Lua script per admission keeps it exact."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        # A bounded, blocking pool: a burst waits for a connection instead of failing. Socket timeouts:
        # with none, a Redis host cut off the network (packets dropped, no reset) held every call until the
        # link came back or the pool wait ran out (10 s), instead of failing closed with 503 at once.
        pool = redis.BlockingConnectionPool.from_url(
            url,
            max_connections=64,
            timeout=10,
            socket_timeout=REDIS_SOCKET_TIMEOUT_S,
            socket_connect_timeout=REDIS_SOCKET_TIMEOUT_S,
        )
        self._redis = redis.Redis(connection_pool=pool)
        self._admit = self._redis.register_script(_ADMIT_LUA)
        self._release = self._redis.register_script(_RELEASE_LUA)
        self._level = self._redis.register_script(_LEVEL_LUA)

    async def admit(self, checks: list[Check], lease: str, lease_seconds: float) -> Check | None:
        args: list[int | str] = [len(checks), lease, int(lease_seconds * 1000)]
        for c in checks:
            args += [c.amount, c.cap, int((c.ttl + 1) * 1000)]
        refused = int(await self._admit(keys=_keys([c.key for c in checks]), args=args))
        return checks[refused - 1] if refused else None

    async def release(self, lease: str, commits: list[tuple[str, float, int]]) -> None:
        if not commits:
            return
        args: list[int | str] = [len(commits), lease]
        now = time.time()
        for _, window_end, amount in commits:
            args += [amount, int((max(0.0, window_end - now) + 1) * 1000)]
        await self._release(keys=_keys([k for k, _, _ in commits]), args=args)

    async def level(self, key: str) -> int:
        """Committed use plus live reservations: what an admission on `key` counts."""
        return int(await self._level(keys=_keys([key]), args=[]))

    @property
    def client(self) -> redis.Redis:
        """The connection pool, for the other windows kept beside the quotas (the widget's limits)."""
        return self._redis

    async def ping(self) -> None:
        """Raises when Redis does not answer (GET /ready)."""
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()
