"""`siyada tenants`: create and list tenants, and choose the models each may use."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from siyada.cli.common import fail, open_engine, out

tenants_app = typer.Typer(help="Manage tenants.", no_args_is_help=True)


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
        t = create_tenant(open_engine(first_tenant=False), name, description, allowed)
    except TenantError as exc:
        fail(str(exc))
        return
    out.print(f"Created tenant {t.name} (id {t.id})", highlight=False)


@tenants_app.command("list")
def tenants_list(as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """List tenants."""
    from siyada.governance.tenants import list_tenants

    rows = list_tenants(open_engine())
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
        t = set_allowed_models(open_engine(), name, allowed)
    except TenantError as exc:
        fail(str(exc))
        return
    out.print(
        f"Tenant {t.name} may use: {', '.join(t.allowed_models) if t.allowed_models is not None else 'all'}",
        highlight=False,
    )
