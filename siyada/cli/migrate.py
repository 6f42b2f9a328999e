"""`siyada migrate`: bring the store's schema to this version (and create the first tenant), or check
or wait that it is; what a deployment's migration job and its replicas' init containers run."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from siyada.cli.common import current_settings, fail, open_engine, out

POLL_S = 2.0


def migrate(
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 unless the schema is this version's.")
    ] = False,
    wait: Annotated[
        float,
        typer.Option(help="With --check: wait up to this many seconds for another process to migrate."),
    ] = 0.0,
) -> None:
    """Migrate the database to this version's schema (idempotent; replicas may start together)."""
    from siyada.readiness import schema_state
    from siyada.store.db import current_revision, is_newer, make_engine

    settings = current_settings()
    if not check:
        engine = open_engine(settings)
        newer = current_revision(engine)
        engine.dispose()
        if is_newer(newer):  # a rollback's migration job: nothing to undo, revisions only add
            message = f"schema at revision {newer}, newer than this version's: left as it is"
            out.print(message, highlight=False)
            return
        out.print("schema up to date", highlight=False)
        return
    engine = make_engine(settings.database_url)
    deadline = time.monotonic() + wait
    while True:
        try:
            state = schema_state(engine)
        except Exception as exc:  # the database not up yet: a job and its replicas start together
            state = f"database unreachable ({type(exc).__name__})"
        if state == "ok" or time.monotonic() >= deadline:
            break
        time.sleep(POLL_S)
    engine.dispose()
    if state != "ok":
        fail(state)
    out.print("schema up to date", highlight=False)
