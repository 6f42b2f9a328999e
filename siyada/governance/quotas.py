"""Quota enforcement: admitted atomically before the call, settled after it.

Windows are fixed and aligned in UTC (minute, day, calendar month), so a limit bites at its exact
boundary and `Retry-After` is the time left in the window. A call is admitted only if, for every limit
that applies, one more request (rpm) and its prompt tokens (tpm, tpd, monthly) still fit; the completion
tokens are added when the call ends (streaming included, with what was actually produced). A call that
fails or is refused downstream gives its reservation back, so no phantom usage is left behind.

Counters live in this process (the embedded default) or in Redis (one Lua script per admission, so that
several replicas share limits exactly).
"""

from __future__ import annotations

import asyncio
import calendar
import time
from dataclasses import dataclass, field
from typing import Protocol

from siyada.governance.limits import Limit

REDIS_SOCKET_TIMEOUT_S = 1.0  # Redis answers in well under a millisecond; a second of silence is an outage
WINDOWS = {"rpm": "minute", "tpm": "minute", "tpd": "day", "monthly_tokens": "month"}
_LIMIT_WORDS = {
    "rpm": "requests per minute",
    "tpm": "tokens per minute",
    "tpd": "tokens per day",
    "monthly_tokens": "tokens per month",
}


def window(kind: str, now: float) -> tuple[int, float]:
    """(window start, seconds until it ends) for a window kind at time `now`."""
    if kind == "minute":
        start = int(now // 60) * 60
        return start, start + 60 - now
    if kind == "day":
        start = int(now // 86400) * 86400
        return start, start + 86400 - now
    t = time.gmtime(now)
    start = calendar.timegm((t.tm_year, t.tm_mon, 1, 0, 0, 0))
    days = calendar.monthrange(t.tm_year, t.tm_mon)[1]
    return start, start + days * 86400 - now


@dataclass(frozen=True)
class Check:
    """One counter to test and bump: `amount` must fit under `cap` in its window."""

    key: str
    cap: int
    amount: int
    ttl: float
    limit: Limit
    name: str  # rpm | tpm | tpd | monthly_tokens


@dataclass
class Ticket:
    """What an admission reserved; settled or refunded exactly once."""

    token_keys: list[tuple[str, float]] = field(default_factory=list)  # counters that take tokens
    request_keys: list[tuple[str, float]] = field(default_factory=list)
    reserved_tokens: int = 0
    done: bool = False


class QuotaExceeded(Exception):
    def __init__(self, check: Check, retry_after: float) -> None:
        scope = f"{check.limit.scope} {check.limit.scope_id}"
        model = f" for model {check.limit.model!r}" if check.limit.model else ""
        super().__init__(
            f"Quota exceeded: the {_LIMIT_WORDS[check.name]} limit ({check.cap}) of {scope}{model} "
            f"is used up; retry in {max(1, round(retry_after))} s"
        )
        self.limit_name = check.name
        self.retry_after = max(1, int(retry_after + 0.999))


class QuotaStoreError(Exception):
    """The counters cannot be reached; calls under a limit are refused rather than let through."""


class Counters(Protocol):
    async def admit(self, checks: list[Check]) -> Check | None:
        """Bump every check's counter if all fit; else bump nothing and return the first that does not."""
        ...

    async def add(self, keys: list[tuple[str, float]], amount: int) -> None: ...


def plan(
    limits: list[Limit], key_id: int, tenant_id: int, model: str, prompt_tokens: int, now: float
) -> list[Check]:
    checks = []
    for lim in limits:
        if not lim.applies_to(key_id, tenant_id, model):
            continue
        for name, kind in WINDOWS.items():
            cap = getattr(lim, name)
            if cap is None:
                continue
            start, left = window(kind, now)
            amount = 1 if name == "rpm" else prompt_tokens
            checks.append(Check(f"q:{lim.id}:{name}:{start}", cap, amount, left, lim, name))
    return checks


def needs_tokens(limits: list[Limit], key_id: int, tenant_id: int, model: str) -> bool:
    return any(
        lim.applies_to(key_id, tenant_id, model) and (lim.tpm or lim.tpd or lim.monthly_tokens) is not None
        for lim in limits
    )


class Quotas:
    """Admission and settlement over a counter store, with the limits cached from the database."""

    def __init__(self, counters: Counters, load_limits, ttl: float = 1.0) -> None:  # type: ignore[no-untyped-def]
        self.counters = counters
        self._load = load_limits
        self._ttl = ttl
        self._limits: list[Limit] = []
        self._loaded_at = -1e9

    async def limits(self) -> list[Limit]:
        if time.monotonic() - self._loaded_at > self._ttl:
            self._limits = await asyncio.to_thread(self._load)
            self._loaded_at = time.monotonic()
        return self._limits

    def invalidate(self) -> None:
        self._loaded_at = -1e9

    async def admit(self, key_id: int, tenant_id: int, model: str, prompt_tokens: int) -> Ticket:
        checks = plan(await self.limits(), key_id, tenant_id, model, prompt_tokens, time.time())
        if not checks:
            return Ticket(done=True)
        try:
            refused = await self.counters.admit(checks)
        except Exception as exc:  # the shared counter store is down: fail closed, never unmetered
            raise QuotaStoreError(f"quota store unavailable: {type(exc).__name__}") from exc
        if refused is not None:
            raise QuotaExceeded(refused, refused.ttl)
        ticket = Ticket(reserved_tokens=prompt_tokens)
        for c in checks:
            (ticket.request_keys if c.name == "rpm" else ticket.token_keys).append((c.key, c.ttl))
        return ticket

    async def settle(self, ticket: Ticket, prompt_tokens: int, completion_tokens: int) -> None:
        """Count what the call really used: the prompt estimate is corrected, completion tokens added."""
        if ticket.done:
            return
        ticket.done = True
        delta = prompt_tokens + completion_tokens - ticket.reserved_tokens
        if delta and ticket.token_keys:
            await self.counters.add(ticket.token_keys, delta)

    async def refund(self, ticket: Ticket) -> None:
        """Give back a reservation for a call that never ran (no provider, refused, crashed before output)."""
        if ticket.done:
            return
        ticket.done = True
        if ticket.token_keys and ticket.reserved_tokens:
            await self.counters.add(ticket.token_keys, -ticket.reserved_tokens)
        if ticket.request_keys:
            await self.counters.add(ticket.request_keys, -1)


class LocalCounters:
    """In-process counters: exact within one process, since admission runs without awaiting."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[int, float]] = {}

    def _get(self, key: str, now: float) -> int:
        v = self._values.get(key)
        if v is None or v[1] <= now:
            return 0
        return v[0]

    async def admit(self, checks: list[Check]) -> Check | None:
        now = time.monotonic()
        for c in checks:
            if self._get(c.key, now) + c.amount > c.cap:
                return c
        for c in checks:
            self._values[c.key] = (self._get(c.key, now) + c.amount, now + c.ttl + 1)
        if len(self._values) > 100_000:
            self._values = {k: v for k, v in self._values.items() if v[1] > now}
        return None

    async def add(self, keys: list[tuple[str, float]], amount: int) -> None:
        now = time.monotonic()
        for key, ttl in keys:
            self._values[key] = (max(0, self._get(key, now) + amount), now + ttl + 1)


# KEYS: counter keys; ARGV: n, then amount_i, cap_i, ttl_ms_i for each key. Returns 0 when admitted,
# else the 1-based index of the first check that does not fit. All or nothing, atomically.
_ADMIT_LUA = """
local n = tonumber(ARGV[1])
for i = 1, n do
  local cur = tonumber(redis.call('GET', KEYS[i]) or '0')
  if cur + tonumber(ARGV[1 + (i-1)*3 + 1]) > tonumber(ARGV[1 + (i-1)*3 + 2]) then return i end
end
for i = 1, n do
  local v = redis.call('INCRBY', KEYS[i], ARGV[1 + (i-1)*3 + 1])
  redis.call('PEXPIRE', KEYS[i], ARGV[1 + (i-1)*3 + 3])
end
return 0
"""


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

    async def admit(self, checks: list[Check]) -> Check | None:
        args: list[int] = [len(checks)]
        for c in checks:
            args += [c.amount, c.cap, int((c.ttl + 1) * 1000)]
        refused = int(await self._admit(keys=[c.key for c in checks], args=args))
        return checks[refused - 1] if refused else None

    async def add(self, keys: list[tuple[str, float]], amount: int) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            for key, ttl in keys:
                pipe.incrby(key, amount)
                pipe.pexpire(key, int((ttl + 1) * 1000))
            await pipe.execute()

    async def ping(self) -> None:
        """Raises when Redis does not answer (GET /ready)."""
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()
