"""The assistants builder, /ui/assistants: the tenant's assistants, a form for every field of one, its
version history, and a live preview of the unsaved draft.

The page is a shell; its script calls the public `/v1/assistants` API (and `/v1/assistant-previews`)
with the session, so the builder can do nothing the admin's key could not. A user who is not an admin
sees the list and the configurations read-only (the API refuses their writes anyway).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from siyada.api.auth import web_session
from siyada.assistants.spec import LANGUAGES
from siyada.ui.pages import page, to_login

router = APIRouter(include_in_schema=False)


@router.get("/ui/assistants")
async def builder(request: Request) -> Response:
    principal, session = await web_session(request)
    if principal is None:
        return to_login(request)
    return page(
        request,
        "assistant_builder.html",
        principal=principal,
        csrf=session.csrf,
        admin=principal.is_admin,
        languages=LANGUAGES,
    )
