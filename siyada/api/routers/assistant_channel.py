"""An assistant's citizen channel and what it shows the tenant (siyada.assistants.channel, .watch):
tenant admins only; another tenant's assistant is simply not found (404).

GET|PUT|DELETE /v1/assistants/{name}/widget · GET /v1/assistants/{name}/stats[.csv] ·
GET /v1/assistants/{name}/unanswered[.csv]
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from siyada.api.auth import require_admin
from siyada.api.body import openapi_body, read_json, validate
from siyada.assistants import channel, store, watch
from siyada.assistants.spec import NAME_PATTERN
from siyada.governance.keys import Principal

router = APIRouter(tags=["assistants"])
Name = Annotated[str, Path(pattern=NAME_PATTERN)]
Days = Annotated[int, Query(ge=1, le=366)]


@router.get("/v1/assistants/{name}/widget")
async def get_widget(
    name: Name, request: Request, principal: Principal = Depends(require_admin)
) -> dict[str, Any]:
    return await asyncio.to_thread(channel.get, request.app.state.engine, principal.tenant.id, name)


@router.put("/v1/assistants/{name}/widget", openapi_extra=openapi_body(channel.WidgetSettings))
async def set_widget(
    name: Name, request: Request, principal: Principal = Depends(require_admin)
) -> dict[str, Any]:
    settings = validate(channel.WidgetSettings, await read_json(request))
    engine = request.app.state.engine
    return await asyncio.to_thread(channel.put, engine, principal.tenant.id, principal.actor, name, settings)


@router.delete("/v1/assistants/{name}/widget")
async def remove_widget(
    name: Name, request: Request, principal: Principal = Depends(require_admin)
) -> dict[str, Any]:
    engine = request.app.state.engine
    return await asyncio.to_thread(channel.remove, engine, principal.tenant.id, principal.actor, name)


async def _stats(request: Request, principal: Principal, name: str, days: int) -> dict[str, Any]:
    engine = request.app.state.engine
    await asyncio.to_thread(store.get, engine, principal.tenant.id, name)  # 404 before any statistic
    return await asyncio.to_thread(watch.stats, engine, principal.tenant.id, name, days)


@router.get("/v1/assistants/{name}/stats")
async def assistant_stats(
    name: Name, request: Request, days: Days = 30, principal: Principal = Depends(require_admin)
) -> dict[str, Any]:
    """Questions per day, answered vs "not found", and feedback, over the last `days` days (UTC)."""
    return await _stats(request, principal, name, days)


@router.get("/v1/assistants/{name}/stats.csv")
async def assistant_stats_csv(
    name: Name, request: Request, days: Days = 30, principal: Principal = Depends(require_admin)
) -> Response:
    found = await _stats(request, principal, name, days)
    return _csv(watch.stats_csv(found), f"{name}-stats.csv")


async def _clusters(request: Request, principal: Principal, name: str, days: int) -> dict[str, Any]:
    engine = request.app.state.engine
    await asyncio.to_thread(store.get, engine, principal.tenant.id, name)
    questions = await asyncio.to_thread(watch.unanswered, engine, principal.tenant.id, name, days)
    knowledge = request.app.state.knowledge
    model = knowledge.default_embedding_model
    embedder = knowledge.embedder_for(model) if model else None
    embed = embedder.embed if embedder is not None else None
    groups = await asyncio.to_thread(watch.cluster, questions, embed)
    return {
        "object": "list",
        "assistant": name,
        "considered": len(questions),
        "capped": len(questions) >= watch.MAX_CLUSTERED,
        "grouped_by": "e5" if embed is not None else "text",
        "data": groups,
    }


@router.get("/v1/assistants/{name}/unanswered")
async def assistant_unanswered(
    name: Name, request: Request, days: Days = 30, principal: Principal = Depends(require_admin)
) -> dict[str, Any]:
    """The "not found" questions of the period, grouped by similarity (the newest 500 at most)."""
    return await _clusters(request, principal, name, days)


@router.get("/v1/assistants/{name}/unanswered.csv")
async def assistant_unanswered_csv(
    name: Name, request: Request, days: Days = 30, principal: Principal = Depends(require_admin)
) -> Response:
    found = await _clusters(request, principal, name, days)
    return _csv(watch.clusters_csv(found["data"]), f"{name}-unanswered.csv")


def _csv(text: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
