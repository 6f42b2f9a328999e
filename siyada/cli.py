"""The `siyada` command: serve, models, tenants, keys, users, config. Calls the same services as the API."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from siyada import __version__
from siyada.cli_audit import audit_app
from siyada.cli_eval import eval_app
from siyada.cli_knowledge import collections_app, ingest, search
from siyada.cli_limits import limits_app
from siyada.cli_privacy import privacy_app
from siyada.cli_users import users_app
from siyada.config import ConfigError, Settings, load_settings

app = typer.Typer(
    help="Siyada: a sovereign OpenAI-compatible gateway for self-hosted models.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
tenants_app = typer.Typer(help="Manage tenants.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
models_app = typer.Typer(help="List and register models.", invoke_without_command=True)
config_app = typer.Typer(help="Check the configuration.", no_args_is_help=True)
app.add_typer(tenants_app, name="tenants")
app.add_typer(keys_app, name="keys")
app.add_typer(models_app, name="models")
app.add_typer(config_app, name="config")
app.add_typer(limits_app, name="limits")
app.add_typer(audit_app, name="audit")
app.add_typer(privacy_app, name="privacy")
app.add_typer(users_app, name="users")
app.add_typer(collections_app, name="collections")
app.add_typer(eval_app, name="eval")
app.command("ingest")(ingest)
app.command("search")(search)

out = Console()
err = Console(stderr=True)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", envvar="SIYADA_DATA_DIR", help="Data directory (database, registered models)."
    ),
]
ConfigPath = Annotated[
    Path | None, typer.Option("--config", envvar="SIYADA_CONFIG", help="TOML or YAML config file.")
]

_state: dict[str, Any] = {}


@app.callback()
def _root(
    data_dir: DataDir = None,
    config: ConfigPath = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        out.print(__version__)
        raise typer.Exit()
    _state["data_dir"] = data_dir
    _state["config"] = config


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _settings() -> Settings:
    try:
        return load_settings(_state.get("data_dir"), _state.get("config"))
    except ConfigError as exc:
        _fail(str(exc), 2)
        raise  # unreachable


def _engine(settings: Settings | None = None):  # type: ignore[no-untyped-def]
    from siyada.store.db import open_store

    settings = settings or _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return open_store(settings.database_url)


# ---- serve ----------------------------------------------------------------------------------------
@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "warning",
) -> None:
    """Start the API server."""
    import uvicorn

    from siyada.api.app import create_app
    from siyada.governance.tenants import create_tenant, list_tenants

    try:
        settings = load_settings(_state.get("data_dir"), _state.get("config"), host, port)
    except ConfigError as exc:
        _fail(str(exc), 2)
        return
    engine = _engine(settings)
    if not list_tenants(engine):
        create_tenant(engine, "default", "Created at first start")
    engine.dispose()
    try:
        api = create_app(settings)
    except ConfigError as exc:
        _fail(str(exc), 2)
        return
    url = f"http://{settings.host}:{settings.port}"
    out.print(f"Siyada {__version__} serving on [bold]{url}[/] (OpenAI API at {url}/v1)", highlight=False)
    out.print(f"Data directory: {settings.data_dir}", highlight=False)
    out.print(
        f"First operator key:  siyada --data-dir {settings.data_dir} keys create --tenant default "
        "--role operator",
        highlight=False,
    )
    sys.stdout.flush()
    # httptools measured 15-25% faster than h11 here; no access log on the hot path (usage rows record calls).
    uvicorn.run(
        api,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        access_log=False,
        http="httptools",
        loop="uvloop",
        # uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise: any local process
        # could then pick the address the login throttle counts it under.
        proxy_headers=bool(settings.file.trusted_proxies),
        forwarded_allow_ips=settings.file.trusted_proxies or None,
        timeout_graceful_shutdown=5,
    )


# ---- tenants --------------------------------------------------------------------------------------
@tenants_app.command("create")
def tenants_create(
    name: str,
    description: Annotated[str, typer.Option(help="Free text.")] = "",
    models: Annotated[
        str | None, typer.Option(help="Comma-separated model names the tenant may use (default: all).")
    ] = None,
) -> None:
    """Create a tenant."""
    from siyada.governance.tenants import TenantError, create_tenant

    allowed = [m.strip() for m in models.split(",") if m.strip()] if models else None
    try:
        t = create_tenant(_engine(), name, description, allowed)
    except TenantError as exc:
        _fail(str(exc))
        return
    out.print(f"Created tenant {t.name} (id {t.id})", highlight=False)


@tenants_app.command("list")
def tenants_list(as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """List tenants."""
    from siyada.governance.tenants import list_tenants

    rows = list_tenants(_engine())
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "id": t.id,
                        "name": t.name,
                        "description": t.description,
                        "allowed_models": t.allowed_models,
                    }
                    for t in rows
                ]
            )
        )
        return
    table = Table("id", "name", "models", "description")
    for t in rows:
        table.add_row(
            str(t.id),
            t.name,
            ", ".join(t.allowed_models) if t.allowed_models is not None else "all",
            t.description,
        )
    out.print(table)


@tenants_app.command("set-models")
def tenants_set_models(
    name: str,
    models: Annotated[str, typer.Argument(help="Comma-separated model names, or 'all'.")],
) -> None:
    """Choose which models a tenant may use."""
    from siyada.governance.tenants import TenantError, set_allowed_models

    allowed = None if models.strip() == "all" else [m.strip() for m in models.split(",") if m.strip()]
    try:
        t = set_allowed_models(_engine(), name, allowed)
    except TenantError as exc:
        _fail(str(exc))
        return
    out.print(
        f"Tenant {t.name} may use: {', '.join(t.allowed_models) if t.allowed_models is not None else 'all'}",
        highlight=False,
    )


# ---- keys -----------------------------------------------------------------------------------------
@keys_app.command("create")
def keys_create(
    tenant: Annotated[str, typer.Option(help="Tenant the key belongs to.")],
    role: Annotated[
        str, typer.Option(help="operator (the whole platform), admin (its tenant only) or user.")
    ] = "user",
    name: Annotated[str, typer.Option(help="A label for the key.")] = "",
) -> None:
    """Create an API key and print it on stdout (it is shown only once)."""
    from siyada.governance.keys import KeyError_, create_key
    from siyada.governance.tenants import TenantError

    try:
        info, secret = create_key(_engine(), tenant, role, name)
    except (KeyError_, TenantError) as exc:
        _fail(str(exc))
        return
    err.print(
        f"Created {info.role} key {info.id} for tenant {info.tenant}; store it now, it is not shown again.",
        highlight=False,
    )
    print(secret)


@keys_app.command("list")
def keys_list(
    tenant: Annotated[str | None, typer.Option(help="Only this tenant's keys.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """List API keys (never their secrets)."""
    from siyada.governance.keys import list_keys
    from siyada.governance.tenants import TenantError

    try:
        rows = list_keys(_engine(), tenant)
    except TenantError as exc:
        _fail(str(exc))
        return
    if as_json:
        print(json.dumps([k.__dict__ for k in rows]))
        return
    table = Table("id", "tenant", "role", "prefix", "name", "revoked")
    for k in rows:
        table.add_row(str(k.id), k.tenant, k.role, k.prefix + "…", k.name, "yes" if k.revoked_at else "")
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: int) -> None:
    """Revoke a key; requests with it get 401 (within the server's key cache time, 1 s by default)."""
    from siyada.governance.keys import KeyError_, revoke_key

    try:
        k = revoke_key(_engine(), key_id)
    except KeyError_ as exc:
        _fail(str(exc))
        return
    out.print(f"Revoked key {k.id} ({k.prefix}…) of tenant {k.tenant}", highlight=False)


# ---- models ---------------------------------------------------------------------------------------
@models_app.callback()
def models_list(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the models this configuration serves."""
    if ctx.invoked_subcommand is not None:
        return
    from siyada.gateway.registry import local_models

    settings = _settings()
    rows: list[dict[str, Any]] = [
        {"name": m.name, "kind": m.kind, "served_by": "embedded", "source": m.source, "path": str(m.path)}
        for m in local_models(_engine(settings), settings.file)
    ]
    for m in settings.file.models:
        rows.append(
            {
                "name": m.name,
                "kind": m.kind,
                "served_by": ", ".join(r.provider for r in m.routes),
                "source": "config",
                "path": "",
            }
        )
    if as_json:
        print(json.dumps(rows))
        return
    table = Table("name", "kind", "served by", "source", "path")
    for r in rows:
        table.add_row(r["name"], r["kind"], r["served_by"], r["source"], r["path"])
    out.print(table)


@models_app.command("add")
def models_add(
    path: Path,
    name: Annotated[str, typer.Option(help="Public model name.")],
) -> None:
    """Register a local GGUF chat model file under a public name (served by the embedded backend)."""
    from siyada.gateway.registry import register_model

    try:
        m = register_model(_engine(), path, name)
    except ConfigError as exc:
        _fail(str(exc))
        return
    out.print(f"Registered {m.name} -> {m.path} (restart the server to serve it)", highlight=False)


@models_app.command("remove")
def models_remove(name: str) -> None:
    """Unregister a local model (the file is left alone)."""
    from siyada.gateway.registry import remove_model

    try:
        remove_model(_engine(), name)
    except ConfigError as exc:
        _fail(str(exc))
        return
    out.print(f"Removed {name}", highlight=False)


# ---- config ---------------------------------------------------------------------------------------
@config_app.command("check")
def config_check() -> None:
    """Validate the config file and the egress allow-list; exit 2 with the reasons when unusable."""
    from siyada.gateway.egress import EgressPolicy
    from siyada.gateway.registry import egress_problems

    settings = _settings()
    cfg = settings.file
    problems = egress_problems(cfg)
    out.print(f"config file: {settings.config_path or '(none, defaults)'}", highlight=False)
    out.print(f"database: {settings.database_url}", highlight=False)
    out.print(
        f"egress allow-list: {', '.join(EgressPolicy.from_entries(cfg.egress_allow).describe()) or 'empty'}",
        highlight=False,
    )
    for p in cfg.providers:
        mark = "refused" if any(f"provider {p.name!r}" in x for x in problems) else "ok"
        out.print(f"provider {p.name}: {p.url} [{mark}]", highlight=False)
    if problems:
        for p in problems:
            err.print(f"[bold red]egress refused:[/] {p}", highlight=False)
        raise typer.Exit(2)
    out.print("configuration OK")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
