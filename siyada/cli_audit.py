"""`siyada audit`: verify the audit hash chain, sign a checkpoint, export entries as JSON Lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

audit_app = typer.Typer(help="Verify, checkpoint and export the audit log.", no_args_is_help=True)


def _parse_time(value: str | None, *, end: bool) -> float | None:
    """YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], UTC unless an offset is given. A date alone as the end of
    a range means the whole of that day."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if end and len(value) == 10:
        when += timedelta(days=1)
    return when.timestamp()


@audit_app.command("verify")
def verify_cmd() -> None:
    """Recompute the whole hash chain and check the signed checkpoints; exit 1 naming the first
    broken entry."""
    from siyada.cli import _engine, _fail, _settings, err, out
    from siyada.governance.audit import key_path_for, verify

    settings = _settings()
    key_path = key_path_for(settings.data_dir)
    try:
        res = verify(_engine(settings), key_path if key_path.exists() else None)
    except (ValueError, TypeError, OSError) as exc:  # an unreadable or foreign signing key file
        _fail(f"cannot use the audit signing key {key_path}: {exc}", 2)
        return
    if not res.ok:
        where = f"entry {res.first_bad_id}" if res.first_bad_id is not None else "checkpoints"
        err.print(f"[bold red]audit log broken at {where}:[/] {res.reason}", highlight=False)
        raise typer.Exit(1)
    out.print(
        f"Audit log intact: {res.entries} entries, {res.checkpoints_ok} signed checkpoints verified",
        highlight=False,
    )
    if res.checkpoints_ok == 0 and res.entries:
        err.print(
            "note: no checkpoint yet, so deleting the newest entries would go unnoticed; "
            "run `siyada audit checkpoint`",
            highlight=False,
        )


@audit_app.command("checkpoint")
def checkpoint_cmd() -> None:
    """Sign the newest entry (id and hash) with the data directory's audit key."""
    from siyada.cli import _engine, _settings, out
    from siyada.governance.audit import checkpoint, key_path_for, public_key_hex

    settings = _settings()
    key_path = key_path_for(settings.data_dir)
    entry_id = checkpoint(_engine(settings), key_path)
    if entry_id is None:
        out.print("Nothing new to checkpoint", highlight=False)
    else:
        out.print(f"Signed checkpoint at entry {entry_id}", highlight=False)
    out.print(f"Public key: {public_key_hex(key_path)}", highlight=False)


@audit_app.command("export")
def export_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="JSON Lines file to write.")],
    start: Annotated[
        str | None, typer.Option("--from", help="From YYYY-MM-DD[THH:MM] (UTC), included.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="To YYYY-MM-DD[THH:MM] (UTC); a date alone includes that day.")
    ] = None,
) -> None:
    """Write audit entries in a time range as JSON Lines (one entry per line, UTC ISO-8601 times)."""
    from siyada.cli import _engine, out
    from siyada.governance.audit import export

    lo, hi = _parse_time(start, end=False), _parse_time(end, end=True)
    if lo is not None and hi is not None and hi <= lo:
        raise typer.BadParameter("--to must be after --from")
    n = export(_engine(), output, lo, hi)
    out.print(f"Exported {n} audit entries to {output}", highlight=False)
