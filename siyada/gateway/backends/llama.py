"""The embedded chat backend: GGUF models run in-process by llama-cpp-python.

Each model is loaded once and owned by one worker thread (a llama.cpp context is not thread-safe); calls
wait in a bounded fair queue and a full queue answers 503 instead of piling up. Token counts are exact:
the prompt is tokenised here, and generated tokens are counted by a stopping criterion, which also stops
generation as soon as the client has gone.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from siyada.gateway.backends.base import CallContext, Endpoint, ProviderBusy, ProviderError
from siyada.gateway.fairqueue import FairQueue, QueueFull

log = logging.getLogger("siyada.llama")

_DONE = object()

# Used only when a GGUF file carries no chat template of its own.
FALLBACK_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@dataclass
class _Job:
    run: Callable[[Callable[[Any], None]], None]
    push: Callable[[Any], None]
    ctx: CallContext
    enqueued: float = field(default_factory=time.monotonic)


class LlamaModel:
    """One loaded GGUF model with its prompt formatter."""

    def __init__(self, path: Path, *, n_ctx: int, threads: int) -> None:
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self.path = path
        self.llm = Llama(
            model_path=str(path), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads, verbose=False
        )
        meta = self.llm.metadata
        template = meta.get("tokenizer.chat_template") or FALLBACK_TEMPLATE
        vocab = self.llm._model
        bos = self._token_text(vocab, self.llm.token_bos())
        eos = self._token_text(vocab, self.llm.token_eos())
        self.has_chat_template = "tokenizer.chat_template" in meta
        self.formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
        self.n_ctx = n_ctx

    @staticmethod
    def _token_text(model: Any, token: int) -> str:
        if token < 0:
            return ""
        try:
            return model.token_get_text(token)
        except Exception:
            return ""

    def tokenize(self, text: str, *, special: bool = True) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=special)

    def chat_prompt(self, messages: list[dict[str, Any]]) -> tuple[list[int], list[str]]:
        """Token ids of the formatted conversation and the template's own stop strings."""
        formatted = self.formatter(messages=messages)
        text = formatted.prompt
        tokens = self.tokenize(text)
        bos = self.llm.token_bos()
        # Templates that do not write the BOS token themselves still expect it first.
        if (
            bos >= 0
            and (not tokens or tokens[0] != bos)
            and self.llm.metadata.get("tokenizer.ggml.add_bos_token") == "true"
        ):
            tokens = [bos, *tokens]
        stops = (
            formatted.stop
            if isinstance(formatted.stop, list)
            else ([formatted.stop] if formatted.stop else [])
        )
        return tokens, stops


class LlamaProvider:
    """Provider `embedded` for chat and completions; models are loaded on first use and kept."""

    name = "embedded"
    in_house = True

    def __init__(
        self, paths: dict[str, Path], *, n_ctx: int, threads: int, queue_size: int, max_tokens: int
    ) -> None:
        self.paths = paths
        self.n_ctx = n_ctx
        self.threads = threads
        self.max_tokens_default = max_tokens
        self.queue: FairQueue[_Job] = FairQueue(queue_size)
        self._models: dict[str, LlamaModel] = {}
        self._load_lock = threading.Lock()
        self._worker = threading.Thread(target=self._work, name="siyada-llama", daemon=True)
        self._worker.start()

    # ---- models ------------------------------------------------------------------------------------
    def model(self, name: str) -> LlamaModel:
        with self._load_lock:
            if name not in self._models:
                path = self.paths.get(name)
                if path is None:
                    raise ProviderError(
                        f"embedded model {name!r} is not registered", retryable=False, status=404
                    )
                t0 = time.monotonic()
                self._models[name] = LlamaModel(path, n_ctx=self.n_ctx, threads=self.threads)
                log.info("loaded %s from %s in %.1fs", name, path, time.monotonic() - t0)
            return self._models[name]

    def preload(self, name: str) -> None:
        threading.Thread(target=lambda: self.model(name), daemon=True).start()

    # ---- the worker --------------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            job = self.queue.get()
            if job is None:
                return
            if job.ctx.cancelled:
                job.push(_DONE)
                continue
            try:
                job.run(job.push)
            except Exception as exc:  # the error travels to the waiting request
                log.exception("embedded generation failed")
                job.push(exc)
            job.push(_DONE)

    async def _submit(
        self, run: Callable[[Callable[[Any], None]], None], ctx: CallContext
    ) -> AsyncIterator[Any]:
        loop = asyncio.get_running_loop()
        out: asyncio.Queue[Any] = asyncio.Queue()

        def push(item: Any) -> None:
            loop.call_soon_threadsafe(out.put_nowait, item)

        try:
            self.queue.put(ctx.tenant, _Job(run, push, ctx))
        except QueueFull as exc:
            raise ProviderBusy(f"embedded model queue is full ({exc})") from exc
        try:
            while True:
                item = await out.get()
                if item is _DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            # The caller went away (or finished): stop generating as soon as possible.
            ctx.cancelled = True

    # ---- generation --------------------------------------------------------------------------------
    def _generate(
        self, model_name: str, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext
    ) -> Callable[[Callable[[Any], None]], None]:
        def run(push: Callable[[Any], None]) -> None:
            m = self.model(model_name)
            if endpoint == "chat/completions":
                messages = [_plain_message(x) for x in body["messages"]]
                tokens, template_stops = m.chat_prompt(messages)
            else:
                tokens = m.tokenize(body["prompt"] if isinstance(body["prompt"], str) else body["prompt"][0])
                if m.llm.token_bos() >= 0:
                    tokens = [m.llm.token_bos(), *tokens]
                template_stops = []
            limit = body.get("max_completion_tokens") or body.get("max_tokens") or self.max_tokens_default
            room = m.n_ctx - len(tokens)
            if room <= 0:
                raise ProviderError(
                    f"the prompt is {len(tokens)} tokens; this model's context holds {m.n_ctx}",
                    retryable=False,
                    status=400,
                )
            limit = min(limit, room)
            stops = body.get("stop") or []
            stops = [stops] if isinstance(stops, str) else list(stops)
            counter = _TokenCounter(len(tokens), ctx, limit)
            if body.get("seed") is not None:
                m.llm.set_seed(int(body["seed"]) & 0xFFFFFFFF)
            from llama_cpp import StoppingCriteriaList

            stream = m.llm.create_completion(
                prompt=tokens,
                max_tokens=limit,
                temperature=body.get("temperature") if body.get("temperature") is not None else 0.8,
                top_p=body.get("top_p") if body.get("top_p") is not None else 0.95,
                presence_penalty=body.get("presence_penalty") or 0.0,
                frequency_penalty=body.get("frequency_penalty") or 0.0,
                stop=stops + template_stops,
                stream=True,
                stopping_criteria=StoppingCriteriaList([counter]),
            )
            for chunk in _texts(stream):
                push(chunk)
            push({"usage": {"prompt_tokens": len(tokens), "completion_tokens": counter.generated}})

        return run

    async def _events(
        self, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext
    ) -> AsyncIterator[tuple[str, str | None] | dict[str, Any]]:
        model_name = body["model"]
        if model_name not in self.paths:
            raise ProviderError(
                f"embedded model {model_name!r} is not registered", retryable=False, status=404
            )
        async for item in self._submit(self._generate(model_name, endpoint, body, ctx), ctx):
            yield item

    async def stream(
        self, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext
    ) -> AsyncIterator[list[dict[str, Any]]]:
        if endpoint == "embeddings":
            raise ProviderError("the embedded chat backend does not embed", retryable=False, status=400)
        cid = ("chatcmpl-" if endpoint == "chat/completions" else "cmpl-") + uuid.uuid4().hex[:24]
        created = int(time.time())
        chat = endpoint == "chat/completions"
        first = True
        async for item in self._events(endpoint, body, ctx):
            if isinstance(item, dict):
                u = item["usage"]
                yield [_usage_chunk(cid, created, body["model"], chat, u)]
                continue
            text, finish = item
            if chat:
                delta: dict[str, Any] = {"content": text} if text else {}
                if first:
                    delta = {"role": "assistant", "content": text}
                    first = False
                choice: dict[str, Any] = {
                    "index": 0,
                    "delta": delta,
                    "finish_reason": finish,
                    "logprobs": None,
                }
                obj = "chat.completion.chunk"
            else:
                choice = {"index": 0, "text": text, "finish_reason": finish, "logprobs": None}
                obj = "text_completion"
            model = body["model"]
            chunk = {"id": cid, "object": obj, "created": created, "model": model, "choices": [choice]}
            yield [chunk]

    async def call(self, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        if endpoint == "embeddings":
            raise ProviderError("the embedded chat backend does not embed", retryable=False, status=400)
        parts: list[str] = []
        finish: str | None = None
        usage: dict[str, int] = {"prompt_tokens": 0, "completion_tokens": 0}
        async for item in self._events(endpoint, body, ctx):
            if isinstance(item, dict):
                usage = item["usage"]
                continue
            parts.append(item[0])
            finish = item[1] or finish
        text = "".join(parts)
        usage = {**usage, "total_tokens": usage["prompt_tokens"] + usage["completion_tokens"]}
        created = int(time.time())
        if endpoint == "chat/completions":
            return {
                "id": "chatcmpl-" + uuid.uuid4().hex[:24],
                "object": "chat.completion",
                "created": created,
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": finish or "stop",
                        "logprobs": None,
                    }
                ],
                "usage": usage,
            }
        return {
            "id": "cmpl-" + uuid.uuid4().hex[:24],
            "object": "text_completion",
            "created": created,
            "model": body["model"],
            "choices": [{"index": 0, "text": text, "finish_reason": finish or "stop", "logprobs": None}],
            "usage": usage,
        }

    def count_tokens(self, endpoint: Endpoint, body: dict[str, Any]) -> int:
        """Prompt tokens exactly as generation will count them (used for quotas before the call)."""
        m = self.model(body["model"])
        if endpoint == "chat/completions":
            return len(m.chat_prompt([_plain_message(x) for x in body["messages"]])[0])
        prompt = body["prompt"] if isinstance(body["prompt"], str) else body["prompt"][0]
        return len(m.tokenize(prompt)) + (1 if m.llm.token_bos() >= 0 else 0)

    async def probe(self) -> bool:
        return self._worker.is_alive()

    async def close(self) -> None:
        self.queue.close()

    def status(self) -> dict[str, Any]:
        return {"loaded": sorted(self._models), "queued": len(self.queue), "queue_size": self.queue.maxsize}


class _TokenCounter:
    """A llama.cpp stopping criterion: counts sampled tokens and stops when the client has left.

    llama-cpp-python calls it once per sampled token and once more when generation ends, so the count is
    calls - 1. It includes the end-of-sequence token when the model emits one (as vLLM counts), which
    llama-cpp-python's own non-streaming usage leaves out.
    """

    def __init__(self, prompt_len: int, ctx: CallContext, limit: int) -> None:
        self.prompt_len = prompt_len
        self.ctx = ctx
        self.limit = limit
        self.calls = 0

    @property
    def generated(self) -> int:
        # When the length limit ends generation the closing call can be missing or doubled (multi-byte
        # text held back); never more tokens than were allowed are returned.
        return min(self.limit, max(0, self.calls - 1))

    def __call__(self, input_ids: Any, _logits: Any) -> bool:
        self.calls += 1
        return self.ctx.cancelled


def _texts(stream: Iterator[dict[str, Any]]) -> Iterator[tuple[str, str | None]]:
    for chunk in stream:
        choice = chunk["choices"][0]
        text, finish = choice.get("text") or "", choice.get("finish_reason")
        if text or finish:
            yield text, finish


def _plain_message(m: dict[str, Any]) -> dict[str, Any]:
    content = m.get("content")
    if isinstance(content, list):
        content = "".join(p.get("text") or "" for p in content if p.get("type") == "text")
    role = "system" if m.get("role") == "developer" else m.get("role")
    return {"role": role, "content": content or ""}


def _usage_chunk(cid: str, created: int, model: str, chat: bool, u: dict[str, int]) -> dict[str, Any]:
    return {
        "id": cid,
        "object": "chat.completion.chunk" if chat else "text_completion",
        "created": created,
        "model": model,
        "choices": [],
        "usage": {**u, "total_tokens": u["prompt_tokens"] + u["completion_tokens"]},
    }
