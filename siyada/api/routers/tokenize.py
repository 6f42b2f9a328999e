"""vLLM's tokenizer endpoints at the server root (not under /v1), where lm-evaluation-harness's remote
tokenizer looks for them: GET /tokenizer_info, POST /tokenize, POST /detokenize."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.api.schemas import DetokenizeRequest, TokenizeRequest
from siyada.gateway.tokenizer import Tokenizers
from siyada.governance.keys import Principal

router = APIRouter(tags=["tokenizer"])


def _tokenizers(request: Request) -> Tokenizers:
    return request.app.state.tokenizers


@router.get("/tokenizer_info")
async def tokenizer_info(
    request: Request,
    model: str | None = Query(default=None, min_length=1, max_length=256),
    principal: Principal = Depends(authenticate),
) -> dict[str, Any]:
    return await _tokenizers(request).info(principal, model)


@router.post("/tokenize", openapi_extra=openapi_body(TokenizeRequest))
async def tokenize(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    req = validate(TokenizeRequest, await read_json(request))
    messages = [m.model_dump(exclude_none=True) for m in req.messages] if req.messages else None
    return await _tokenizers(request).tokenize(
        principal,
        req.model,
        prompt=req.prompt,
        messages=messages,
        add_special_tokens=req.add_special_tokens,
        add_generation_prompt=req.add_generation_prompt,
    )


@router.post("/detokenize", openapi_extra=openapi_body(DetokenizeRequest))
async def detokenize(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    req = validate(DetokenizeRequest, await read_json(request))
    return await _tokenizers(request).detokenize(principal, req.model, req.tokens)
