"""Running batches in the background, through the same gateway call as a live request.

Each server process runs a loop that claims runnable batches (a lease in the database, renewed while it
runs them, so that several replicas never run the same batch and a killed one's batches are resumed once
its lease lapses). A claimed batch is validated, then its requests are sent `concurrency` at a time as
the batch's own key (the tenant's models, the privacy shield, quotas and a usage row, as a live call),
each answer committed in its own transaction before the next state change. A resumed batch skips the
custom ids already answered: the output holds each once. A request in flight when a server is killed
has no answer committed and is sent again (at least once upstream; its first attempt, cut by the kill,
wrote no usage row). A quota refusal is that request's 429 in the error file: the batch goes on without
waiting or retrying, and the caller re-submits what failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy.engine import Engine

from siyada.api.body import validate
from siyada.api.schemas import ChatCompletionRequest, CompletionRequest, EmbeddingRequest
from siyada.batches import files, spec, store
from siyada.config_integration import BatchesConfig
from siyada.errors import ApiError, error_body
from siyada.gateway.backends.base import Endpoint
from siyada.gateway.service import Gateway
from siyada.governance.keys import Principal, principal_of_key

log = logging.getLogger("siyada.batches")
_SCHEMAS: dict[str, tuple[Endpoint, type[BaseModel]]] = {
    "/v1/chat/completions": ("chat/completions", ChatCompletionRequest),
    "/v1/completions": ("completions", CompletionRequest),
    "/v1/embeddings": ("embeddings", EmbeddingRequest),
}
STATUS_EVERY_S = 0.5  # how often a running batch re-reads its state (a cancel, its window)


class BatchRunner:
    def __init__(self, engine: Engine, gateway: Gateway, data_dir: Path, config: BatchesConfig) -> None:
        self.engine = engine
        self.gateway = gateway
        self.data_dir = data_dir
        self.config = config
        self.owner = "srv-" + secrets.token_hex(8)  # this process's claims
        self._running: dict[str, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._loop = asyncio.create_task(self._forever())

    def wake(self) -> None:
        """A batch was created: look for work now rather than at the next poll."""
        self._wake.set()

    async def close(self) -> None:
        """Stop: cancel the loop and the batches it runs, and hand their claims back (a restarted server
        resumes them at once instead of after the lease)."""
        held = list(self._running)  # read before cancelling: a task that ends leaves this map
        tasks = [t for t in (self._loop, *self._running.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task
        for batch_id in held:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(store.release, self.engine, batch_id, self.owner)

    async def _forever(self) -> None:
        while True:
            free = self.config.running - len(self._running)
            if free > 0:
                try:
                    claimed = await asyncio.to_thread(
                        store.claim, self.engine, self.owner, self.config.lease_seconds, free
                    )
                except Exception:
                    log.exception("could not look for batches to run; will retry")
                    claimed = []
                for batch_id in claimed:
                    if batch_id in self._running:  # still ours (its claim renewed late): running already
                        continue
                    task = asyncio.create_task(self._guarded(batch_id))
                    self._running[batch_id] = task
                    task.add_done_callback(lambda _t, b=batch_id: self._running.pop(b, None))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.config.poll_seconds)
            self._wake.clear()

    async def _guarded(self, batch_id: str) -> None:
        beat = asyncio.create_task(self._heartbeat(batch_id, asyncio.current_task()))
        try:
            await self._run(batch_id)
        except asyncio.CancelledError:
            if beat.done() and beat.result():  # the claim was lost, not the server stopping
                log.warning("batch %s was taken over by another server; this one stops running it", batch_id)
                return
            raise
        except _Moved:  # a cancel (or another server) changed it meanwhile: start over from its new state
            await asyncio.to_thread(store.release, self.engine, batch_id, self.owner)
        except Exception:  # a database outage: the claim lapses and the batch is resumed later
            log.exception("batch %s stopped; it resumes when its claim lapses", batch_id)
        finally:
            beat.cancel()

    async def _heartbeat(self, batch_id: str, run: asyncio.Task[Any] | None) -> bool:
        """Renew the claim every third of the lease, whatever the batch waits on (a slow upstream); a claim
        another server took over stops the run (returns True then)."""
        while True:
            await asyncio.sleep(self.config.lease_seconds / 3)
            try:
                held = await asyncio.to_thread(
                    store.renew, self.engine, batch_id, self.owner, self.config.lease_seconds
                )
            except Exception:  # the database away for a moment: the lease still runs; try again
                log.warning("could not renew the claim on batch %s", batch_id, exc_info=True)
                continue
            if not held:
                if run is not None:
                    run.cancel()
                return True

    async def _run(self, batch_id: str) -> None:
        batch = await asyncio.to_thread(store.load, self.engine, batch_id)
        if batch is None:
            return
        principal = await asyncio.to_thread(principal_of_key, self.engine, batch.key_id)
        parsed = await asyncio.to_thread(self._parse, batch)
        errors = parsed.errors or ([] if principal is not None else [_revoked()])
        if errors or principal is None:
            if batch.status == "validating":  # OpenAI's `failed`: the input could not be used at all
                await self._move(batch_id, "validating", "failed", ended=True, errors=errors)
                return
            await self._move(batch_id, batch.status, "finalizing", errors=errors)
            await self._finish(batch, parsed, "failed")
            return
        if batch.status == "validating":
            await self._move(batch_id, "validating", "in_progress", total=len(parsed.requests))
            batch = await asyncio.to_thread(store.load, self.engine, batch_id)
            assert batch is not None
        # resumed where it stopped: cancelling (the cancel came while no server ran it), finalizing
        final = "cancelled" if batch.status == "cancelling" else "completed"
        if batch.status == "in_progress":
            final = await self._execute(batch, principal, parsed)
            if final == "revoked":
                await self._move(batch_id, "in_progress", "finalizing", errors=[_revoked()])
                final = "failed"
            elif final == "completed":
                await self._move(batch_id, "in_progress", "finalizing")
        await self._finish(batch, parsed, final)

    def _parse(self, batch: store.Batch) -> spec.Parsed:
        try:
            path = files.content_path(self.engine, self.data_dir, batch.tenant_id, batch.input_file_id)
            data = path.read_bytes()  # bounded: uploads are at most max_file_bytes
        except (ApiError, OSError):
            return spec.Parsed(
                [], [spec.error("file_not_found", "The input file is gone", None, "input_file_id")]
            )
        c = self.config
        return spec.parse(data, batch.endpoint, c.max_requests, c.max_line_bytes)

    async def _execute(self, batch: store.Batch, principal: Principal, parsed: spec.Parsed) -> str:
        """Send the requests not yet answered; returns how the batch ends (completed, cancelled, expired)."""
        done = await asyncio.to_thread(store.done, self.engine, batch.id)
        slots = asyncio.Semaphore(self.config.concurrency)
        inflight: set[asyncio.Task[None]] = set()
        checked, outcome = 0.0, "completed"
        try:
            for req in parsed.requests:
                if req.custom_id in done:
                    continue
                await slots.acquire()
                if time.monotonic() - checked > STATUS_EVERY_S:
                    outcome = await self._outcome(batch)
                    checked = time.monotonic()
                    if outcome != "completed":
                        slots.release()
                        break
                task = asyncio.create_task(self._request(batch, principal, req))
                inflight.add(task)
                task.add_done_callback(inflight.discard)
                task.add_done_callback(lambda _t: slots.release())
            if inflight:
                await asyncio.gather(*inflight)
        finally:
            for task in inflight:
                task.cancel()
        return await self._outcome(batch) if outcome == "completed" else outcome

    async def _outcome(self, batch: store.Batch) -> str:
        now = await asyncio.to_thread(store.load, self.engine, batch.id)
        if now is not None and now.status == "cancelling":
            return "cancelled"
        if time.time() > batch.expires_at:
            return "expired"
        # the batch runs as its key: a key revoked meanwhile stops it, as it stops the key's live calls
        if await asyncio.to_thread(principal_of_key, self.engine, batch.key_id) is None:
            return "revoked"
        return "completed"

    async def _request(self, batch: store.Batch, principal: Principal, req: spec.Request) -> None:
        status, body = await self._call(batch.endpoint, principal, req.body)
        line = {
            "id": "batch_req_" + secrets.token_hex(12),
            "custom_id": req.custom_id,
            "response": {"status_code": status, "request_id": "req_" + secrets.token_hex(12), "body": body},
            "error": None,
        }
        await asyncio.to_thread(store.answered, self.engine, batch.id, req.line, req.custom_id, status, line)

    async def _call(
        self, endpoint: str, principal: Principal, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        """One request as a live call makes it: the same validation, then the gateway."""
        name, schema = _SCHEMAS[endpoint]
        try:
            validate(schema, body)
            if body.get("stream"):
                raise ApiError(400, "A batch request cannot stream", code="invalid_request", param="stream")
            if body.get("collections"):
                raise ApiError(
                    400, "Grounded answers (collections) are not served in batches",
                    code="invalid_request", param="collections",
                )  # fmt: skip
            result, _provider = await self.gateway.call(principal, name, dict(body))
        except ApiError as exc:
            return exc.status, exc.body()
        except Exception:  # as a live call would answer it (siyada.api.errors)
            log.exception("a batch request failed")
            return 500, error_body(500, "Internal server error", code="internal_error")
        return 200, result

    async def _move(self, batch_id: str, was: str, status: str, **values: Any) -> None:
        def move() -> bool:
            with self.engine.begin() as conn:
                return store.move(conn, batch_id, self.owner, was, status, **values)

        if not await asyncio.to_thread(move):
            raise _Moved

    async def _finish(self, batch: store.Batch, parsed: spec.Parsed, final: str) -> None:
        """Write the output and error files of what was answered, and end the batch, in one transaction."""
        expired = []
        if final == "expired":  # OpenAI's shape for the requests the window left unsent
            done = await asyncio.to_thread(store.done, self.engine, batch.id)
            expired = [_expired(r) for r in parsed.requests if r.custom_id not in done]
        await asyncio.to_thread(self._write_files, batch, final, expired)

    def _write_files(self, batch: store.Batch, final: str, expired: list[dict[str, Any]]) -> None:
        written: list[files.StoredFile] = []
        try:
            with self.engine.begin() as conn:
                ids: dict[str, str | None] = {}
                for name, ok in (("output", True), ("error", False)):
                    lines = store.answers(conn, batch.id, ok) + ([] if ok else expired)
                    ids[f"{name}_file_id"] = None
                    if lines:
                        stored = files.write(
                            conn, self.data_dir, batch.tenant_id, "batch_output",
                            f"{batch.id}_{name}.jsonl", _jsonl(lines),
                        )  # fmt: skip
                        written.append(stored)
                        ids[f"{name}_file_id"] = stored.id
                if not store.move(conn, batch.id, self.owner, _FROM[final], final, ended=True, **ids):
                    raise _Moved
        except BaseException:
            files.discard(self.data_dir, *written)
            raise


class _Moved(Exception):
    """The batch is not in the state this run left it in: cancelled meanwhile, or taken over by another
    server (this one stalled past its lease). The run stops; the batch is picked up again as it is now."""


_FROM = {
    "completed": "finalizing",
    "failed": "finalizing",
    "cancelled": "cancelling",
    "expired": "in_progress",
}


def _jsonl(lines: list[dict[str, Any]]) -> Iterator[bytes]:
    for line in lines:
        yield orjson.dumps(line) + b"\n"


def _expired(req: spec.Request) -> dict[str, Any]:
    error = {
        "code": "batch_expired",
        "message": "This request could not be executed before the completion window expired.",
    }
    return {
        "id": "batch_req_" + secrets.token_hex(12),
        "custom_id": req.custom_id,
        "response": None,
        "error": error,
    }


def _revoked() -> dict[str, Any]:
    return spec.error("invalid_api_key", "The key that created this batch was revoked", None, None)
