"""GET /v1/models and GET /v1/models/{model}: the models this tenant may call, each with its card."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request

from siyada.api.auth import authenticate
from siyada.assistants import serve as assistants
from siyada.assistants import store as assistant_store
from siyada.assistants.spec import parse_model
from siyada.errors import ApiError
from siyada.gateway.router import ModelEntry
from siyada.gateway.service import Gateway
from siyada.governance.keys import Principal

router = APIRouter(tags=["models"])
MAX_ASSISTANTS = 1000  # listed in /v1/models; all of them are in GET /v1/assistants (paginated)


def _card(m: ModelEntry) -> dict[str, Any]:
    return {
        "id": m.name,
        "object": "model",
        "created": 0,
        "owned_by": m.owned_by,
        "type": m.kind,
        "aliases": m.aliases,
        "providers": [r.provider for r in m.routes],
        **m.card.fields(),
    }


@router.get("/v1/models")
async def list_models(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    gateway: Gateway = request.app.state.gateway
    data = [_card(m) for m in gateway.visible_models(principal)]
    # the tenant's own assistants, and only its own (siyada.assistants)
    mine = await asyncio.to_thread(
        assistant_store.list_latest, request.app.state.engine, principal.tenant.id, MAX_ASSISTANTS
    )
    data += [assistants.card(a, principal.tenant.name) for a in mine]
    return {"object": "list", "data": data}


@router.get("/v1/models/{model:path}")
async def get_model(
    model: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    gateway: Gateway = request.app.state.gateway
    if assistants.is_assistant(model):
        name, version = parse_model(model)
        found = await asyncio.to_thread(
            assistant_store.get, request.app.state.engine, principal.tenant.id, name, version
        )
        return assistants.card(found, principal.tenant.name)
    entry = gateway.router.resolve(model)
    if entry is None or not principal.tenant.may_use(entry.name):
        raise ApiError(404, f"The model {model!r} does not exist", code="model_not_found", param="model")
    return _card(entry)
