"""`siyada models`: list the models a configuration serves, register and remove local GGUF files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from siyada.cli.common import current_settings, fail, open_engine, out
from siyada.config import ConfigError

models_app = typer.Typer(help="List and register models.", invoke_without_command=True)


@models_app.callback()
def models_list(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the models this configuration serves."""
    if ctx.invoked_subcommand is not None:
        return
    from siyada.gateway.registry import local_models

    settings = current_settings()
    rows: list[dict[str, Any]] = [
        {"name": m.name, "kind": m.kind, "served_by": "embedded", "source": m.source, "path": str(m.path)}
        for m in local_models(open_engine(settings), settings.file)
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
        m = register_model(open_engine(), path, name)
    except ConfigError as exc:
        fail(str(exc))
        return
    out.print(f"Registered {m.name} -> {m.path} (restart the server to serve it)", highlight=False)


@models_app.command("remove")
def models_remove(name: str) -> None:
    """Unregister a local model (the file is left alone)."""
    from siyada.gateway.registry import remove_model

    try:
        remove_model(open_engine(), name)
    except ConfigError as exc:
        fail(str(exc))
        return
    out.print(f"Removed {name}", highlight=False)
