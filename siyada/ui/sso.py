"""Single sign-on pages: `/ui/sso/{provider}/login` sends the browser to the OpenID provider, and
`/ui/sso/{provider}/callback` checks what comes back, places the user by the config's rules and opens a
web session; logout at the provider is in siyada.ui.routes (`POST /ui/logout`).

The callback refuses, with a page that says why and nothing of the tokens: a state that is not this
browser's (login CSRF) or that was used already, an `iss` naming another provider (mix-up), a code the
provider refuses (replayed, or exchanged without this login's PKCE verifier), and an ID token that fails
verification (siyada.ui.oidc). A person no rule places is refused, and disabled when known.
"""

from __future__ import annotations

import re
import time

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from siyada.governance.sso_users import SsoRefused, match_rules, sign_in
from siyada.lanes import AUTH, run_in
from siyada.ui.oidc import MAX_CODE, OidcClient, OidcError, OidcProviders
from siyada.ui.pages import page, secure
from siyada.ui.routes import set_session_cookie
from siyada.ui.sessions import LIFETIME, open_session_for_hash, same_token
from siyada.ui.sso_session import PENDING_TTL, TooManyLogins, keep_id_token, save_pending, take_pending

router = APIRouter(include_in_schema=False)
STATE_COOKIE = "siyada_sso_state"
_ERROR_CODE = re.compile(r"^[a-z_]{1,64}$")

# What each refusal answers: the status, and the page's word (siyada.ui.i18n `sso_<word>`).
STATUS = {
    "unknown_provider": 404,
    "provider_error": 403,
    "state_mismatch": 400,
    "state_unknown": 400,
    "issuer_mismatch": 400,
    "no_code": 400,
    "too_long": 400,
    "token_refused": 400,
    "no_id_token": 400,
    "id_token_invalid": 401,
    "provider_unreachable": 502,
    "provider_misconfigured": 502,
    "busy": 429,
    "no_rule": 403,
    "no_tenant": 403,
    "disabled": 403,
    "username_taken": 403,
    "bad_subject": 403,
}


def providers(request: Request) -> OidcProviders:
    return request.app.state.sso  # type: ignore[no-any-return]


def public_base(request: Request) -> str:
    return providers(request).base(str(request.base_url))


def _refused(request: Request, reason: str, detail: str = "") -> HTMLResponse:
    response = page(request, "sso_error.html", STATUS.get(reason, 400), reason=reason, detail=detail)
    response.delete_cookie(STATE_COOKIE, path="/ui/sso/")
    return response


def _client(request: Request, name: str) -> OidcClient | None:
    return providers(request).get(name)


@router.get("/ui/sso/{name}/login")
async def sso_login(name: str, request: Request) -> Response:
    client = _client(request, name)
    if client is None:
        return _refused(request, "unknown_provider")
    redirect_uri = f"{public_base(request)}/ui/sso/{name}/callback"
    try:
        started = await client.start(redirect_uri)
        await run_in(AUTH, save_pending, request.app.state.engine, name, started)
    except OidcError as exc:
        return _refused(request, exc.reason)
    except TooManyLogins:
        return _refused(request, "busy")
    response = RedirectResponse(started.url, status_code=303)
    # Lax, not Strict: the provider's redirect back is a cross-site navigation that must carry it.
    response.set_cookie(
        STATE_COOKIE,
        started.state,
        max_age=int(PENDING_TTL),
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/ui/sso/",
    )
    return response


@router.get("/ui/sso/{name}/callback")
async def sso_callback(name: str, request: Request) -> Response:
    client = _client(request, name)
    if client is None:
        return _refused(request, "unknown_provider")
    q = request.query_params
    code, state, error = q.get("code") or "", q.get("state") or "", q.get("error") or ""
    if max(len(code), len(state), len(error)) > MAX_CODE:
        return _refused(request, "too_long")
    if error:  # the person cancelled, or the provider refused them
        return _refused(request, "provider_error", error if _ERROR_CODE.fullmatch(error) else "")
    expected = request.cookies.get(STATE_COOKIE) or ""
    if not state or not expected or not same_token(state, expected):
        return _refused(request, "state_mismatch")
    engine = request.app.state.engine
    pending = await run_in(AUTH, take_pending, engine, name, state)
    if pending is None:
        return _refused(request, "state_unknown")
    if not await _issuer_ok(client, q.get("iss")):
        return _refused(request, "issuer_mismatch")
    if not code:
        return _refused(request, "no_code")
    redirect_uri = f"{public_base(request)}/ui/sso/{name}/callback"
    try:
        verified = await client.finish(code, pending.verifier, pending.nonce, redirect_uri)
    except OidcError as exc:
        return _refused(request, exc.reason)
    placement = match_rules(client.config.rules, verified.claims)
    try:
        login = await run_in(AUTH, sign_in, engine, name, verified.subject, placement)
    except SsoRefused as exc:
        request.app.state.keys.invalidate()  # a user just disabled is refused by the API at once
        return _refused(request, exc.reason)
    request.app.state.keys.invalidate()  # a key just created, moved or enabled again
    opened = await run_in(AUTH, open_session_for_hash, engine, login.key_hash)
    if opened is None:
        return _refused(request, "disabled")
    token, _session = opened
    await run_in(
        AUTH,
        keep_id_token,
        engine,
        request.app.state.privacy.keys,
        token,
        name,
        login.tenant_id,
        verified.id_token,
        time.time() + LIFETIME,
    )
    return _sessionpage(request, token)


async def _issuer_ok(client: OidcClient, iss: str | None) -> bool:
    """RFC 9207 (mix-up): an `iss` must name this provider, and must be there when it says it sends one."""
    if iss is not None:
        return iss == client.config.issuer
    try:
        return not (await client.metadata()).get("authorization_response_iss_parameter_supported")
    except OidcError:
        return False


def _sessionpage(request: Request, token: str) -> HTMLResponse:
    """A page that moves on to the chat by itself: the provider's cross-site redirect chain would not
    carry the SameSite=Strict session cookie on a plain 303, a navigation from this page does."""
    response = page(request, "sso_done.html")
    set_session_cookie(request, response, token)
    response.delete_cookie(STATE_COOKIE, path="/ui/sso/")
    return response
