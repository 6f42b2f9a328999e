"""Run checked queries in DuckDB in a separate, locked, bounded process over one data set's Parquet.

Defence in depth: `sql.validate` already refuses anything but one aggregate SELECT over `data`; this
module assumes it failed. In the worker process (a `siyada.workers.WorkerPool`: kernel CPU and memory
limits, a wall-clock backstop that kills it) a locked DuckDB connection (`siyada.dataspace.views`: a
read-only database, reused across a grant's queries, a fresh cursor per query)

- never installs or loads an extension (autoinstall/autoload off, community extensions off);
- holds one object, the view `data` exposing only the grant's columns, and cannot be written;
- then lets the file system see nothing but that one Parquet file (`allowed_paths`), turns external
  access off (no read_csv('/etc/passwd'), COPY, ATTACH, EXPORT, INSTALL) and locks the configuration
  (no SET or PRAGMA can undo any of it), with its own memory limit, thread count and no spilling;
- is interrupted by a timer at the time limit, and answers at most `max_rows` rows.

The lock leaves one thing reachable: `read_parquet` of the data set's own file (its other columns),
since DuckDB must be allowed that path to scan it for the view. So before a statement runs, DuckDB's
*own* parser reads it (`json_serialize_sql`) and the executor refuses anything but one SELECT whose
only table is `data`: no table function, no file named as a table. That second parse is DuckDB's,
not sqlglot's, so a statement the two parsers read differently cannot slip a file reader past both.
"""

from __future__ import annotations

import decimal
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from siyada.dataspace import views
from siyada.dataspace.views import SandboxLimits
from siyada.workers import JobTooComplex, Limits, WorkerPool

__all__ = ["Sandbox", "SandboxError", "SandboxLimits", "Table", "execute", "gate"]

Value = str | int | float | bool | None


class SandboxError(Exception):
    """The query failed inside the sandbox (refused by the locked connection, over a limit)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Table:
    """A small result table, all plain Python values (it crosses a process boundary)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return tuple(_plain(v) for v in value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # dates and the like: text, never an object of DuckDB's


def _tables_read(tree: Any) -> list[tuple[str, str]]:
    """Every table reference in DuckDB's parse tree: (type, name)."""
    found: list[tuple[str, str]] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            kind = node.get("type")
            if kind == "TABLE_FUNCTION":
                found.append((kind, str((node.get("function") or {}).get("function_name", ""))))
            elif kind == "BASE_TABLE":
                name = ".".join(str(node.get(k) or "") for k in ("catalog_name", "schema_name", "table_name"))
                found.append((kind, name))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def gate(con: Any, sql: str) -> None:
    """DuckDB's own parse of `sql`: one SELECT whose only table is `data`, or SandboxError."""
    tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
    if tree.get("error"):
        raise SandboxError(f"DuckDB runs only a SELECT here: {tree.get('error_message', '')[:200]}")
    if len(tree.get("statements", [])) != 1:
        raise SandboxError("DuckDB runs exactly one statement here")
    for kind, name in _tables_read(tree):
        if kind != "BASE_TABLE" or name.casefold() != "..data":
            raise SandboxError(f"DuckDB reads only the view data here, not {name or kind}")


def execute(
    parquet: str,
    columns: Sequence[str],
    statements: Sequence[str],
    limits: SandboxLimits,
    finish: Callable[[list[Table]], Any] | None = None,
    check: bool = True,
) -> Any:
    """The executor: runs `statements` on a locked connection (`views.CACHE`) in *this* process (a
    worker's, when called through :class:`Sandbox`), then `finish` on the tables, still in this
    process (DP noise is added there, so exact aggregates never leave it). Every failure is a
    :class:`SandboxError`. `check=False` skips DuckDB's own parse (`gate`), for tests of the lock alone."""
    try:
        lease = views.CACHE.take(views.view_key(parquet, columns, limits))
    except Exception as exc:
        raise SandboxError(f"the data set cannot be opened: {type(exc).__name__}") from None
    # A fresh cursor is a fresh client context: nothing an earlier query made in its own (a TEMP
    # object, a variable, a prepared statement, a seed) is visible to this one.
    cursor = lease.con.cursor()
    timer = threading.Timer(limits.seconds, cursor.interrupt)  # DuckDB stops at its next check
    timer.daemon = True
    timer.start()
    done = False
    try:
        tables = []
        for sql in statements:
            if check:
                gate(cursor, sql)
            tables.append(_run(cursor, sql, limits.max_rows))
        done = True
    except SandboxError:
        raise
    except Exception as exc:  # DuckDB's PermissionException, InterruptException, OutOfMemory...
        raise SandboxError(f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}") from None
    finally:
        timer.cancel()
        cursor.close()
        if done:
            views.CACHE.keep(lease)
        else:  # a refused, failed or interrupted query: its connection is not trusted again
            lease.con.close()
    return finish(tables) if finish is not None else tables


def _run(con: Any, sql: str, max_rows: int) -> Table:
    cursor = con.execute(sql)
    names = tuple(d[0] for d in cursor.description or ())
    rows = cursor.fetchmany(max_rows + 1)
    if len(rows) > max_rows:
        raise SandboxError(f"the result has more than {max_rows} rows")
    return Table(names, tuple(tuple(_plain(v) for v in row) for row in rows))


class Sandbox:
    """Worker processes that run the executor; the server's process never opens a data set."""

    def __init__(self, pool: WorkerPool, limits: SandboxLimits) -> None:
        self.pool = pool
        self.limits = limits

    @classmethod
    def start(cls, processes: int = 1, limits: SandboxLimits | None = None, nice: int = 10) -> Sandbox:
        limits = limits or SandboxLimits()
        kernel = Limits(
            cpu_seconds=int(limits.seconds * limits.threads) + 1,
            memory_bytes=(limits.memory_mb + 768) * 2**20,  # DuckDB's limit plus its code and threads
            wall_seconds=limits.seconds + 10,  # backstop past the in-process interrupt
        )
        return cls(WorkerPool(processes, kernel, nice=nice), limits)

    def run(
        self,
        parquet: str,
        columns: Sequence[str],
        statements: Sequence[str],
        finish: Callable[[list[Table]], Any] | None = None,
    ) -> Any:
        """`execute` in a worker: `finish` must be picklable (a module-level function or a partial)."""
        try:
            return self.pool.run(execute, parquet, tuple(columns), tuple(statements), self.limits, finish)
        except JobTooComplex as exc:
            raise SandboxError(str(exc).replace("The document is", "The query is")) from None

    def close(self) -> None:
        self.pool.close()
