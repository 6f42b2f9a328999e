"""The server's sandbox: started on the first query (most servers never run one), counted.

A server that only serves chat should not hold DuckDB workers; the pool starts when a query first
needs it. `jobs` counts what was handed to a worker, and `/metrics` exposes it with the workers'
number: a refused query leaves both unchanged, which the tests read to prove nothing ran.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from siyada.dataspace.sandbox import Sandbox, SandboxLimits, Table


class LazySandbox(Sandbox):
    def __init__(self, processes: int = 1, limits: SandboxLimits | None = None) -> None:
        self.processes = processes
        self.limits = limits or SandboxLimits()
        self.jobs = 0
        self._inner: Sandbox | None = None
        self._lock = threading.Lock()

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

    def close(self) -> None:
        with self._lock:
            if self._inner is not None:
                self._inner.close()
                self._inner = None
