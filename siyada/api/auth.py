"""Bearer-key authentication with a short-lived in-memory cache of resolved keys.

The cache keeps the hot path free of database reads; its lifetime (`key_cache_seconds`, 1 s by default)
bounds how long a key revoked from another process (the CLI) keeps working.
"""

from __future__ import annotations

import asyncio
import time

from fastapi import Request
from sqlalchemy.engine import Engine

from siyada.errors import ApiError
from siyada.governance.keys import Principal, hash_key, resolve_key

_MAX_ENTRIES = 10_000


class KeyCache:
    def __init__(self, engine: Engine, ttl: float) -> None:
        self._engine = engine
        self._ttl = ttl
        self._entries: dict[str, tuple[Principal | None, float]] = {}

    async def lookup(self, secret: str) -> Principal | None:
        digest = hash_key(secret)
        hit = self._entries.get(digest)
        now = time.monotonic()
        if hit is not None and hit[1] > now:
            return hit[0]
        principal = await asyncio.to_thread(resolve_key, self._engine, secret)
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


async def authenticate(request: Request) -> Principal:
    """FastAPI dependency: the caller's principal, or 401."""
    cache: KeyCache = request.app.state.keys
    principal = await cache.lookup(bearer_secret(request))
    if principal is None:
        raise ApiError(401, "Invalid or revoked API key", code="invalid_api_key")
    return principal


async def require_admin(request: Request) -> Principal:
    principal = await authenticate(request)
    if principal.role != "admin":
        raise ApiError(403, "This endpoint needs an admin key", code="admin_required")
    return principal
