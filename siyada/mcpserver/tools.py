"""The MCP tools: Siyada's knowledge for agents. Each tool is a typed request (validated exactly as the
HTTP routes validate theirs) handed to the same knowledge services as `/v1/search`, the collections and
documents routes and grounded chat, for the caller's tenant only."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from siyada.api.body import validate
from siyada.api.routers.search import SearchRequest
from siyada.api.schemas import ChatCompletionRequest
from siyada.governance.keys import Principal
from siyada.knowledge import collections as store
from siyada.knowledge.answer import GroundedChat
from siyada.knowledge.service import Knowledge

# One read_document call returns at most this much text (whole chunks; always at least one): an agent's
# context is small, and a 500-page document must not come back in one answer.
MAX_READ_CHARS = 20_000
_MAX_INDEX = 2**31 - 1


@dataclass(frozen=True)
class Services:
    """What the tools call: the server's knowledge facade, grounded chat, and the default chat model."""

    knowledge: Knowledge
    grounded: GroundedChat
    default_model: str


class NoArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ListDocumentsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    collection: str | int = Field(description="The collection's name or numeric id (from list_collections).")
    limit: int = Field(default=20, ge=1, le=100, description="Documents per page.")
    after: str | None = Field(
        default=None, max_length=128, description="The `next` cursor of the previous page, to read on."
    )


class ReadDocumentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document_id: str = Field(min_length=1, max_length=128, description="A document id (from search).")
    first_chunk: int = Field(default=0, ge=0, le=_MAX_INDEX, description="The first chunk index to read.")
    max_chunks: int = Field(default=10, ge=1, le=50, description="At most this many chunks.")
    page: int | None = Field(
        default=None, ge=1, le=100_000, description="Only the chunks of this page (PDFs and scans)."
    )


class AnswerRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=4000, pattern=r"\S", description="The question.")
    collections: list[str | int] = Field(
        min_length=1, max_length=16, description="Collection names or ids to answer from."
    )
    k: int | None = Field(default=None, ge=1, le=20, description="Passages retrieved (server default: 5).")
    model: str | None = Field(
        default=None, max_length=256, description="The chat model (default: the server's chat model)."
    )


def _passage(hit: dict[str, Any]) -> dict[str, Any]:
    chunk, doc = hit["chunk"], hit["document"]
    return {
        "document_id": doc["id"],
        "title": doc["title"] or doc["name"],
        "name": doc["name"],
        "collection": hit["collection"],
        "page": chunk["page"],
        "section": chunk["section"],
        "chunk": chunk["index"],
        "score": hit["score"],
        "text": chunk["text"],
    }


async def search(services: Services, principal: Principal, req: SearchRequest) -> dict[str, Any]:
    kn = services.knowledge
    hits = await asyncio.to_thread(
        kn.search,
        principal.tenant.id,
        principal.tenant.name,
        req.collections,
        req.query,
        req.k,
        req.mode,
        req.filters,
        req.rerank,
    )
    return {"passages": [_passage(h) for h in hits]}


async def list_collections(services: Services, principal: Principal, _req: NoArguments) -> dict[str, Any]:
    rows = await asyncio.to_thread(store.list_collections, services.knowledge.engine, principal.tenant.id)
    keep = ("id", "name", "description", "documents", "chunks")
    return {"collections": [{k: c[k] for k in keep} for c in rows]}


_DOC_FIELDS = ("id", "name", "title", "collection", "format", "chars", "chunks", "metadata", "created_at")


async def list_documents(
    services: Services, principal: Principal, req: ListDocumentsRequest
) -> dict[str, Any]:
    found = await asyncio.to_thread(
        store.documents_page,
        services.knowledge.engine,
        principal.tenant.id,
        req.collection,
        req.limit,
        req.after,
    )
    docs = [{k: d[k] for k in _DOC_FIELDS} for d in found["data"]]
    return {"documents": docs, "has_more": found["has_more"], "next": found["next"]}


def _read(engine: Any, tenant_id: int, req: ReadDocumentRequest) -> dict[str, Any]:
    doc = store.get_document(engine, tenant_id, req.document_id)
    rows = store.document_chunks(
        engine, tenant_id, req.document_id, req.first_chunk, req.max_chunks + 1, req.page
    )
    shown: list[dict[str, Any]] = []
    size = 0
    for row in rows[: req.max_chunks]:
        if shown and size + len(row["text"]) > MAX_READ_CHARS:
            break
        size += len(row["text"])
        shown.append({k: row[k] for k in ("index", "page", "section", "text")})
    more = len(rows) > len(shown)
    return {
        "document": {k: doc[k] for k in _DOC_FIELDS},
        "chunks": shown,
        "next_chunk": rows[len(shown)]["index"] if more else None,
    }


async def read_document(services: Services, principal: Principal, req: ReadDocumentRequest) -> dict[str, Any]:
    return await asyncio.to_thread(_read, services.knowledge.engine, principal.tenant.id, req)


async def answer(services: Services, principal: Principal, req: AnswerRequest) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": req.model or services.default_model,
        "messages": [{"role": "user", "content": req.question}],
        "collections": req.collections,
    }
    if req.k is not None:
        body["retrieval"] = {"k": req.k}
    validate(ChatCompletionRequest, body)  # the checks POST /v1/chat/completions makes
    result, provider = await services.grounded.answer(principal, body, stream=False)
    if not isinstance(result, dict):  # a stream, which stream=False never returns
        raise TypeError("grounded answer was streamed")
    message = (result.get("choices") or [{}])[0].get("message") or {}
    return {
        "answer": message.get("content") or "",
        "citations": result.get("citations") or [],
        "model": result.get("model"),
        "provider": provider,
    }


Handler = Callable[[Services, Principal, Any], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    request: type[BaseModel]
    run: Handler

    def input_schema(self) -> dict[str, Any]:
        return self.request.model_json_schema()


TOOLS = (
    ToolSpec(
        "search",
        "Search the documents of your organisation's collections (Arabic, French, Darija, Tamazight, "
        "English; lexical, semantic or hybrid). Returns the best passages with their document id, title, "
        "page, score and text; cite the document id, and call read_document for the surrounding text.",
        SearchRequest,
        search,
    ),
    ToolSpec(
        "list_collections",
        "List the document collections you may search, with their number of documents and chunks.",
        NoArguments,
        list_collections,
    ),
    ToolSpec(
        "list_documents",
        "List the documents of one collection, a page at a time (pass `next` as `after` to read on).",
        ListDocumentsRequest,
        list_documents,
    ),
    ToolSpec(
        "read_document",
        "Read a document's text chunk by chunk (or one page's chunks): at most max_chunks chunks and about "
        f"{MAX_READ_CHARS} characters per call; `next_chunk` says where to continue (null at the end).",
        ReadDocumentRequest,
        read_document,
    ),
    ToolSpec(
        "answer",
        "Answer a question from the given collections with numbered citations (quotes from the "
        "documents). The answer says so when the documents do not hold it.",
        AnswerRequest,
        answer,
    ),
)
BY_NAME = {t.name: t for t in TOOLS}
