"""Whether this replica can take traffic: the database answers, its schema is this code's (or a newer,
compatible one during a rollout), and Redis answers when one is configured (GET /ready).

Liveness (/health) says the process runs; readiness says its dependencies do, so a load balancer or
Kubernetes sends no call to a replica that would fail it. The probe is unauthenticated, so one check
runs at a time and its answer is reused for `CACHE_S`: a flood of probes costs at most one database
query and one Redis PING per interval, and a hung dependency ties up one thread, not one per probe.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from siyada.store.db import current_revision, head_revision, is_newer

log = logging.getLogger("siyada.readiness")

CACHE_S = 1.0  # how long an answer is reused
TIMEOUT_S = 3.0  # a dependency slower than this is not ready (probes usually time out at 5 s)

Ping = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class Report:
    """Each dependency's state: "ok", "not configured", or why it is not ready (no secrets, no versions)."""

    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(v in ("ok", "not configured") for v in self.checks.values())

    def failures(self) -> list[str]:
        return [f"{k}: {v}" for k, v in self.checks.items() if v not in ("ok", "not configured", "unknown")]


def schema_state(engine: Engine) -> str:
    """ "ok" when the schema is at this code's head or at a revision this code does not know (a newer
    release migrated it: revisions only add, so the old replicas keep serving through a rolling
    upgrade); otherwise why not."""
    current = current_revision(engine)
    if current is None:
        return "the database has no schema yet (run `siyada migrate`)"
    if current == head_revision() or is_newer(current):
        return "ok"
    return "the database schema is behind this version (run `siyada migrate`)"


class Readiness:
    """Checks the database, its schema and (when given) Redis; one check at a time, answers cached."""

    def __init__(self, engine: Engine, redis_ping: Ping | None = None) -> None:
        self.engine = engine
        self.redis_ping = redis_ping
        self.runs = 0  # checks actually run (not served from the cache)
        self._last: tuple[float, Report] | None = None
        self._lock = asyncio.Lock()
        self._schema: asyncio.Future[str] | None = None  # the database check's thread, while it runs

    async def report(self) -> Report:
        async with self._lock:  # concurrent probes wait for the one check in flight
            now = time.monotonic()
            if self._last is not None and now - self._last[0] < CACHE_S:
                return self._last[1]
            report = await self._run()
            self._last = (time.monotonic(), report)
            return report

    async def _run(self) -> Report:
        self.runs += 1
        checks: dict[str, str] = {}
        if self._schema is None or self._schema.done():  # a hung one is awaited again, not doubled
            self._schema = asyncio.ensure_future(asyncio.to_thread(schema_state, self.engine))
        try:
            checks["database"] = "ok"
            checks["migrations"] = await asyncio.wait_for(asyncio.shield(self._schema), TIMEOUT_S)
        except TimeoutError:
            checks["database"] = f"no answer within {TIMEOUT_S:g} s"
            checks["migrations"] = "unknown"
        except Exception as exc:  # the driver's message may name hosts and users: logged, not returned
            log.warning("readiness: database check failed: %s", exc)
            checks["database"] = "unreachable"
            checks["migrations"] = "unknown"
        if self.redis_ping is None:
            checks["redis"] = "not configured"
        else:
            try:
                await asyncio.wait_for(self.redis_ping(), TIMEOUT_S)
                checks["redis"] = "ok"
            except TimeoutError:
                checks["redis"] = f"no answer within {TIMEOUT_S:g} s"
            except Exception as exc:
                log.warning("readiness: redis check failed: %s", exc)
                checks["redis"] = "unreachable"
        return Report(checks)
