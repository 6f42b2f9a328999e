"""POST /v1/chat/completions and POST /v1/completions."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.api.knowledge_errors import knowledge_call
from siyada.api.schemas import ChatCompletionRequest, CompletionRequest
from siyada.api.sse import sse_response
from siyada.gateway.backends.base import Endpoint
from siyada.gateway.service import Gateway
from siyada.governance.keys import Principal
from siyada.knowledge.answer import GroundedChat

router = APIRouter(tags=["generation"])


async def _serve(request: Request, principal: Principal, endpoint: Endpoint, stream: bool) -> Response:
    gateway: Gateway = request.app.state.gateway
    body = request.state.body
    if endpoint == "chat/completions" and body.get("collections"):
        return await _grounded(request, principal, body, stream)
    notes: dict = {}
    if stream:
        chunks, provider = await gateway.open_stream(principal, endpoint, body, notes)
        return sse_response(chunks, _headers(provider, notes))
    result, provider = await gateway.call(principal, endpoint, body, notes)
    return Response(orjson.dumps(result), media_type="application/json", headers=_headers(provider, notes))


def _headers(provider: str, notes: dict) -> dict[str, str]:
    # X-Siyada-Pseudonymised: how many personal-data values the model saw as placeholders (the UI says so).
    return {"X-Siyada-Provider": provider, "X-Siyada-Pseudonymised": str(notes.get("pseudonymised", 0))}


async def _grounded(request: Request, principal: Principal, body: dict, stream: bool) -> Response:
    grounded: GroundedChat = request.app.state.grounded
    answer, provider = await knowledge_call(grounded.answer(principal, body, stream))
    headers = {"X-Siyada-Provider": provider}
    if isinstance(answer, dict):
        return Response(orjson.dumps(answer), media_type="application/json", headers=headers)
    return sse_response(answer, headers)


@router.post("/v1/chat/completions", openapi_extra=openapi_body(ChatCompletionRequest))
async def chat_completions(request: Request, principal: Principal = Depends(authenticate)) -> Response:
    body = await read_json(request)
    req = validate(ChatCompletionRequest, body)
    request.state.body = body
    return await _serve(request, principal, "chat/completions", req.stream)


@router.post("/v1/completions", openapi_extra=openapi_body(CompletionRequest))
async def completions(request: Request, principal: Principal = Depends(authenticate)) -> Response:
    body = await read_json(request)
    req = validate(CompletionRequest, body)
    request.state.body = body
    return await _serve(request, principal, "completions", req.stream)
