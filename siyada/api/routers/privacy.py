"""POST /v1/privacy/analyze: Moroccan personal data found in a text (types, offsets, scores)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.governance.keys import Principal
from siyada.privacy.analyzer import DEFAULT_THRESHOLD, analyze

router = APIRouter(tags=["privacy"])


class AnalyzeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=1_000_000)
    threshold: float = Field(default=DEFAULT_THRESHOLD, ge=0, le=1)
    entities: list[str] | None = None  # keep only these types


@router.post("/v1/privacy/analyze", openapi_extra=openapi_body(AnalyzeRequest))
async def analyze_text(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    body = validate(AnalyzeRequest, await read_json(request))
    found = await asyncio.to_thread(analyze, body.text, body.threshold)
    wanted = set(body.entities) if body.entities is not None else None
    data = [
        {"start": e.start, "end": e.end, "type": e.type, "score": round(e.score, 3)}
        for e in found
        if wanted is None or e.type in wanted
    ]
    return {"object": "list", "data": data}
