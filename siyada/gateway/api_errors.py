"""What a failed call answers the caller: the OpenAI-style error a routing or provider failure becomes
(an upstream's own 4xx message passed through, 5xx and unreachable providers as 502/503)."""

from __future__ import annotations

import orjson

from siyada.errors import ApiError
from siyada.gateway.backends.base import ProviderError
from siyada.gateway.router import NoProviderAvailable


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
        obj = orjson.loads(body)
    except Exception:
        return None
    if isinstance(obj, dict) and isinstance(obj.get("error"), dict):
        return str(obj["error"].get("message") or "")
    if isinstance(obj, dict) and isinstance(obj.get("error"), str):
        return obj["error"]
    return None
