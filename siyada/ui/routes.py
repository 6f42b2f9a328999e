"""The web app's pages: login, chat, documents, evaluation, admin; served under /ui by the API server.

Pages are rendered here (Jinja2) and talk to the same public API as every client, authenticated by the
session cookie and the page's CSRF token, so the app can do nothing an API key could not.
"""

from __future__ import annotations

import asyncio
import math
import secrets
from typing import Any

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import HTMLResponse, RedirectResponse, Response

from siyada.api.auth import web_session
from siyada.evaluation.report import chart
from siyada.evaluation.results import get_run, leaderboard, list_runs, viewer_of
from siyada.governance import users
from siyada.lanes import AUTH, run_in
from siyada.store.ids import row_id
from siyada.ui.forms import read_small_form
from siyada.ui.oidc import OidcProviders
from siyada.ui.pages import decimal, page, secure, show, to_login
from siyada.ui.sessions import (
    COOKIE,
    LIFETIME,
    close_session,
    csrf_ok,
    open_session,
    open_session_for_hash,
    same_token,
)
from siyada.ui.sso_session import id_token_of

LOGIN_CSRF = "siyada_login_csrf"

router = APIRouter(include_in_schema=False)


@router.get("/")
@router.get("/ui")
@router.get("/ui/")
async def root() -> RedirectResponse:
    """The app's entry points (the README says /ui) all lead to the chat page, or to login from there."""
    return RedirectResponse("/ui/chat", status_code=303)


@router.get("/ui/login")
async def loginpage(request: Request) -> HTMLResponse:
    return _login_form(request)


def _login_form(
    request: Request, error: str | None = None, status: int = 200, **context: Any
) -> HTMLResponse:
    # Login CSRF: a double-submit token, since no session exists yet.
    token = secrets.token_urlsafe(24)
    sso: OidcProviders = request.app.state.sso
    response = page(request, "login.html", status, csrf=token, error=error, sso=sso.buttons(), **context)
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=secure(request))
    return response


@router.post("/ui/login")
async def login(request: Request) -> Response:
    form = await read_small_form(request)
    presented, expected = str(form.get("csrf") or ""), request.cookies.get(LOGIN_CSRF) or ""
    if not expected or not same_token(presented, expected):
        return _login_form(request, "csrf", 403)
    if "username" in form:
        return await _password_login(request, str(form.get("username")), str(form.get("password") or ""))
    secret = str(form.get("api_key") or "").strip()
    opened = await run_in(AUTH, open_session, request.app.state.engine, secret) if secret else None
    if opened is None:
        return _login_form(request, "bad_key", 401)
    return _session_started(request, opened[0])


def _client(request: Request) -> str | None:
    """The socket peer (or, only behind a configured `trusted_proxies`, the address it forwarded)."""
    return request.client.host if request.client else None


async def _password_login(request: Request, username: str, password: str) -> Response:
    """The username form: one message whichever part was wrong; 429 while the username is locked."""
    engine = request.app.state.engine
    try:
        key_hash = await users.login(engine, request.app.state.logins, username, password, _client(request))
    except users.LoginLocked as exc:
        minutes = str(math.ceil(exc.retry_after / 60))
        response = _login_form(request, "locked", 429, username=username[:64], minutes=minutes)
        response.headers["Retry-After"] = str(math.ceil(exc.retry_after))
        return response
    opened = await run_in(AUTH, open_session_for_hash, engine, key_hash) if key_hash else None
    if opened is None:
        return _login_form(request, "bad_password", 401, username=username[:64])
    return _session_started(request, opened[0])


def _session_started(request: Request, token: str) -> Response:
    response = RedirectResponse("/ui/chat", status_code=303)
    set_session_cookie(request, response, token)
    response.delete_cookie(LOGIN_CSRF)
    return response


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    """The session's cookie: HttpOnly, SameSite=Strict, Secure over https, for the whole app."""
    response.set_cookie(
        COOKIE, token, max_age=LIFETIME, httponly=True, samesite="strict", secure=secure(request), path="/"
    )


@router.post("/ui/logout")
async def logout(request: Request) -> Response:
    _, session = await web_session(request)
    form = await read_small_form(request)
    single_sign_on = None
    if session is not None and csrf_ok(session, str(form.get("csrf") or "")):
        engine, token = request.app.state.engine, request.cookies[COOKIE]
        single_sign_on = await run_in(AUTH, id_token_of, engine, request.app.state.privacy.keys, token)
        await run_in(AUTH, close_session, engine, token)
    response = await _provider_logout(request, *single_sign_on) if single_sign_on else None
    response = response or RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


async def _provider_logout(request: Request, provider: str, id_token: str) -> Response | None:
    """RP-initiated logout: a page that posts the ID token (as `id_token_hint`, in a form body, never
    in a URL) to the provider's end_session_endpoint, which comes back to the login page."""
    sso: OidcProviders = request.app.state.sso
    client = sso.get(provider)
    endpoint = await client.end_session_endpoint() if client is not None else None
    if client is None or endpoint is None:
        return None
    fields = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": sso.base(str(request.base_url)) + "/ui/login",
        "client_id": client.config.client_id,
    }
    return page(request, "sso_logout.html", endpoint=endpoint, fields=fields)


@router.get("/ui/chat")
async def chat(request: Request) -> Response:
    return await show(request, "chat.html")


@router.get("/ui/documents")
async def documents(request: Request) -> Response:
    limit = request.app.state.settings.file.knowledge.max_upload_bytes
    return await show(
        request, "documents.html", max_bytes=limit, max_mb=decimal(request, limit / 1_000_000)
    )


@router.get("/ui/evaluation")
async def evaluation(request: Request) -> Response:
    principal, session = await web_session(request)
    if principal is None:  # before any work: nothing is read for a visitor without a session
        return to_login(request)
    engine = request.app.state.engine
    viewer = viewer_of(principal)  # an assistant's runs are its tenant's
    boards = await asyncio.to_thread(leaderboard, engine, None, viewer)
    runs = await asyncio.to_thread(list_runs, engine, 20, None, viewer)
    plots = {b["task_version"]: _board_chart(b) for b in boards}
    return page(
        request,
        "evaluation.html",
        principal=principal,
        csrf=session.csrf,
        boards=boards,
        runs=runs,
        plots=plots,
    )


def _board_chart(board: dict[str, Any]) -> Markup:
    """A board's entries as bars with their bootstrap intervals (the report's chart, one row per entry)."""
    rows = [
        {"task": e["label"], "primary_metric": board["metric"], "metrics": {board["metric"]: e}}
        for e in board["entries"]
    ]
    return Markup(chart(rows, label=f"{board['task']}: {board['metric']}"))


@router.get("/ui/evaluation/runs/{run_id}")
async def evaluation_run(run_id: str, request: Request) -> Response:
    principal, session = await web_session(request)
    if principal is None:
        return to_login(request)
    rid = row_id(run_id)  # '²' or 2**70 name no run (and must not reach the driver)
    engine, viewer = request.app.state.engine, viewer_of(principal)
    run = await asyncio.to_thread(get_run, engine, rid, viewer) if rid is not None else None
    if run is None:
        return page(request, "not_found.html", 404, principal=principal, csrf=session.csrf)
    plot = Markup(chart(run["scores"])) if run["scores"] else None
    return page(request, "evaluation_run.html", principal=principal, csrf=session.csrf, run=run, plot=plot)


@router.get("/ui/admin")
async def admin(request: Request) -> Response:
    principal, session = await web_session(request)
    if principal is None:
        return to_login(request)
    if not principal.is_admin:
        return page(request, "forbidden.html", 403, principal=principal, csrf=session.csrf)
    # Providers are the platform's: a tenant admin's page shows its own tenant only.
    health = request.app.state.gateway.router.health() if principal.is_operator else None
    return page(request, "admin.html", principal=principal, csrf=session.csrf, providers=health)
