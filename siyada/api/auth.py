"""Bearer-key authentication with a short-lived in-memory cache of resolved keys.

Lookups run on their own threads (siyada.lanes), never queued behind other blocking work. The cache
keeps the hot path free of database reads; its lifetime (`key_cache_seconds`, 1 s by default)
bounds how long a key revoked from another process (the CLI) keeps working.
"""

from __future__ import annotations

import time

from fastapi import Request
from sqlalchemy.engine import Engine

from siyada import telemetry
from siyada.api.observe import note_caller
from siyada.errors import ApiError
from siyada.governance.keys import Principal, hash_key, resolve_key_hash
from siyada.lanes import AUTH, run_in
from siyada.ui.sessions import COOKIE, Session, csrf_ok, find_session

_MAX_ENTRIES = 10_000


class KeyCache:
    def __init__(self, engine: Engine, ttl: float) -> None:
        self._engine = engine
        self._ttl = ttl
        self._entries: dict[str, tuple[Principal | None, float]] = {}

    async def lookup(self, secret: str) -> Principal | None:
        return await self.lookup_hash(hash_key(secret))

    async def lookup_hash(self, digest: str) -> Principal | None:
        hit = self._entries.get(digest)
        now = time.monotonic()
        if hit is not None and hit[1] > now:
            return hit[0]
        principal = await run_in(AUTH, resolve_key_hash, self._engine, digest)
        if len(self._entries) >= _MAX_ENTRIES:
            self._entries.clear()
        self._entries[digest] = (principal, now + self._ttl)
        return principal

    def invalidate(self) -> None:
        self._entries.clear()


def bearer_secret(request: Request) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise ApiError(401, "Missing API key: send 'Authorization: Bearer sk-...'", code="missing_api_key")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(
            401, "Malformed Authorization header: expected 'Bearer sk-...'", code="invalid_api_key"
        )
    return secret.strip()


_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


async def web_session(request: Request) -> tuple[Principal | None, Session | None]:
    """The web app's session from its cookie and the principal it acts as (None, None without one)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None, None
    session = await run_in(AUTH, find_session, request.app.state.engine, token)
    if session is None:
        return None, None
    return await request.app.state.keys.lookup_hash(session.key_hash), session


async def _session_principal(request: Request) -> Principal | None:
    """The principal of a web session; state-changing calls must echo the session's CSRF token."""
    principal, session = await web_session(request)
    if session is None:
        raise ApiError(401, "The session has expired; log in again", code="session_expired")
    if request.method not in _SAFE_METHODS and not csrf_ok(session, request.headers.get("x-csrf-token")):
        raise ApiError(403, "Missing or wrong X-CSRF-Token for this session", code="csrf_failed")
    return principal


async def authenticate(request: Request) -> Principal:
    """FastAPI dependency: the caller's principal (Bearer key, or the web app's session cookie), or 401."""
    cache: KeyCache = request.app.state.keys
    session = bool(request.cookies.get(COOKIE)) and "authorization" not in request.headers
    with telemetry.span("siyada.auth", {"siyada.auth.method": "session" if session else "bearer"}) as span:
        if session:
            principal = await _session_principal(request)
        else:
            principal = await cache.lookup(bearer_secret(request))
        if principal is None:
            raise ApiError(401, "Invalid or revoked API key", code="invalid_api_key")
        telemetry.add(span, {"siyada.tenant_id": principal.tenant.id, "siyada.key_id": principal.key_id})
    note_caller(request.scope.setdefault("state", {}), principal.tenant.id, principal.key_id)
    return principal


async def require_admin(request: Request) -> Principal:
    """An operator or a tenant admin; the route then limits a tenant admin to its own tenant
    (`siyada.api.tenancy`)."""
    principal = await authenticate(request)
    if not principal.is_admin:
        raise ApiError(403, "This endpoint needs an admin key", code="admin_required")
    return principal


async def require_operator(request: Request) -> Principal:
    """The platform's operator only: tenants, the whole audit chain, every tenant at once."""
    principal = await authenticate(request)
    if not principal.is_operator:
        raise ApiError(403, "This endpoint needs an operator key", code="operator_required")
    return principal
