"""The assistants' dashboard page (/ui/assistant-dashboard), for the tenant's admins: a shell whose
script reads /v1/assistants/{name}/stats and /unanswered with the session, so it shows nothing the
admin's key could not read, and no personal data (the questions are stored scrubbed)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from siyada.ui.pages import show

router = APIRouter(include_in_schema=False)


@router.get("/ui/assistant-dashboard")
async def dashboard(request: Request) -> Response:
    return await show(request, "assistant_dashboard.html", admin_only=True)
