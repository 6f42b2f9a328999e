"""`siyada assistants`: a tenant's assistants from the command line (the same rules as /v1/assistants;
the model is checked at each call, the collections here). Writes are audited with the actor `cli`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from siyada.cli.assistant_templates import templates_app
from siyada.cli.common import fail, open_engine, out

assistants_app = typer.Typer(
    help="Create, edit, list and retire a tenant's assistants.", no_args_is_help=True
)

assistants_app.add_typer(templates_app, name="templates")

Tenant = Annotated[str, typer.Option("--tenant", help="The tenant that owns the assistant.")]
File = Annotated[Path, typer.Option("--file", help="A JSON body, as POST/PATCH /v1/assistants take it.")]


def _body(path: Path) -> dict[str, Any]:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"cannot read {path}: {exc}")
    if not isinstance(body, dict):
        fail(f"{path} must hold a JSON object")
    return body


def _run(work: Any, *args: Any) -> Any:
    from siyada.errors import ApiError

    try:
        return work(*args)
    except ApiError as exc:
        fail(exc.message)


def _tenant_id(engine: Any, name: str) -> int:
    from siyada.governance.tenants import TenantError, get_tenant

    try:
        return int(get_tenant(engine, name).id)
    except TenantError as exc:
        fail(str(exc))


def _validated(model: Any, body: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate(body, strict=True)
    except ValidationError as exc:
        fail(str(exc))


def _print(assistant: dict[str, Any]) -> None:
    print(json.dumps(assistant, ensure_ascii=False, indent=2))


@assistants_app.command("create")
def create(
    tenant: Tenant,
    body_file: Annotated[
        Path | None, typer.Option("--file", help="A JSON body, as POST /v1/assistants takes it.")
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="The assistant's name (over the file's).")
    ] = None,
    template: Annotated[
        str | None, typer.Option("--template", help="Start from this sector template (see `templates`).")
    ] = None,
    language: Annotated[
        str, typer.Option("--language", help="The template's greeting and questions: fr, ar, ary or en.")
    ] = "fr",
) -> None:
    """Create an assistant (version 1), from a JSON body, a sector template, or both (the body's
    fields win)."""
    from siyada.assistants import store
    from siyada.assistants.serve import own_collections
    from siyada.assistants.templates import AssistantRequest, filled

    raw = _body(body_file) if body_file is not None else {}
    if name is not None:
        raw["name"] = name
    if template is not None:
        raw["template"] = {"id": template, "language": language}
    asked = _validated(AssistantRequest, raw)
    engine = open_engine()
    tid = _tenant_id(engine, tenant)
    body = _run(filled, engine, tid, asked)
    config = body.model_dump(exclude={"name"})
    _run(own_collections, engine, tid, config)
    _print(_run(store.create, engine, tid, "cli", body.name, config))


@assistants_app.command("edit")
def edit(name: str, tenant: Tenant, body_file: File) -> None:
    """Edit an assistant: a new version with the fields given changed."""
    from siyada.assistants import store
    from siyada.assistants.serve import own_collections
    from siyada.assistants.spec import AssistantCreate, AssistantPatch

    changes = _validated(AssistantPatch, _body(body_file)).model_dump(exclude_unset=True)
    engine = open_engine()
    tid = _tenant_id(engine, tenant)
    current = store.config_of(_run(store.get, engine, tid, name))
    if isinstance(changes.get("instructions"), dict):
        changes["instructions"] = current["instructions"] | changes["instructions"]
    whole = _validated(AssistantCreate, {**current, **changes, "name": name})
    config = whole.model_dump(exclude={"name"})
    _run(own_collections, engine, tid, config)
    _print(_run(store.edit, engine, tid, "cli", name, config))


@assistants_app.command("show")
def show(name: str, tenant: Tenant, version: Annotated[int | None, typer.Option(min=1)] = None) -> None:
    """An assistant's latest (or given) version, as JSON."""
    from siyada.assistants import store

    engine = open_engine()
    _print(_run(store.get, engine, _tenant_id(engine, tenant), name, version))


@assistants_app.command("versions")
def versions(name: str, tenant: Tenant) -> None:
    """Every version of an assistant."""
    from siyada.assistants import store

    engine = open_engine()
    table = Table("version", "created", "by", "model", "collections", "mode")
    for v in _run(store.versions, engine, _tenant_id(engine, tenant), name):
        mode = v["answer_mode"] or "default"
        table.add_row(
            str(v["version"]),
            str(v["created_at"]),
            v["created_by"],
            v["model"],
            str(len(v["collections"])),
            mode,
        )
    out.print(table)


@assistants_app.command("list")
def list_(tenant: Tenant, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """A tenant's live assistants (latest versions)."""
    from siyada.assistants import store

    engine = open_engine()
    rows = store.list_latest(engine, _tenant_id(engine, tenant), 100_000)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("model name", "version", "model", "collections", "mode")
    for a in rows:
        table.add_row(
            a["id"], str(a["version"]), a["model"], str(len(a["collections"])), a["answer_mode"] or "default"
        )
    out.print(table)


@assistants_app.command("retire")
def retire(name: str, tenant: Tenant) -> None:
    """Retire an assistant: calls to it (any version) then answer 404; the name stays taken."""
    from siyada.assistants import store

    engine = open_engine()
    _run(store.retire, engine, _tenant_id(engine, tenant), "cli", name)
    out.print(f"Retired assistant/{name}", highlight=False)


@assistants_app.command("widget")
def widget(
    name: str,
    tenant: Tenant,
    body_file: Annotated[
        Path | None, typer.Option("--file", help="The settings, as PUT .../widget takes them.")
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Take the widget off.")] = False,
) -> None:
    """Show, set (--file) or remove (--remove) an assistant's citizen widget."""
    from siyada.assistants import channel

    engine = open_engine()
    tid = _tenant_id(engine, tenant)
    if remove:
        _run(channel.remove, engine, tid, "cli", name)
        out.print(f"Removed the widget of assistant/{name}", highlight=False)
    elif body_file is not None:
        settings = _validated(channel.WidgetSettings, _body(body_file))
        _print(_run(channel.put, engine, tid, "cli", name, settings))
    else:
        _print(_run(channel.get, engine, tid, name))
