"""`siyada backup` and `siyada restore`: the database and the data directory in one checked archive
(`siyada.store.backup`, `siyada.store.backup_restore`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from siyada.cli.common import current_settings, err, fail, out


def backup(
    out_path: Annotated[
        Path, typer.Argument(metavar="OUT", help="The archive to write (.tar.gz); must not exist.")
    ],
) -> None:
    """Write one archive with the database and the data directory; safe while the server runs."""
    from siyada.store.backup import create
    from siyada.store.backup_db import BackupError

    settings = current_settings()
    try:
        res = create(settings.database_url, settings.data_dir, out_path)
    except BackupError as exc:
        fail(str(exc))
    for name in res.skipped:
        err.print(f"[yellow]skipped[/] {name} (a link or special file)", highlight=False)
    out.print(
        f"backup written: {res.path} ({res.members} files, schema revision {res.revision})", highlight=False
    )
    out.print(f"sha256 {res.sha256}", highlight=False)


def restore(
    archive: Annotated[Path, typer.Argument(help="An archive written by `siyada backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace what the target data directory and database hold.")
    ] = False,
    sha256: Annotated[
        str | None,
        typer.Option("--sha256", help="The archive's sha256 as `backup` printed it: checked first."),
    ] = None,
) -> None:
    """Restore a backup onto an empty data directory and database (checked whole first), then migrate."""
    from siyada.store.backup_db import BackupError
    from siyada.store.backup_restore import restore as restore_archive

    settings = current_settings()
    try:
        res = restore_archive(settings.database_url, settings.data_dir, archive, force=force, sha256=sha256)
    except BackupError as exc:
        fail(str(exc))
    moved = "" if res.migrated_to == res.revision else f", migrated to {res.migrated_to}"
    out.print(f"restored {res.members} files (schema revision {res.revision}{moved})", highlight=False)
