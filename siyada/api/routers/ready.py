"""GET /ready: whether this replica can take traffic (siyada.readiness); 503 naming what is not ready.

Unauthenticated like /health, for load balancers and Kubernetes readiness probes: it says which
dependency fails, never a host, a driver message or a schema revision.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from siyada.errors import ApiError
from siyada.readiness import Readiness

router = APIRouter(tags=["health"])


@router.get("/ready")
async def ready(request: Request) -> dict[str, Any]:
    readiness: Readiness = request.app.state.readiness
    report = await readiness.report()
    if not report.ready:
        raise ApiError(503, "Not ready: " + "; ".join(report.failures()), code="not_ready")
    return {"status": "ready", "checks": report.checks}
