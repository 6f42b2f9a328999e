"""The embedded re-scorer behind POST /v1/rerank: multilingual-e5, the model the knowledge search
re-ranks with (siyada.knowledge.rerank), scoring each document by the cosine of its passage vector
with the query's. It shares the loaded e5 of the embeddings backend (one copy of the weights), runs on
the embeddings' threads in batches, and stops between batches once the client has gone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import numpy as np

from siyada.gateway.backends.base import CallContext, Endpoint, ProviderError
from siyada.gateway.backends.embedder import EmbedderProvider, embed_in_batches
from siyada.lanes import EMBEDDINGS, run_in


class RerankBackend:
    """Rerank models of the `embedded` provider: public name -> the embedding model that scores."""

    def __init__(self, embed: EmbedderProvider, models: dict[str, str]) -> None:
        self._embed = embed
        self._models = models

    def _scorer(self, name: str) -> Any:
        embedding = self._models.get(name)
        if embedding is None:
            raise ProviderError(
                f"embedded rerank model {name!r} is not registered", retryable=False, status=404
            )
        return self._embed.get(embedding)

    async def call(self, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        if endpoint != "rerank":
            raise ProviderError(f"{body.get('model')!r} is a rerank model", retryable=False, status=400)
        model = await run_in(EMBEDDINGS, self._scorer, body["model"])
        query, q_tokens = await embed_in_batches(model, [body["query"]], "query", ctx)
        docs, d_tokens = await embed_in_batches(model, list(body["documents"]), "passage", ctx)
        scores = _unit(docs) @ _unit(query)[0]
        tokens = q_tokens + d_tokens
        return {
            "results": [{"index": i, "relevance_score": float(s)} for i, s in enumerate(scores)],
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }

    async def stream(
        self, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext
    ) -> AsyncIterator[list[dict[str, Any]]]:
        raise ProviderError("rerank cannot be streamed", retryable=False, status=400)
        yield []  # pragma: no cover - makes this an async generator

    def count_tokens(self, endpoint: Endpoint, body: dict[str, Any]) -> int:
        model = self._scorer(body["model"])
        return int(
            model.count_tokens([body["query"]], "query") + model.count_tokens(body["documents"], "passage")
        )


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12)
