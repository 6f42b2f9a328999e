"""Assistants of the caller's tenant (siyada.assistants): tenant admins write, every key of the tenant
reads; another tenant's assistant is simply not found.

POST /v1/assistants · GET /v1/assistants · GET|PATCH|DELETE /v1/assistants/{name} ·
GET /v1/assistants/{name}/versions · POST /v1/assistant-previews (the builder's draft, not stored)
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.convertors import StringConvertor, register_url_convertor
from starlette.responses import Response

from siyada.api.auth import authenticate, require_admin
from siyada.api.body import openapi_body, read_json, validate
from siyada.api.knowledge_errors import knowledge_call
from siyada.api.sse import answer_response
from siyada.assistants import serve, store, templates
from siyada.assistants.serve import check_config
from siyada.assistants.spec import (
    NAME_PATTERN,
    PREFIX,
    AssistantCreate,
    AssistantFields,
    AssistantPatch,
    AssistantPreview,
)
from siyada.assistants.templates import AssistantRequest
from siyada.errors import ApiError
from siyada.governance.keys import Principal


class _AssistantName(StringConvertor):
    """An assistant's name in a path: any segment but `templates`, which is the templates' own path
    (siyada.api.routers.assistant_templates; the name is reserved), so that its `Allow` names GET only.
    Any other segment still reaches the route, whose pattern answers a bad name with a 400."""

    regex = "(?!templates$)[^/]+"


register_url_convertor("assistant", _AssistantName())
router = APIRouter(tags=["assistants"])
Name = Annotated[str, Path(pattern=NAME_PATTERN)]  # a bad name is a 400 the description announces


def _checked(request: Request, principal: Principal, config: dict[str, Any]) -> dict[str, Any]:
    check_config(request.app.state.gateway, request.app.state.engine, principal, config)
    return config


@router.post("/v1/assistants", status_code=201, openapi_extra=openapi_body(AssistantRequest))
async def create_assistant(request: Request, principal: Principal = Depends(require_admin)) -> dict[str, Any]:
    asked = validate(AssistantRequest, await read_json(request))
    engine = request.app.state.engine
    body = await asyncio.to_thread(templates.filled, engine, principal.tenant.id, asked)
    config = body.model_dump(exclude={"name"})
    await asyncio.to_thread(_checked, request, principal, config)
    return await asyncio.to_thread(
        store.create, engine, principal.tenant.id, principal.actor, body.name, config
    )


@router.get("/v1/assistants")
async def list_assistants(
    request: Request,
    limit: int = Query(100, ge=1, le=1000),
    after: str | None = Query(None, max_length=48),
    principal: Principal = Depends(authenticate),
) -> dict[str, Any]:
    data = await asyncio.to_thread(
        store.list_latest, request.app.state.engine, principal.tenant.id, limit + 1, after
    )
    more = len(data) > limit
    data = data[:limit]
    return {"object": "list", "data": data, "has_more": more, "next": data[-1]["name"] if more else None}


@router.get("/v1/assistants/{name:assistant}")
async def get_assistant(
    name: Name, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    return await asyncio.to_thread(store.get, request.app.state.engine, principal.tenant.id, name)


@router.patch("/v1/assistants/{name:assistant}", openapi_extra=openapi_body(AssistantPatch))
async def edit_assistant(
    name: Name, request: Request, principal: Principal = Depends(require_admin)
) -> dict[str, Any]:
    patch = validate(AssistantPatch, await read_json(request))
    changes = patch.model_dump(exclude_unset=True)
    if not changes:
        raise ApiError(400, "Give at least one field to change", code="invalid_request")
    engine = request.app.state.engine
    current = store.config_of(await asyncio.to_thread(store.get, engine, principal.tenant.id, name))
    if isinstance(changes.get("instructions"), dict):  # per language: the others keep their text
        changes["instructions"] = current["instructions"] | changes["instructions"]
    whole = validate(AssistantCreate, {**current, **changes, "name": name})
    merged = whole.model_dump(exclude={"name"})
    await asyncio.to_thread(_checked, request, principal, merged)
    return await asyncio.to_thread(store.edit, engine, principal.tenant.id, principal.actor, name, merged)


@router.delete("/v1/assistants/{name:assistant}")
async def retire_assistant(
    name: Name, request: Request, principal: Principal = Depends(require_admin)
) -> dict[str, Any]:
    return await asyncio.to_thread(
        store.retire, request.app.state.engine, principal.tenant.id, principal.actor, name
    )


@router.get("/v1/assistants/{name:assistant}/versions")
async def list_versions(
    name: Name, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    data = await asyncio.to_thread(store.versions, request.app.state.engine, principal.tenant.id, name)
    return {"object": "list", "data": data}


@router.post("/v1/assistant-previews", openapi_extra=openapi_body(AssistantPreview))
async def preview_assistant(request: Request, principal: Principal = Depends(require_admin)) -> Response:
    """The builder's draft answering a conversation through the very path of `assistant/NAME` (same
    checks, same answer rules, usage on the caller's key as `assistant-preview/NAME`); nothing stored."""
    draft = validate(AssistantPreview, await read_json(request))
    config = draft.model_dump(include=set(AssistantFields.model_fields))
    await asyncio.to_thread(_checked, request, principal, config)
    label = draft.name or "draft"
    chat: dict[str, Any] = {
        "model": PREFIX + label,
        "messages": [m.model_dump(exclude_unset=True) for m in draft.messages],
        "stream": draft.stream,
    }
    state = request.app.state
    usage_model = f"assistant-preview/{label}"
    answer, provider = await knowledge_call(
        serve.run(state.gateway, state.grounded, principal, config, chat, draft.stream, usage_model)
    )
    return answer_response(answer, {"X-Siyada-Provider": provider, "X-Siyada-Assistant": f"{label}@draft"})
