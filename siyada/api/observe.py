"""Every HTTP call's request id, server span and access line (ASGI middleware).

The request id is the caller's `X-Request-Id` when valid, else a new one; it is echoed in the response
and stamped on every log line written while the call runs (siyada.logs). The server span continues the
caller's `traceparent`, and is named by the route template (`/v1/documents/{document_id}`), never the
raw path, which holds ids. The access line names the route, status, duration, tenant and key ids: no
query string, no body.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from siyada import telemetry
from siyada.logs import REQUEST_ID, request_id_from

access = logging.getLogger("siyada.access")
# `traceparent` only: `tracestate` and `baggage` are caller-written text that the upstream span would
# otherwise pass on to providers, past the privacy shield.
_TRACE_HEADERS = (b"traceparent",)
_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"))
STATE_KEY = "siyada_caller"  # where authentication leaves who called (scope["state"])


@dataclass
class Caller:
    """Who made the call, once authenticated: ids only."""

    tenant_id: int
    key_id: int


def note_caller(state: dict[str, object], tenant_id: int, key_id: int) -> None:
    state[STATE_KEY] = Caller(tenant_id, key_id)


class Observe:
    def __init__(self, app: ASGIApp, access_log: bool = False) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given, carrier = _read_headers(scope)
        request_id = request_id_from(given)
        token = REQUEST_ID.set(request_id)
        state = scope.setdefault("state", {})
        method = scope["method"] if scope["method"] in _METHODS else "_OTHER"  # another is the client's word
        status = 500
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *[(k, v) for k, v in message.get("headers") or [] if k.lower() != b"x-request-id"],
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            with telemetry.server_span(method, carrier, {"http.request.method": method}) as current:
                try:
                    await self.app(scope, receive, sending)
                finally:
                    route = _route(scope)
                    caller = state.get(STATE_KEY)
                    if current is not None:
                        current.update_name(f"{method} {route}")
                        telemetry.add(current, _span_attrs(route, status, request_id, caller))
                        if status >= 500:
                            telemetry.fail(current, f"HTTP {status}")
                    if self.access_log:
                        _access_line(method, route, status, started, caller)
        finally:
            REQUEST_ID.reset(token)


def _read_headers(scope: Scope) -> tuple[str | None, dict[str, str]]:
    """The caller's X-Request-Id and `traceparent`, in one pass over the headers."""
    given: str | None = None
    carrier: dict[str, str] = {}
    for key, value in scope.get("headers") or []:
        if key == b"x-request-id":
            given = value.decode("latin-1")
        elif key in _TRACE_HEADERS:
            carrier[key.decode()] = value.decode("latin-1")
    return given, carrier


def _route(scope: Scope) -> str:
    """The matched route's template; a call no route matched is not named by its raw path."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "(unmatched)"


def _span_attrs(route: str, status: int, request_id: str, caller: object) -> dict[str, str | int | None]:
    attrs: dict[str, str | int | None] = {
        "http.route": route,
        "http.response.status_code": status,
        "siyada.request_id": request_id,
    }
    if isinstance(caller, Caller):
        attrs["siyada.tenant_id"] = caller.tenant_id
        attrs["siyada.key_id"] = caller.key_id
    return attrs


def _access_line(method: str, route: str, status: int, started: float, caller: object) -> None:
    fields = {
        "method": method,
        "route": route,
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
    }
    if isinstance(caller, Caller):
        fields.update(tenant_id=caller.tenant_id, key_id=caller.key_id)
    access.info("%s %s %d", method, route, status, extra=fields)
