"""The tokenizer of a model, as vLLM serves it (/tokenize, /detokenize, /tokenizer_info).

Only models with an embedded route have a tokenizer here: an upstream's vocabulary is not known to the
gateway. Access follows the model's rules (404 unknown, 403 not allowed to the tenant). The work runs in a
thread: it may load the model, and tokenising only reads the vocabulary (see `llama_model`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from siyada.errors import ApiError
from siyada.gateway.api_errors import as_api_error
from siyada.gateway.backends.llama_model import BadTokens, LlamaModel, plain_message
from siyada.gateway.service import Gateway
from siyada.governance.keys import Principal


class Tokenizers:
    def __init__(self, gateway: Gateway, default_model: str) -> None:
        self.gateway = gateway
        self.default_model = default_model

    async def _model(self, principal: Principal, name: str | None) -> LlamaModel:
        requested = name or self.default_model
        entry = self.gateway.model_for(principal, requested, "completions")
        found = self.gateway.router.local_tokenizer(entry)
        if found is None:
            raise ApiError(
                400,
                f"Tokenization is only available for embedded models; {requested!r} is served by an "
                "upstream whose tokenizer Siyada does not hold",
                code="tokenizer_unavailable",
                param="model",
            )
        provider, upstream_name = found
        try:
            return await asyncio.to_thread(provider.tokenizer, upstream_name)
        except Exception as exc:
            raise as_api_error(exc) from exc

    async def info(self, principal: Principal, name: str | None) -> dict[str, Any]:
        m = await self._model(principal, name)
        return {**m.info(), "model": name or self.default_model}

    async def tokenize(
        self,
        principal: Principal,
        name: str | None,
        *,
        prompt: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        add_special_tokens: bool = True,
        add_generation_prompt: bool = True,
    ) -> dict[str, Any]:
        m = await self._model(principal, name)

        def run() -> list[int]:
            if messages is not None:
                chat = [plain_message(x) for x in messages]
                return m.chat_prompt(chat, add_generation_prompt=add_generation_prompt)[0]
            return m.encode(prompt or "", add_special=add_special_tokens)

        tokens = await asyncio.to_thread(run)
        return {"tokens": tokens, "count": len(tokens), "max_model_len": m.n_ctx}

    async def detokenize(self, principal: Principal, name: str | None, tokens: list[int]) -> dict[str, Any]:
        m = await self._model(principal, name)
        try:
            text = await asyncio.to_thread(m.decode, tokens)
        except BadTokens as exc:
            raise ApiError(400, f"tokens: {exc}", code="invalid_request", param="tokens") from exc
        return {"prompt": text}
