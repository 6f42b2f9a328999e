"""A tenant's rows keyed by a string id (files, batches): one row by its id, and newest-first pages as
OpenAI lists them (`after` names the last row of the previous page; its creation time, then its id, break
ties)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyada.errors import ApiError


def owned(conn: Connection, table: sa.Table, tenant_id: int, row_id: str, *columns: Any) -> Any:
    """The tenant's row with this id (these columns, else all); None for a missing id or another
    tenant's, which must not be told apart."""
    query = sa.select(*columns) if columns else sa.select(table)
    return conn.execute(query.where(table.c.id == row_id, table.c.tenant_id == tenant_id)).first()


def newest_first(
    conn: Connection, table: sa.Table, q: sa.Select[Any], tenant_id: int, limit: int, after: str | None
) -> list[Any]:
    """Up to `limit` + 1 rows of `q` (already limited to the tenant), after the row `after`."""
    if after:
        cursor = owned(conn, table, tenant_id, after, table.c.created_at)
        if cursor is None:  # another tenant's id too: nothing to learn from the answer
            raise ApiError(400, f"after: no such id {after!r}", code="invalid_request", param="after")
        q = q.where(
            sa.or_(
                table.c.created_at < cursor.created_at,
                sa.and_(table.c.created_at == cursor.created_at, table.c.id < after),
            )
        )
    return list(conn.execute(q.order_by(table.c.created_at.desc(), table.c.id.desc()).limit(limit + 1)))
