"""Usage accounting: one compact row per call, written in batches off the request path."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, fields

from sqlalchemy.engine import Engine

log = logging.getLogger("siyada.usage")


@dataclass
class UsageRecord:
    ts: float
    tenant_id: int | None
    key_id: int | None
    endpoint: str
    model: str
    provider: str | None
    status: int
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = 0.0
    ttft_ms: float | None = None
    energy_wh: float = 0.0


class UsageRecorder:
    """Collects records in memory and flushes them in one transaction every `interval` seconds, or at
    once when a caller waits for its row (`written`)."""

    def __init__(self, engine: Engine, interval: float = 0.5, max_batch: int = 2000) -> None:
        self._engine = engine
        self._interval = interval
        self._max_batch = max_batch
        self._buffer: list[UsageRecord] = []
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._sql: str | None = None
        self._stopping = False
        self._accepted = 0  # records handed to `record` so far
        self._written = 0  # of those, committed (rows are written in the order they came)
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []

    def record(self, rec: UsageRecord) -> None:
        self._buffer.append(rec)
        self._accepted += 1
        if len(self._buffer) >= self._max_batch:
            self._wake.set()

    async def written(self, wait_at_most: float = 5.0) -> bool:
        """Wait until every row recorded so far is committed, so a call is answered only once its row is
        safe: a replica killed the next instant loses no row of a call its client saw complete. Callers
        waiting together share one write. While the database is away a call waits `wait_at_most`, then
        goes on (its row stays buffered and is retried); False then."""
        target = self._accepted
        if self._written >= target:
            return True
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((target, fut))
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(fut), wait_at_most)
        except TimeoutError:
            return False
        return True

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
            await self.flush()

    async def flush(self) -> None:
        if not self._buffer:
            return
        batch, self._buffer = self._buffer, []
        upto = self._accepted
        try:
            await asyncio.to_thread(self._write, batch)
        except Exception:
            log.exception("could not write %d usage rows; keeping them for the next flush", len(batch))
            self._buffer[:0] = batch
            return
        # A failed batch goes back in front, so this batch held every row up to `upto`.
        self._written = max(self._written, upto)
        still: list[tuple[int, asyncio.Future[None]]] = []
        for target, fut in self._waiters:
            if target <= self._written:
                if not fut.done():
                    fut.set_result(None)
            else:
                still.append((target, fut))
        self._waiters = still

    def _write(self, batch: list[UsageRecord]) -> None:
        # One driver-level executemany of plain tuples: ~5x cheaper than a Core insert of dicts, and this
        # runs in a thread that shares the GIL with the request path.
        with self._engine.begin() as conn:
            conn.exec_driver_sql(self._insert_sql(), [tuple(vars(r).values()) for r in batch])

    def _insert_sql(self) -> str:
        if self._sql is None:
            cols = [f.name for f in fields(UsageRecord)]
            mark = "?" if self._engine.dialect.paramstyle == "qmark" else "%s"
            self._sql = f"INSERT INTO usage ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"
        return self._sql

    async def close(self, retry_for: float = 10.0) -> None:
        """Stop the flush loop between two writes (a cancel in the middle of one would drop its batch from
        the buffer), then flush what is left, retrying while the database is briefly away (a restart)."""
        if self._task:
            self._stopping = True
            self._wake.set()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        deadline = time.monotonic() + retry_for
        await self.flush()
        while self._buffer and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            await self.flush()
        if self._buffer:
            log.error("stopping with %d usage rows unwritten: database unreachable", len(self._buffer))


def now() -> float:
    return time.time()
