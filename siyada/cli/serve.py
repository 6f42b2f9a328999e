"""`siyada serve`: create the first tenant if there is none, then run the API server."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from siyada import __version__
from siyada.cli.common import fail, open_engine, out, state
from siyada.config import ConfigError, load_settings


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "warning",
) -> None:
    """Start the API server."""
    from siyada.api.app import create_app
    from siyada.api.server import run as run_server
    from siyada.governance.tenants import create_tenant, list_tenants

    try:
        settings = load_settings(state.get("data_dir"), state.get("config"), host, port)
    except ConfigError as exc:
        fail(str(exc), 2)
        return
    engine = open_engine(settings)
    if not list_tenants(engine):
        create_tenant(engine, "default", "Created at first start")
    engine.dispose()
    try:
        api = create_app(settings)
    except ConfigError as exc:
        fail(str(exc), 2)
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
    run_server(api, settings, log_level)
