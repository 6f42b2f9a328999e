"""POST /v1/chat/completions and POST /v1/completions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.api.knowledge_errors import knowledge_call
from siyada.api.schemas import ChatCompletionRequest, CompletionRequest
from siyada.api.sse import answer_response, sse_response
from siyada.assistants import serve as assistants
from siyada.errors import ApiError
from siyada.gateway.backends.base import Endpoint
from siyada.gateway.service import Gateway
from siyada.governance.keys import Principal
from siyada.knowledge.answer import GroundedChat

router = APIRouter(tags=["generation"])


async def _serve(request: Request, principal: Principal, endpoint: Endpoint, stream: bool) -> Response:
    gateway: Gateway = request.app.state.gateway
    body = request.state.body
    if assistants.is_assistant(body.get("model")):
        if endpoint != "chat/completions":  # legacy completions take a bare prompt, no instructions
            raise ApiError(
                400,
                "An assistant answers conversations: call it through /v1/chat/completions",
                code="assistant_chat_only",
                param="model",
            )
        return await _assistant(request, principal, body, stream)
    if endpoint == "chat/completions" and body.get("collections"):
        return await _grounded(request, principal, body, stream)
    notes: dict = {}
    entry = gateway.router.resolve(str(body.get("model", "")))
    tier = entry.card.tier if entry is not None else None
    if stream:
        chunks, provider = await gateway.open_stream(principal, endpoint, body, notes)
        if tier == "demo":
            chunks = _noted(chunks)
        return sse_response(chunks, _headers(provider, notes, tier))
    result, provider = await gateway.call(principal, endpoint, body, notes)
    if tier == "demo":
        result = {**result, "siyada": DEMO_NOTICE}
    return Response(
        orjson.dumps(result), media_type="application/json", headers=_headers(provider, notes, tier)
    )


# Free generation by a `demo` model (docs/models.md, "Model cards") says so in the body, for clients that
# show it, and in X-Siyada-Model-Tier; a grounded answer (with `collections`) quotes documents instead.
DEMO_NOTICE = {
    "notice": "demo_model",
    "tier": "demo",
    "message": "This model is a demonstration model: its answers are not reliable facts. "
    "Ask with collections for answers quoted from documents.",
}


async def _noted(chunks: AsyncIterator[list[dict[str, Any]]]) -> AsyncIterator[list[dict[str, Any]]]:
    """The stream, its first chunk carrying the demo notice."""
    first = True
    try:
        async for batch in chunks:
            if first and batch:
                batch = [{**batch[0], "siyada": DEMO_NOTICE}, *batch[1:]]
                first = False
            yield batch
    finally:
        # A client that leaves closes this wrapper; the metered stream beneath must close now too.
        close = getattr(chunks, "aclose", None)
        if close is not None:
            await close()


def _headers(provider: str, notes: dict, tier: str | None) -> dict[str, str]:
    # X-Siyada-Pseudonymised: how many personal-data values the model saw as placeholders (the UI says so).
    headers = {"X-Siyada-Provider": provider, "X-Siyada-Pseudonymised": str(notes.get("pseudonymised", 0))}
    if tier:
        headers["X-Siyada-Model-Tier"] = tier
    return headers


async def _grounded(request: Request, principal: Principal, body: dict, stream: bool) -> Response:
    grounded: GroundedChat = request.app.state.grounded
    answer, provider = await knowledge_call(grounded.answer(principal, body, stream))
    return answer_response(answer, {"X-Siyada-Provider": provider})


async def _assistant(request: Request, principal: Principal, body: dict, stream: bool) -> Response:
    state = request.app.state
    answer, provider, label = await knowledge_call(
        assistants.answer(state.gateway, state.grounded, state.engine, principal, body, stream)
    )
    # which version answered: `assistant/NAME` follows the latest, and a client may want to pin it
    return answer_response(answer, {"X-Siyada-Provider": provider, "X-Siyada-Assistant": label})


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
