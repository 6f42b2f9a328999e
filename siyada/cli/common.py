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


def open_engine(settings: Settings | None = None) -> Engine:
    from siyada.store.db import open_store

    settings = settings or current_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return open_store(settings.database_url)
