"""Admin API: tenants (operator keys only) and API keys (an operator: every tenant's; a tenant admin: its
own tenant's, never an operator key), the same services the CLI calls.

Lists are paginated as `{"object": "list", "data": [...], "has_more": bool, "next": cursor}`, with
`limit` (1-1000, default 100) and `after` (the previous page's `next`, an id) query parameters.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from siyada.api.auth import require_admin, require_operator
from siyada.api.body import openapi_body, read_json, validate
from siyada.api.pagination import page, page_params
from siyada.api.schemas import VisibleName
from siyada.api.tenancy import check_grant, check_owned, check_tenant, tenant_scope
from siyada.errors import ApiError
from siyada.governance.keys import (
    ROLES,
    KeyError_,
    KeyInfo,
    Principal,
    create_key,
    key_tenant,
    list_keys,
    revoke_key,
)
from siyada.governance.tenants import (
    NAME_PATTERN,
    Tenant,
    TenantError,
    create_tenant,
    get_tenant,
    list_tenants,
    set_allowed_models,
)
from siyada.store.ids import row_id

router = APIRouter(tags=["admin"])


class TenantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: VisibleName = Field(pattern=NAME_PATTERN)
    description: str = Field(default="", max_length=500)
    allowed_models: list[str] | None = None


class TenantPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    allowed_models: list[str] | None


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tenant: str = Field(min_length=1, max_length=64)
    role: str = Field(default="user", pattern="^(" + "|".join(ROLES) + ")$")
    name: VisibleName = Field(default="", max_length=64)


def _tenant(t: Tenant) -> dict[str, Any]:
    return {"object": "tenant", **asdict(t)}


def _key(k: KeyInfo) -> dict[str, Any]:
    return {"object": "api_key", **asdict(k)}


def _page(request: Request, items: Sequence[Any], render: Any) -> dict[str, Any]:
    limit, after = page_params(request)
    return page([i for i in items if i.id > after], limit, render)


async def _get_tenant(request: Request, name: str) -> Tenant:
    try:
        return await asyncio.to_thread(get_tenant, request.app.state.engine, name)
    except TenantError as exc:
        raise ApiError(404, str(exc), code="tenant_not_found") from exc


@router.get("/v1/admin/tenants")
async def tenants_list(request: Request, admin: Principal = Depends(require_operator)) -> dict[str, Any]:
    rows = await asyncio.to_thread(list_tenants, request.app.state.engine)
    return _page(request, rows, _tenant)


@router.post("/v1/admin/tenants", status_code=201, openapi_extra=openapi_body(TenantCreate))
async def tenants_create(request: Request, admin: Principal = Depends(require_operator)) -> dict[str, Any]:
    body = validate(TenantCreate, await read_json(request))
    try:
        t = await asyncio.to_thread(
            create_tenant,
            request.app.state.engine,
            body.name,
            body.description,
            body.allowed_models,
            actor=admin.actor,
        )
    except TenantError as exc:
        status = 409 if "already exists" in str(exc) else 400
        raise ApiError(
            status, str(exc), code="tenant_exists" if status == 409 else None, param="name"
        ) from exc
    return _tenant(t)


@router.get("/v1/admin/tenants/{name}")
async def tenants_get(
    name: str, request: Request, admin: Principal = Depends(require_admin)
) -> dict[str, Any]:
    check_tenant(admin, name)
    return _tenant(await _get_tenant(request, name))


@router.patch("/v1/admin/tenants/{name}", openapi_extra=openapi_body(TenantPatch))
async def tenants_patch(
    name: str, request: Request, admin: Principal = Depends(require_operator)
) -> dict[str, Any]:
    body = validate(TenantPatch, await read_json(request))
    await _get_tenant(request, name)
    try:
        t = await asyncio.to_thread(
            set_allowed_models, request.app.state.engine, name, body.allowed_models, actor=admin.actor
        )
    except TenantError as exc:
        raise ApiError(404, str(exc), code="tenant_not_found") from exc
    request.app.state.keys.invalidate()  # cached principals carry the tenant's allowed models
    return _tenant(t)


@router.get("/v1/admin/keys")
async def keys_list(request: Request, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    tenant = tenant_scope(admin, request.query_params.get("tenant"))
    try:
        rows = await asyncio.to_thread(list_keys, request.app.state.engine, tenant)
    except TenantError as exc:
        raise ApiError(400, str(exc), code="tenant_not_found", param="tenant") from exc
    return _page(request, rows, _key)


@router.post("/v1/admin/keys", status_code=201, openapi_extra=openapi_body(KeyCreate))
async def keys_create(request: Request, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    body = validate(KeyCreate, await read_json(request))
    check_tenant(admin, body.tenant)
    check_grant(admin, body.role)
    try:
        info, secret = await asyncio.to_thread(
            create_key, request.app.state.engine, body.tenant, body.role, body.name, actor=admin.actor
        )
    except TenantError as exc:
        raise ApiError(404, str(exc), code="tenant_not_found", param="tenant") from exc
    except KeyError_ as exc:
        raise ApiError(400, str(exc), code="invalid_request", param="role") from exc
    # The secret is shown here once; only its hash is stored.
    return {**_key(info), "secret": secret}


@router.delete("/v1/admin/keys/{key_id}")
async def keys_revoke(
    key_id: str, request: Request, admin: Principal = Depends(require_admin)
) -> dict[str, Any]:
    key = row_id(key_id)  # ASCII digits only: FastAPI's int would read '3_0' as key 30
    missing = ApiError(404, f"no key with id {key_id[:80]!r}", code="key_not_found")
    if key is None:
        raise missing
    owner = await asyncio.to_thread(key_tenant, request.app.state.engine, key)
    if owner is None:
        raise missing
    check_owned(admin, owner[0], owner[1], missing)
    try:
        info = await asyncio.to_thread(revoke_key, request.app.state.engine, key, actor=admin.actor)
    except KeyError_ as exc:
        raise ApiError(404, str(exc), code="key_not_found") from exc
    request.app.state.keys.invalidate()  # revocation takes effect at once on this server
    return {**_key(info), "revoked": True}
