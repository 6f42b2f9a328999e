"""GET /health: liveness plus the state of every provider."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from siyada import __version__
from siyada.gateway.service import Gateway

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(request: Request) -> dict[str, Any]:
    gateway: Gateway = request.app.state.gateway
    embedded = gateway.router.providers.get("embedded")
    return {
        "status": "ok",
        "version": __version__,
        "providers": gateway.router.health(),
        "embedded": embedded.status() if embedded is not None and hasattr(embedded, "status") else None,
    }
