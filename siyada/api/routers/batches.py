"""OpenAI's batches: POST /v1/batches, GET /v1/batches, GET /v1/batches/{id}, POST /v1/batches/{id}/cancel.
Run in the background by siyada.batches.runner; a tenant's batches only (another tenant's: 404)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.api.pagination import id_cursor, id_page
from siyada.batches import store
from siyada.batches.spec import BatchCreate
from siyada.governance.keys import Principal

router = APIRouter(tags=["batches"])


@router.post("/v1/batches", openapi_extra=openapi_body(BatchCreate))
async def create_batch(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    req = validate(BatchCreate, await read_json(request))
    state = request.app.state
    window = state.settings.file.batches.window_seconds
    batch = await asyncio.to_thread(store.create, state.engine, principal, req, window)
    state.batches.wake()
    return batch


@router.get("/v1/batches")
async def list_batches(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    limit, after = id_cursor(request)
    found = await asyncio.to_thread(store.listed, request.app.state.engine, principal.tenant.id, limit, after)
    return id_page(found, limit)


@router.get("/v1/batches/{batch_id}")
async def get_batch(
    batch_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    return await asyncio.to_thread(store.get, request.app.state.engine, principal.tenant.id, batch_id)


@router.post("/v1/batches/{batch_id}/cancel")
async def cancel_batch(
    batch_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    return await asyncio.to_thread(store.cancel, request.app.state.engine, principal.tenant.id, batch_id)
