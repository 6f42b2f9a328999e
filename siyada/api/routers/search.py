"""POST /v1/search: lexical, semantic or hybrid search over the caller's collections."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.api.knowledge_errors import knowledge_call
from siyada.governance.keys import Principal
from siyada.knowledge.service import Knowledge

router = APIRouter(tags=["knowledge"])


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # The descriptions are what an agent reads too (the MCP `search` tool takes this very request).
    query: str = Field(min_length=1, max_length=4000, pattern=r"\S", description="What to look for.")
    collections: list[str | int] = Field(
        min_length=1, max_length=32, description="The collections to search: names or numeric ids."
    )
    k: int = Field(default=10, ge=1, le=100, description="How many passages to return.")
    mode: Literal["lexical", "semantic", "hybrid"] | None = Field(
        default=None, description="Default: hybrid when the collection has vectors, else lexical."
    )
    filters: dict[str, Any] | None = Field(
        default=None, description='Document metadata to match: {"key": value or [values]}.'
    )
    rerank: bool | None = Field(
        default=None, description="Re-score the best candidates with the re-ranking model (e5)."
    )


@router.post("/v1/search", openapi_extra=openapi_body(SearchRequest))
async def search(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    body = validate(SearchRequest, await read_json(request))
    kn: Knowledge = request.app.state.knowledge
    hits = await knowledge_call(
        asyncio.to_thread(
            kn.search,
            principal.tenant.id,
            principal.tenant.name,
            body.collections,
            body.query,
            body.k,
            body.mode,
            body.filters,
            body.rerank,
        )
    )
    return {"object": "list", "data": hits}
