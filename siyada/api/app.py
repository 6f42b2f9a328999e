"""The FastAPI application: wires the store, the gateway and the routers together."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

from siyada import __version__, telemetry
from siyada.api.auth import KeyCache
from siyada.api.cutoff import ShutdownCutoff
from siyada.api.errors import install_error_handlers
from siyada.api.observe import Observe
from siyada.api.openapi import install_openapi
from siyada.api.routers import (
    admin,
    admin_governance,
    admin_users,
    assistant_channel,
    assistant_templates,
    assistants,
    audio,
    batches,
    collections,
    dataspace,
    dataspace_projects,
    dataspace_queries,
    documents,
    embeddings,
    evaluations,
    files,
    generation,
    health,
    models,
    privacy,
    ready,
    rerank,
    search,
    tokenize,
    uploads,
    widget,
)
from siyada.api.routers import audit_witness as audit_witness_router
from siyada.api.routers import metrics as metrics_router
from siyada.api.routers import usage as usage_router
from siyada.api.uploads import Uploads
from siyada.assistants.citizen import Citizen
from siyada.assistants.throttle import RedisThrottle, Throttle
from siyada.assistants.tokens import TokenSigner
from siyada.batches.runner import BatchRunner
from siyada.config import ConfigError, Settings
from siyada.dataspace.runner import LazySandbox
from siyada.gateway.registry import build_router
from siyada.gateway.router import Router
from siyada.gateway.service import Gateway
from siyada.gateway.tokenizer import Tokenizers
from siyada.governance import audit, audit_witness
from siyada.governance.limits import list_limits
from siyada.governance.login_throttle import LoginThrottle
from siyada.governance.metrics import Metrics
from siyada.governance.quota_counters import LocalCounters, RedisCounters
from siyada.governance.quotas import Quotas
from siyada.governance.usage import UsageRecorder
from siyada.governance.usage_query import rollup
from siyada.knowledge import lexical_rebuild
from siyada.knowledge.answer import GroundedChat
from siyada.knowledge.service import Knowledge
from siyada.knowledge.vectors import Embedder
from siyada.mcpserver.endpoint import PATH as MCP_PATH
from siyada.mcpserver.endpoint import McpEndpoint
from siyada.mcpserver.server import build_server as build_mcp_server
from siyada.mcpserver.tools import Services as McpServices
from siyada.privacy.policy import build_guard
from siyada.readiness import Readiness
from siyada.store.db import open_store
from siyada.ui import assistant_builder as ui_assistant_builder
from siyada.ui import assistants as ui_assistants
from siyada.ui import conversations as ui_conversations
from siyada.ui import dataspace as ui_dataspace
from siyada.ui import pages as ui_pages
from siyada.ui import routes as ui_routes
from siyada.ui import sso as ui_sso
from siyada.ui.oidc import OidcProviders
from siyada.workers import WorkerPool

log = logging.getLogger("siyada")

ROLLUP_EVERY_S = 3600.0
CHECKPOINT_EVERY_S = 60.0


async def _checkpoint_forever(engine: Engine, key_path: Path, settings: Settings) -> None:
    """Sign the newest audit entry every minute, so that deleting the tail of the log is detectable, and
    hand the witness (if any) what it lacks; a witness that is down is retried the next minute."""
    witness = settings.file.audit_witness
    while True:
        try:
            await asyncio.to_thread(audit.checkpoint, engine, key_path)
        except Exception:
            log.exception("audit checkpoint failed; will retry")
        if witness:
            try:
                await asyncio.to_thread(
                    audit_witness.push, engine, key_path, witness, settings.file.audit_witness_key
                )
            except Exception as exc:
                log.warning("audit witness %s did not take the checkpoints (will retry): %s", witness, exc)
        await asyncio.sleep(CHECKPOINT_EVERY_S)


def _warn_outdated(engine: Engine) -> None:
    """One warning per collection whose lexical terms an older analysis made: searches on it still run,
    but miss what the new analysis would find, until `siyada collections reindex`."""
    try:
        found = lexical_rebuild.outdated(engine)
    except sa.exc.SQLAlchemyError as exc:  # a schema behind this version (migrated later by a job)
        log.warning("could not check collections' analysis versions: %s", exc.__class__.__name__)
        return
    for tenant, name, reason in found:
        log.warning(
            "collection %r of tenant %r needs `siyada collections reindex %s --tenant %s`: %s",
            name, tenant, name, tenant, reason,
        )  # fmt: skip


def _warm(knowledge: Knowledge) -> None:
    """The knowledge warm-up, off the event loop; a failure costs only speed, so it is logged."""
    try:
        log.info("knowledge warmed: %s", knowledge.warm())
    except Exception:  # e.g. the store closed by a shutdown mid-way
        log.warning("knowledge warm-up failed", exc_info=True)


async def _rollup_forever(engine: Engine) -> None:
    """Fold raw usage rows past the retention window into daily rows, at start and then hourly."""
    while True:
        try:
            folded = await asyncio.to_thread(rollup, engine)
            if folded:
                log.info("rolled %d usage rows up into daily totals", folded)
        except Exception:
            log.exception("usage roll-up failed; will retry in an hour")
        await asyncio.sleep(ROLLUP_EVERY_S)


def _audit_config(engine: Engine, settings: Settings) -> None:
    """Record which configuration this server runs with (its hash), so config changes show in the audit."""
    path = settings.config_path
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path else "defaults"
    audit.record(
        engine,
        "config.loaded",
        actor="system",
        target=path.name if path else "",
        details={
            "sha256": digest,
            "providers": len(settings.file.providers),
            "models": len(settings.file.models),
        },
    )


def _embedder_lookup(router: Router) -> Callable[[str], Embedder | None]:
    """Knowledge shares the gateway's loaded embedding models (one copy in memory, one lock)."""
    embedded = router.providers.get("embedded")
    embed = getattr(embedded, "embed", None)

    def lookup(name: str) -> Embedder | None:
        if embed is None or not embed.knows(name):
            return None
        return embed.get(name)

    return lookup


def create_app(settings: Settings) -> FastAPI:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        telemetry.setup(settings.file.telemetry)
    except telemetry.TelemetryError as exc:
        raise ConfigError(str(exc)) from exc
    engine = open_store(settings.database_url, settings.migrate_on_start)
    router = build_router(settings.file, engine)
    _audit_config(engine, settings)
    recorder = UsageRecorder(engine)
    metrics = Metrics()
    _queue_gauge(metrics, router)
    counters = RedisCounters(settings.redis_url) if settings.redis_url else LocalCounters()
    quotas = Quotas(counters, lambda: list_limits(engine), lease_seconds=settings.file.quota_lease_seconds)
    workers = WorkerPool.from_config(settings.file.workers)  # parsing and privacy analysis, isolated
    sandbox = _sandbox(metrics)  # the data space's DuckDB workers, started by the first query

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        router.start_probing()
        recorder.start()
        rollup_task = asyncio.create_task(_rollup_forever(engine))
        checkpoint_task = asyncio.create_task(
            _checkpoint_forever(engine, audit.key_path_for(settings.data_dir), settings)
        )
        embedded = router.providers.get("embedded")
        chat = getattr(embedded, "chat", None)
        if chat is not None and settings.file.embedded.chat_model in chat.paths:
            chat.preload(settings.file.embedded.chat_model)
        await asyncio.to_thread(_warn_outdated, engine)
        await app.state.mcp.start()
        app.state.batches.start()
        if settings.file.knowledge.warm_at_start:
            threading.Thread(
                target=_warm, args=(app.state.knowledge,), name="siyada-warm", daemon=True
            ).start()
        try:
            yield
        finally:
            await app.state.mcp.stop()
            rollup_task.cancel()
            checkpoint_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await rollup_task
            await app.state.batches.close()  # before the recorder: its last usage rows are flushed
            await recorder.close()
            if isinstance(counters, RedisCounters):
                await counters.close()
            await router.close()
            workers.close()
            sandbox.close()
            engine.dispose()
            telemetry.shutdown()  # the spans still batched go to the collector

    app = FastAPI(
        title="Siyada",
        version=__version__,
        lifespan=lifespan,
        description="Sovereign OpenAI-compatible gateway for self-hosted models",
        **_without_native_telemetry(),
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.readiness = Readiness(engine, counters.ping if isinstance(counters, RedisCounters) else None)
    app.state.privacy = build_guard(settings.file.privacy, settings.data_dir)
    app.state.gateway = Gateway(
        router,
        recorder if settings.file.usage_accounting else None,
        quotas,
        metrics if settings.file.usage_accounting else None,
        app.state.privacy,
        durable_usage=settings.file.durable_usage,
    )
    app.state.workers = workers
    app.state.batches = BatchRunner(engine, app.state.gateway, settings.data_dir, settings.file.batches)
    app.state.sandbox = sandbox
    app.state.knowledge = Knowledge.from_config(
        engine, _embedder_lookup(router), app.state.privacy, settings.file.knowledge, workers
    )
    app.state.grounded = GroundedChat(
        app.state.gateway,
        app.state.knowledge,
        settings.file.knowledge.retrieval_k,
        settings.file.knowledge.answer_min_evidence,
        settings.file.knowledge.answer_reader,
        settings.file.knowledge.answer_abstain_threshold,
        settings.file.knowledge.answer_typed,
        settings.file.knowledge.answer_reader_choice,
    )
    app.state.citizen = Citizen(  # the assistants' widget: anonymous, token-bound, rate-limited
        engine,
        app.state.gateway,
        app.state.grounded,
        app.state.privacy,
        TokenSigner.for_config(
            settings.data_dir, settings.file.widget.secret, settings.file.widget.previous_secrets
        ),
        RedisThrottle(counters.client) if isinstance(counters, RedisCounters) else Throttle(),
    )
    app.state.tokenizers = Tokenizers(app.state.gateway, settings.file.embedded.chat_model)
    app.state.quotas = quotas
    app.state.metrics = metrics
    app.state.keys = KeyCache(engine, settings.file.key_cache_seconds)
    app.state.uploads = Uploads()  # progress of the uploads being ingested here (the web app's bar)
    app.state.logins = LoginThrottle()  # failed password logins per address, this process only
    app.state.mcp = McpEndpoint(
        build_mcp_server(
            McpServices(app.state.knowledge, app.state.grounded, settings.file.embedded.chat_model)
        ),
        app.state.keys,
        settings.file.max_body_bytes,
    )
    app.state.sso = OidcProviders(settings.file.oidc)  # the web app's OpenID providers (siyada.ui.sso)
    install_error_handlers(app)
    # MCP for agents (siyada.mcpserver): stateless, so POST alone (no session stream to GET or DELETE)
    app.add_route(MCP_PATH, app.state.mcp, ["POST"], include_in_schema=False)
    for r in (
        health.router,
        ready.router,
        models.router,
        generation.router,
        embeddings.router,
        usage_router.router,
        admin.router,
        admin_governance.router,
        admin_users.router,
        audit_witness_router.router,
        privacy.router,
        collections.router,
        assistant_templates.router,  # before assistants: /v1/assistants/templates
        assistants.router,
        assistant_channel.router,
        widget.router,
        documents.router,
        uploads.router,
        search.router,
        evaluations.router,
        dataspace.router,
        dataspace_projects.router,
        dataspace_queries.router,
        tokenize.router,
        files.router,
        batches.router,
        rerank.router,
        audio.router,
        metrics_router.router,
        ui_routes.router,
        ui_conversations.router,
        ui_dataspace.router,
        ui_assistants.router,
        ui_sso.router,
        ui_assistant_builder.router,
    ):
        app.include_router(r)
    app.mount("/ui/static", StaticFiles(directory=ui_pages.STATIC), name="ui-static")
    install_openapi(app)
    app.add_middleware(ShutdownCutoff)
    # Outermost: the request id and the server span cover everything, the cut-off's 503 included.
    app.add_middleware(
        Observe, access_log=settings.file.logging.access_log and settings.file.logging.format == "json"
    )
    return app


def _without_native_telemetry() -> dict[str, Any]:
    """Recent FastAPI traces by itself once a global OpenTelemetry provider exists (set up from OTEL_*
    variables, say), with raw paths and query strings, which may hold ids and personal data: Siyada's own
    spans (siyada.telemetry, siyada.api.observe) are the only ones."""
    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False, "auto_configure": False}}


def _sandbox(metrics: Metrics) -> LazySandbox:
    sandbox = LazySandbox()
    metrics.set_gauge_source(
        "siyada_dataspace_sandbox_jobs", "Jobs handed to the data space's sandbox.", lambda: sandbox.jobs
    )
    metrics.set_gauge_source(
        "siyada_dataspace_sandbox_workers", "The data space's sandbox processes.", lambda: sandbox.workers
    )
    return sandbox


def _queue_gauge(metrics: Metrics, router: Router) -> None:
    """Expose the embedded chat queue's depth, read at scrape time."""
    embedded = router.providers.get("embedded")
    if embedded is not None and hasattr(embedded, "status"):
        metrics.set_gauge_source(
            "siyada_embedded_queue_depth",
            "Requests waiting for the embedded chat model.",
            lambda: (embedded.status() or {}).get("queued", 0),
        )
