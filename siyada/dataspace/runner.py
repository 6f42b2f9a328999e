"""The server's sandbox: started on the first query (most servers never run one), counted.

A server that only serves chat should not hold DuckDB workers; the pool starts when a query first
needs it. `jobs` counts what was handed to a worker, and `/metrics` exposes it with the workers'
number: a refused query leaves both unchanged, which the tests read to prove nothing ran.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from siyada.dataspace.sandbox import Sandbox, SandboxLimits, Table

T = TypeVar("T")
WAITERS = 8  # queries waiting for a worker at once, in threads of their own


class LazySandbox(Sandbox):
    def __init__(self, processes: int = 1, limits: SandboxLimits | None = None) -> None:
        self.processes = processes
        self.limits = limits or SandboxLimits()
        self.jobs = 0
        self._inner: Sandbox | None = None
        self._lock = threading.Lock()
        self._waiters: ThreadPoolExecutor | None = None

    @property
    def workers(self) -> int:
        return self.processes if self._inner is not None else 0

    def _started(self) -> Sandbox:
        with self._lock:
            if self._inner is None:
                self._inner = Sandbox.start(self.processes, self.limits)
            self.jobs += 1
            return self._inner

    def run(
        self,
        parquet: str,
        columns: Sequence[str],
        statements: Sequence[str],
        finish: Callable[[list[Table]], Any] | None = None,
    ) -> Any:
        return self._started().run(parquet, columns, statements, finish)

    async def submit(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a query's service call in the sandbox's own threads: a query waiting for a worker (up to
        the sandbox's time limit) never holds a thread of the server's default pool, which every other
        route's database work shares."""
        with self._lock:
            if self._waiters is None:
                self._waiters = ThreadPoolExecutor(WAITERS, thread_name_prefix="siyada-dataspace")
            waiters = self._waiters
        return await asyncio.get_running_loop().run_in_executor(waiters, functools.partial(fn, *args))

    def close(self) -> None:
        with self._lock:
            if self._inner is not None:
                self._inner.close()
                self._inner = None
            if self._waiters is not None:
                self._waiters.shutdown(wait=False, cancel_futures=True)
                self._waiters = None
