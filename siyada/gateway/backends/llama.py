"""The embedded chat backend: GGUF models run in-process by llama-cpp-python.

Each model is loaded once and owned by one worker thread (a llama.cpp context is not thread-safe); calls
wait in a bounded fair queue and a full queue answers 503 instead of piling up. Token counts are exact:
the prompt is tokenised here, and generated tokens are counted by a stopping criterion, which also stops
generation as soon as the client has gone. Completions that ask for log-probabilities (or `echo` with
`max_tokens` 0) take the scoring path of `scoring.py`, on the same worker and context. Chat with
`response_format` or `tools` is generated under a llama.cpp grammar (`grammar.py`, `llama_tools.py`).
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
from siyada.gateway.backends.grammar import Plan, Refusal, plan_for
from siyada.gateway.backends.llama_model import BadTokens, LlamaModel, plain_message
from siyada.gateway.backends.llama_tools import OutputReader, ToolDelta, conversation
from siyada.gateway.backends.scoring import Sampling, complete, logprobs_object
from siyada.gateway.fairqueue import FairQueue, QueueFull
from siyada.gateway.prompts import Prompt, split_prompts

log = logging.getLogger("siyada.llama")

_DONE = object()


@dataclass
class _Job:
    run: Callable[[Callable[[Any], None]], None]
    push: Callable[[Any], None]
    ctx: CallContext
    enqueued: float = field(default_factory=time.monotonic)


@dataclass
class _Choice:
    """A whole completion choice made on the worker (the log-probability path)."""

    choice: dict[str, Any]


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
        finished = False
        try:
            while True:
                item = await out.get()
                if item is _DONE:
                    finished = True
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            # The caller went away or failed: stop generating as soon as possible. A job that finished
            # leaves the context alone, as the next prompt of a batch runs under it.
            if not finished:
                ctx.cancelled = True

    # ---- generation --------------------------------------------------------------------------------
    def _limit(self, m: LlamaModel, body: dict[str, Any], n_prompt: int, *, may_be_zero: bool) -> int:
        """Tokens to generate: what was asked (or the default), within what the context has left."""
        asked = body.get("max_completion_tokens") or body.get("max_tokens")
        if asked is None:
            asked = self.max_tokens_default
        room = m.n_ctx - n_prompt
        if room < 0 or (room == 0 and not may_be_zero):
            raise ProviderError(
                f"the prompt is {n_prompt} tokens; this model's context holds {m.n_ctx}",
                retryable=False,
                status=400,
            )
        return min(int(asked), room)

    @staticmethod
    def _prompt_ids(m: LlamaModel, prompt: Prompt) -> list[int]:
        try:
            return m.prompt_tokens(prompt)
        except BadTokens as exc:
            raise ProviderError(f"prompt: {exc}", retryable=False, status=400) from exc

    @staticmethod
    def _echo_text(m: LlamaModel, prompt: Prompt, tokens: list[int]) -> str:
        return prompt if isinstance(prompt, str) else m.decode(tokens)

    @staticmethod
    def _scoring(body: dict[str, Any]) -> bool:
        return body.get("logprobs") is not None or body.get("max_tokens") == 0

    def _check_batch(self, body: dict[str, Any], prompts: list[Prompt]) -> None:
        """Refuse a batch with a bad prompt before any of it is computed (runs in a thread: it may load
        the model, and tokenising only reads the vocabulary)."""
        m = self.model(body["model"])
        for prompt in prompts:
            self._limit(m, body, len(self._prompt_ids(m, prompt)), may_be_zero=self._scoring(body))

    def _generate(
        self,
        model_name: str,
        body: dict[str, Any],
        prompt: Prompt | None,
        ctx: CallContext,
        plan: Plan | None = None,
    ) -> Callable[[Callable[[Any], None]], None]:
        def run(push: Callable[[Any], None]) -> None:
            m = self.model(model_name)
            if prompt is None:
                messages = conversation(body, plan or Plan(), m.template)
                tokens, template_stops = m.chat_prompt(messages)
            else:
                tokens, template_stops = self._prompt_ids(m, prompt), []
            limit = self._limit(m, body, len(tokens), may_be_zero=False)
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
                grammar=_grammar(m, plan.grammar) if plan and plan.grammar else None,
            )
            if prompt is not None and body.get("echo"):
                push((self._echo_text(m, prompt, tokens), None))
            if plan is None or plan.grammar is None:
                for chunk in _texts(stream):
                    push(chunk)
            else:
                _read(plan, _texts(stream), push)
            push({"usage": {"prompt_tokens": len(tokens), "completion_tokens": counter.generated}})

        return run

    def _score(
        self, model_name: str, body: dict[str, Any], prompt: Prompt, ctx: CallContext
    ) -> Callable[[Callable[[Any], None]], None]:
        """A completion with log-probabilities (or `max_tokens` 0), made whole on the worker."""

        def run(push: Callable[[Any], None]) -> None:
            m = self.model(model_name)
            tokens = self._prompt_ids(m, prompt)
            limit = self._limit(m, body, len(tokens), may_be_zero=True)
            echo = bool(body.get("echo"))
            scored = complete(m, tokens, Sampling.from_body(body, limit), echo, ctx)
            text = scored.text.decode("utf-8", errors="replace")
            choice: dict[str, Any] = {
                "text": (self._echo_text(m, prompt, tokens) if echo else "") + text,
                "finish_reason": scored.finish,
                "logprobs": logprobs_object(m, scored) if body.get("logprobs") is not None else None,
            }
            push(_Choice(choice))
            push({"usage": {"prompt_tokens": len(tokens), "completion_tokens": scored.completion_tokens}})

        return run

    async def _events(
        self, endpoint: Endpoint, body: dict[str, Any], prompt: Prompt | None, ctx: CallContext
    ) -> AsyncIterator[tuple[str, str | None] | dict[str, Any] | _Choice]:
        model_name = body["model"]
        if model_name not in self.paths:
            raise ProviderError(
                f"embedded model {model_name!r} is not registered", retryable=False, status=404
            )
        if prompt is not None and self._scoring(body):
            run = self._score(model_name, body, prompt, ctx)
        else:
            plan = None
            if prompt is None:
                # Building a grammar from a large schema takes up to ~20 ms: off the event loop.
                shaped = body.get("tools") or body.get("response_format")
                plan = await asyncio.to_thread(_plan, body) if shaped else _plan(body)
            run = self._generate(model_name, body, prompt, ctx, plan)
        async for item in self._submit(run, ctx):
            yield item

    async def stream(
        self, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext
    ) -> AsyncIterator[list[dict[str, Any]]]:
        if endpoint == "embeddings":
            raise ProviderError("the embedded chat backend does not embed", retryable=False, status=400)
        cid = ("chatcmpl-" if endpoint == "chat/completions" else "cmpl-") + uuid.uuid4().hex[:24]
        created = int(time.time())
        chat = endpoint == "chat/completions"
        # A stream serves one prompt (the request schema refuses a streamed batch).
        prompt = None if chat else split_prompts(body["prompt"])[0]
        first = True
        async for item in self._events(endpoint, body, prompt, ctx):
            if isinstance(item, dict):
                u = item["usage"]
                yield [_usage_chunk(cid, created, body["model"], chat, u)]
                continue
            if isinstance(item, _Choice):
                choice: dict[str, Any] = {"index": 0, **item.choice}
            elif isinstance(item, ToolDelta):
                delta = {"tool_calls": [item.wire()]}
                if first:
                    delta = {"role": "assistant", "content": None, **delta}
                    first = False
                choice = {"index": 0, "delta": delta, "finish_reason": None, "logprobs": None}
            elif chat:
                text, finish = item
                delta: dict[str, Any] = {"content": text} if text else {}
                if first:
                    delta = {"role": "assistant", "content": text}
                    first = False
                choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
            else:
                text, finish = item
                choice = {"index": 0, "text": text, "finish_reason": finish, "logprobs": None}
            obj = "chat.completion.chunk" if chat else "text_completion"
            model = body["model"]
            chunk = {"id": cid, "object": obj, "created": created, "model": model, "choices": [choice]}
            yield [chunk]

    async def _choice(
        self, endpoint: Endpoint, body: dict[str, Any], prompt: Prompt | None, ctx: CallContext
    ) -> tuple[dict[str, Any], dict[str, int]]:
        """One whole choice (text, finish reason, log-probabilities) and its usage."""
        parts: list[str] = []
        finish: str | None = None
        usage: dict[str, int] = {"prompt_tokens": 0, "completion_tokens": 0}
        made: dict[str, Any] | None = None
        call: dict[str, Any] | None = None
        async for item in self._events(endpoint, body, prompt, ctx):
            if isinstance(item, dict):
                usage = item["usage"]
            elif isinstance(item, _Choice):
                made = item.choice
            elif isinstance(item, ToolDelta):
                if item.id is not None:
                    call = {
                        "id": item.id,
                        "type": "function",
                        "function": {"name": item.name, "arguments": ""},
                    }
                if call is not None:
                    call["function"]["arguments"] += item.arguments
            else:
                parts.append(item[0])
                finish = item[1] or finish
        if made is not None:
            return made, usage
        made = {"text": "".join(parts), "finish_reason": finish or "stop", "logprobs": None}
        if call is not None:
            made["tool_calls"] = [call]
        return made, usage

    async def call(self, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        if endpoint == "embeddings":
            raise ProviderError("the embedded chat backend does not embed", retryable=False, status=400)
        created = int(time.time())
        if endpoint == "chat/completions":
            made, usage = await self._choice(endpoint, body, None, ctx)
            message: dict[str, Any] = {"role": "assistant", "content": made["text"]}
            if made.get("tool_calls"):
                message = {"role": "assistant", "content": None, "tool_calls": made["tool_calls"]}
            return {
                "id": "chatcmpl-" + uuid.uuid4().hex[:24],
                "object": "chat.completion",
                "created": created,
                "model": body["model"],
                "choices": [
                    {"index": 0, "message": message, "finish_reason": made["finish_reason"], "logprobs": None}
                ],
                "usage": _total(usage),
            }
        # A batch is served one prompt after the other, each its own job in the fair queue (other
        # tenants' calls may run in between); usage adds up over the batch.
        prompts = split_prompts(body["prompt"])
        if len(prompts) > 1 and body["model"] in self.paths:
            await asyncio.to_thread(self._check_batch, body, prompts)
        choices: list[dict[str, Any]] = []
        total = {"prompt_tokens": 0, "completion_tokens": 0}
        for index, prompt in enumerate(prompts):
            made, usage = await self._choice(endpoint, body, prompt, ctx)
            choices.append({"index": index, **made})
            total = {k: total[k] + usage[k] for k in total}
        return {
            "id": "cmpl-" + uuid.uuid4().hex[:24],
            "object": "text_completion",
            "created": created,
            "model": body["model"],
            "choices": choices,
            "usage": _total(total),
        }

    def count_tokens(self, endpoint: Endpoint, body: dict[str, Any]) -> int:
        """Prompt tokens exactly as generation will count them (used for quotas before the call)."""
        m = self.model(body["model"])
        if endpoint == "chat/completions":
            try:
                plan = plan_for(body)
            except Refusal:  # the call itself answers the 400
                return len(m.chat_prompt([plain_message(x) for x in body["messages"]])[0])
            return len(m.chat_prompt(conversation(body, plan, m.template))[0])
        return sum(
            len(p) if isinstance(p, list) else len(m.prompt_tokens(p)) for p in split_prompts(body["prompt"])
        )

    def tokenizer(self, name: str) -> LlamaModel:
        """The model's tokenizer (the loaded model itself); see llama_model for why it may be used off
        the worker thread."""
        return self.model(name)

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


def _plan(body: dict[str, Any]) -> Plan:
    """The grammar plan of a chat request; what the embedded models cannot do is a 400 naming it."""
    if body.get("logprobs"):
        raise _refused("logprobs", "chat log-probabilities are not supported by embedded models")
    try:
        plan = plan_for(body)
    except Refusal as exc:
        raise _refused(exc.param, str(exc).split(": ", 1)[1]) from exc
    if plan.grammar is not None and body.get("stop"):
        # A stop string could cut the JSON the grammar promises.
        raise _refused("stop", "cannot be combined with response_format or tools on embedded models")
    return plan


def _refused(param: str, message: str) -> ProviderError:
    return ProviderError(f"{param}: {message}", retryable=False, status=400)


def _grammar(m: LlamaModel, text: str) -> Any:
    """The grammar, parsed once by llama.cpp first: a grammar it cannot parse gives a null sampler,
    which would crash the process when chained (runs on the worker: it needs the vocabulary)."""
    import llama_cpp
    from llama_cpp import LlamaGrammar

    probe = llama_cpp.llama_sampler_init_grammar(m.llm._model.vocab, text.encode(), b"root")
    if not probe:
        raise _refused("response_format or tools", "the schemas could not be made into a grammar")
    llama_cpp.llama_sampler_free(probe)
    return LlamaGrammar.from_string(text, verbose=False)


def _read(plan: Plan, texts: Iterator[tuple[str, str | None]], push: Callable[[Any], None]) -> None:
    """Generated text under a grammar, pushed as content pieces or tool-call deltas."""
    reader = OutputReader(plan)
    finish: str | None = None
    for text, done in texts:
        for piece in reader.feed(text):
            push(piece if isinstance(piece, ToolDelta) else (piece, None))
        finish = done or finish
    pieces, reason = reader.finish(finish)
    for piece in pieces:
        push(piece if isinstance(piece, ToolDelta) else (piece, None))
    push(("", reason))


def _total(u: dict[str, int]) -> dict[str, int]:
    return {**u, "total_tokens": u["prompt_tokens"] + u["completion_tokens"]}


def _usage_chunk(cid: str, created: int, model: str, chat: bool, u: dict[str, int]) -> dict[str, Any]:
    return {
        "id": cid,
        "object": "chat.completion.chunk" if chat else "text_completion",
        "created": created,
        "model": model,
        "choices": [],
        "usage": _total(u),
    }
