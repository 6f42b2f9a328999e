"""GET /v1/models and GET /v1/models/{model}: the models this tenant may call, each with its card."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from siyada.api.auth import authenticate
from siyada.errors import ApiError
from siyada.gateway.router import ModelEntry
from siyada.gateway.service import Gateway
from siyada.governance.keys import Principal

router = APIRouter(tags=["models"])


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
    return {"object": "list", "data": [_card(m) for m in gateway.visible_models(principal)]}


@router.get("/v1/models/{model:path}")
async def get_model(
    model: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    gateway: Gateway = request.app.state.gateway
    entry = gateway.router.resolve(model)
    if entry is None or not principal.tenant.may_use(entry.name):
        raise ApiError(404, f"The model {model!r} does not exist", code="model_not_found", param="model")
    return _card(entry)
