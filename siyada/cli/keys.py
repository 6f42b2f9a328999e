"""`siyada keys`: create, list and revoke API keys (a secret is printed once, at creation)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from siyada.cli.common import err, fail, open_engine, out

keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)


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
        info, secret = create_key(open_engine(), tenant, role, name)
    except (KeyError_, TenantError) as exc:
        fail(str(exc))
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
        rows = list_keys(open_engine(), tenant)
    except TenantError as exc:
        fail(str(exc))
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
        k = revoke_key(open_engine(), key_id)
    except KeyError_ as exc:
        fail(str(exc))
        return
    out.print(f"Revoked key {k.id} ({k.prefix}…) of tenant {k.tenant}", highlight=False)
