"""`/mcp`: the MCP streamable HTTP endpoint, as an ASGI app mounted in the gateway.

The HTTP layer does the gateway's work before any MCP work: the Bearer key is resolved (401 with an
OpenAI-style body when missing, wrong or revoked; a web session cookie is not accepted here) and the body
is read within `max_body_bytes` (413). The caller's principal then rides in the ASGI scope to the tools.

Stateless mode with JSON responses: every POST carries a whole exchange and no server keeps a session, so
replicas behind a round-robin balancer serve any call of any client (a session mode would pin a client to
the replica that holds its session, or fail over with "session not found")."""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from siyada.api.auth import KeyCache, bearer_secret
from siyada.api.body import read_body
from siyada.api.errors import error_response
from siyada.errors import ApiError
from siyada.mcpserver.server import PRINCIPAL

PATH = "/mcp"


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, then the client's own messages (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class McpEndpoint:
    def __init__(self, server: Server[Any, Any], keys: KeyCache, max_body_bytes: int) -> None:
        self.keys = keys
        self.max_body_bytes = max_body_bytes
        self.manager = StreamableHTTPSessionManager(
            server, json_response=True, stateless=True, max_request_body_size=max_body_bytes
        )
        self._running: AsyncExitStack | None = None

    async def start(self) -> None:
        """Start the SDK's task group (the app's lifespan calls this, and `stop` on the way out)."""
        stack = AsyncExitStack()
        await stack.enter_async_context(self.manager.run())
        self._running = stack

    async def stop(self) -> None:
        if self._running is not None:
            await self._running.aclose()
            self._running = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            principal = await self.keys.lookup(bearer_secret(request))
            if principal is None:
                raise ApiError(401, "Invalid or revoked API key", code="invalid_api_key")
            body = await read_body(request, self.max_body_bytes)
        except ApiError as exc:
            response = error_response(exc)
            if exc.status == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="siyada"'
            await response(scope, receive, send)
            return
        await self.manager.handle_request({**scope, PRINCIPAL: principal}, _replay(body, receive), send)
