"""The data space's catalogue side: data sets (upload, read, correct, describe, publish) and the DCAT
catalogue.

POST /v1/dataspace/datasets                 multipart: file (CSV, XLSX, Parquet), metadata (JSON object)
GET /v1/dataspace/datasets · GET|PATCH /v1/dataspace/datasets/{dataset_id}
POST /v1/dataspace/datasets/{dataset_id}/publish
GET /v1/dataspace/catalog                   DCAT as JSON-LD, or Turtle (Accept: text/turtle, ?format=ttl)
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile
from starlette.responses import Response

from siyada.api.auth import authenticate, require_admin
from siyada.api.body import REF_TEMPLATE, openapi_body, read_json, validate
from siyada.api.multipart import read_form, refuse_declared_oversize
from siyada.dataspace import catalog, datasets, storage, upload
from siyada.dataspace.card import DataCard, Metadata, MetadataPatch
from siyada.dataspace.classify import Role
from siyada.errors import ApiError
from siyada.governance.keys import Principal
from siyada.workers import JobTooComplex

router = APIRouter(tags=["dataspace"])


class DatasetPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    columns: dict[str, Role] | None = Field(default=None, max_length=500)
    metadata: MetadataPatch | None = None
    card: DataCard | None = None


MULTIPART = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "required": ["file", "metadata"],
            "properties": {
                "file": {"type": "string", "format": "binary"},
                "metadata": Metadata.model_json_schema(ref_template=REF_TEMPLATE),
            },
            "additionalProperties": False,
        },
        "encoding": {"metadata": {"contentType": "application/json"}},
    }
}
UPLOAD = {"requestBody": {"required": True, "content": MULTIPART}}


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def _upload(request: Request) -> tuple[bytes, Metadata]:
    limit: int = request.app.state.settings.file.knowledge.max_upload_bytes
    refuse_declared_oversize(request, limit)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(400, "Upload a multipart form: file and metadata", code="invalid_multipart")
    form = await read_form(request, limit, max_fields=4)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise ApiError(400, "A 'file' part is required", code="missing_file", param="file")
    raw = form.get("metadata")
    try:
        value = orjson.loads(raw) if isinstance(raw, str) and raw else None
    except orjson.JSONDecodeError as exc:
        raise ApiError(
            400, f"metadata is not valid JSON: {exc}", code="invalid_metadata", param="metadata"
        ) from exc
    if not isinstance(value, dict):
        raise ApiError(400, "A 'metadata' JSON object is required", code="invalid_metadata", param="metadata")
    metadata = validate(Metadata, value)
    data = await upload.read()
    await upload.close()
    return data, metadata


@router.post("/v1/dataspace/datasets", status_code=201, openapi_extra=UPLOAD)
async def upload_dataset(request: Request, principal: Principal = Depends(require_admin)) -> dict[str, Any]:
    """A tenant admin shares a data set: it is read, classified, pseudonymised and stored as a draft."""
    data, metadata = await _upload(request)
    state = request.app.state
    key = state.privacy.keys.hash_key(principal.tenant.id)
    dataset_id = datasets.new_id("ds_")
    relative = storage.relative_path(principal.tenant.id, dataset_id)
    try:
        prepared = await state.workers.submit(
            upload.prepare, data, key, str(state.settings.data_dir), relative
        )
    except upload.UploadRefused as exc:
        raise exc.api_error() from None
    except JobTooComplex as exc:
        raise ApiError(422, str(exc), code="dataset_too_complex", param="file") from exc
    return await asyncio.to_thread(
        datasets.record_upload,
        state.engine,
        state.settings.data_dir,
        principal,
        metadata,
        dataset_id,
        prepared,
    )


@router.get("/v1/dataspace/datasets")
async def list_datasets(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    data = await asyncio.to_thread(datasets.list_datasets, request.app.state.engine, principal)
    return {"object": "list", "data": data}


@router.get("/v1/dataspace/datasets/{dataset_id}")
async def get_dataset(
    dataset_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    return await asyncio.to_thread(datasets.get_dataset, request.app.state.engine, principal, dataset_id)


@router.patch("/v1/dataspace/datasets/{dataset_id}", openapi_extra=openapi_body(DatasetPatch))
async def patch_dataset(
    dataset_id: str, request: Request, principal: Principal = Depends(require_admin)
) -> dict[str, Any]:
    """The owner corrects column roles and completes the DCAT metadata and the data card."""
    body = validate(DatasetPatch, await read_json(request))
    state = request.app.state
    key = state.privacy.keys.hash_key(principal.tenant.id)
    return await asyncio.to_thread(
        lambda: datasets.update_dataset(
            state.engine, state.settings.data_dir, key, principal, dataset_id,
            roles=body.columns, metadata=body.metadata, card=body.card,
        )
    )  # fmt: skip


@router.post("/v1/dataspace/datasets/{dataset_id}/publish")
async def publish_dataset(
    dataset_id: str, request: Request, principal: Principal = Depends(require_admin)
) -> dict[str, Any]:
    return await asyncio.to_thread(datasets.publish, request.app.state.engine, principal, dataset_id)


@router.get("/v1/dataspace/catalog")
async def get_catalog(
    request: Request,
    format: Literal["jsonld", "ttl"] | None = Query(default=None),
    principal: Principal = Depends(authenticate),
) -> Response:
    """Published data sets in DCAT: JSON-LD by default, Turtle on `Accept: text/turtle` or `?format=ttl`."""
    fmt = format or ("ttl" if "text/turtle" in request.headers.get("accept", "") else "jsonld")
    text = await asyncio.to_thread(catalog.serialise, request.app.state.engine, base_url(request), fmt)
    return Response(text, media_type=catalog.FORMATS[fmt] + "; charset=utf-8")
