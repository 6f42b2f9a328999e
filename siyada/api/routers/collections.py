"""Collections of documents, owned by the caller's tenant (another tenant's are simply not found).

POST /v1/collections · GET /v1/collections · GET|DELETE /v1/collections/{ref} ·
GET /v1/collections/{ref}/documents   ({ref} is the name or the numeric id)
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.api.knowledge_errors import knowledge_call
from siyada.api.schemas import VisibleName
from siyada.governance.keys import Principal
from siyada.knowledge import collections as store
from siyada.knowledge.service import Knowledge

router = APIRouter(tags=["knowledge"])


class CollectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # store.NAME, without leading or trailing spaces (create_collection refuses those too).
    name: VisibleName = Field(pattern=r"^[\w.\-](?:[\w.\- ]{0,126}[\w.\-])?$")
    description: str = Field(default="", max_length=1000)
    # Omitted: the configured default; null: lexical search only.
    embedding_model: str | None = ""


def _knowledge(request: Request) -> Knowledge:
    return request.app.state.knowledge


@router.post("/v1/collections", status_code=201, openapi_extra=openapi_body(CollectionCreate))
async def create_collection(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    body = validate(CollectionCreate, await read_json(request))
    kn = _knowledge(request)
    return await knowledge_call(
        asyncio.to_thread(
            kn.create_collection, principal.tenant.id, body.name, body.description, body.embedding_model
        )
    )


@router.get("/v1/collections")
async def list_collections(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    data = await asyncio.to_thread(store.list_collections, _knowledge(request).engine, principal.tenant.id)
    return {"object": "list", "data": data}


@router.get("/v1/collections/{ref}")
async def get_collection(
    ref: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    return await knowledge_call(
        asyncio.to_thread(store.get_collection, _knowledge(request).engine, principal.tenant.id, ref)
    )


@router.delete("/v1/collections/{ref}")
async def delete_collection(
    ref: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    kn = _knowledge(request)
    return await knowledge_call(
        asyncio.to_thread(store.delete_collection, kn.engine, principal.tenant.id, ref)
    )


@router.get("/v1/collections/{ref}/documents")
async def list_documents(
    ref: str,
    request: Request,
    limit: int = Query(100, ge=1, le=1000),
    after: str | None = None,
    principal: Principal = Depends(authenticate),
) -> dict[str, Any]:
    kn = _knowledge(request)
    return await knowledge_call(
        asyncio.to_thread(store.documents_page, kn.engine, principal.tenant.id, ref, limit, after)
    )
