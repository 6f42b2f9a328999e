"""`siyada serve`: create the first tenant if there is none, then run the API server."""

from __future__ import annotations

import logging
import shlex
import sys
from typing import Annotated

import typer

from siyada import __version__
from siyada.cli.common import command_name, fail, open_engine, out, state
from siyada.config import ConfigError, load_settings


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "warning",
) -> None:
    """Start the API server."""
    from siyada.api.app import create_app
    from siyada.api.server import run as run_server
    from siyada.logs import configure as configure_logging

    try:
        settings = load_settings(state.get("data_dir"), state.get("config"), host, port)
    except ConfigError as exc:
        fail(str(exc), 2)
        return
    configure_logging(settings.file.logging)
    if settings.migrate_on_start:  # otherwise `siyada migrate` (a job) does both, and /ready waits for it
        open_engine(settings).dispose()
    try:
        api = create_app(settings)
    except ConfigError as exc:
        fail(str(exc), 2)
        return
    url = f"http://{settings.host}:{settings.port}"
    if settings.file.logging.format == "json":  # then every line the server writes is one JSON object
        logging.getLogger("siyada").info("Siyada %s serving on %s", __version__, url)
        run_server(api, settings, log_level)
        return
    out.print(f"Siyada {__version__} serving on [bold]{url}[/] (OpenAI API at {url}/v1)", highlight=False)
    out.print(f"Data directory: {settings.data_dir}", highlight=False)
    config = settings.config_path
    given = f" --config {shlex.quote(str(config))}" if config and config.parent != settings.data_dir else ""
    out.print(
        f"First operator key:  {command_name()} --data-dir {shlex.quote(str(settings.data_dir))}{given} "
        "keys create --tenant default --role operator",
        highlight=False,
        soft_wrap=True,  # one line a user can copy, however narrow the terminal
    )
    sys.stdout.flush()
    run_server(api, settings, log_level)
