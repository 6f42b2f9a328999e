"""Reranking as a service: a validated POST /v1/rerank request, bounded, through the gateway's one call
path (model access, shield, quota, routing, usage row), answered in the Cohere / Jina shape.

Providers score the documents; the order, the `top_n` cut and the documents returned are decided here,
so every provider answers alike. Returned documents are the caller's own texts, never what a provider
read (placeholders, where the shield replaced personal data).
"""

from __future__ import annotations

import uuid
from typing import Any

from siyada.api.rerank_schemas import RerankRequest
from siyada.config_integration import RerankConfig
from siyada.errors import ApiError
from siyada.gateway.service import Gateway
from siyada.governance.keys import Principal


def bounded_texts(req: RerankRequest, limits: RerankConfig) -> list[str]:
    """The documents as texts, refused (400) past the configured bounds."""
    texts = req.texts()
    if len(texts) > limits.max_documents:
        raise ApiError(
            400,
            f"{len(texts)} documents; at most {limits.max_documents} per request",
            code="too_many_documents",
            param="documents",
        )
    for i, text in enumerate(texts):
        if not text:
            raise ApiError(400, "A document is empty", code="invalid_value", param=f"documents[{i}]")
        if len(text) > limits.max_document_chars:
            raise ApiError(
                400,
                f"A document is {len(text)} characters; at most {limits.max_document_chars}",
                code="document_too_long",
                param=f"documents[{i}]",
            )
    total = len(req.query) + sum(len(t) for t in texts)
    if len(req.query) > limits.max_document_chars or total > limits.max_total_chars:
        raise ApiError(
            400,
            f"The query and documents hold {total} characters; at most {limits.max_total_chars} "
            f"(the query at most {limits.max_document_chars})",
            code="request_too_long",
            param="query" if len(req.query) > limits.max_document_chars else "documents",
        )
    if req.top_n is not None and req.top_n > limits.max_documents:
        raise ApiError(
            400, f"top_n must be at most {limits.max_documents}", code="invalid_value", param="top_n"
        )
    return texts


async def rerank(
    gateway: Gateway, principal: Principal, req: RerankRequest, limits: RerankConfig
) -> tuple[dict[str, Any], str]:
    texts = bounded_texts(req, limits)
    body: dict[str, Any] = {**(req.model_extra or {}), "model": req.model, "query": req.query}
    body["documents"] = texts
    if req.top_n is not None:
        body["top_n"] = req.top_n
    result, provider = await gateway.call(principal, "rerank", body)
    return shaped(result, req, texts), provider


def shaped(result: dict[str, Any], req: RerankRequest, texts: list[str]) -> dict[str, Any]:
    """Best first (ties by index), cut to `top_n`, each with its document when asked."""
    ranked = sorted(result["results"], key=lambda r: (-r["relevance_score"], r["index"]))
    if req.top_n is not None:
        ranked = ranked[: req.top_n]
    results = []
    for r in ranked:
        item: dict[str, Any] = {"index": r["index"], "relevance_score": r["relevance_score"]}
        if req.return_documents:
            item["document"] = {"text": texts[r["index"]]}
        results.append(item)
    usage = result.get("usage") or {}
    tokens = int(usage.get("prompt_tokens") or 0)
    return {
        "id": f"rerank-{uuid.uuid4().hex}",
        "object": "rerank",
        "model": req.model,
        "results": results,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
