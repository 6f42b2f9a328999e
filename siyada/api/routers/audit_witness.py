"""Witness API: another Siyada sends its audit checkpoints here to be countersigned (operator keys only:
a witness serves the platform, not a tenant).

`POST /v1/audit/witness` takes a checkpoint (JSON) and answers its countersignature, or 409 when it
does not extend the chain already witnessed for its origin; `GET /v1/audit/witness?origin=` returns the
newest witnessed checkpoint.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from siyada.api.auth import require_operator
from siyada.api.body import openapi_body, read_json
from siyada.errors import ApiError
from siyada.governance import audit_witness_store
from siyada.governance.audit_checkpoints import Checkpoint
from siyada.governance.audit_keys import key_path_for
from siyada.governance.keys import Principal

router = APIRouter(tags=["admin"])
_HEX64 = "^[0-9a-f]{64}$"


class CheckpointBody(BaseModel):
    """The wire form of `Checkpoint` (published; `Checkpoint.from_json` is what checks it)."""

    model_config = ConfigDict(extra="forbid")
    origin: str = Field(min_length=1, max_length=200, pattern="^[^\n]+$")
    seq: int = Field(ge=1)
    prev: str = Field(pattern=_HEX64)
    size: int = Field(ge=1)
    entry_id: int = Field(ge=1)
    entry_hash: str = Field(pattern=_HEX64)
    ts: float
    public_key: str = Field(pattern=_HEX64)
    signature: str = Field(pattern="^[0-9a-f]{128}$")


@router.post("/v1/audit/witness", openapi_extra=openapi_body(CheckpointBody))
async def witness_checkpoint(
    request: Request, operator: Principal = Depends(require_operator)
) -> dict[str, Any]:
    try:
        cp = Checkpoint.from_json(await read_json(request))
    except ValueError as exc:
        raise ApiError(400, str(exc), code="invalid_checkpoint") from exc
    key_path = key_path_for(request.app.state.settings.data_dir)
    return await asyncio.to_thread(audit_witness_store.accept, request.app.state.engine, key_path, cp)


@router.get("/v1/audit/witness")
async def witnessed_head(
    request: Request,
    origin: str = Query(min_length=1, max_length=200),
    operator: Principal = Depends(require_operator),
) -> dict[str, Any]:
    key_path = key_path_for(request.app.state.settings.data_dir)
    doc = await asyncio.to_thread(audit_witness_store.latest, request.app.state.engine, key_path, origin)
    if doc is None:
        raise ApiError(404, f"No checkpoint of {origin} witnessed here", code="not_witnessed")
    return doc
