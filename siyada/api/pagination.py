"""Cursor pagination shared by list endpoints: `limit` (1-1000, default 100) and `after` (an id)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import Request

from siyada.errors import ApiError

MAX_ID = 2**63 - 1  # the largest id the database stores (a signed 64-bit integer); beyond it, a 500
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a string id (files, batches): nothing odd reaches the database


def page_params(request: Request) -> tuple[int, int]:
    q = request.query_params
    try:
        limit, after = int(q.get("limit", "100")), int(q.get("after", "0"))
    except ValueError as exc:
        raise ApiError(400, "limit and after must be integers", code="invalid_request") from exc
    if not 0 <= after <= MAX_ID:
        raise ApiError(400, f"after must be between 0 and {MAX_ID}", code="invalid_request", param="after")
    if not 1 <= limit <= 1000:
        raise ApiError(400, "limit must be between 1 and 1000", code="invalid_request", param="limit")
    return limit, after


def page(items: Sequence[Any], limit: int, render: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """The list shape for up to `limit` items, given `items` (already after the cursor, in id order)."""
    shown = [render(i) for i in items[:limit]]
    more = len(items) > limit
    return {"object": "list", "data": shown, "has_more": more, "next": str(shown[-1]["id"]) if more else None}


def id_cursor(request: Request, default: int = 20) -> tuple[int, str | None]:
    """`limit` (1-1000) and `after` (a string id: files, batches) of OpenAI's newest-first lists."""
    q = request.query_params
    raw_limit, after = q.get("limit", str(default)), q.get("after") or None
    if not (
        len(raw_limit) <= 4 and raw_limit.isascii() and raw_limit.isdigit() and 1 <= int(raw_limit) <= 1000
    ):
        raise ApiError(
            400, "limit must be an integer between 1 and 1000", code="invalid_request", param="limit"
        )
    if after is not None and not _ID.fullmatch(after):
        raise ApiError(400, "after must be an id", code="invalid_request", param="after")
    return int(raw_limit), after


def id_page(items: Sequence[dict[str, Any]], limit: int) -> dict[str, Any]:
    """OpenAI's list shape over up to `limit` + 1 rendered items (the extra one says there are more)."""
    shown = list(items[:limit])
    return {
        "object": "list",
        "data": shown,
        "first_id": shown[0]["id"] if shown else None,
        "last_id": shown[-1]["id"] if shown else None,
        "has_more": len(items) > limit,
    }
