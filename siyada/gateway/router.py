"""Routing: priority first, then the least busy healthy provider; retries, fallback, cool-down and probing.

A provider that fails `failure_threshold` times in a row is taken out for its cool-down; after that it is
eligible again (half-open) and a background probe also brings it back as soon as it answers. Retries only
happen before the first byte has reached the caller: once a stream has started, it belongs to its provider.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from siyada import telemetry
from siyada.gateway.backends.base import CallContext, Endpoint, Provider, ProviderBusy, ProviderError
from siyada.gateway.backends.rerank_upstream import estimate_rerank_tokens
from siyada.gateway.cards import ModelCard, unevaluated
from siyada.gateway.prompts import split_prompts

T = TypeVar("T")
Send = Callable[[Provider, dict[str, Any]], Awaitable[T]]


@dataclass
class Route:
    provider: str
    upstream_model: str
    priority: int = 0


@dataclass
class ModelEntry:
    name: str
    kind: str  # chat | embeddings
    routes: list[Route]
    aliases: list[str] = field(default_factory=list)
    context_length: int | None = None
    owned_by: str = "siyada"
    card: ModelCard = field(default_factory=unevaluated)


@dataclass
class ProviderState:
    """Health bookkeeping for one provider."""

    failure_threshold: int = 3
    cooldown: float = 10.0
    retries: int = 0
    backoff: float = 0.1
    in_flight: int = 0
    consecutive_failures: int = 0
    cooled_until: float = 0.0
    total_failures: int = 0
    served: int = 0

    def available(self, now: float) -> bool:
        return self.cooled_until <= now

    def record_success(self) -> None:
        self.consecutive_failures = 0
        self.cooled_until = 0.0
        self.served += 1

    def record_failure(self, now: float) -> None:
        self.consecutive_failures += 1
        self.total_failures += 1
        if self.consecutive_failures >= self.failure_threshold:
            self.cooled_until = now + self.cooldown


class NoProviderAvailable(Exception):
    """Every route of a model failed or is cooling down."""

    def __init__(self, model: str, reasons: list[str]) -> None:
        detail = "; ".join(reasons[-3:]) if reasons else "all providers are cooling down"
        super().__init__(f"no provider available for model {model!r} ({detail})")


class Router:
    def __init__(self, providers: dict[str, Provider], states: dict[str, ProviderState]) -> None:
        self.providers = providers
        self.states = states
        self.models: dict[str, ModelEntry] = {}
        self._names: dict[str, str] = {}
        self._probe_task: asyncio.Task[None] | None = None

    # ---- model table -------------------------------------------------------------------------------
    def add_model(self, entry: ModelEntry) -> None:
        self.models[entry.name] = entry
        for n in [entry.name, *entry.aliases]:
            self._names[n] = entry.name

    def resolve(self, name: str) -> ModelEntry | None:
        canonical = self._names.get(name)
        return self.models.get(canonical) if canonical else None

    # ---- choice of provider ------------------------------------------------------------------------
    def candidates(self, entry: ModelEntry) -> list[Route]:
        """Routes to try, best first: by priority, then fewest in-flight calls; cooled providers left out."""
        now = time.monotonic()
        usable = [r for r in entry.routes if self.states[r.provider].available(now)]
        return sorted(usable, key=lambda r: (r.priority, self.states[r.provider].in_flight))

    async def call(
        self, entry: ModelEntry, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext
    ) -> tuple[dict[str, Any], str]:
        return await self.call_with(
            entry, endpoint, body, lambda provider, routed: provider.call(endpoint, routed, ctx)
        )

    async def call_with(
        self, entry: ModelEntry, endpoint: Endpoint, body: dict[str, Any], send: Send[T]
    ) -> tuple[T, str]:
        """One non-streaming call made by `send(provider, body with the route's model name)` (a call
        that is not plain JSON, such as an audio upload), routed, retried and counted as any other."""

        async def attempt(provider: Provider, routed: dict[str, Any], state: ProviderState) -> T:
            state.in_flight += 1
            try:
                with telemetry.span("siyada.upstream", _upstream_attrs(provider, endpoint, routed)) as span:
                    result = await send(provider, routed)
                    if isinstance(result, dict):
                        telemetry.add(span, _usage_attrs(result))
                    return result
            finally:
                state.in_flight -= 1

        return await self._first_success(entry, body, attempt)

    async def stream(
        self, entry: ModelEntry, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext
    ) -> tuple[AsyncIterator[list[dict[str, Any]]], str]:
        """Open a stream on the first provider that yields a first chunk; return it with that provider."""

        async def attempt(provider: Provider, routed: dict[str, Any], state: ProviderState) -> _Tracked:
            state.in_flight += 1
            # A stream's upstream span lasts until its first chunk (the time to first token); the
            # request's own span covers the rest.
            with telemetry.span("siyada.upstream", _upstream_attrs(provider, endpoint, routed, True)):
                it = aiter(provider.stream(endpoint, routed, ctx))
                try:
                    first = await anext(it)
                except StopAsyncIteration:
                    first = None
                except BaseException:
                    state.in_flight -= 1
                    await close_quietly(it)
                    raise
            return _Tracked(it, first, state)

        return await self._first_success(entry, body, attempt)

    async def _first_success(
        self,
        entry: ModelEntry,
        body: dict[str, Any],
        attempt: Callable[[Provider, dict[str, Any], ProviderState], Awaitable[T]],
    ) -> tuple[T, str]:
        """Try the routes best first, retrying each with backoff, until one attempt succeeds."""
        reasons: list[str] = []
        candidates = self.candidates(entry)
        attrs = {"siyada.model": entry.name, "siyada.route.candidates": len(candidates)}
        with telemetry.span("siyada.route", attrs) as span:
            for route in candidates:
                state = self.states[route.provider]
                provider = self.providers[route.provider]
                for n in range(state.retries + 1):
                    try:
                        result = await attempt(provider, {**body, "model": route.upstream_model}, state)
                    except ProviderError as exc:
                        if not self._note_failure(state, exc, reasons):
                            raise
                        if not state.available(time.monotonic()) or isinstance(exc, ProviderBusy):
                            break
                        await asyncio.sleep(state.backoff * (2**n))
                        continue
                    state.record_success()
                    telemetry.add(
                        span, {"siyada.provider": route.provider, "siyada.route.failures": len(reasons)}
                    )
                    return result, route.provider
            raise NoProviderAvailable(entry.name, reasons)

    @staticmethod
    def _note_failure(state: ProviderState, exc: ProviderError, reasons: list[str]) -> bool:
        """Record a failure; False when the error belongs to the caller and must be passed through."""
        if not exc.retryable:
            if exc.status < 500:
                return False
            reasons.append(str(exc))
            state.record_failure(time.monotonic())
            return True
        reasons.append(str(exc))
        if not isinstance(exc, ProviderBusy):
            state.record_failure(time.monotonic())
        return True

    async def count_prompt_tokens(self, entry: ModelEntry, endpoint: Endpoint, body: dict[str, Any]) -> int:
        """Prompt tokens by the tokenizer of the provider that would serve first, else an estimate."""
        routes = self.candidates(entry) or entry.routes
        provider = self.providers[routes[0].provider]
        counter = getattr(provider, "count_tokens", None)
        if counter is not None:
            upstream_body = {**body, "model": routes[0].upstream_model}
            return await asyncio.to_thread(counter, endpoint, upstream_body)
        return estimate_tokens(body)

    def local_tokenizer(self, entry: ModelEntry) -> tuple[Any, str] | None:
        """A provider of this model that holds its tokenizer in-process (the embedded one), with the
        provider's own name for the model; None when every route goes to an upstream."""
        for route in entry.routes:
            provider = self.providers[route.provider]
            if callable(getattr(provider, "tokenizer", None)):
                return provider, route.upstream_model
        return None

    # ---- probing -----------------------------------------------------------------------------------
    def start_probing(self, interval: float = 2.0) -> None:
        self._probe_task = asyncio.create_task(self._probe_loop(interval))

    async def _probe_loop(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            for name, state in self.states.items():
                if state.cooled_until > now and await self.providers[name].probe():
                    state.consecutive_failures = 0
                    state.cooled_until = 0.0

    async def close(self) -> None:
        if self._probe_task:
            self._probe_task.cancel()
        for p in self.providers.values():
            await p.close()

    def health(self) -> dict[str, dict[str, Any]]:
        now = time.monotonic()
        return {
            name: {
                "status": "healthy" if s.available(now) else "cooling_down",
                "in_flight": s.in_flight,
                "consecutive_failures": s.consecutive_failures,
                "served": s.served,
                "failures": s.total_failures,
            }
            for name, s in self.states.items()
        }


def _upstream_attrs(
    provider: Provider, endpoint: Endpoint, routed: dict[str, Any], stream: bool = False
) -> dict[str, str | bool]:
    """What an upstream span names: who serves, which endpoint and model; never the body."""
    return {
        "siyada.provider": provider.name,
        "siyada.endpoint": endpoint,
        "siyada.upstream_model": str(routed.get("model")),
        "siyada.stream": stream,
    }


def _usage_attrs(result: dict[str, Any]) -> dict[str, int | None]:
    usage = result.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    counts = {"gen_ai.usage.input_tokens": "prompt_tokens", "gen_ai.usage.output_tokens": "completion_tokens"}
    return {k: v if isinstance(v := usage.get(f), int) else None for k, f in counts.items()}


async def close_quietly(it: AsyncIterator[Any]) -> None:
    aclose = getattr(it, "aclose", None)
    if aclose is not None:
        try:
            await aclose()
        except Exception:
            pass


def estimate_tokens(body: dict[str, Any]) -> int:
    """For upstreams whose tokenizer we do not hold: ~4 characters a token (token ids count as they are);
    settled from their usage."""
    if "documents" in body:  # rerank
        return estimate_rerank_tokens(body)
    if "messages" in body:
        text = "".join(str(m.get("content") or "") for m in body["messages"])
        return max(1, (len(text) + 3) // 4)
    raw = body.get("prompt", body.get("input", ""))
    items = split_prompts(raw)
    return max(1, sum(len(p) if isinstance(p, list) else (len(p) + 3) // 4 for p in items))


class _Tracked:
    """A provider stream that gives its in-flight slot back exactly once: when exhausted, when it fails,
    or when closed — also if it is closed without ever being iterated (a plain async generator's
    `finally` would not run then)."""

    def __init__(
        self,
        it: AsyncIterator[list[dict[str, Any]]],
        first: list[dict[str, Any]] | None,
        state: ProviderState,
    ) -> None:
        self._it = it
        self._first = first
        self._state = state
        self._released = False

    def __aiter__(self) -> _Tracked:
        return self

    async def __anext__(self) -> list[dict[str, Any]]:
        if self._first is not None:
            first, self._first = self._first, None
            return first
        try:
            return await anext(self._it)
        except BaseException:
            self._release()
            raise

    def _release(self) -> None:
        if not self._released:
            self._released = True
            self._state.in_flight -= 1

    async def aclose(self) -> None:
        self._release()
        await close_quietly(self._it)
