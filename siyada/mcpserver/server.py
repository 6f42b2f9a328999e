"""The MCP server (the SDK's low-level `Server`): lists the knowledge tools, runs one for the principal the
HTTP layer authenticated, and serves documents as `siyada://documents/{id}` resources.

Arguments are validated by the tool's own Pydantic request in strict mode (`siyada.api.body.validate`),
not by the SDK's JSON Schema check: its messages quote the offending value, so a 1 MB argument would come
back as a 1 MB error. A failure is a tool result with `isError` and the OpenAI-style error in
`structuredContent`, so an agent reads why and can correct its call."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import orjson
from mcp import types
from mcp.server.lowlevel import Server
from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.shared.exceptions import McpError
from pydantic import AnyUrl

from siyada import __version__
from siyada.api.body import validate
from siyada.api.knowledge_errors import knowledge_call
from siyada.errors import ApiError
from siyada.governance.keys import Principal
from siyada.mcpserver.tools import BY_NAME, TOOLS, ReadDocumentRequest, Services, read_document

log = logging.getLogger("siyada.mcp")

PRINCIPAL = "siyada.principal"  # the ASGI scope key under which the endpoint leaves the caller
DOCUMENT_URI = "siyada://documents/{document_id}"
_DOCUMENT_PREFIX = "siyada://documents/"
RESOURCE_NOT_FOUND = -32002  # the code the MCP specification gives an unknown resource

INSTRUCTIONS = (
    "Siyada holds your organisation's documents. Use `search` to find passages (cite their document id "
    "and page), `read_document` to read around a passage, `list_collections` and `list_documents` to "
    "browse, and `answer` for a cited answer. You see your own organisation's documents only."
)


def _text(data: dict[str, Any]) -> list[types.TextContent]:
    # The same JSON as structuredContent, for clients that read text only; UTF-8, not \u escapes.
    return [types.TextContent(type="text", text=orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())]


def _failure(exc: ApiError) -> types.CallToolResult:
    body = exc.body()
    return types.CallToolResult(content=_text(body), structuredContent=body, isError=True)


def build_server(services: Services) -> Server[Any, Any]:
    server: Server[Any, Any] = Server("siyada", version=__version__, instructions=INSTRUCTIONS)

    def principal() -> Principal:
        request = server.request_context.request
        found = request.scope.get(PRINCIPAL) if request is not None else None
        if not isinstance(found, Principal):  # only reachable through the authenticating endpoint
            raise McpError(types.ErrorData(code=types.INTERNAL_ERROR, message="unauthenticated call"))
        return found

    @server.list_tools()
    async def list_tools() -> list[types.Tool]:
        return [
            types.Tool(name=t.name, description=t.description, inputSchema=t.input_schema()) for t in TOOLS
        ]

    @server.call_tool(validate_input=False)
    async def call_tool(name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        tool = BY_NAME.get(name)
        try:
            if tool is None:
                raise ApiError(404, f"Unknown tool {name[:100]!r}", code="unknown_tool", param="name")
            request = validate(tool.request, arguments)
            data = await knowledge_call(tool.run(services, principal(), request))
        except ApiError as exc:
            return _failure(exc)
        except Exception:  # the SDK would send str(exc) to the caller: a database error's text included
            log.exception("MCP tool %s failed", name)
            return _failure(ApiError(500, "Internal server error", code="internal_error"))
        return types.CallToolResult(content=_text(data), structuredContent=data, isError=False)

    @server.list_resource_templates()
    async def list_resource_templates() -> list[types.ResourceTemplate]:
        return [
            types.ResourceTemplate(
                uriTemplate=DOCUMENT_URI,
                name="document",
                description="A document's text (its first chunks, as read_document returns them).",
                mimeType="text/plain",
            )
        ]

    @server.read_resource()
    async def read_resource(uri: AnyUrl) -> Iterable[ReadResourceContents]:
        text = str(uri)
        doc_id = text.removeprefix(_DOCUMENT_PREFIX) if text.startswith(_DOCUMENT_PREFIX) else ""
        try:
            request = validate(ReadDocumentRequest, {"document_id": doc_id, "max_chunks": 50})
            read = await knowledge_call(read_document(services, principal(), request))
        except ApiError as exc:
            raise McpError(types.ErrorData(code=RESOURCE_NOT_FOUND, message=exc.message)) from exc
        return [ReadResourceContents("\n\n".join(c["text"] for c in read["chunks"]), "text/plain")]

    return server
