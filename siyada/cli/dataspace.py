"""`siyada dataspace`: the R&D data space seen by the platform's operator: every data set, the DCAT
catalogue, the register of approved projects, and revoking a grant; and, acting as an API key (`--key`),
queries under a grant, their outputs and the airlock's decisions (the API's services, no other path)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from siyada.cli.common import current_settings, fail, open_engine, out

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from siyada.governance.keys import Principal

dataspace_app = typer.Typer(
    help="The R&D data space: data sets, catalogue, register, grants.", no_args_is_help=True
)


@dataspace_app.command("list")
def dataspace_list(as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """Every tenant's data sets, drafts included."""
    import sqlalchemy as sa

    from siyada.store.tables import tenants
    from siyada.store.tables_dataspace import dataspace_datasets as d

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


KeyOption = Annotated[
    str,
    typer.Option(
        "--key", envvar="SIYADA_API_KEY", help="The API key acting (the researcher's, or a checker's)."
    ),
]


def _acting(key: str) -> tuple[Engine, Principal]:
    """The engine and the principal of `key`, the way the API resolves a bearer key."""
    from siyada.governance.keys import resolve_key

    engine = open_engine()
    principal = resolve_key(engine, key)
    if principal is None:
        fail("Unknown or revoked API key")
    return engine, principal


@dataspace_app.command("query")
def dataspace_query(
    grant: str,
    key: KeyOption,
    sql: Annotated[str | None, typer.Option(help="SQL over the view `data`.")] = None,
    table: Annotated[str | None, typer.Option(help="A structured table request, as JSON.")] = None,
    epsilon: Annotated[float | None, typer.Option(help="ε to spend: differential privacy mode.")] = None,
) -> None:
    """Run a query under a grant (the API's service and sandbox); print its output, pending or refused."""
    from pydantic import ValidationError

    from siyada.dataspace.queries import QueryCreate, submit
    from siyada.dataspace.runner import LazySandbox
    from siyada.errors import ApiError

    mode = "dp" if epsilon is not None else ("sql" if sql is not None else "table")
    try:
        spec = json.loads(table) if table is not None else None
        body = QueryCreate.model_validate(
            {"grant": grant, "mode": mode, "sql": sql, "table": spec, "epsilon": epsilon}
        )
    except (ValueError, ValidationError) as exc:
        fail(f"Invalid query: {str(exc).splitlines()[0]}")
    engine, principal = _acting(key)
    sandbox = LazySandbox()
    try:
        done = submit(engine, sandbox, current_settings().data_dir, principal, body)
    except ApiError as exc:
        fail(f"{exc.status} {exc.code}: {exc.message}")
    finally:
        sandbox.close()
    print(json.dumps(done, ensure_ascii=False))


@dataspace_app.command("outputs")
def dataspace_outputs(
    key: KeyOption, as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False
) -> None:
    """The outputs this key ran, and those on data sets it checks."""
    from siyada.dataspace.outputs import list_outputs

    engine, principal = _acting(key)
    rows = list_outputs(engine, principal)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    view = Table("id", "grant", "mode", "status", "checks")
    for r in rows:
        view.add_row(r["id"], r["grant"], r["mode"], r["status"], str(len(r["checks"])))
    out.print(view)


@dataspace_app.command("approve")
def dataspace_approve(
    output_id: str,
    key: KeyOption,
    reject: Annotated[bool, typer.Option("--reject", help="Reject instead of approving.")] = False,
) -> None:
    """Release (or reject) a pending output: the data set owner's admin or a named checker."""
    from siyada.dataspace.outputs import decide
    from siyada.errors import ApiError

    engine, principal = _acting(key)
    try:
        done = decide(engine, principal, output_id, not reject)
    except ApiError as exc:
        fail(f"{exc.status} {exc.code}: {exc.message}")
    out.print(f"Output {done['id']} is {done['status']}", highlight=False)
