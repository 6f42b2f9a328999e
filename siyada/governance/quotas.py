"""Quota enforcement: admitted atomically before the call, settled after it.

Windows are fixed and aligned in UTC (minute, day, calendar month), so a limit bites at its exact
boundary and `Retry-After` is the time left in the window. A call is admitted only if, for every limit
that applies, one more request (rpm) and its prompt tokens (tpm, tpd, monthly) still fit; the completion
tokens are added when the call ends (streaming included, with what was actually produced). A call that
fails or is refused downstream gives its reservation back, so no phantom usage is left behind.

A reservation is a lease: each admission reserves under a fresh lease id that expires after
`quota_lease_seconds` (at least the longest a call may run). What a counter holds is what completed
calls committed plus the live leases; settling commits the call's real use and ends its lease, a refund
ends it with nothing committed. A replica killed mid-call (kill -9, a node lost) cannot give its
reservations back: they stop counting when their leases expire, so the counter returns to exactly the
tokens of the calls that completed.

Counters live in this process (the embedded default) or in Redis (one Lua script per admission, so that
several replicas share limits exactly): `siyada.governance.quota_counters`.
"""

from __future__ import annotations

import asyncio
import calendar
import secrets
import time
from dataclasses import dataclass, field
from typing import Protocol

from siyada.governance.limits import Limit

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
    """What an admission reserved, under one lease; settled or refunded exactly once."""

    lease: str = ""
    token_keys: list[tuple[str, float]] = field(default_factory=list)  # (counter, window end, epoch s)
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
    async def admit(self, checks: list[Check], lease: str, lease_seconds: float) -> Check | None:
        """Reserve every check's amount under `lease` if all fit (committed use plus live leases); else
        reserve nothing and return the first that does not."""
        ...

    async def release(self, lease: str, commits: list[tuple[str, float, int]]) -> None:
        """End a lease: drop its reservations and add each (counter, window end, amount) to what is
        committed (amount 0: a refund)."""
        ...


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

    def __init__(  # type: ignore[no-untyped-def]
        self, counters: Counters, load_limits, ttl: float = 1.0, lease_seconds: float = 600.0
    ) -> None:
        self.counters = counters
        self.lease_seconds = lease_seconds
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
        now = time.time()
        checks = plan(await self.limits(), key_id, tenant_id, model, prompt_tokens, now)
        if not checks:
            return Ticket(done=True)
        lease = secrets.token_hex(8)
        try:
            refused = await self.counters.admit(checks, lease, self.lease_seconds)
        except Exception as exc:  # the shared counter store is down: fail closed, never unmetered
            raise QuotaStoreError(f"quota store unavailable: {type(exc).__name__}") from exc
        if refused is not None:
            raise QuotaExceeded(refused, refused.ttl)
        ticket = Ticket(lease=lease, reserved_tokens=prompt_tokens)
        for c in checks:
            (ticket.request_keys if c.name == "rpm" else ticket.token_keys).append((c.key, now + c.ttl))
        return ticket

    async def settle(self, ticket: Ticket, prompt_tokens: int, completion_tokens: int) -> None:
        """Commit what the call really used (its prompt as counted, its completion) and end its lease.
        A call that outlived its lease is still committed in full: the counter holds every call that ran."""
        if ticket.done:
            return
        ticket.done = True
        used = prompt_tokens + completion_tokens
        commits = [(k, end, used) for k, end in ticket.token_keys]
        await self.counters.release(ticket.lease, commits + [(k, end, 1) for k, end in ticket.request_keys])

    async def refund(self, ticket: Ticket) -> None:
        """End the lease of a call that never ran (no provider, refused, crashed before output): nothing
        is committed."""
        if ticket.done:
            return
        ticket.done = True
        await self.counters.release(
            ticket.lease, [(k, end, 0) for k, end in ticket.token_keys + ticket.request_keys]
        )
