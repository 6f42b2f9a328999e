"""POST /v1/embeddings."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.api.schemas import EmbeddingRequest
from siyada.gateway.service import Gateway
from siyada.governance.keys import Principal

router = APIRouter(tags=["embeddings"])


@router.post("/v1/embeddings", openapi_extra=openapi_body(EmbeddingRequest))
async def embeddings(request: Request, principal: Principal = Depends(authenticate)) -> Response:
    body = await read_json(request)
    validate(EmbeddingRequest, body)
    gateway: Gateway = request.app.state.gateway
    result, provider = await gateway.call(principal, "embeddings", body)
    return Response(
        orjson.dumps(result), media_type="application/json", headers={"X-Siyada-Provider": provider}
    )
