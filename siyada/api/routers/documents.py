"""Documents: upload (multipart file, or JSON text with metadata), read, list chunks, delete.

POST /v1/documents            multipart: file, collection, metadata (a JSON object as text)
                              or JSON: {"collection", "text", "name", "metadata", "format"}
                              X-Upload-Id: an id the client chose, to poll GET /v1/uploads/{id}
GET|DELETE /v1/documents/{id} · GET /v1/documents/{id}/chunks
GET /v1/documents/{id}/pages/{page}?start=&end=   a page OCR read: confidence, and the boxes of a span
GET /v1/documents/{id}/pages/{page}/image         that page's image (JPEG)

Ingesting the same content into the same collection again returns the stored document (200, not 201).
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Depends, Header, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse, Response

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.api.knowledge_errors import knowledge_call
from siyada.api.multipart import file_part, read_form, refuse_declared_oversize
from siyada.api.uploads import UPLOAD_ID_PATTERN, UploadProgress
from siyada.errors import ApiError
from siyada.governance.keys import Principal
from siyada.knowledge import collections as store
from siyada.knowledge.ingest import IngestResult
from siyada.knowledge.ocr import store as pages
from siyada.knowledge.service import Knowledge

router = APIRouter(tags=["knowledge"])
_SUFFIX = {"text": ".txt", "markdown": ".md", "html": ".html"}


class TextDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")
    collection: str | int
    text: str = Field(min_length=1)
    name: str = Field(default="text", min_length=1, max_length=500)
    format: Literal["text", "markdown", "html"] = "text"
    metadata: dict[str, Any] | None = None


# The multipart form _multipart reads: the file, its collection, and metadata (a JSON object).
MULTIPART = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "required": ["file", "collection"],
            "properties": {
                "file": {"type": "string", "format": "binary"},
                "collection": {"type": "string", "minLength": 1},
                "metadata": {"type": "object"},
            },
            "additionalProperties": False,
        },
        "encoding": {"metadata": {"contentType": "application/json"}},
    }
}


def _limit(request: Request) -> int:
    return request.app.state.settings.file.knowledge.max_upload_bytes


async def _multipart(
    request: Request, limit: int
) -> tuple[bytes, str, str | None, str, dict[str, Any] | None]:
    form = await read_form(request, limit, max_fields=8)
    data, upload = await file_part(form)
    collection = form.get("collection")
    if not isinstance(collection, str) or not collection:
        raise ApiError(400, "A 'collection' field is required", code="missing_collection", param="collection")
    metadata = _metadata(form.get("metadata"))
    return data, upload.filename or "upload", upload.content_type, collection, metadata


def _metadata(raw: Any) -> dict[str, Any] | None:
    if raw is None or raw == "":
        return None
    try:
        value = orjson.loads(raw) if isinstance(raw, str) else None
    except orjson.JSONDecodeError as exc:
        raise ApiError(
            400, f"metadata is not valid JSON: {exc}", code="invalid_metadata", param="metadata"
        ) from exc
    if not isinstance(value, dict):
        raise ApiError(400, "metadata must be a JSON object", code="invalid_metadata", param="metadata")
    return value


def _answer(results: list[IngestResult]) -> JSONResponse:
    created = any(r.created for r in results)
    if len(results) == 1:
        body: dict[str, Any] = {**results[0].document, "created": results[0].created}
    else:
        body = {"object": "list", "data": [{**r.document, "created": r.created} for r in results]}
    return JSONResponse(body, status_code=201 if created else 200)


@router.post("/v1/documents", openapi_extra=openapi_body(TextDocument, MULTIPART))
async def upload_document(
    request: Request,
    principal: Principal = Depends(authenticate),
    # Typed `str` with a None default: the published schema is the pattern alone (no null to send).
    upload_id: str = Header(default=None, alias="X-Upload-Id", pattern=UPLOAD_ID_PATTERN),
) -> JSONResponse:
    tracked = request.app.state.uploads.start(principal.tenant.id, upload_id) if upload_id else None
    try:
        results = await _ingest_upload(request, principal, tracked)
    except ApiError as exc:
        if tracked is not None:
            tracked.failed(exc.status, exc.code, exc.message)
        raise
    except BaseException:
        if tracked is not None:
            tracked.failed(500, "server_error", "The upload failed on the server")
        raise
    if tracked is not None:
        tracked.completed([r.document["id"] for r in results])
    return _answer(results)


async def _ingest_upload(
    request: Request, principal: Principal, tracked: UploadProgress | None
) -> list[IngestResult]:
    limit = _limit(request)
    refuse_declared_oversize(request, limit)
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        data, filename, content_type, collection, metadata = await _multipart(request, limit)
    else:
        doc = validate(TextDocument, await read_json(request))
        data, content_type, collection, metadata = doc.text.encode(), None, doc.collection, doc.metadata
        filename = doc.name if "." in doc.name else doc.name + _SUFFIX[doc.format]
    kn: Knowledge = request.app.state.knowledge
    return await knowledge_call(
        kn.ingest_async(
            principal.tenant.id,
            principal.tenant.name,
            collection,
            data,
            filename,
            content_type,
            metadata,
            on_progress=tracked.note if tracked is not None else None,
        )
    )


@router.get("/v1/documents/{doc_id}")
async def get_document(
    doc_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    engine = request.app.state.knowledge.engine
    return await knowledge_call(asyncio.to_thread(store.get_document, engine, principal.tenant.id, doc_id))


@router.delete("/v1/documents/{doc_id}")
async def delete_document(
    doc_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    engine = request.app.state.knowledge.engine
    return await knowledge_call(asyncio.to_thread(store.delete_document, engine, principal.tenant.id, doc_id))


@router.get("/v1/documents/{doc_id}/chunks")
async def document_chunks(
    doc_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    engine = request.app.state.knowledge.engine
    data = await knowledge_call(asyncio.to_thread(store.document_chunks, engine, principal.tenant.id, doc_id))
    return {"object": "list", "data": data}


_MAX_OFFSET = 2**31 - 1


@router.get("/v1/documents/{doc_id}/pages/{page}")
async def document_page(
    doc_id: str,
    request: Request,
    page: int = Path(ge=1, le=100_000),
    start: int = Query(default=0, ge=0, le=_MAX_OFFSET),
    end: int = Query(default=0, ge=0, le=_MAX_OFFSET),
    principal: Principal = Depends(authenticate),
) -> dict[str, Any]:
    """A page OCR read: its size, language and confidence, and the boxes (one per line, in the page's
    pixels) of the words between the document offsets `start` and `end`: a citation's region."""
    engine = request.app.state.knowledge.engine
    return await knowledge_call(
        asyncio.to_thread(pages.page_region, engine, principal.tenant.id, doc_id, page, start, end)
    )


@router.get("/v1/documents/{doc_id}/pages/{page}/image")
async def document_page_image(
    doc_id: str,
    request: Request,
    page: int = Path(ge=1, le=100_000),
    principal: Principal = Depends(authenticate),
) -> Response:
    engine = request.app.state.knowledge.engine
    image = await knowledge_call(
        asyncio.to_thread(pages.page_image, engine, principal.tenant.id, doc_id, page)
    )
    # A tenant's page: never in a shared cache.
    return Response(image, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})
