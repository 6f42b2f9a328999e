"""`siyada dataspace`: the R&D data space seen by the platform's operator: every data set, the DCAT
catalogue, the register of approved projects, and revoking a grant (the API's services, no other path)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from siyada.cli.common import fail, open_engine, out

dataspace_app = typer.Typer(
    help="The R&D data space: data sets, catalogue, register, grants.", no_args_is_help=True
)


@dataspace_app.command("list")
def dataspace_list(as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """Every tenant's data sets, drafts included."""
    import sqlalchemy as sa

    from siyada.store.tables import dataspace_datasets as d
    from siyada.store.tables import tenants

    q = sa.select(d.c.id, tenants.c.name, d.c.title, d.c.status, d.c.rows, d.c.format).join(
        tenants, tenants.c.id == d.c.tenant_id
    )
    with open_engine().connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q.order_by(d.c.created_at))]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("id", "owner", "title", "status", "rows", "format")
    for r in rows:
        table.add_row(r["id"], r["name"], r["title"], r["status"], str(r["rows"]), r["format"])
    out.print(table)


@dataspace_app.command("catalog")
def dataspace_catalog(
    fmt: Annotated[str, typer.Option("--format", help="jsonld or ttl.")] = "jsonld",
    base_url: Annotated[
        str, typer.Option(help="The server's public address, for the IRIs.")
    ] = "http://localhost:8000",
) -> None:
    """The DCAT catalogue of published data sets, as the API serves it."""
    from siyada.dataspace.catalog import FORMATS, serialise

    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}")
    print(serialise(open_engine(), base_url.rstrip("/"), fmt))


@dataspace_app.command("register")
def dataspace_register(as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """Approved projects: purpose, data set, owner, organisation, dates."""
    from siyada.dataspace.register import register

    rows = register(open_engine())
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("grant", "status", "owner", "organisation", "data set", "purpose")
    for r in rows:
        table.add_row(
            r["grant"], r["status"], r["owner"], r["organisation"], r["dataset_title"], r["purpose"]
        )
    out.print(table)


@dataspace_app.command("revoke")
def dataspace_revoke(grant_id: str) -> None:
    """End a grant now (the platform's own revocation; the owner's admin can do it through the API)."""
    from siyada.dataspace.grants import revoke
    from siyada.errors import ApiError

    try:
        done = revoke(open_engine(), None, grant_id, "http://localhost")
    except ApiError as exc:
        fail(exc.message)
        return
    out.print(f"Grant {done['id']} is {done['status']}", highlight=False)
