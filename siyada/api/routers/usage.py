"""GET /v1/usage: a tenant's usage, as raw rows (cursor-paginated), per-day totals, or CSV.

Query parameters:
  tenant    operator keys only: a tenant name (omit it to see every tenant); other keys see their own tenant
  start     ISO date or datetime (UTC if no offset), inclusive
  end       ISO datetime, exclusive; a plain date means "to the end of that day"
  model, provider, key_id   exact filters
  group_by  "day": totals per day x model instead of rows
  limit     rows per page, 1-1000 (default 100); after: the `next` cursor of the previous page
  format    "json" (default) or "csv"; CSV without group_by exports every matching row from `after` on
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response, StreamingResponse

from siyada.api.auth import authenticate
from siyada.errors import ApiError
from siyada.governance import audit
from siyada.governance.keys import Principal
from siyada.governance.tenants import TenantError, get_tenant
from siyada.governance.usage_query import daily_aggregates, decode_cursor, query_usage

router = APIRouter(tags=["usage"])

MAX_LIMIT = 1000
_KNOWN = {"tenant", "start", "end", "model", "provider", "key_id", "group_by", "limit", "after", "format"}
ROW_COLUMNS = (
    "id", "granularity", "day", "ts", "tenant", "key_id", "endpoint", "model", "provider", "status",
    "requests", "errors", "prompt_tokens", "completion_tokens", "latency_ms", "ttft_ms", "energy_wh",
)  # fmt: skip
DAY_COLUMNS = (
    "day", "model", "requests", "errors", "prompt_tokens", "completion_tokens", "total_tokens", "energy_wh",
)  # fmt: skip


def _bad(message: str, param: str) -> ApiError:
    return ApiError(400, message, code="invalid_request", param=param)


def parse_time(value: str, param: str, *, end: bool = False) -> float:
    """Unix seconds for an ISO date or datetime; a plain date as `end` means the next midnight."""
    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            moment = datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(days=1 if end else 0)
        else:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError as exc:
        raise _bad(f"{param} must be an ISO date (2025-01-31) or datetime, not {value!r}", param) from exc
    return moment.timestamp()


def _int(value: str | None, param: str, default: int, low: int, high: int) -> int:
    if value is None:
        return default
    try:
        n = int(value)
    except ValueError as exc:
        raise _bad(f"{param} must be an integer, not {value!r}", param) from exc
    if not low <= n <= high:
        raise _bad(f"{param} must be between {low} and {high}", param)
    return n


async def _filters(request: Request, principal: Principal) -> dict[str, Any]:
    q = request.query_params
    unknown = sorted(set(q) - _KNOWN)
    if unknown:
        raise _bad(f"Unknown query parameter {unknown[0]!r}", unknown[0])
    tenant_id: int | None = principal.tenant.id
    name = q.get("tenant")
    if name is not None and name != principal.tenant.name:
        if not principal.is_operator:  # refused before the name is looked up: no tenant is revealed
            raise ApiError(
                403, "Only operator keys may read another tenant's usage", code="operator_required"
            )
        try:
            tenant_id = (await asyncio.to_thread(get_tenant, request.app.state.engine, name)).id
        except TenantError as exc:
            raise _bad(str(exc), "tenant") from exc
    elif name is None and principal.is_operator:
        tenant_id = None  # every tenant
    start = parse_time(q["start"], "start") if q.get("start") else None
    end = parse_time(q["end"], "end", end=True) if q.get("end") else None
    if start is not None and end is not None and start >= end:
        raise _bad("start must be before end", "start")
    key_id = _int(q.get("key_id"), "key_id", 0, 1, 2**63 - 1) if q.get("key_id") else None
    if tenant_id != principal.tenant.id:
        # An operator reading other tenants' usage is a data access the audit log must show.
        await asyncio.to_thread(
            audit.record,
            request.app.state.engine,
            "usage.read",
            actor=principal.actor,
            tenant_id=tenant_id,
            target="all tenants" if tenant_id is None else f"tenant:{tenant_id}",
        )
    return {
        "tenant_id": tenant_id,
        "key_id": key_id,
        "model": q.get("model") or None,
        "provider": q.get("provider") or None,
        "start": start,
        "end": end,
    }


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...], header: bool) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _csv_response(body: Any) -> Response:
    headers = {"Content-Disposition": 'attachment; filename="usage.csv"'}
    cls = StreamingResponse if not isinstance(body, str) else Response
    return cls(body, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/v1/usage")
async def get_usage(request: Request, principal: Principal = Depends(authenticate)) -> Any:
    q = request.query_params
    filters = await _filters(request, principal)
    engine = request.app.state.engine
    fmt = q.get("format", "json")
    if fmt not in ("json", "csv"):
        raise _bad("format must be 'json' or 'csv'", "format")
    group_by = q.get("group_by")
    if group_by is not None and group_by != "day":
        raise _bad("group_by must be 'day'", "group_by")
    limit = _int(q.get("limit"), "limit", 100, 1, MAX_LIMIT)
    after = q.get("after") or None
    if after is not None:
        try:
            decode_cursor(after)
        except ValueError as exc:
            raise _bad("after is not a cursor returned by this endpoint", "after") from exc

    if group_by == "day":
        days = await asyncio.to_thread(daily_aggregates, engine, **filters)
        if fmt == "csv":
            return _csv_response(_csv(days, DAY_COLUMNS, header=True))
        return {"object": "list", "data": days, "has_more": False, "next": None}

    if fmt == "csv":
        return _csv_response(_export(engine, filters, after))
    page = await asyncio.to_thread(query_usage, engine, **filters, limit=limit, cursor=after)
    for row in page.data:
        row["object"] = "usage.record"
    return {"object": "list", "data": page.data, "has_more": page.has_more, "next": page.next}


async def _export(engine: Any, filters: dict[str, Any], cursor: str | None) -> AsyncIterator[str]:
    header = True
    while True:
        page = await asyncio.to_thread(query_usage, engine, **filters, limit=MAX_LIMIT, cursor=cursor)
        yield _csv(page.data, ROW_COLUMNS, header)
        header = False
        if not page.has_more:
            return
        cursor = page.next
