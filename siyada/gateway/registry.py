"""Builds the model table and the providers from settings and the store: packaged models, locally
registered GGUF files, and upstreams declared in the config file (checked against the egress allow-list)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.config import ConfigError, FileConfig
from siyada.gateway.backends.base import Provider
from siyada.gateway.backends.embedded import EmbeddedProvider
from siyada.gateway.backends.embedder import E5Embedder, EmbedderProvider
from siyada.gateway.backends.llama import LlamaProvider
from siyada.gateway.backends.reranker import RerankBackend
from siyada.gateway.backends.upstream import UpstreamProvider
from siyada.gateway.cards import PACKAGED_CARDS, declared, unevaluated
from siyada.gateway.egress import EgressPolicy
from siyada.gateway.packaged import PACKAGED, PACKAGED_EMBEDDINGS, PACKAGED_STATIC_EMBEDDINGS
from siyada.gateway.router import ModelEntry, ProviderState, Route, Router
from siyada.governance import audit
from siyada.store.tables import registered_models


@dataclass(frozen=True)
class LocalModel:
    name: str
    kind: str
    path: Path
    source: str  # "package:<dist>" or "registered"


def egress_problems(cfg: FileConfig) -> list[str]:
    """Every provider the allow-list forbids, with the reason — empty when the config is sound."""
    policy = EgressPolicy.from_entries(cfg.egress_allow)
    problems = []
    for p in cfg.providers:
        reason = policy.explain(p.url)
        if reason:
            problems.append(f"provider {p.name!r} ({p.url}): {reason}")
    return problems


def local_models(engine: Engine, cfg: FileConfig) -> list[LocalModel]:
    found: list[LocalModel] = []
    if cfg.embedded.enabled:
        for pm in PACKAGED:
            path = pm.path()
            if path is not None:
                found.append(LocalModel(pm.name, pm.kind, path, f"package:{pm.package}"))
    with engine.connect() as conn:
        for row in conn.execute(sa.select(registered_models).order_by(registered_models.c.id)):
            found.append(LocalModel(row.name, row.kind, Path(row.path), "registered"))
    return found


def embedding_loaders(models: list[LocalModel], threads: int) -> dict[str, Callable[[], Any]]:
    """Public name -> a loader of the embedding model (the e5 transformer, or the static model)."""
    loaders: dict[str, Callable[[], Any]] = {}
    for m in models:
        if m.kind != "embeddings":
            continue
        if m.name == PACKAGED_STATIC_EMBEDDINGS.name:
            from siyada.gateway.backends.static import StaticEmbedder

            loaders[m.name] = lambda path=m.path: StaticEmbedder(path)
        else:
            loaders[m.name] = lambda: E5Embedder(threads)
    return loaders


def _rerank_backend(models: list[LocalModel], embed: EmbedderProvider | None) -> RerankBackend | None:
    """The packaged re-scorer, scoring with the packaged e5 the embeddings backend loads (one copy)."""
    if embed is None or not embed.knows(PACKAGED_EMBEDDINGS.name):
        return None
    names = {m.name: PACKAGED_EMBEDDINGS.name for m in models if m.kind == "rerank"}
    return RerankBackend(embed, names) if names else None


def register_model(engine: Engine, path: Path, name: str, kind: str = "chat") -> LocalModel:
    """Record a local model file (e.g. a bigger GGUF a deployment brings) under a public name."""
    path = path.expanduser().resolve()
    if not path.is_file():
        raise ConfigError(f"{path} is not a file")
    if kind == "chat":
        with path.open("rb") as fh:
            if fh.read(4) != b"GGUF":
                raise ConfigError(f"{path} is not a GGUF file (bad magic bytes)")
    elif kind != "chat":
        raise ConfigError("only chat models (GGUF) can be registered for now")
    if name in {pm.name for pm in PACKAGED}:
        raise ConfigError(f"{name!r} is reserved for a packaged model")
    with engine.begin() as conn:
        exists = conn.execute(
            sa.select(registered_models.c.id).where(registered_models.c.name == name)
        ).first()
        if exists:
            raise ConfigError(f"a model named {name!r} is already registered")
        conn.execute(
            registered_models.insert().values(name=name, kind=kind, path=str(path), created_at=time.time())
        )
    audit.record(engine, "model.registered", actor="cli", target=name, details={"kind": kind})
    return LocalModel(name, kind, path, "registered")


def remove_model(engine: Engine, name: str) -> None:
    with engine.begin() as conn:
        res = conn.execute(registered_models.delete().where(registered_models.c.name == name))
    if res.rowcount == 0:
        raise ConfigError(f"no registered model named {name!r}")
    audit.record(engine, "model.removed", actor="cli", target=name)


def build_router(cfg: FileConfig, engine: Engine) -> Router:
    problems = egress_problems(cfg)
    if problems:
        raise ConfigError("egress guard: " + "; ".join(problems))
    policy = EgressPolicy.from_entries(cfg.egress_allow)
    locals_ = local_models(engine, cfg)
    emb = cfg.embedded
    chat_paths = {m.name: m.path for m in locals_ if m.kind == "chat"}
    loaders = embedding_loaders(locals_, emb.threads)
    chat = (
        LlamaProvider(
            chat_paths,
            n_ctx=emb.context_length,
            threads=emb.threads,
            queue_size=emb.queue_size,
            max_tokens=emb.max_tokens_default,
        )
        if emb.enabled and chat_paths
        else None
    )
    embed = EmbedderProvider(loaders) if loaders else None
    rerank = _rerank_backend(locals_, embed)
    providers: dict[str, Provider] = {"embedded": EmbeddedProvider(chat, embed, rerank)}
    states = {"embedded": ProviderState(failure_threshold=1_000_000, cooldown=1.0)}
    for p in cfg.providers:
        providers[p.name] = UpstreamProvider(p, policy)
        states[p.name] = ProviderState(
            failure_threshold=p.failure_threshold, cooldown=p.cooldown, retries=p.retries, backoff=p.backoff
        )
    router = Router(providers, states)
    in_config = {m.name for m in cfg.models}
    for m in locals_:
        if m.name not in in_config:
            card = (
                PACKAGED_CARDS.get(m.name, unevaluated())
                if m.source.startswith("package:")
                else unevaluated()
            )
            router.add_model(
                ModelEntry(m.name, m.kind, [Route("embedded", m.name)], owned_by=m.source, card=card)
            )
    for m in cfg.models:
        routes = [Route(r.provider, r.model or m.name, r.priority) for r in m.routes]
        # A config entry over a packaged model keeps the packaged card for whatever it leaves out.
        packaged = [
            PACKAGED_CARDS[r.upstream_model]
            for r in routes
            if r.provider == "embedded" and r.upstream_model in PACKAGED_CARDS
        ]
        base = packaged[0] if packaged else unevaluated()
        card = declared(m.tier, m.languages, m.good_for, m.not_for, base)
        router.add_model(
            ModelEntry(m.name, m.kind, routes, m.aliases, m.context_length, owned_by="siyada", card=card)
        )
    return router
