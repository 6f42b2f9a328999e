"""GET /metrics: Prometheus text exposition of the gateway's counters, latencies and gauges.

Unauthenticated like /health, as scrapers usually are; it exposes model and provider names and counts,
never tenants, keys or content. Keep it off the public interface (bind or firewall) if that matters.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from siyada.governance.metrics import CONTENT_TYPE, Metrics

router = APIRouter(tags=["metrics"])


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    registry: Metrics = request.app.state.metrics
    return Response(registry.render(), media_type=CONTENT_TYPE)
