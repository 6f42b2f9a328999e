"""The data space's pages: catalogue, request, approvals, workbench and airlock, under /ui/dataspace.

Each page is a shell; its script calls the public `/v1/dataspace` API with the session (cookie and CSRF
token), so the pages can do nothing the researcher's or the owner's key could not, and every rule
(who owns, who may approve, what a grant allows, what may leave) stays the API's.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.routing import iter_route_contexts
from starlette.responses import Response

from siyada.ui.pages import show

router = APIRouter(include_in_schema=False)

# The query and airlock API ship separately: a page whose API is missing says so instead of failing.
QUERIES = "/v1/dataspace/queries"
OUTPUTS = "/v1/dataspace/outputs"


def _served(request: Request, path: str) -> bool:
    # Included routers are flattened lazily by FastAPI: `app.routes` alone does not list their routes.
    return any(route.path == path for route in iter_route_contexts(request.app.router.routes))


@router.get("/ui/dataspace")
async def catalogue(request: Request) -> Response:
    """Published data sets with their DCAT fields and card; for an admin, its tenant's own to describe."""
    return await show(request, "dataspace_catalog.html")


@router.get("/ui/dataspace/request")
async def ask(request: Request) -> Response:
    return await show(request, "dataspace_request.html")


@router.get("/ui/dataspace/approvals")
async def approvals(request: Request) -> Response:
    # Only an admin decides (and the API refuses another tenant's admin on each request).
    return await show(request, "dataspace_approvals.html", admin_only=True)


@router.get("/ui/dataspace/workbench")
async def workbench(request: Request) -> Response:
    return await show(request, "dataspace_workbench.html", available=_served(request, QUERIES))


@router.get("/ui/dataspace/airlock")
async def airlock(request: Request) -> Response:
    return await show(request, "dataspace_airlock.html", available=_served(request, OUTPUTS))
