"""The wire schema of POST /v1/rerank: the shape Cohere, Jina, vLLM and TEI front-ends share."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class RerankDocument(BaseModel):
    model_config = ConfigDict(extra="allow")
    text: str = Field(min_length=1)


class RerankRequest(BaseModel):
    # Unknown fields are kept for in-house providers; the shield refuses them for others (as embeddings).
    model_config = ConfigDict(extra="allow")
    model: str = Field(min_length=1, max_length=256)
    query: str = Field(min_length=1)
    documents: list[Annotated[str, Field(min_length=1)] | RerankDocument] = Field(min_length=1)
    top_n: int | None = Field(default=None, ge=1)
    # Cohere's default: answer indices and scores; the caller holds the documents already.
    return_documents: bool = False

    def texts(self) -> list[str]:
        return [d if isinstance(d, str) else d.text for d in self.documents]
