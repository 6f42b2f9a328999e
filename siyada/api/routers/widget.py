"""The citizen widget, public and anonymous (siyada.assistants.citizen): the page a ministry embeds
(an iframe, or the `<script>` loader /ui/static/widget_embed.js that injects it) and the calls the widget
makes with its conversation token. No cookie, no key.

GET /widget/{tenant}/{assistant} · POST /widget/v1/{tenant}/{assistant}/token ·
POST /widget/v1/{tenant}/{assistant}/chat · POST /widget/v1/{tenant}/{assistant}/feedback
(and their CORS preflights). The origins come from the assistant's widget settings: the page's
`frame-ancestors`, the token's binding and CORS all name exactly those; any other origin is refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Path, Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from siyada.api.body import read_json, validate
from siyada.api.sse import sse_response
from siyada.assistants import store, watch
from siyada.assistants.channel import normal_origin
from siyada.assistants.citizen import Citizen, Widget, WidgetAsk, find, origin_allowed
from siyada.assistants.spec import NAME_PATTERN
from siyada.assistants.widget_words import LANGUAGES, NAMES, direction, pick, words
from siyada.errors import ApiError
from siyada.ui.pages import TEMPLATES

router = APIRouter(include_in_schema=False, tags=["widget"])
TenantName = Annotated[str, Path(min_length=1, max_length=64)]
Name = Annotated[str, Path(pattern=NAME_PATTERN)]
_PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
)


def _citizen(request: Request) -> Citizen:
    return request.app.state.citizen


def _own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}".lower()


def _referrer_origin(request: Request) -> str | None:
    referer = request.headers.get("referer")
    if not referer:
        return None
    try:
        return normal_origin(f"{urlsplit(referer).scheme}://{urlsplit(referer).netloc}")
    except ValueError:
        return None


def _cors(widget: Widget | None, origin: str | None) -> dict[str, str]:
    """CORS headers for a listed origin; none for any other (the browser then refuses the answer)."""
    if widget is None or not origin_allowed(widget, origin):
        return {"Vary": "Origin"}
    return {
        "Access-Control-Allow-Origin": str(origin),
        "Access-Control-Expose-Headers": "X-Siyada-Question, Retry-After",
        "Vary": "Origin",
    }


async def _with_cors(
    request: Request, tenant: str, name: str, work: Callable[[Widget], Coroutine[Any, Any, Response]]
) -> Response:
    """Run `work` on the widget; its answer and its errors both carry the CORS headers of the caller's
    origin, so a ministry's page can read a 429's friendly message."""
    origin = request.headers.get("origin")
    widget: Widget | None = None
    try:
        widget = await asyncio.to_thread(find, request.app.state.engine, tenant, name)
        response = await work(widget)
    except ApiError as exc:
        exc.headers = {**(exc.headers or {}), **_cors(widget, origin)}
        raise
    response.headers.update(_cors(widget, origin))
    return response


def _token(request: Request) -> str:
    auth = request.headers.get("authorization") or ""
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "A conversation token is required", code="invalid_conversation_token")
    return token.strip()


def _refused(lang: str) -> HTMLResponse:
    html = TEMPLATES.get_template("widget_refused.html").render(
        lang=lang, dir=direction(lang), w=words(lang)
    )
    response = HTMLResponse(html, status_code=403)
    response.headers["Content-Security-Policy"] = _PAGE_CSP.format(ancestors="'none'")
    return response


@router.get("/widget/{tenant}/{name}")
async def widget_page(tenant: TenantName, name: Name, request: Request) -> Response:
    """The widget itself, for an iframe: only the listed origins may frame it (`frame-ancestors`), and
    its conversation token is bound to the origin the browser says embeds it (Referer)."""
    engine = request.app.state.engine
    try:
        widget = await asyncio.to_thread(find, engine, tenant, name)
    except ApiError:
        return _refused(pick(request.query_params.get("lang")))
    lang = pick(request.query_params.get("lang") or widget.settings["language"])
    origin = _referrer_origin(request)
    if origin is None or not origin_allowed(widget, origin):
        return _refused(lang)
    assistant = await asyncio.to_thread(store.get, engine, widget.tenant.id, name)
    config = {
        "base": f"/widget/v1/{tenant}/{name}",
        "lang": lang,
        "words": {code: words(code) for code in LANGUAGES},
        "names": NAMES,
        "greeting": assistant["greeting"],
        "suggested": assistant["suggested_questions"],
        **_citizen(request).token(widget, origin),
    }
    html = TEMPLATES.get_template("widget.html").render(
        lang=lang, dir=direction(lang), w=words(lang), config=config, names=NAMES, langs=LANGUAGES
    )
    response = HTMLResponse(html)
    ancestors = " ".join(widget.settings["origins"])
    response.headers["Content-Security-Policy"] = _PAGE_CSP.format(ancestors=ancestors)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"  # the page holds a token
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.options("/widget/v1/{tenant}/{name}/{action}")
async def preflight(tenant: TenantName, name: Name, action: str, request: Request) -> Response:
    origin = request.headers.get("origin")
    try:
        widget = await asyncio.to_thread(find, request.app.state.engine, tenant, name)
    except ApiError:
        widget = None
    if action not in ("token", "chat", "feedback") or widget is None or not origin_allowed(widget, origin):
        return Response(status_code=403, headers={"Vary": "Origin"})
    headers = {
        **_cors(widget, origin),
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Max-Age": "600",
    }
    return Response(status_code=204, headers=headers)


@router.post("/widget/v1/{tenant}/{name}/token")
async def widget_token(tenant: TenantName, name: Name, request: Request) -> Response:
    """A conversation token for a ministry's own page (CORS): bound to the `Origin` the browser sent."""

    async def work(widget: Widget) -> Response:
        origin = request.headers.get("origin")
        if not origin_allowed(widget, origin):
            raise ApiError(403, "This site may not use the widget", code="origin_not_allowed")
        return JSONResponse(_citizen(request).token(widget, str(origin).lower()))

    return await _with_cors(request, tenant, name, work)


@router.post("/widget/v1/{tenant}/{name}/chat")
async def widget_chat(tenant: TenantName, name: Name, request: Request) -> Response:
    """The citizen's question: the answer streamed as server-sent events (`widget.delta` pieces, then
    `widget.done` with the question's id and the sources' titles)."""

    async def work(widget: Widget) -> Response:
        citizen = _citizen(request)
        citizen.check(widget, _token(request), request.headers.get("origin"), _own_origin(request))
        ask = validate(WidgetAsk, await read_json(request))
        lang = ask.lang or widget.settings["language"]
        await citizen.admit(widget, request.client.host if request.client else None, lang)
        events, qid = await citizen.ask(widget, ask, lang)
        return sse_response(events, {"X-Siyada-Question": qid})

    return await _with_cors(request, tenant, name, work)


@router.post("/widget/v1/{tenant}/{name}/feedback")
async def widget_feedback(tenant: TenantName, name: Name, request: Request) -> Response:
    """Thumbs up or down, with an optional comment (scrubbed before it is stored), on one answer."""

    async def work(widget: Widget) -> Response:
        citizen = _citizen(request)
        citizen.check(widget, _token(request), request.headers.get("origin"), _own_origin(request))
        feedback = validate(watch.Feedback, await read_json(request))
        engine = request.app.state.engine
        done = await asyncio.to_thread(watch.record_feedback, engine, widget.tenant.id, name, feedback)
        return JSONResponse(done, status_code=201)

    return await _with_cors(request, tenant, name, work)
