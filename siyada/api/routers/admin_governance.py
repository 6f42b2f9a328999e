"""Admin API for quotas and the audit log (admin keys only): `/v1/admin/limits`, `/v1/admin/audit`."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from pathlib import Path
from typing import Any

import fastapi
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from siyada.api.auth import require_admin
from siyada.api.body import one_given, openapi_body, read_json, validate
from siyada.api.pagination import MAX_ID, page, page_params
from siyada.errors import ApiError
from siyada.governance import audit
from siyada.governance.keys import Principal
from siyada.governance.limits import Limit, LimitError, delete_limit, list_limits, set_limit
from siyada.governance.tenants import TenantError, get_tenant

router = APIRouter(tags=["admin"])


class LimitSet(BaseModel):
    # "Give exactly one of tenant or key_id", as JSON Schema.
    model_config = ConfigDict(extra="forbid", json_schema_extra=one_given("tenant", "key_id"))
    tenant: str | None = None
    key_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    model: str | None = None
    rpm: int | None = Field(default=None, ge=0)
    tpm: int | None = Field(default=None, ge=0)
    tpd: int | None = Field(default=None, ge=0)
    monthly_tokens: int | None = Field(default=None, ge=0)


def _limit(lim: Limit) -> dict[str, Any]:
    return {"object": "limit", **asdict(lim)}


@router.get("/v1/admin/limits")
async def limits_list(request: Request, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    limit, after = page_params(request)
    rows = [r for r in await asyncio.to_thread(list_limits, request.app.state.engine) if r.id > after]
    return page(rows, limit, _limit)


@router.put("/v1/admin/limits", openapi_extra=openapi_body(LimitSet))
async def limits_set(request: Request, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    body = validate(LimitSet, await read_json(request))
    if (body.tenant is None) == (body.key_id is None):
        raise ApiError(400, "Give exactly one of tenant or key_id", code="invalid_request")
    engine = request.app.state.engine
    try:
        scope_id = (
            (await asyncio.to_thread(get_tenant, engine, body.tenant)).id if body.tenant else body.key_id
        )
        values = body.model_dump(include={"rpm", "tpm", "tpd", "monthly_tokens"})
        lim = await asyncio.to_thread(
            lambda: set_limit(
                engine,
                "tenant" if body.tenant else "key",
                int(scope_id or 0),
                body.model,
                actor=admin.actor,
                **values,
            )
        )
    except TenantError as exc:
        raise ApiError(404, str(exc), code="tenant_not_found") from exc
    except LimitError as exc:
        raise ApiError(400, str(exc), code="invalid_request") from exc
    request.app.state.quotas.invalidate()
    return _limit(lim)


@router.delete("/v1/admin/limits/{limit_id}")
async def limits_delete(
    request: Request, limit_id: int = fastapi.Path(ge=1, le=MAX_ID), admin: Principal = Depends(require_admin)
) -> dict[str, Any]:
    try:
        await asyncio.to_thread(lambda: delete_limit(request.app.state.engine, limit_id, actor=admin.actor))
    except LimitError as exc:
        raise ApiError(404, str(exc), code="limit_not_found") from exc
    request.app.state.quotas.invalidate()
    return {"object": "limit.deleted", "id": limit_id, "deleted": True}


@router.get("/v1/admin/audit")
async def audit_list(request: Request, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    """Chain order from `after`; with `order=desc`, newest first (`after` then reads as "below this id")."""
    limit, after = page_params(request)
    order = request.query_params.get("order", "asc")
    if order not in ("asc", "desc"):
        raise ApiError(400, "order must be 'asc' or 'desc'", code="invalid_request", param="order")
    before = (after or 2**62) if order == "desc" else None
    rows = await asyncio.to_thread(audit.entries, request.app.state.engine, after, limit + 1, before)
    return page(rows, limit, lambda row: row)


@router.post("/v1/admin/audit/verify")
async def audit_verify(request: Request, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    data_dir: Path = request.app.state.settings.data_dir
    result = await asyncio.to_thread(audit.verify, request.app.state.engine, audit.key_path_for(data_dir))
    return {"object": "audit.verification", **asdict(result)}
