"""The data space's query side: the code goes to the data, outputs wait in the airlock.

POST /v1/dataspace/queries                        a grant's researcher: a table request, SQL or DP
GET /v1/dataspace/outputs                         own outputs, and those on data sets the caller checks
GET /v1/dataspace/outputs/{output_id}             metadata and checks; the table once released
POST /v1/dataspace/outputs/{output_id}/approve    the owner's admin or a named checker, never the researcher
POST /v1/dataspace/outputs/{output_id}/reject
GET /v1/dataspace/outputs/{output_id}/download    CSV, only once approved (403 before)
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.dataspace import outputs, queries
from siyada.dataspace.queries import QueryCreate
from siyada.dataspace.runner import LazySandbox
from siyada.governance.keys import Principal

router = APIRouter(tags=["dataspace"])


@router.post("/v1/dataspace/queries", status_code=201, openapi_extra=openapi_body(QueryCreate))
async def create_query(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    """Run a query under a grant in the sandbox; its output goes to the airlock (pending) or is refused."""
    body = validate(QueryCreate, await read_json(request))
    state = request.app.state
    sandbox: LazySandbox = state.sandbox
    return await sandbox.submit(
        queries.submit, state.engine, sandbox, state.settings.data_dir, principal, body
    )


@router.get("/v1/dataspace/outputs")
async def list_outputs(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    data = await asyncio.to_thread(outputs.list_outputs, request.app.state.engine, principal)
    return {"object": "list", "data": data}


@router.get("/v1/dataspace/outputs/{output_id}")
async def get_output(
    output_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    return await asyncio.to_thread(outputs.get_output, request.app.state.engine, principal, output_id)


@router.post("/v1/dataspace/outputs/{output_id}/approve")
async def approve_output(
    output_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    return await asyncio.to_thread(outputs.decide, request.app.state.engine, principal, output_id, True)


@router.post("/v1/dataspace/outputs/{output_id}/reject")
async def reject_output(
    output_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    return await asyncio.to_thread(outputs.decide, request.app.state.engine, principal, output_id, False)


@router.get("/v1/dataspace/outputs/{output_id}/download")
async def download_output(
    output_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> Response:
    text = await asyncio.to_thread(outputs.download, request.app.state.engine, principal, output_id)
    headers = {"Content-Disposition": f'attachment; filename="{output_id}.csv"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
