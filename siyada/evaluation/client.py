"""The lab's HTTP client: calls a Siyada gateway (or any OpenAI-compatible endpoint) and caches answers.

Every successful answer is stored under the SHA-256 of the endpoint and the exact request, so a run that
was interrupted, or repeated with the same settings, never asks the same question twice. Only answers
are cached, never errors.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.evaluation.spec import canonical
from siyada.store.tables import eval_cache


class EvalCallError(Exception):
    """The endpoint refused or failed a call; `status` is the HTTP status (0: unreachable)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


def server_root(base_url: str) -> str:
    """`http://host:port` from a base URL given with or without `/v1`."""
    url = base_url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


def is_loopback(base_url: str) -> bool:
    host = urlsplit(base_url).hostname or ""
    return host in ("127.0.0.1", "::1", "localhost")


@dataclass
class CallStats:
    sent: int = 0
    cached: int = 0
    providers: set[str] = field(default_factory=set)
    by_path: dict[str, int] = field(default_factory=dict)  # requests sent, per endpoint path


class LabClient:
    def __init__(
        self, engine: Engine, base_url: str, api_key: str | None, *, timeout: float = 600.0, retries: int = 2
    ) -> None:
        self.engine = engine
        self.root = server_root(base_url)
        self.api_key = api_key
        self.timeout = timeout
        self.retries = retries
        self.stats = CallStats()
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> LabClient:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        self._session = aiohttp.ClientSession(
            headers=headers, timeout=aiohttp.ClientTimeout(total=self.timeout)
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    # ---- the cache ---------------------------------------------------------------------------------
    def cache_key(self, path: str, body: dict[str, Any]) -> str:
        return hashlib.sha256(canonical({"root": self.root, "path": path, "body": body})).hexdigest()

    def _cached(self, key: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(eval_cache.c.response).where(eval_cache.c.key == key)).first()
        return row[0] if row else None

    def _remember(self, key: str, response: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            exists = conn.execute(sa.select(eval_cache.c.key).where(eval_cache.c.key == key)).first()
            if not exists:
                conn.execute(eval_cache.insert().values(key=key, response=response, created_at=time.time()))

    # ---- calls -------------------------------------------------------------------------------------
    async def post(self, path: str, body: dict[str, Any], *, cache: bool = True) -> dict[str, Any]:
        key = self.cache_key(path, body)
        if cache:
            hit = await asyncio.to_thread(self._cached, key)
            if hit is not None:
                self.stats.cached += 1
                return hit
        response = await self._send("POST", path, body)
        if cache:
            await asyncio.to_thread(self._remember, key, response)
        return response

    async def get(self, path: str) -> dict[str, Any]:
        return await self._send("GET", path, None)

    async def post_file(
        self, path: str, fields: dict[str, str], filename: str, data: bytes
    ) -> dict[str, Any]:
        form = aiohttp.FormData()
        for name, value in fields.items():
            form.add_field(name, value)
        form.add_field("file", data, filename=filename, content_type="application/jsonl")
        return await self._send("POST", path, None, form=form)

    async def _send(
        self, method: str, path: str, body: dict[str, Any] | None, form: aiohttp.FormData | None = None
    ) -> dict[str, Any]:
        assert self._session is not None, "use the client as an async context manager"
        url = self.root + path
        last: EvalCallError | None = None
        for attempt in range(self.retries + 1):
            try:
                kwargs: dict[str, Any] = {"data": form} if form is not None else {}
                if body is not None:
                    kwargs = {"data": orjson.dumps(body), "headers": {"Content-Type": "application/json"}}
                async with self._session.request(method, url, **kwargs) as resp:
                    raw = await resp.read()
                    if resp.status < 300:
                        self.stats.sent += 1
                        self.stats.by_path[path] = self.stats.by_path.get(path, 0) + 1
                        provider = resp.headers.get("X-Siyada-Provider")
                        if provider:
                            self.stats.providers.add(provider)
                        return orjson.loads(raw) if raw else {}
                    last = EvalCallError(f"{method} {path}: {resp.status} {_message(raw)}", resp.status)
                    # Only overload and upstream trouble are worth another try.
                    if resp.status not in (429, 502, 503, 504):
                        raise last
            except aiohttp.ClientError as exc:
                last = EvalCallError(f"{method} {url}: {exc}")
            await asyncio.sleep(0.5 * (attempt + 1))
        assert last is not None
        raise last


def _message(raw: bytes) -> str:
    try:
        body = orjson.loads(raw)
        return str(body.get("error", {}).get("message") or body)
    except (orjson.JSONDecodeError, AttributeError):
        return raw[:300].decode("utf-8", "replace")
