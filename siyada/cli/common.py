"""What every command module of the CLI shares: the consoles, the root options' state, failing with a
message, and the settings and store those options select. It imports no command module, so they all
import it one way (the import-cycle rule, tests/test_import_cycles.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console

from siyada.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:  # SQLAlchemy is imported only by the commands that open the store
    from sqlalchemy.engine import Engine

out = Console()
err = Console(stderr=True)

# --data-dir and --config, set by the root callback (siyada.cli.app) before any command runs.
state: dict[str, Any] = {}


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def current_settings() -> Settings:
    try:
        return load_settings(state.get("data_dir"), state.get("config"))
    except ConfigError as exc:
        fail(str(exc), 2)


def open_engine(settings: Settings | None = None, first_tenant: bool = True) -> Engine:
    """The store, migrated, with the `default` tenant created if it has no tenant yet (as `serve` does),
    so any command works first on a fresh data directory; `tenants create` passes `first_tenant=False`
    (the tenant it creates is the first one)."""
    from siyada.governance.tenants import ensure_first_tenant
    from siyada.store.db import open_store

    settings = settings or current_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = open_store(settings.database_url)
    if first_tenant:
        ensure_first_tenant(engine)
    return engine


def command_name() -> str:
    """How the user runs this CLI again from a shell: `siyada` when PATH finds this very program, else
    its full path (`.venv/bin/siyada` is not on PATH after scripts/install.sh), else `python -m`."""
    import shutil
    import sys
    from pathlib import Path

    script = Path(sys.argv[0]) if sys.argv and Path(sys.argv[0]).name == "siyada" else None
    if script is None:  # `python -m siyada`: the console script installed beside this interpreter
        beside = Path(sys.executable).with_name("siyada")
        script = beside if beside.is_file() else None
    if script is None:
        return f"{sys.executable} -m siyada"
    found = shutil.which("siyada")
    if found and Path(found).resolve() == script.resolve():
        return "siyada"
    return str(script.absolute())
