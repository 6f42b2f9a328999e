"""The FastAPI application: wires the store, the gateway and the routers together."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from siyada import __version__
from siyada.api.auth import KeyCache
from siyada.api.errors import install_error_handlers
from siyada.api.routers import embeddings, generation, health, models
from siyada.config import Settings
from siyada.gateway.registry import build_router
from siyada.gateway.service import Gateway
from siyada.governance.usage import UsageRecorder
from siyada.store.db import open_store

log = logging.getLogger("siyada")


def create_app(settings: Settings) -> FastAPI:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = open_store(settings.database_url)
    router = build_router(settings.file, engine)
    recorder = UsageRecorder(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        router.start_probing()
        recorder.start()
        embedded = router.providers.get("embedded")
        chat = getattr(embedded, "chat", None)
        if chat is not None and settings.file.embedded.chat_model in chat.paths:
            chat.preload(settings.file.embedded.chat_model)
        try:
            yield
        finally:
            await recorder.close()
            await router.close()
            engine.dispose()

    app = FastAPI(
        title="Siyada",
        version=__version__,
        lifespan=lifespan,
        description="Sovereign OpenAI-compatible gateway for self-hosted models",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.gateway = Gateway(router, recorder)
    app.state.keys = KeyCache(engine, settings.file.key_cache_seconds)
    install_error_handlers(app)
    for r in (health.router, models.router, generation.router, embeddings.router):
        app.include_router(r)
    return app
