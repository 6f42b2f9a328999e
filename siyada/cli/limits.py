"""`siyada limits`: quotas per key or per tenant (requests/min, tokens/min, tokens/day, tokens/month)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from siyada.cli.common import fail, open_engine, out

limits_app = typer.Typer(help="Set and list quotas.", no_args_is_help=True)

Opt = Annotated[int | None, typer.Option(min=0)]


@limits_app.command("set")
def limits_set(
    tenant: Annotated[str | None, typer.Option(help="Limit this tenant (all its keys together).")] = None,
    key: Annotated[int | None, typer.Option(help="Limit this key (by id).")] = None,
    model: Annotated[str | None, typer.Option(help="Only calls to this model (default: all models).")] = None,
    rpm: Opt = None,
    tpm: Opt = None,
    tpd: Opt = None,
    monthly_tokens: Opt = None,
) -> None:
    """Create or replace a limit; omitted values mean no limit of that kind."""
    from siyada.governance.limits import LimitError, set_limit
    from siyada.governance.tenants import TenantError, get_tenant

    if (tenant is None) == (key is None):
        fail("give exactly one of --tenant or --key")
        return
    engine = open_engine()
    try:
        scope_id = get_tenant(engine, tenant).id if tenant is not None else key
        lim = set_limit(
            engine,
            "tenant" if tenant is not None else "key",
            int(scope_id),  # type: ignore[arg-type]
            model,
            rpm=rpm,
            tpm=tpm,
            tpd=tpd,
            monthly_tokens=monthly_tokens,
        )
    except (LimitError, TenantError) as exc:
        fail(str(exc))
        return
    out.print(f"Limit {lim.id} set (applies within about a second on running servers)", highlight=False)


@limits_app.command("list")
def limits_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List limits."""
    from siyada.governance.limits import list_limits

    rows = list_limits(open_engine())
    if as_json:
        print(json.dumps([r.__dict__ for r in rows]))
        return
    table = Table("id", "scope", "scope id", "model", "rpm", "tpm", "tpd", "monthly tokens")
    for r in rows:
        vals = [r.rpm, r.tpm, r.tpd, r.monthly_tokens]
        table.add_row(
            str(r.id),
            r.scope,
            str(r.scope_id),
            r.model or "all",
            *("" if v is None else str(v) for v in vals),
        )
    out.print(table)


@limits_app.command("delete")
def limits_delete(limit_id: int) -> None:
    """Remove a limit."""
    from siyada.governance.limits import LimitError, delete_limit

    try:
        delete_limit(open_engine(), limit_id)
    except LimitError as exc:
        fail(str(exc))
        return
    out.print(f"Deleted limit {limit_id}", highlight=False)
