"""The `siyada` command: the root options, and every command group gathered under one Typer app.

Each group lives in its own module and calls the same services as the API; what they share (consoles,
settings, store, failing with a message) is in `siyada.cli.common`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from siyada import __version__
from siyada.cli.assistants import assistants_app
from siyada.cli.audit import audit_app
from siyada.cli.backup import backup, restore
from siyada.cli.common import out, state
from siyada.cli.config import config_app
from siyada.cli.dataspace import dataspace_app
from siyada.cli.eval import eval_app
from siyada.cli.keys import keys_app
from siyada.cli.knowledge import collections_app, ingest, search
from siyada.cli.limits import limits_app
from siyada.cli.migrate import migrate
from siyada.cli.models import models_app
from siyada.cli.privacy import privacy_app
from siyada.cli.serve import serve
from siyada.cli.tenants import tenants_app
from siyada.cli.users import users_app

app = typer.Typer(
    help="Siyada: a sovereign OpenAI-compatible gateway for self-hosted models.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# Registration order is the order `siyada --help` lists them in.
app.add_typer(tenants_app, name="tenants")
app.add_typer(keys_app, name="keys")
app.add_typer(models_app, name="models")
app.add_typer(config_app, name="config")
app.add_typer(limits_app, name="limits")
app.add_typer(audit_app, name="audit")
app.add_typer(privacy_app, name="privacy")
app.add_typer(users_app, name="users")
app.add_typer(collections_app, name="collections")
app.add_typer(assistants_app, name="assistants")
app.add_typer(eval_app, name="eval")
app.add_typer(dataspace_app, name="dataspace")
app.command("ingest")(ingest)
app.command("search")(search)
app.command("serve")(serve)
app.command("migrate")(migrate)
app.command("backup")(backup)
app.command("restore")(restore)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", envvar="SIYADA_DATA_DIR", help="Data directory (database, registered models)."
    ),
]
ConfigPath = Annotated[
    Path | None, typer.Option("--config", envvar="SIYADA_CONFIG", help="TOML or YAML config file.")
]


@app.callback()
def _root(
    data_dir: DataDir = None,
    config: ConfigPath = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        out.print(__version__)
        raise typer.Exit()
    state["data_dir"] = data_dir
    state["config"] = config


def main() -> None:
    app()
