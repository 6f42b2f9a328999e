"""Witness API: another Siyada sends its audit checkpoints here to be countersigned (operator keys only:
a witness serves the platform, not a tenant).

`POST /v1/audit/witness` takes a checkpoint (JSON) and answers its countersignature, or 409 when it
does not extend the chain already witnessed for its origin; `GET /v1/audit/witness?origin=` returns the
newest witnessed checkpoint.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request

from siyada.api.auth import require_operator
from siyada.api.body import read_json
from siyada.errors import ApiError
from siyada.governance import audit_witness_store
from siyada.governance.audit_checkpoints import Checkpoint
from siyada.governance.audit_keys import key_path_for
from siyada.governance.keys import Principal

router = APIRouter(tags=["admin"])


@router.post("/v1/audit/witness")
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
async def witnessed_head(request: Request, operator: Principal = Depends(require_operator)) -> dict[str, Any]:
    origin = request.query_params.get("origin")
    if not origin:
        raise ApiError(400, "Give the log's origin", code="invalid_request", param="origin")
    key_path = key_path_for(request.app.state.settings.data_dir)
    doc = await asyncio.to_thread(audit_witness_store.latest, request.app.state.engine, key_path, origin)
    if doc is None:
        raise ApiError(404, f"No checkpoint of {origin} witnessed here", code="not_witnessed")
    return doc
