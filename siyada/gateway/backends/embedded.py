"""The `embedded` provider: in-process chat (llama.cpp), embeddings and rerank (e5) behind one provider
name."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from siyada.gateway.backends.base import CallContext, Endpoint, ProviderError
from siyada.gateway.backends.embedder import EmbedderProvider
from siyada.gateway.backends.llama import LlamaProvider
from siyada.gateway.backends.llama_model import LlamaModel
from siyada.gateway.backends.reranker import RerankBackend


class EmbeddedProvider:
    name = "embedded"
    in_house = True

    def __init__(
        self,
        chat: LlamaProvider | None,
        embed: EmbedderProvider | None,
        rerank: RerankBackend | None = None,
    ) -> None:
        self.chat = chat
        self.embed = embed
        self.rerank = rerank

    def _for(self, endpoint: Endpoint) -> LlamaProvider | EmbedderProvider | RerankBackend:
        backend = {"embeddings": self.embed, "rerank": self.rerank}.get(endpoint, self.chat)
        if backend is None:
            raise ProviderError("the embedded backend is disabled", retryable=True, status=503)
        return backend

    async def call(self, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return await self._for(endpoint).call(endpoint, body, ctx)

    async def stream(
        self, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext
    ) -> AsyncIterator[list[dict[str, Any]]]:
        async for batch in self._for(endpoint).stream(endpoint, body, ctx):
            yield batch

    def count_tokens(self, endpoint: Endpoint, body: dict[str, Any]) -> int:
        return self._for(endpoint).count_tokens(endpoint, body)

    def tokenizer(self, name: str) -> LlamaModel:
        """The tokenizer of an embedded chat model (for /tokenize and for checking token-id prompts)."""
        if self.chat is None:
            raise ProviderError("the embedded chat backend is disabled", retryable=False, status=503)
        return self.chat.tokenizer(name)

    async def probe(self) -> bool:
        return True

    async def close(self) -> None:
        if self.chat:
            await self.chat.close()

    def status(self) -> dict[str, Any]:
        return self.chat.status() if self.chat else {}
