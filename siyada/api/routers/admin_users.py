"""Admin API for the web app's users: `/v1/admin/users`, the services the CLI calls. An operator manages
every tenant's users; a tenant admin its own tenant's, never an operator user (`siyada.api.tenancy`).

Passwords go in, never out: responses carry no password and no hash.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from siyada.api.auth import require_admin
from siyada.api.body import one_given, openapi_body, read_json, validate
from siyada.api.pagination import page, page_params
from siyada.api.schemas import VisibleName
from siyada.api.tenancy import check_grant, check_owned, check_tenant, tenant_scope
from siyada.errors import ApiError
from siyada.governance.keys import ROLES, Principal
from siyada.governance.passwords import MAX_LENGTH, MIN_LENGTH
from siyada.governance.tenants import TenantError
from siyada.governance.users import (
    USERNAME_PATTERN,
    UserError,
    UserExists,
    UserInfo,
    UserNotFound,
    create_user,
    end_sessions,
    get_user,
    list_users,
    set_disabled,
    set_password,
)

router = APIRouter(tags=["admin"])


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tenant: str = Field(min_length=1, max_length=64)
    username: VisibleName = Field(pattern=USERNAME_PATTERN)
    password: str = Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH)
    role: str = Field(default="user", pattern="^(" + "|".join(ROLES) + ")$")


class UserPatch(BaseModel):
    # "Give password, disabled, or both", as JSON Schema.
    model_config = ConfigDict(
        extra="forbid", json_schema_extra=one_given("password", "disabled", exactly=False)
    )
    password: str | None = Field(default=None, min_length=MIN_LENGTH, max_length=MAX_LENGTH)
    disabled: bool | None = None


def _user(u: UserInfo) -> dict[str, Any]:
    return {"object": "user", **asdict(u), "disabled": u.disabled_at is not None}


def _error(exc: UserError) -> ApiError:
    if isinstance(exc, UserNotFound):
        return ApiError(404, str(exc), code="user_not_found")
    if isinstance(exc, UserExists):
        return ApiError(409, str(exc), code="user_exists", param="username")
    return ApiError(400, str(exc), code="invalid_request", param=exc.param)


@router.get("/v1/admin/users")
async def users_list(request: Request, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    limit, after = page_params(request)
    try:
        rows = await asyncio.to_thread(
            list_users, request.app.state.engine, tenant_scope(admin, request.query_params.get("tenant"))
        )
    except TenantError as exc:
        raise ApiError(400, str(exc), code="tenant_not_found", param="tenant") from exc
    return page([u for u in rows if u.id > after], limit, _user)


@router.post("/v1/admin/users", status_code=201, openapi_extra=openapi_body(UserCreate))
async def users_create(request: Request, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    body = validate(UserCreate, await read_json(request))
    check_tenant(admin, body.tenant)
    check_grant(admin, body.role)
    try:
        user = await asyncio.to_thread(
            create_user,
            request.app.state.engine,
            body.tenant,
            body.username,
            body.password,
            body.role,
            actor=admin.actor,
        )
    except TenantError as exc:
        raise ApiError(404, str(exc), code="tenant_not_found", param="tenant") from exc
    except UserError as exc:
        raise _error(exc) from exc
    return _user(user)


@router.get("/v1/admin/users/{username}")
async def users_get(
    username: str, request: Request, admin: Principal = Depends(require_admin)
) -> dict[str, Any]:
    return _user(await _owned_user(request, admin, username, change=False))


async def _owned_user(request: Request, admin: Principal, username: str, *, change: bool) -> UserInfo:
    """The user, when the caller manages its tenant (another tenant's user reads as absent); changing
    an operator user needs an operator."""
    try:
        user = await asyncio.to_thread(get_user, request.app.state.engine, username)
    except UserError as exc:
        raise _error(exc) from exc
    role = user.role if change else None
    check_owned(admin, user.tenant, role, _error(UserNotFound(f"no user named {username!r}")))
    return user


@router.patch("/v1/admin/users/{username}", openapi_extra=openapi_body(UserPatch))
async def users_patch(
    username: str, request: Request, admin: Principal = Depends(require_admin)
) -> dict[str, Any]:
    body = validate(UserPatch, await read_json(request))
    if body.password is None and body.disabled is None:
        raise ApiError(400, "Give password, disabled, or both", code="invalid_request")
    engine, actor = request.app.state.engine, admin.actor
    user = await _owned_user(request, admin, username, change=True)
    try:
        if body.password is not None:
            user = await asyncio.to_thread(set_password, engine, username, body.password, actor=actor)
        if body.disabled is not None:
            user = await asyncio.to_thread(set_disabled, engine, username, body.disabled, actor=actor)
    except UserError as exc:
        raise _error(exc) from exc
    request.app.state.keys.invalidate()  # a disabled user's key stops working at once on this server
    return _user(user)


@router.delete("/v1/admin/users/{username}/sessions")
async def users_end_sessions(
    username: str, request: Request, admin: Principal = Depends(require_admin)
) -> dict[str, Any]:
    """Log the user out of every web session now (a single sign-on user too); the user may log in again."""
    user = await _owned_user(request, admin, username, change=True)
    try:
        ended = await asyncio.to_thread(
            end_sessions, request.app.state.engine, user.username, actor=admin.actor
        )
    except UserError as exc:
        raise _error(exc) from exc
    return {"object": "user.sessions", "username": user.username, "sessions_ended": ended}
