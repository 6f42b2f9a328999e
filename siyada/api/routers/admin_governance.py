"""Admin API for quotas and the audit log: `/v1/admin/limits`, `/v1/admin/audit`.

An operator sees and sets every limit and reads the whole chain. A tenant admin reads its tenant's limits
and audit entries only (entries of no tenant are the platform's), and sets or deletes the limits of its
own keys; a tenant-wide limit is the platform's allotment to the tenant, so only an operator changes it.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from siyada.api.auth import require_admin, require_operator
from siyada.api.body import one_given, openapi_body, read_json, validate
from siyada.api.pagination import MAX_ID, page, page_params
from siyada.api.tenancy import check_owned
from siyada.errors import ApiError
from siyada.governance import audit
from siyada.governance.keys import Principal, key_tenant, list_keys
from siyada.governance.limits import Limit, LimitError, delete_limit, list_limits, set_limit
from siyada.governance.tenants import TenantError, get_tenant
from siyada.store.ids import row_id

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
    rows = await asyncio.to_thread(_visible_limits, request.app.state.engine, admin)
    return page([r for r in rows if r.id > after], limit, _limit)


def _visible_limits(engine: Any, admin: Principal) -> list[Limit]:
    rows = list_limits(engine)
    if admin.is_operator:
        return rows
    keys = {k.id for k in list_keys(engine, admin.tenant.name)}
    return [r for r in rows if (r.scope_id == admin.tenant.id if r.scope == "tenant" else r.scope_id in keys)]


def _operator_only_tenant_limit() -> ApiError:
    return ApiError(403, "A tenant-wide limit is set by the platform's operator", code="operator_required")


async def _check_key(request: Request, admin: Principal, key_id: int) -> None:
    """A tenant admin sets limits on its own tenant's keys only; another tenant's key reads as absent."""
    missing = ApiError(404, f"no key with id {key_id}", code="key_not_found", param="key_id")
    owner = await asyncio.to_thread(key_tenant, request.app.state.engine, key_id)
    if owner is None:
        if admin.is_operator:
            return  # the store's own check answers (as it always did)
        raise missing
    check_owned(admin, owner[0], None, missing)


@router.put("/v1/admin/limits", openapi_extra=openapi_body(LimitSet))
async def limits_set(request: Request, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    body = validate(LimitSet, await read_json(request))
    if (body.tenant is None) == (body.key_id is None):
        raise ApiError(400, "Give exactly one of tenant or key_id", code="invalid_request")
    if body.tenant is not None and not admin.is_operator:
        raise _operator_only_tenant_limit()
    if body.key_id is not None:
        await _check_key(request, admin, body.key_id)
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
    limit_id: str, request: Request, admin: Principal = Depends(require_admin)
) -> dict[str, Any]:
    lid = row_id(limit_id)  # ASCII digits only: FastAPI's int would read '3_0' as limit 30
    if lid is None:
        raise ApiError(404, f"no limit with id {limit_id[:80]!r}", code="limit_not_found")
    if not admin.is_operator:
        visible = await asyncio.to_thread(_visible_limits, request.app.state.engine, admin)
        lim = next((r for r in visible if r.id == lid), None)
        if lim is None:
            raise ApiError(404, f"no limit with id {lid}", code="limit_not_found")
        if lim.scope == "tenant":
            raise _operator_only_tenant_limit()
    try:
        await asyncio.to_thread(lambda: delete_limit(request.app.state.engine, lid, actor=admin.actor))
    except LimitError as exc:
        raise ApiError(404, str(exc), code="limit_not_found") from exc
    request.app.state.quotas.invalidate()
    return {"object": "limit.deleted", "id": lid, "deleted": True}


@router.get("/v1/admin/audit")
async def audit_list(request: Request, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    """Chain order from `after`; with `order=desc`, newest first (`after` then reads as "below this id")."""
    limit, after = page_params(request)
    order = request.query_params.get("order", "asc")
    if order not in ("asc", "desc"):
        raise ApiError(400, "order must be 'asc' or 'desc'", code="invalid_request", param="order")
    before = (after or 2**62) if order == "desc" else None
    tenant_id = None if admin.is_operator else admin.tenant.id  # entries of no tenant: operator only
    rows = await asyncio.to_thread(
        lambda: audit.entries(request.app.state.engine, after, limit + 1, before, tenant_id=tenant_id)
    )
    return page(rows, limit, lambda row: row)


@router.post("/v1/admin/audit/verify")
async def audit_verify(request: Request, admin: Principal = Depends(require_operator)) -> dict[str, Any]:
    data_dir: Path = request.app.state.settings.data_dir
    result = await asyncio.to_thread(audit.verify, request.app.state.engine, audit.key_path_for(data_dir))
    return {"object": "audit.verification", **asdict(result)}
