"""The one call path every front uses: resolve the model, check the tenant may use it, route, meter.

Routers only parse and authorise; this module turns a validated request into a response object or a
stream of chunks, and writes one usage row per call (also when the client disconnects mid-stream).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import orjson

from siyada import telemetry
from siyada.api.schemas import unknown_fields
from siyada.errors import ApiError
from siyada.gateway.api_errors import as_api_error
from siyada.gateway.backends.base import CallContext, Endpoint, ProviderError
from siyada.gateway.prompts import token_prompts
from siyada.gateway.router import ModelEntry, Router, Send, close_quietly
from siyada.governance.energy import estimate_wh
from siyada.governance.keys import Principal
from siyada.governance.metrics import Metrics
from siyada.governance.quotas import QuotaExceeded, Quotas, QuotaStoreError, Ticket, needs_tokens
from siyada.governance.usage import UsageRecord, UsageRecorder
from siyada.lanes import SHIELD, run_in
from siyada.privacy.operators import Pseudonymiser
from siyada.privacy.policy import PrivacyGuard
from siyada.privacy.shield import (
    ChunkRestorer,
    Outbound,
    ShieldRefusal,
    pseudonymise_body,
    restore_result,
)
from siyada.privacy.token_prompts import vet_token_prompts

_INLINE_PRIVACY_BYTES = 4096  # larger bodies are analysed off the event loop
_KIND_FOR = {
    "chat/completions": "chat",
    "completions": "chat",
    "embeddings": "embeddings",
    "rerank": "rerank",
    "audio/transcriptions": "transcription",
    "audio/translations": "transcription",
    "audio/speech": "speech",
}


def _note_shield(notes: dict[str, Any] | None, shield: Pseudonymiser | None) -> None:
    """Tell the caller how many personal-data values were replaced before any provider read the body."""
    if notes is not None:
        notes["pseudonymised"] = len(shield.values) if shield is not None else 0


class Gateway:
    def __init__(
        self,
        router: Router,
        recorder: UsageRecorder | None,
        quotas: Quotas | None = None,
        metrics: Metrics | None = None,
        privacy: PrivacyGuard | None = None,
        durable_usage: bool = True,
    ) -> None:
        self.router = router
        self.recorder = recorder
        self.durable_usage = durable_usage
        self.quotas = quotas
        self.metrics = metrics
        self.privacy = privacy
        self._background: set[asyncio.Task[None]] = set()

    @telemetry.traced("siyada.quota")
    async def _admit(
        self,
        principal: Principal,
        entry: ModelEntry,
        endpoint: Endpoint,
        body: dict[str, Any],
        started: float,
        units: int | None = None,
    ) -> Ticket:
        """Reserve quota before the call, or answer 429 naming the exhausted limit. `units`: what the
        call costs when it is known without a tokenizer (seconds of audio)."""
        if self.quotas is None:
            return Ticket(done=True)
        limits = await self.quotas.limits()
        key_id, tenant_id = principal.key_id, principal.tenant.id
        if not any(lim.applies_to(key_id, tenant_id, entry.name) for lim in limits):
            return Ticket(done=True)
        prompt_tokens = units or 0
        if units is None and needs_tokens(limits, key_id, tenant_id, entry.name):
            try:
                prompt_tokens = await self.router.count_prompt_tokens(entry, endpoint, body)
            except Exception as exc:
                raise as_api_error(exc) from exc
        telemetry.annotate({"siyada.quota.prompt_tokens": prompt_tokens})
        try:
            return await self.quotas.admit(key_id, tenant_id, entry.name, prompt_tokens)
        except QuotaStoreError as exc:
            raise ApiError(503, str(exc), code="quota_store_unavailable") from exc
        except QuotaExceeded as exc:
            if self.metrics is not None:
                self.metrics.quota_rejected(exc.limit_name)
            self._record(principal, endpoint, entry.name, None, 429, None, started, None)
            raise ApiError(
                429, str(exc), code="quota_exceeded", headers={"Retry-After": str(exc.retry_after)}
            ) from exc

    def _later(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run settlement off the response path, shielded from the caller's cancellation."""
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    def _settle(
        self, ticket: Ticket, usage: dict[str, Any] | None, failed: bool
    ) -> asyncio.Task[None] | None:
        if ticket.done or self.quotas is None:
            return None
        if failed and not (usage or {}).get("completion_tokens"):
            # Nothing was produced (no provider, refused, client gone before the first token): no usage.
            return self._later(self.quotas.refund(ticket))
        usage = usage or {}
        prompt = int(usage.get("prompt_tokens") or ticket.reserved_tokens)
        return self._later(self.quotas.settle(ticket, prompt, int(usage.get("completion_tokens") or 0)))

    async def _durable(self, settling: asyncio.Task[None] | None) -> None:
        """Before a completed call is answered: its quota settled and its usage row committed, so that a
        replica killed right after (kill -9, a node lost) leaves counters and rows exact."""
        if not self.durable_usage:
            return
        if settling is not None:
            with contextlib.suppress(Exception):  # a failed settlement is logged by the quota store
                await asyncio.shield(settling)
        if self.recorder is not None:
            await self.recorder.written()

    def model_for(self, principal: Principal, name: str, endpoint: Endpoint) -> ModelEntry:
        entry = self.router.resolve(name)
        if entry is None:
            raise ApiError(404, f"The model {name!r} does not exist", code="model_not_found", param="model")
        if not (principal.tenant.may_use(entry.name) or principal.tenant.may_use(name)):
            raise ApiError(
                403,
                f"Tenant {principal.tenant.name!r} is not allowed to use model {name!r}",
                code="model_not_allowed",
                param="model",
            )
        if _KIND_FOR[endpoint] != entry.kind:
            raise ApiError(
                400,
                f"The model {name!r} is a {entry.kind} model and cannot serve /v1/{endpoint}",
                code="wrong_model_kind",
                param="model",
            )
        return entry

    @telemetry.traced("siyada.shield")
    async def _shield(
        self,
        principal: Principal,
        entry: ModelEntry,
        endpoint: Endpoint,
        body: dict[str, Any],
        notes: dict[str, Any] | None = None,
    ) -> tuple[dict[str, Any], Pseudonymiser | None]:
        """The body the providers will read: personal data replaced by placeholders in every string unless
        the tenant's policy lets every provider of this model (all in-house) read it. For a provider that
        is not in-house, fields and content parts that cannot be checked are refused (400). An assistant
        whose privacy is "all" (notes) shields for in-house providers too: it can tighten, never loosen."""
        if self.privacy is None:
            return body, None
        policy = self.privacy.policy(principal.tenant.name)
        if (notes or {}).get("privacy") == "all":
            policy = dataclasses.replace(policy, prompts="all")
        providers = self.router.providers
        in_house = [providers[r.provider].in_house for r in entry.routes]
        if not policy.needs_shield(in_house):
            return body, None
        config = self.privacy.config
        out = Outbound(
            external=not all(in_house),
            unknown=tuple(unknown_fields(endpoint, body)),
            pass_fields=frozenset(config.pass_fields),
            pass_parts=frozenset(config.pass_parts),
        )
        shield = policy.pseudonymiser()
        ids = token_prompts(body.get("prompt")) if endpoint == "completions" else []
        if ids:
            await run_in(SHIELD, vet_token_prompts, ids, self._decoder(entry), all(in_house), shield)
        try:
            if len(orjson.dumps(body)) < _INLINE_PRIVACY_BYTES:
                return pseudonymise_body(endpoint, body, shield, out), shield
            return await run_in(SHIELD, pseudonymise_body, endpoint, body, shield, out), shield
        except ShieldRefusal as exc:
            raise ApiError(400, str(exc), code=exc.code, param=exc.param) from exc
        finally:
            telemetry.annotate({"siyada.shield.replaced": len(shield.values)})  # a count, never a value

    def _decoder(self, entry: ModelEntry) -> Callable[[list[int]], str] | None:
        """Token ids to text with the model's in-process tokenizer, if one of its providers holds it."""
        found = self.router.local_tokenizer(entry)
        if found is None:
            return None
        provider, name = found
        return lambda ids: provider.tokenizer(name).decode(ids)

    def visible_models(self, principal: Principal) -> list[ModelEntry]:
        return [m for m in self.router.models.values() if principal.tenant.may_use(m.name)]

    async def call(
        self,
        principal: Principal,
        endpoint: Endpoint,
        body: dict[str, Any],
        notes: dict[str, Any] | None = None,
        send: Send[dict[str, Any]] | None = None,
        units: int | None = None,
    ) -> tuple[dict[str, Any], str]:
        """`send`: how a call that is not plain JSON reaches a provider (audio), costing `units`."""
        requested = body["model"]
        entry = self.model_for(principal, requested, endpoint)
        ctx = CallContext(principal.tenant.name)
        started = time.perf_counter()
        body, shield = await self._shield(principal, entry, endpoint, body, notes)
        _note_shield(notes, shield)
        ticket = await self._admit(principal, entry, endpoint, body, started, units)
        provider: str | None = None
        status = 200
        result: dict[str, Any] = {}
        settling: asyncio.Task[None] | None = None
        try:
            if send is None:
                result, provider = await self.router.call(entry, endpoint, body, ctx)
            else:
                result, provider = await self.router.call_with(entry, endpoint, body, send)
            if shield is not None:
                restore_result(result, shield)
        except asyncio.CancelledError:
            status = 499  # the client went away and the router cancelled the call (embeddings)
            raise
        except BaseException as exc:
            api_exc = as_api_error(exc)
            status = api_exc.status
            raise api_exc from exc
        finally:
            used = result.get("usage")
            settling = self._settle(ticket, used, status != 200)
            self._record(
                principal, endpoint, entry.name, provider, status, used, started, None, _label(notes)
            )
        await self._durable(settling)
        result["model"] = requested
        return result, provider

    async def open_stream(
        self,
        principal: Principal,
        endpoint: Endpoint,
        body: dict[str, Any],
        notes: dict[str, Any] | None = None,
    ) -> tuple[AsyncIterator[list[dict[str, Any]]], str]:
        """Start a stream (errors before the first chunk raise ApiError); the iterator meters itself."""
        requested = body["model"]
        entry = self.model_for(principal, requested, endpoint)
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        started = time.perf_counter()
        body, shield = await self._shield(principal, entry, endpoint, body, notes)
        _note_shield(notes, shield)
        # Always ask the provider for usage so accounting is exact; hide it if the caller did not ask.
        upstream_body = {**body, "stream_options": {"include_usage": True}}
        ctx = CallContext(principal.tenant.name)
        ticket = await self._admit(principal, entry, endpoint, body, started)
        try:
            chunks, provider = await self.router.stream(entry, endpoint, upstream_body, ctx)
        except BaseException as exc:
            api_exc = as_api_error(exc)
            self._settle(ticket, None, failed=True)
            label = _label(notes)
            self._record(principal, endpoint, entry.name, None, api_exc.status, None, started, None, label)
            raise api_exc from exc
        call = _StreamCall(
            principal,
            endpoint,
            entry,
            body,
            provider,
            ticket,
            _StreamMeter(requested, include_usage, started, ChunkRestorer(shield) if shield else None),
        )
        call.label = _label(notes)
        # If the client is gone before the body is ever iterated, the generator below never runs its
        # `finally`; the guard then closes the provider stream and accounts for the call when collected.
        call.on_abandon = lambda c: self._later(self._abandoned(c, chunks))
        return self._metered(call, chunks, ctx), provider

    async def _metered(
        self, call: _StreamCall, batches: AsyncIterator[list[dict[str, Any]]], ctx: CallContext
    ) -> AsyncIterator[list[dict[str, Any]]]:
        meter = call.meter
        status = 200
        call.finished = True
        try:
            async for batch in batches:
                out = meter.process(batch)
                if out:
                    yield out
            if meter.usage is not None:  # complete: settled and recorded before the client sees [DONE]
                call.recorded = True
                settling = self._settle(call.ticket, meter.usage, failed=False)
                self._record_stream(call, status, meter.usage)
                await self._durable(settling)
        except ProviderError as exc:
            status = exc.status if exc.status >= 500 else 502
            yield [{"error": as_api_error(exc).body()["error"]}]
        except BaseException:
            status = 499  # the client went away
            ctx.cancelled = True
            raise
        finally:
            await close_quietly(batches)
            if call.recorded:
                pass  # accounted for above
            elif meter.usage is not None:
                self._settle(call.ticket, meter.usage, failed=False)
                self._record_stream(call, status, meter.usage)
            else:
                self._later(self._finish_cut(call, status))

    async def _abandoned(self, call: _StreamCall, batches: AsyncIterator[list[dict[str, Any]]]) -> None:
        await close_quietly(batches)
        await self._finish_cut(call, 499)

    async def _finish_cut(self, call: _StreamCall, status: int) -> None:
        """A stream cut short (client gone, provider broke) never got its usage chunk: count the prompt
        with the tokenizer and the chunks actually produced (one token each), then settle and record."""
        prompt = call.ticket.reserved_tokens
        if not prompt:
            try:
                prompt = await self.router.count_prompt_tokens(call.entry, call.endpoint, call.body)
            except Exception:
                prompt = 0
        usage = {"prompt_tokens": prompt, "completion_tokens": call.meter.produced}
        self._settle(call.ticket, usage, failed=call.meter.produced == 0)
        self._record_stream(call, status, usage)

    def _record_stream(self, call: _StreamCall, status: int, usage: dict[str, Any]) -> None:
        m = call.meter
        args = (call.principal, call.endpoint, call.entry.name, call.provider, status, usage, m.started)
        self._record(*args, m.ttft_ms, label=call.label)

    async def record_local(
        self, principal: Principal, endpoint: str, model: str, label: str, started: float
    ) -> None:
        """The usage row of an answer made here without a model (an assistant's extractive quote),
        committed before the answer goes out, as for any call."""
        self._record(principal, endpoint, model, "siyada-knowledge", 200, None, started, None, label=label)
        await self._durable(None)

    def _record(
        self,
        principal: Principal,
        endpoint: str,
        model: str,
        provider: str | None,
        status: int,
        usage: dict[str, Any] | None,
        started: float,
        ttft_ms: float | None,
        label: str | None = None,
    ) -> None:
        """One usage row; `label` (an assistant's `assistant/NAME@V`) names the model in the row, while the
        metrics keep the model's own name (a label per assistant version would grow without bound)."""
        if self.recorder is None:
            return
        usage = usage or {}
        prompt = int(usage.get("prompt_tokens") or 0)
        completion = int(usage.get("completion_tokens") or 0)
        latency_ms = (time.perf_counter() - started) * 1000
        self.recorder.record(
            UsageRecord(
                ts=time.time(),
                tenant_id=principal.tenant.id,
                key_id=principal.key_id,
                endpoint=endpoint,
                model=label or model,
                provider=provider,
                status=status,
                prompt_tokens=prompt,
                completion_tokens=completion,
                latency_ms=latency_ms,
                ttft_ms=ttft_ms,
                energy_wh=estimate_wh(provider, prompt, completion, latency_ms),
            )
        )
        if self.metrics is not None:
            self.metrics.observe_call(
                endpoint, model, provider, status, latency_ms / 1000, prompt, completion
            )


class _StreamCall:
    """One streaming call's accounting state, and a guard for a stream whose body is never iterated."""

    __slots__ = (
        "body",
        "endpoint",
        "entry",
        "finished",
        "label",
        "meter",
        "on_abandon",
        "principal",
        "provider",
        "recorded",
        "ticket",
    )

    def __init__(
        self,
        principal: Principal,
        endpoint: Endpoint,
        entry: ModelEntry,
        body: dict[str, Any],
        provider: str,
        ticket: Ticket,
        meter: _StreamMeter,
    ) -> None:
        self.principal = principal
        self.endpoint = endpoint
        self.entry = entry
        self.body = body
        self.provider = provider
        self.ticket = ticket
        self.meter = meter
        self.finished = False
        self.label: str | None = None
        self.recorded = False
        self.on_abandon: Any = None

    def __del__(self) -> None:
        if not self.finished and self.on_abandon is not None:
            try:
                self.on_abandon(self)  # no reference cycle through the callback
            except RuntimeError:  # no running loop (interpreter shutdown): nothing left to account to
                pass


class _StreamMeter:
    """Rewrites chunks for the caller (public model name, usage shown only if asked) and notes usage."""

    __slots__ = ("include_usage", "produced", "requested", "restorer", "started", "ttft_ms", "usage")

    def __init__(
        self, requested: str, include_usage: bool, started: float, restorer: ChunkRestorer | None = None
    ) -> None:
        self.requested = requested
        self.restorer = restorer
        self.include_usage = include_usage
        self.started = started
        self.usage: dict[str, Any] | None = None
        self.ttft_ms: float | None = None
        self.produced = 0

    def process(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for chunk in batch:
            chunk["model"] = self.requested
            has_choices = bool(chunk.get("choices"))
            if chunk.get("usage"):
                self.usage = chunk["usage"]
                if not self.include_usage:
                    if not has_choices:
                        continue
                    chunk.pop("usage")
            elif self.include_usage and has_choices and "usage" not in chunk:
                chunk["usage"] = None
            if has_choices:
                if self.restorer is not None:
                    self.restorer.process(chunk)
                if self.ttft_ms is None:
                    self.ttft_ms = (time.perf_counter() - self.started) * 1000
                self.produced += 1
            out.append(chunk)
        return out


def _label(notes: dict[str, Any] | None) -> str | None:
    return (notes or {}).get("usage_model")
