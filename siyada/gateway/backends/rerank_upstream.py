"""The two rerank dialects of upstream servers, spoken for POST /v1/rerank.

* "jina": vLLM (`/v1/rerank`), Jina and Cohere-compatible servers: `{model, query, documents, top_n}` in,
  `{results: [{index, relevance_score}], usage}` out.
* "tei": Hugging Face Text Embeddings Inference: `POST /rerank` at the server's root with
  `{query, texts}`, answering a bare list `[{index, score}]` (no usage: the tokens are estimated).

Either answer is checked and brought to the one shape the gateway shapes for the caller (every index
scored once, within the request's documents); an upstream that breaks it is a provider error.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import orjson

from siyada.gateway.backends.base import ProviderError

RerankApi = Literal["jina", "tei"]


def rerank_request(api: RerankApi, url: str, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The URL and body to send for the gateway's rerank body (`url`: `{provider url}/rerank`)."""
    if api == "tei":
        root = url.removesuffix("/rerank").removesuffix("/v1")
        return root + "/rerank", {"query": body["query"], "texts": body["documents"], "truncate": True}
    sent = {k: v for k, v in body.items() if k != "return_documents"}
    return url, {**sent, "return_documents": False}


def rerank_answer(name: str, api: RerankApi, raw: bytes, body: dict[str, Any]) -> dict[str, Any]:
    """`{results: [{index, relevance_score}], usage: {prompt_tokens, total_tokens}}` from the upstream's
    answer; ProviderError when it is not one."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ProviderError(f"{name} returned invalid JSON", retryable=True) from exc
    items = obj if api == "tei" else obj.get("results") if isinstance(obj, dict) else None
    score_key = "score" if api == "tei" else "relevance_score"
    if not isinstance(items, list):
        raise ProviderError(f"{name} returned no list of rerank results", retryable=True)
    n = len(body["documents"])
    results: dict[int, float] = {}
    for item in items:
        index = item.get("index") if isinstance(item, dict) else None
        score = item.get(score_key) if isinstance(item, dict) else None
        if (
            not isinstance(index, int)
            or not 0 <= index < n
            or index in results
            or not isinstance(score, int | float)
            or not math.isfinite(score)
        ):
            raise ProviderError(f"{name} returned a malformed rerank result", retryable=True)
        results[index] = float(score)
    usage = obj.get("usage") if isinstance(obj, dict) else None
    tokens = usage.get("prompt_tokens") or usage.get("total_tokens") if isinstance(usage, dict) else None
    if not isinstance(tokens, int) or tokens < 0:
        tokens = estimate_rerank_tokens(body)
    return {
        "results": [{"index": i, "relevance_score": s} for i, s in results.items()],
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


def estimate_rerank_tokens(body: dict[str, Any]) -> int:
    """About four characters a token, as for other upstreams whose tokenizer we do not hold."""
    chars = len(body.get("query") or "") + sum(len(d) for d in body.get("documents") or [])
    return max(1, (chars + 3) // 4)
