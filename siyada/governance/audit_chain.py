"""The audit hash chain's primitives: the entry hash, the append lock and the chain's newest entry.

Entry hash = sha256_hex(prev_hash + canonical_json(id, ts, actor, tenant_id, action, target, details)),
canonical JSON being orjson with sorted keys; the first entry's prev_hash is 64 zeros. Appends are
serialised across processes (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-level advisory lock).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.store.tables import audit_log

GENESIS = "0" * 64
_PG_LOCK = 7412  # pg_advisory_xact_lock key for audit appends (7411 is the migration lock)


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    body = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(prev_hash.encode("ascii") + body).hexdigest()


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction that holds the audit append lock; commits on success, rolls back on error.

    Use it instead of `engine.begin()` to audit an operation atomically with `append`."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # takes the database write lock now, waits busy_timeout
        elif conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
        yield conn
        conn.commit()


def last_entry(conn: Connection) -> tuple[int, str]:
    """The newest entry's id and hash, (0, GENESIS) for an empty log."""
    row = conn.execute(
        sa.select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
    ).first()
    return (row.id, row.hash) if row else (0, GENESIS)
