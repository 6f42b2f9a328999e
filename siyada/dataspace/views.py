"""Locked DuckDB connections over a data set's view `data`, kept in a small LRU inside a worker.

Why a cache: a fresh connection per query (a new database, its thread pool, the view, the locks) cost
20-30 ms plus a cold first scan, which the lightest 10-million-row table query (0.17 s) felt most
(bench/dataspace.py). A grant's next query now reuses the connection its previous one left, without
weakening the lock or carrying state from one query to the next:

- the database holding the view is opened **read-only** (written once to a private file, then opened
  read-only and unlinked): no query can CREATE, ALTER, COMMENT, or ATTACH anything in it, even one that
  got past both parsers (DuckDB refuses writes to a read-only database, and an in-memory ATTACH too);
- each query runs on a fresh cursor (`con.cursor()`: a new client context), so a TEMP object, a
  variable, a prepared statement or a random seed dies with the query that made it;
- configuration is locked as before (no SET, PRAGMA or RESET); after each query the list of attached
  databases is compared with the one the connection was opened with, and any failure closes it;
- the key is the file's real path, device, inode, size and mtime, the view's columns and the limits:
  a changed file, other columns or other limits get a new connection.

A worker killed over a limit takes its cache with it (the cache lives in the worker's memory only).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Imported with this module (and `sandbox`), hence in a worker when it unpickles its job and before
# the job's kernel limits apply: mapping DuckDB's library under RLIMIT_AS could fail.
import duckdb

from siyada.dataspace.query import quote

CACHED = 4  # locked connections one worker keeps (each a database with its own thread pool)
# The view's database is written here (memory, not disk, when available: 15 ms instead of 40).
_SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


@dataclass(frozen=True)
class SandboxLimits:
    memory_mb: int = 1024  # DuckDB's own memory limit (the process gets this plus headroom)
    threads: int = 2
    seconds: float = 60.0  # wall time of one job; CPU time is bounded at threads × this
    max_rows: int = 10_000  # rows one statement may answer


@dataclass(frozen=True)
class ViewKey:
    path: str
    device: int
    inode: int
    size: int
    mtime_ns: int
    columns: tuple[str, ...]
    limits: SandboxLimits


def view_key(parquet: str, columns: Sequence[str], limits: SandboxLimits) -> ViewKey:
    path = os.path.realpath(parquet)
    st = os.stat(path)
    return ViewKey(path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, tuple(columns), limits)


def _config(limits: SandboxLimits) -> dict[str, Any]:
    return {
        "threads": limits.threads,
        "memory_limit": f"{limits.memory_mb}MB",
        "max_temp_directory_size": "0B",  # no spilling: the memory limit is the limit
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "allow_community_extensions": False,
        "allow_unsigned_extensions": False,
    }


def _view_database(path: str, columns: Sequence[str], limits: SandboxLimits) -> Any:
    """A read-only database whose one object is the view `data` over `columns` of `path`."""
    # A grant whose columns are all identifying still counts records: the view then has one
    # constant column no query can name (validation knows only the policy's columns).
    projection = ", ".join(quote(c) for c in columns) or 'NULL AS "_"'
    literal = "'" + path.replace("'", "''") + "'"
    folder = tempfile.mkdtemp(prefix="siyada-view-", dir=_SCRATCH)
    file = os.path.join(folder, "view.duckdb")
    try:
        writer = duckdb.connect(file, config={**_config(limits), "threads": 1})
        try:
            writer.execute(f"CREATE VIEW data AS SELECT {projection} FROM read_parquet({literal})")
        finally:
            writer.close()
        return duckdb.connect(file, read_only=True, config=_config(limits))
    finally:  # the open database keeps its file descriptor; nothing is left on disk
        for leftover in (file, file + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
        os.rmdir(folder)


def locked_connection(parquet: str, columns: Sequence[str], limits: SandboxLimits) -> Any:
    """A DuckDB connection that sees the view `data` over `columns` of `parquet`, and nothing else."""
    path = os.path.realpath(parquet)
    con = _view_database(path, columns, limits)
    try:
        literal = "'" + path.replace("'", "''") + "'"
        con.execute("SET enable_progress_bar = false")  # no terminal in a worker
        con.execute(f"SET allowed_paths = [{literal}]")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except Exception:
        con.close()
        raise
    return con


def databases(con: Any) -> tuple[str, ...]:
    """The databases a connection sees: a query that attached one leaves its trace here."""
    cursor = con.cursor()
    try:
        rows = cursor.execute("SELECT database_name FROM duckdb_databases() ORDER BY 1").fetchall()
    finally:
        cursor.close()
    return tuple(str(r[0]) for r in rows)


@dataclass
class Lease:
    """A connection handed to one query, with the databases it saw when opened."""

    key: ViewKey
    con: Any
    baseline: tuple[str, ...]


class ViewCache:
    """An LRU of locked connections; `take` hands one out (no two queries share one), `keep` takes it
    back only if it sees the databases it saw when opened."""

    def __init__(self, size: int = CACHED) -> None:
        self.size = size
        self.opened = 0  # connections opened: tests and the bench read it to count reuse
        self._lru: OrderedDict[ViewKey, Lease] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: ViewKey) -> Lease:
        with self._lock:
            lease = self._lru.pop(key, None)
        if lease is not None:
            return lease
        con = locked_connection(key.path, key.columns, key.limits)
        try:
            baseline = databases(con)
        except Exception:
            con.close()
            raise
        with self._lock:
            self.opened += 1
        return Lease(key, con, baseline)

    def keep(self, lease: Lease) -> None:
        """Put the connection back as the most recent; closed instead when its databases changed."""
        try:
            unchanged = databases(lease.con) == lease.baseline
        except Exception:
            unchanged = False
        if not unchanged:
            lease.con.close()
            return
        with self._lock:
            self._lru[lease.key] = lease
            self._lru.move_to_end(lease.key)
            old = [self._lru.popitem(last=False)[1] for _ in range(len(self._lru) - self.size)]
        for stale in old:
            stale.con.close()

    def clear(self) -> None:
        with self._lock:
            leases, self._lru = list(self._lru.values()), OrderedDict()
        for lease in leases:
            lease.con.close()


CACHE = ViewCache()  # one per process: a worker's, or the caller's for `execute` run in place
