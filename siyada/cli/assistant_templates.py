"""`siyada assistants templates`: the sector templates (list, show one, write its evaluation skeleton).
The same service as GET /v1/assistants/templates; nothing here needs the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from siyada.cli.common import fail, out

templates_app = typer.Typer(help="The sector templates of assistants.", invoke_without_command=True)


def _template(template_id: str):  # type: ignore[no-untyped-def]
    from siyada.assistants import templates
    from siyada.errors import ApiError

    try:
        return templates.get(template_id)
    except ApiError as exc:
        fail(exc.message)


@templates_app.callback()
def list_(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="As JSON.")] = False
) -> None:
    """List the templates (id and names in French, Arabic, Darija and English)."""
    if ctx.invoked_subcommand is not None:
        return
    from siyada.assistants import templates

    rows = [templates.summary(t) for t in templates.catalogue().values()]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table()
    table.add_column("id", no_wrap=True)  # what `show` and `create --template` take: never cut
    for lang in ("fr", "ar", "ary", "en"):
        table.add_column(lang)
    for row in rows:
        names = row["names"]
        table.add_row(row["id"], names["fr"], names["ar"], names["ary"], names["en"])
    out.print(table)


@templates_app.command("show")
def show(template_id: str) -> None:
    """One template as JSON: its instructions, greetings, questions and collection layout."""
    from siyada.assistants import templates

    print(json.dumps(templates.detail(_template(template_id)), ensure_ascii=False, indent=2))


@templates_app.command("evaluation")
def evaluation(
    template_id: str,
    folder: Annotated[Path, typer.Option("--out", help="The folder the two files go to.")] = Path("."),
) -> None:
    """Write the template's evaluation skeleton (a task YAML and its JSONL items) into a folder; an
    existing file is never overwritten."""
    from siyada.assistants import templates

    files = templates.evaluation_files(_template(template_id))
    taken = [name for name in files if (folder / name).exists()]
    if taken:
        fail(f"{', '.join(taken)} already in {folder}: choose another --out")
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
        out.print(f"wrote {folder / name}", highlight=False)
