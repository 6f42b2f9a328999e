"""POST /v1/rerank (the Cohere / Jina / TEI shape; no OpenAI counterpart)."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.api.rerank_schemas import RerankRequest
from siyada.api.routers.embeddings import CLIENT_CLOSED, ClientGone, until_disconnected
from siyada.gateway.rerank import rerank as rerank_documents
from siyada.governance.keys import Principal

router = APIRouter(tags=["rerank"])


@router.post("/v1/rerank", openapi_extra=openapi_body(RerankRequest))
async def rerank(request: Request, principal: Principal = Depends(authenticate)) -> Response:
    req = validate(RerankRequest, await read_json(request))
    limits = request.app.state.settings.file.rerank
    try:
        result, provider = await until_disconnected(
            request, rerank_documents(request.app.state.gateway, principal, req, limits)
        )
    except ClientGone:
        return Response(status_code=CLIENT_CLOSED)
    return Response(
        orjson.dumps(result), media_type="application/json", headers={"X-Siyada-Provider": provider}
    )
