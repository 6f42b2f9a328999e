"""Grounded chat: `POST /v1/chat/completions` with `"collections": [...]` retrieves passages from the
caller's collections and answers with numbered citations, in the chat-completion shape plus a top-level
`citations` list (streamed: in the last chunk).

The default mode is extractive when the model is served only by the embedded provider (the packaged model
is too small to be trusted with an answer) and generative otherwise; `answer_mode` overrides it.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from siyada import telemetry
from siyada.gateway.router import close_quietly
from siyada.gateway.service import Gateway
from siyada.governance.keys import Principal
from siyada.knowledge.choice import DEFAULT
from siyada.knowledge.extract import Embed
from siyada.knowledge.grounding import (
    MIN_EVIDENCE,
    READER,
    TYPED,
    cited_in,
    extractive_answer,
    grounded_messages,
)
from siyada.knowledge.service import Knowledge

EXTENSION_FIELDS = ("collections", "answer_mode", "retrieval")
DEFAULT_CONTEXT = 2048
MARGIN_TOKENS = 64


def question_of(messages: list[dict[str, Any]]) -> str:
    for msg in reversed(messages):
        if msg.get("role") == "user":
            content = msg.get("content")
            if isinstance(content, str):
                return content
            if isinstance(content, list):
                return " ".join(p.get("text") or "" for p in content if isinstance(p, dict))
    return ""


class GroundedChat:
    LOCAL_PROVIDER = "siyada-knowledge"  # the provider an extractive answer names: no model ran

    def __init__(
        self,
        gateway: Gateway,
        knowledge: Knowledge,
        default_k: int = 5,
        min_evidence: float = MIN_EVIDENCE,
        reader: bool = READER,
        abstain_threshold: float | None = None,
        typed: bool = TYPED,
        choices: int = DEFAULT,
    ) -> None:
        self.gateway = gateway
        self.knowledge = knowledge
        self.default_k = default_k
        self.min_evidence = min_evidence
        self.reader = reader
        self.abstain_threshold = abstain_threshold  # None: the calibrated one (siyada.knowledge.abstain)
        self.typed = typed  # a date or number question gets its one date or number phrase (typed.py)
        self.choices = choices  # sentences the reader reads to choose the quote (siyada.knowledge.choice)

    def _embed(self) -> Embed | None:
        """The default collection model's embedder, for the e5 evidence of the extractive answer."""
        model = self.knowledge.default_embedding_model
        embedder = self.knowledge.embedder_for(model) if model else None
        return embedder.embed if embedder is not None else None

    def _mode(self, principal: Principal, body: dict[str, Any]) -> tuple[str, Any]:
        entry = self.gateway.model_for(principal, body["model"], "chat/completions")
        if body.get("answer_mode"):
            return body["answer_mode"], entry
        only_embedded = all(r.provider == "embedded" for r in entry.routes)
        return ("extractive" if only_embedded else "generative"), entry

    async def _retrieve(
        self, principal: Principal, body: dict[str, Any], question: str
    ) -> list[dict[str, Any]]:
        opts = body.get("retrieval") or {}
        return await asyncio.to_thread(
            self.knowledge.search,
            principal.tenant.id,
            principal.tenant.name,
            body["collections"],
            question,
            opts.get("k") or self.default_k,
            opts.get("mode"),
            opts.get("filters"),
        )

    @telemetry.traced("siyada.grounded")
    async def answer(
        self, principal: Principal, body: dict[str, Any], stream: bool, notes: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any] | AsyncIterator[list[dict[str, Any]]], str]:
        """A completion dict (or a stream of chunk batches) and the provider that answered; `notes` go to
        the gateway (an assistant's usage name and privacy, siyada.assistants.serve)."""
        mode, entry = self._mode(principal, body)
        telemetry.annotate({"siyada.answer_mode": mode, "siyada.model": entry.name})
        question = question_of(body["messages"])
        hits = await self._retrieve(principal, body, question)
        plain = {k: v for k, v in body.items() if k not in EXTENSION_FIELDS}
        if mode == "extractive":
            content, citations = await asyncio.to_thread(
                extractive_answer,
                question,
                hits,
                self._embed(),
                self.min_evidence,
                reader=self.reader,
                abstain_threshold=self.abstain_threshold,
                typed=self.typed,
                choices=self.choices,
            )
            if stream:
                return _extractive_stream(body["model"], content, citations), self.LOCAL_PROVIDER
            return _completion(body["model"], content, citations), self.LOCAL_PROVIDER
        max_tokens = body.get("max_completion_tokens") or body.get("max_tokens") or 256
        budget = (entry.context_length or DEFAULT_CONTEXT) - max_tokens - len(question) // 2 - MARGIN_TOKENS
        messages, used = grounded_messages(body["messages"], question, hits, max(budget, 0))
        plain["messages"] = messages
        if stream:
            chunks, provider = await self.gateway.open_stream(principal, "chat/completions", plain, notes)
            return _cite_stream(chunks, used, question), provider
        result, provider = await self.gateway.call(principal, "chat/completions", plain, notes)
        answer = ((result.get("choices") or [{}])[0].get("message") or {}).get("content") or ""
        result["citations"] = cited_in(answer, used, question)
        return result, provider


def _completion(model: str, content: str, citations: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-" + uuid.uuid4().hex[:24],
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "citations": citations,
    }


async def _extractive_stream(
    model: str, content: str, citations: list[dict[str, Any]]
) -> AsyncIterator[list[dict[str, Any]]]:
    base = {
        "id": "chatcmpl-" + uuid.uuid4().hex[:24],
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }
    yield [
        {
            **base,
            "choices": [
                {"index": 0, "delta": {"role": "assistant", "content": content}, "finish_reason": None}
            ],
        },
        {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "citations": citations},
    ]


async def _cite_stream(
    chunks: AsyncIterator[list[dict[str, Any]]], used: list[dict[str, Any]], question: str
) -> AsyncIterator[list[dict[str, Any]]]:
    """Pass the model's stream through, then add the citations of the [n] it wrote to the last chunk."""
    text: list[str] = []
    last: dict[str, Any] | None = None
    try:
        async for batch in chunks:
            for chunk in batch:
                for choice in chunk.get("choices") or []:
                    text.append((choice.get("delta") or {}).get("content") or "")
                last = chunk
            yield batch
    finally:
        await close_quietly(chunks)
    if last is not None:
        yield [
            {
                **{k: last[k] for k in ("id", "object", "created", "model") if k in last},
                "choices": [],
                "citations": cited_in("".join(text), used, question),
            }
        ]
