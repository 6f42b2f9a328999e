"""Upload progress: GET /v1/uploads/{upload_id}, what an upload named by its `X-Upload-Id` header has
done so far (siyada.api.uploads): the web app's progress bar polls it while the upload runs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from siyada.api.auth import authenticate
from siyada.errors import ApiError
from siyada.governance.keys import Principal

router = APIRouter(tags=["knowledge"])


@router.get("/v1/uploads/{upload_id}")
async def upload_progress(
    upload_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    entry = request.app.state.uploads.get(principal.tenant.id, upload_id)
    if entry is None:  # unknown, another tenant's, finished long ago, or seen by another replica
        raise ApiError(404, f"No upload {upload_id!r} in progress here", code="upload_not_found")
    return entry.as_dict()  # type: ignore[no-any-return]
