"""Reading usage back (raw rows and per-day roll-ups together) and folding old raw rows into days.

Raw `usage` rows are kept for `RAW_RETENTION_DAYS` (7) days; `rollup` then folds them into `usage_daily`
(one row per UTC day x tenant x key x endpoint x model x provider) and deletes them. Every query counts
both tables, so totals do not change when rows are rolled up; only per-call detail (status, latency of
each call, time of day) is lost for old days.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.store.tables import tenants, usage, usage_daily

RAW_RETENTION_DAYS = 7
ROLLUP_BATCH = 5000
_GROUP = ("day", "tenant_id", "key_id", "endpoint", "model", "provider")
_FOLD_COLS = (
    "ts", "tenant_id", "key_id", "endpoint", "model", "provider", "status",
    "prompt_tokens", "completion_tokens", "latency_ms", "energy_wh",
)  # fmt: skip
_SUMS = ("requests", "errors", "prompt_tokens", "completion_tokens", "latency_ms_sum", "energy_wh")


@dataclass(frozen=True)
class Page:
    data: list[dict[str, Any]]
    has_more: bool
    next: str | None


def utc_day(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def _day_start(day: str) -> float:
    return datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC).timestamp()


def encode_cursor(source: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{source}{row_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    """`(source, id)` from a cursor made by `encode_cursor`; ValueError if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError("malformed cursor") from exc
    if len(raw) < 2 or raw[0] not in "dr" or not raw[1:].isdigit():
        raise ValueError("malformed cursor")
    return raw[0], int(raw[1:])


def _where(table: sa.Table, tenant_id, key_id, model, provider, start, end) -> list[Any]:  # type: ignore[no-untyped-def]
    """Filter conditions on `usage` or `usage_daily`; a day counts when it overlaps [start, end)."""
    values = {"tenant_id": tenant_id, "key_id": key_id, "model": model, "provider": provider}
    conds: list[Any] = [table.c[col] == v for col, v in values.items() if v is not None]
    if table is usage:
        if start is not None:
            conds.append(usage.c.ts >= start)
        if end is not None:
            conds.append(usage.c.ts < end)
        return conds
    if start is not None:
        conds.append(usage_daily.c.day >= utc_day(start))
    if end is not None:
        last = datetime.fromtimestamp(end, UTC)
        if last == last.replace(hour=0, minute=0, second=0, microsecond=0):
            last -= timedelta(days=1)
        conds.append(usage_daily.c.day <= last.strftime("%Y-%m-%d"))
    return conds


def query_usage(
    engine: Engine,
    *,
    tenant_id: int | None = None,
    key_id: int | None = None,
    model: str | None = None,
    provider: str | None = None,
    start: float | None = None,
    end: float | None = None,
    limit: int = 100,
    cursor: str | None = None,
) -> Page:
    """One page of usage rows: rolled-up days first (oldest data), then raw calls, each by id.

    `start` is inclusive and `end` exclusive (Unix seconds). Raises ValueError for a malformed cursor.
    """
    source, after = decode_cursor(cursor) if cursor else ("d", 0)
    filters = (tenant_id, key_id, model, provider, start, end)
    items: list[dict[str, Any]] = []
    with engine.connect() as conn:
        if source == "d":
            q = (
                sa.select(usage_daily, tenants.c.name.label("tenant"))
                .select_from(usage_daily.outerjoin(tenants, tenants.c.id == usage_daily.c.tenant_id))
                .where(usage_daily.c.id > after, *_where(usage_daily, *filters))
                .order_by(usage_daily.c.id)
                .limit(limit + 1)
            )
            items += [_daily_row(r) for r in conn.execute(q)]
            after = 0
        if len(items) <= limit:
            q = (
                sa.select(usage, tenants.c.name.label("tenant"))
                .select_from(usage.outerjoin(tenants, tenants.c.id == usage.c.tenant_id))
                .where(usage.c.id > after, *_where(usage, *filters))
                .order_by(usage.c.id)
                .limit(limit + 1 - len(items))
            )
            items += [_raw_row(r) for r in conn.execute(q)]
    has_more = len(items) > limit
    items = items[:limit]
    next_cursor = None
    if has_more:
        last = items[-1]
        next_cursor = encode_cursor("d" if last["granularity"] == "day" else "r", last.pop("_id"))
    for item in items:
        item.pop("_id", None)
    return Page(items, has_more, next_cursor)


_SHARED = ("tenant", "key_id", "endpoint", "model", "provider", "prompt_tokens", "completion_tokens")


def _raw_row(r: sa.Row) -> dict[str, Any]:
    row = {"_id": r.id, "id": f"call_{r.id}", "granularity": "call", "day": utc_day(r.ts), "ts": r.ts}
    row.update({c: r._mapping[c] for c in _SHARED})
    row.update(status=r.status, requests=1, errors=int(r.status >= 400), latency_ms=r.latency_ms)
    return row | {"ttft_ms": r.ttft_ms, "energy_wh": r.energy_wh}


def _daily_row(r: sa.Row) -> dict[str, Any]:
    row = {"_id": r.id, "id": f"day_{r.id}", "granularity": "day", "day": r.day, "ts": _day_start(r.day)}
    row.update({c: r._mapping[c] for c in _SHARED})
    row.update(status=None, requests=r.requests, errors=r.errors, latency_ms=r.latency_ms_sum)
    return row | {"ttft_ms": None, "energy_wh": r.energy_wh}


def _day_expr(conn: Connection) -> Any:
    if conn.dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", sa.func.to_timestamp(usage.c.ts)), "YYYY-MM-DD")
    return sa.func.strftime("%Y-%m-%d", usage.c.ts, "unixepoch")


def daily_aggregates(
    engine: Engine,
    *,
    tenant_id: int | None = None,
    key_id: int | None = None,
    model: str | None = None,
    provider: str | None = None,
    start: float | None = None,
    end: float | None = None,
) -> list[dict[str, Any]]:
    """Totals per UTC day x model, from raw rows and rolled-up days together, oldest day first."""
    filters = (tenant_id, key_id, model, provider, start, end)
    totals: dict[tuple[str, str], list[float]] = {}
    error = sa.case((usage.c.status >= 400, 1), else_=0)
    with engine.connect() as conn:
        day = _day_expr(conn).label("day")
        raw_q = (
            sa.select(
                day,
                usage.c.model,
                sa.func.count(),
                sa.func.sum(error),
                sa.func.sum(usage.c.prompt_tokens),
                sa.func.sum(usage.c.completion_tokens),
                sa.func.sum(usage.c.energy_wh),
            )
            .where(*_where(usage, *filters))
            .group_by(day, usage.c.model)
        )
        daily_q = (
            sa.select(
                usage_daily.c.day,
                usage_daily.c.model,
                *(
                    sa.func.sum(usage_daily.c[c])
                    for c in ("requests", "errors", "prompt_tokens", "completion_tokens", "energy_wh")
                ),
            )
            .where(*_where(usage_daily, *filters))
            .group_by(usage_daily.c.day, usage_daily.c.model)
        )
        for row in (*conn.execute(raw_q), *conn.execute(daily_q)):
            acc = totals.setdefault((row[0], row[1]), [0, 0, 0, 0, 0.0])
            for i, value in enumerate(row[2:]):
                acc[i] += value or 0
    out = []
    for (d, m), (requests, errors, prompt, completion, energy) in sorted(totals.items()):
        out.append(
            {
                "object": "usage.daily",
                "day": d,
                "model": m,
                "requests": int(requests),
                "errors": int(errors),
                "prompt_tokens": int(prompt),
                "completion_tokens": int(completion),
                "total_tokens": int(prompt + completion),
                "energy_wh": round(float(energy), 6),
            }
        )
    return out


def rollup(
    engine: Engine,
    older_than_days: int = RAW_RETENTION_DAYS,
    *,
    batch_size: int = ROLLUP_BATCH,
    now: float | None = None,
) -> int:
    """Fold raw rows older than the window into `usage_daily` and delete them; returns how many.

    Each batch is one transaction: the rows are deleted with RETURNING and their sums added to the
    daily rows in the same transaction, so a crash or a second replica rolling up at the same time
    neither loses nor double-counts a call (a row can only be deleted, hence counted, once).
    """
    cutoff = (time.time() if now is None else now) - older_than_days * 86400
    folded = 0
    while True:
        with engine.begin() as conn:
            ids = sa.select(usage.c.id).where(usage.c.ts < cutoff).order_by(usage.c.id).limit(batch_size)
            rows = conn.execute(
                usage.delete()
                .where(usage.c.id.in_(ids.scalar_subquery()))
                .returning(*(usage.c[c] for c in _FOLD_COLS))
            ).all()
            if rows:
                _add_to_daily(conn, _fold(rows))
        folded += len(rows)
        if len(rows) < batch_size:
            return folded


def _fold(rows: Iterable[sa.Row]) -> list[dict[str, Any]]:
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        key = (utc_day(r.ts), r.tenant_id, r.key_id, r.endpoint, r.model, r.provider)
        g = groups.get(key)
        if g is None:
            g = groups[key] = dict(zip(_GROUP, key, strict=True)) | dict.fromkeys(_SUMS, 0)
        g["requests"] += 1
        g["errors"] += int(r.status >= 400)
        g["prompt_tokens"] += r.prompt_tokens
        g["completion_tokens"] += r.completion_tokens
        g["latency_ms_sum"] += r.latency_ms
        g["energy_wh"] += r.energy_wh
    return list(groups.values())


def _add_to_daily(conn: Connection, groups: list[dict[str, Any]]) -> None:
    """Upsert-add each group. NULLs are distinct in a unique constraint, so groups with a NULL column
    (no tenant, no key, no provider) cannot use ON CONFLICT: they are updated-or-inserted by hand."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        insert = None  # type: ignore[assignment]
    plain = [g for g in groups if insert is not None and all(g[c] is not None for c in _GROUP)]
    if plain:
        stmt = insert(usage_daily)
        stmt = stmt.on_conflict_do_update(
            index_elements=[usage_daily.c[c] for c in _GROUP],
            set_={c: usage_daily.c[c] + stmt.excluded[c] for c in _SUMS},
        )
        conn.execute(stmt, plain)
    for g in groups:
        if insert is not None and all(g[c] is not None for c in _GROUP):
            continue
        match = [usage_daily.c[c].is_not_distinct_from(g[c]) for c in _GROUP]
        updated = conn.execute(
            usage_daily.update().where(*match).values({c: usage_daily.c[c] + g[c] for c in _SUMS})
        )
        if updated.rowcount == 0:
            conn.execute(usage_daily.insert().values(g))
