"""Privacy endpoints: find Moroccan personal data, anonymise a text, and restore a pseudonymised one.

POST /v1/privacy/analyze     text -> entities (start, end, type, score)
POST /v1/privacy/anonymize   text -> text with placeholders / masks / keyed hashes / nothing
POST /v1/privacy/deanonymize text + mapping token -> text with the real values back
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.errors import ApiError
from siyada.governance.keys import Principal
from siyada.privacy import operators
from siyada.privacy.analyzer import DEFAULT_THRESHOLD, analyze
from siyada.privacy.entities import ENTITY_TYPES, Entity
from siyada.privacy.policy import PrivacyGuard
from siyada.privacy.secrets import InvalidMappingToken
from siyada.workers import JobTooComplex, WorkerPool

router = APIRouter(tags=["privacy"])
MAX_TEXT = 1_000_000


def _entities_schema(schema: dict[str, Any]) -> None:
    # _known, as JSON Schema.
    schema["properties"]["entities"] = {
        "anyOf": [{"type": "array", "items": {"enum": list(ENTITY_TYPES)}}, {"type": "null"}],
        "default": None,
    }


class _TextRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_entities_schema)
    text: str = Field(max_length=MAX_TEXT)
    threshold: float = Field(default=DEFAULT_THRESHOLD, ge=0, le=1)
    entities: list[str] | None = None  # keep only these types

    @field_validator("entities")
    @classmethod
    def _known(cls, v: list[str] | None) -> list[str] | None:
        unknown = sorted(set(v or []) - set(ENTITY_TYPES))
        if unknown:
            raise ValueError(f"unknown entity types {unknown}; known: {list(ENTITY_TYPES)}")
        return v


class AnalyzeRequest(_TextRequest):
    pass


class AnonymizeRequest(_TextRequest):
    operator: Literal["replace", "mask", "hash", "redact", "pseudonymize"] = "replace"
    mask_char: str = Field(default="*", min_length=1, max_length=1)
    keep_last: int = Field(default=0, ge=0, le=8)  # mask: characters left visible at the end
    token_ttl: int = Field(default=24 * 3600, ge=60, le=30 * 24 * 3600)  # pseudonymize: mapping lifetime


class DeanonymizeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=MAX_TEXT)
    mapping_token: str = Field(min_length=8, max_length=MAX_TEXT)


async def _detect(request: Request, body: _TextRequest) -> list[Entity]:
    """The analysis runs in a worker process: a megabyte of text costs seconds of CPU, which must not
    hold the server's threads (siyada.workers); over the workers' limits it is a 422."""
    workers: WorkerPool = request.app.state.workers
    try:
        found = await workers.submit(analyze, body.text, body.threshold)
    except JobTooComplex as exc:
        raise ApiError(422, str(exc), code="document_too_complex", param="text") from exc
    wanted = set(body.entities) if body.entities is not None else None
    return [e for e in found if wanted is None or e.type in wanted]


@router.post("/v1/privacy/analyze", openapi_extra=openapi_body(AnalyzeRequest))
async def analyze_text(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    body = validate(AnalyzeRequest, await read_json(request))
    data = [
        {"start": e.start, "end": e.end, "type": e.type, "score": round(e.score, 3)}
        for e in await _detect(request, body)
    ]
    return {"object": "list", "data": data}


def _anonymize(body: AnonymizeRequest, found: list[Entity], guard: PrivacyGuard, tenant_id: int) -> dict:
    token = None
    if body.operator == "mask":
        text, items = operators.mask(body.text, found, body.mask_char, body.keep_last)
    elif body.operator == "hash":
        text, items = operators.keyed_hash(body.text, found, guard.keys.hash_key(tenant_id))
    elif body.operator == "redact":
        text, items = operators.redact(body.text, found)
    elif body.operator == "replace":
        text, items = operators.replace(body.text, found)
    else:
        pseudo = operators.Pseudonymiser()
        text, items = pseudo.apply(body.text, found)
        token = guard.keys.seal(tenant_id, pseudo.values, body.token_ttl)
    out: dict[str, Any] = {
        "object": "privacy.anonymization",
        "text": text,
        "items": [
            {
                "start": i.start,
                "end": i.end,
                "type": i.type,
                "score": round(i.score, 3),
                "operator": i.operator,
            }
            for i in items
        ],
    }
    if token is not None:
        out["mapping_token"] = token
    return out


@router.post("/v1/privacy/anonymize", openapi_extra=openapi_body(AnonymizeRequest))
async def anonymize_text(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    body = validate(AnonymizeRequest, await read_json(request))
    found = await _detect(request, body)
    return _anonymize(body, found, request.app.state.privacy, principal.tenant.id)


@router.post("/v1/privacy/deanonymize", openapi_extra=openapi_body(DeanonymizeRequest))
async def deanonymize_text(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    body = validate(DeanonymizeRequest, await read_json(request))
    guard: PrivacyGuard = request.app.state.privacy
    try:
        mapping = guard.keys.open(principal.tenant.id, body.mapping_token)
    except InvalidMappingToken as exc:
        raise ApiError(400, str(exc), code="invalid_mapping_token", param="mapping_token") from exc
    pseudo = operators.Pseudonymiser(values=mapping)
    return {"object": "privacy.deanonymization", "text": pseudo.restore(body.text)}
