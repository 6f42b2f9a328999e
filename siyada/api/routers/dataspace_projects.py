"""The data space's project side: researchers' requests, owners' decisions, grants and the register.

POST|GET /v1/dataspace/requests · GET /v1/dataspace/requests/{request_id}
POST /v1/dataspace/requests/{request_id}/approve|refuse     the data set owner's admin only
GET /v1/dataspace/grants/{grant_id}                           the grant and its ODRL policy
POST /v1/dataspace/grants/{grant_id}/authorise               would this use be allowed? (200 or 403)
POST /v1/dataspace/grants/{grant_id}/revoke                   the owner's admin
GET /v1/dataspace/register                                    approved projects, for every tenant
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.api.routers.dataspace import base_url
from siyada.dataspace import grants, projects
from siyada.dataspace.projects import Approval, Mode, Refusal, RequestCreate
from siyada.dataspace.register import register
from siyada.governance.keys import Principal

router = APIRouter(tags=["dataspace"])


class UseCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mode: Mode
    columns: list[str] = Field(min_length=1, max_length=500)


@router.post("/v1/dataspace/requests", status_code=201, openapi_extra=openapi_body(RequestCreate))
async def create_request(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    """A researcher (any tenant's key) asks for columns of a published data set, for a purpose."""
    body = validate(RequestCreate, await read_json(request))
    return await asyncio.to_thread(projects.create_request, request.app.state.engine, principal, body)


@router.get("/v1/dataspace/requests")
async def list_requests(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    data = await asyncio.to_thread(projects.list_requests, request.app.state.engine, principal)
    return {"object": "list", "data": data}


@router.get("/v1/dataspace/requests/{request_id}")
async def get_request(
    request_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    return await asyncio.to_thread(projects.get_request, request.app.state.engine, principal, request_id)


@router.post("/v1/dataspace/requests/{request_id}/approve", openapi_extra=openapi_body(Approval))
async def approve_request(
    request_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    """The owner's admin approves, possibly narrowing; the answer is the grant (`{"grant": id, ...}`)."""
    body = validate(Approval, await read_json(request))
    engine, base = request.app.state.engine, base_url(request)
    return await asyncio.to_thread(projects.approve, engine, principal, request_id, body, base)


@router.post("/v1/dataspace/requests/{request_id}/refuse", openapi_extra=openapi_body(Refusal))
async def refuse_request(
    request_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    body = validate(Refusal, await read_json(request))
    return await asyncio.to_thread(projects.refuse, request.app.state.engine, principal, request_id, body)


@router.get("/v1/dataspace/grants/{grant_id}")
async def get_grant(
    grant_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    engine, base = request.app.state.engine, base_url(request)
    return await asyncio.to_thread(grants.get_grant, engine, principal, grant_id, base)


@router.post("/v1/dataspace/grants/{grant_id}/authorise", openapi_extra=openapi_body(UseCheck))
async def authorise_use(
    grant_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    """The check every query runs, on its own: 200 when this principal may run `mode` over `columns`."""
    body = validate(UseCheck, await read_json(request))
    engine = request.app.state.engine
    grant = await asyncio.to_thread(grants.authorise, engine, grant_id, principal, body.mode, body.columns)
    return {"object": "dataspace.authorisation", "grant": grant.id, "allowed": True, "status": grant.status()}


@router.post("/v1/dataspace/grants/{grant_id}/revoke")
async def revoke_grant(
    grant_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    engine, base = request.app.state.engine, base_url(request)
    return await asyncio.to_thread(grants.revoke, engine, principal, grant_id, base)


@router.get("/v1/dataspace/register")
async def get_register(request: Request, _: Principal = Depends(authenticate)) -> dict[str, Any]:
    """Approved projects: purpose, data set, owner, organisation, dates. No researcher's key or name."""
    return {"object": "list", "data": await asyncio.to_thread(register, request.app.state.engine)}
