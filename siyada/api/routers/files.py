"""OpenAI's files: POST /v1/files (multipart: file, purpose), GET /v1/files, GET|DELETE /v1/files/{id},
GET /v1/files/{id}/content. A tenant's files only: another tenant's id is "not found"."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import FileResponse

from siyada.api.auth import authenticate
from siyada.api.multipart import file_part, read_form, refuse_declared_oversize
from siyada.api.pagination import id_cursor, id_page
from siyada.batches import files
from siyada.errors import ApiError
from siyada.governance.keys import Principal

router = APIRouter(tags=["files"])
_FORM_OVERHEAD = 64 * 1024  # the multipart envelope around the file's bytes

MULTIPART = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "purpose"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "purpose": {"type": "string", "enum": list(files.UPLOADABLE)},
                    },
                    "additionalProperties": False,
                }
            }
        },
    }
}


@router.post("/v1/files", openapi_extra=MULTIPART)
async def upload_file(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    limit = request.app.state.settings.file.batches.max_file_bytes
    refuse_declared_oversize(request, limit + _FORM_OVERHEAD)
    form = await read_form(request, limit + _FORM_OVERHEAD, max_fields=4)
    unknown = sorted(set(form.keys()) - {"file", "purpose"})
    if unknown:  # as a JSON body's unknown fields are: a misspelt field is an error, not ignored
        raise ApiError(
            400, f"Unknown form field {unknown[0][:64]!r}", code="invalid_request", param=unknown[0][:64]
        )
    data, upload = await file_part(form)
    purpose = form.get("purpose")
    if not isinstance(purpose, str) or not purpose:
        raise ApiError(400, "A 'purpose' field is required", code="missing_purpose", param="purpose")
    if len(data) > limit:
        raise ApiError(413, f"The file exceeds the limit of {limit} bytes", code="file_too_large")
    state = request.app.state
    stored = await asyncio.to_thread(
        files.upload, state.engine, state.settings.data_dir, principal.tenant.id, purpose,
        upload.filename or "", data,
    )  # fmt: skip
    return stored.render()


@router.get("/v1/files")
async def list_files(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    limit, after = id_cursor(request, default=1000)
    purpose = request.query_params.get("purpose") or None
    if purpose is not None and purpose not in files.PURPOSES:
        raise ApiError(400, f"purpose must be one of {', '.join(files.PURPOSES)}", code="invalid_purpose")
    found = await asyncio.to_thread(
        files.listed, request.app.state.engine, principal.tenant.id, limit, after, purpose
    )
    return id_page([f.render() for f in found], limit)


@router.get("/v1/files/{file_id}")
async def get_file(
    file_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    stored = await asyncio.to_thread(files.get, request.app.state.engine, principal.tenant.id, file_id)
    return stored.render()


@router.get("/v1/files/{file_id}/content")
async def file_content(
    file_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> FileResponse:
    state = request.app.state
    path = await asyncio.to_thread(
        files.content_path, state.engine, state.settings.data_dir, principal.tenant.id, file_id
    )
    # A tenant's data: never in a shared cache.
    return FileResponse(
        path, media_type="application/octet-stream", headers={"Cache-Control": "private, no-store"}
    )


@router.delete("/v1/files/{file_id}")
async def delete_file(
    file_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    state = request.app.state
    await asyncio.to_thread(files.delete, state.engine, state.settings.data_dir, principal.tenant.id, file_id)
    return {"id": file_id, "object": "file", "deleted": True}
