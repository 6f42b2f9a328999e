"""The one call path every front uses: resolve the model, check the tenant may use it, route, meter.

Routers only parse and authorise; this module turns a validated request into a response object or a
stream of chunks, and writes one usage row per call (also when the client disconnects mid-stream).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from siyada.errors import ApiError
from siyada.gateway.backends.base import CallContext, Endpoint, ProviderError
from siyada.gateway.router import ModelEntry, NoProviderAvailable, Router, close_quietly
from siyada.governance.keys import Principal
from siyada.governance.usage import UsageRecord, UsageRecorder

_KIND_FOR = {"chat/completions": "chat", "completions": "chat", "embeddings": "embeddings"}


class Gateway:
    def __init__(self, router: Router, recorder: UsageRecorder) -> None:
        self.router = router
        self.recorder = recorder

    def model_for(self, principal: Principal, name: str, endpoint: Endpoint) -> ModelEntry:
        entry = self.router.resolve(name)
        if entry is None:
            raise ApiError(404, f"The model {name!r} does not exist", code="model_not_found", param="model")
        if not (principal.tenant.may_use(entry.name) or principal.tenant.may_use(name)):
            raise ApiError(
                403,
                f"Tenant {principal.tenant.name!r} is not allowed to use model {name!r}",
                code="model_not_allowed",
                param="model",
            )
        if _KIND_FOR[endpoint] != entry.kind:
            raise ApiError(
                400,
                f"The model {name!r} is a {entry.kind} model and cannot serve /v1/{endpoint}",
                code="wrong_model_kind",
                param="model",
            )
        return entry

    def visible_models(self, principal: Principal) -> list[ModelEntry]:
        return [m for m in self.router.models.values() if principal.tenant.may_use(m.name)]

    async def call(
        self, principal: Principal, endpoint: Endpoint, body: dict[str, Any]
    ) -> tuple[dict[str, Any], str]:
        requested = body["model"]
        entry = self.model_for(principal, requested, endpoint)
        ctx = CallContext(principal.tenant.name)
        started = time.perf_counter()
        provider: str | None = None
        status = 200
        result: dict[str, Any] = {}
        try:
            result, provider = await self.router.call(entry, endpoint, body, ctx)
        except Exception as exc:
            api_exc = as_api_error(exc)
            status = api_exc.status
            raise api_exc from exc
        finally:
            self._record(
                principal, endpoint, entry.name, provider, status, result.get("usage"), started, None
            )
        result["model"] = requested
        return result, provider

    async def open_stream(
        self, principal: Principal, endpoint: Endpoint, body: dict[str, Any]
    ) -> tuple[AsyncIterator[list[dict[str, Any]]], str]:
        """Start a stream (errors before the first chunk raise ApiError); the iterator meters itself."""
        requested = body["model"]
        entry = self.model_for(principal, requested, endpoint)
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        # Always ask the provider for usage so accounting is exact; hide it if the caller did not ask.
        upstream_body = {**body, "stream_options": {"include_usage": True}}
        ctx = CallContext(principal.tenant.name)
        started = time.perf_counter()
        try:
            chunks, provider = await self.router.stream(entry, endpoint, upstream_body, ctx)
        except Exception as exc:
            api_exc = as_api_error(exc)
            self._record(principal, endpoint, entry.name, None, api_exc.status, None, started, None)
            raise api_exc from exc
        return self._metered(
            principal, endpoint, entry.name, requested, provider, chunks, include_usage, started, ctx
        ), provider

    async def _metered(
        self,
        principal: Principal,
        endpoint: Endpoint,
        model: str,
        requested: str,
        provider: str,
        batches: AsyncIterator[list[dict[str, Any]]],
        include_usage: bool,
        started: float,
        ctx: CallContext,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        meter = _StreamMeter(requested, include_usage, started)
        status = 200
        try:
            async for batch in batches:
                out = meter.process(batch)
                if out:
                    yield out
        except ProviderError as exc:
            status = exc.status if exc.status >= 500 else 502
            yield [{"error": as_api_error(exc).body()["error"]}]
        except BaseException:
            status = 499  # the client went away
            ctx.cancelled = True
            raise
        finally:
            await close_quietly(batches)
            usage = meter.usage or {"prompt_tokens": 0, "completion_tokens": meter.produced}
            self._record(principal, endpoint, model, provider, status, usage, started, meter.ttft_ms)

    def _record(
        self,
        principal: Principal,
        endpoint: str,
        model: str,
        provider: str | None,
        status: int,
        usage: dict[str, Any] | None,
        started: float,
        ttft_ms: float | None,
    ) -> None:
        usage = usage or {}
        self.recorder.record(
            UsageRecord(
                ts=time.time(),
                tenant_id=principal.tenant.id,
                key_id=principal.key_id,
                endpoint=endpoint,
                model=model,
                provider=provider,
                status=status,
                prompt_tokens=int(usage.get("prompt_tokens") or 0),
                completion_tokens=int(usage.get("completion_tokens") or 0),
                latency_ms=(time.perf_counter() - started) * 1000,
                ttft_ms=ttft_ms,
            )
        )


class _StreamMeter:
    """Rewrites chunks for the caller (public model name, usage shown only if asked) and notes usage."""

    __slots__ = ("include_usage", "produced", "requested", "started", "ttft_ms", "usage")

    def __init__(self, requested: str, include_usage: bool, started: float) -> None:
        self.requested = requested
        self.include_usage = include_usage
        self.started = started
        self.usage: dict[str, Any] | None = None
        self.ttft_ms: float | None = None
        self.produced = 0

    def process(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for chunk in batch:
            chunk["model"] = self.requested
            has_choices = bool(chunk.get("choices"))
            if chunk.get("usage"):
                self.usage = chunk["usage"]
                if not self.include_usage:
                    if not has_choices:
                        continue
                    chunk.pop("usage")
            elif self.include_usage and has_choices and "usage" not in chunk:
                chunk["usage"] = None
            if has_choices:
                if self.ttft_ms is None:
                    self.ttft_ms = (time.perf_counter() - self.started) * 1000
                self.produced += 1
            out.append(chunk)
        return out


def as_api_error(exc: BaseException) -> ApiError:
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, NoProviderAvailable):
        return ApiError(503, str(exc), code="no_provider_available")
    if isinstance(exc, ProviderError):
        if exc.status < 500:
            message = _upstream_message(exc.body) or str(exc)
            return ApiError(exc.status, message, code="upstream_rejected" if exc.body else None)
        return ApiError(503 if exc.retryable else 502, str(exc), code="provider_error")
    return ApiError(500, "Internal server error", code="internal_error")


def _upstream_message(body: bytes | None) -> str | None:
    if not body:
        return None
    try:
        import orjson

        obj = orjson.loads(body)
    except Exception:
        return None
    if isinstance(obj, dict) and isinstance(obj.get("error"), dict):
        return str(obj["error"].get("message") or "")
    if isinstance(obj, dict) and isinstance(obj.get("error"), str):
        return obj["error"]
    return None
