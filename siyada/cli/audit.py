"""`siyada audit`: verify the log (also against a kept head or a witness), checkpoint, head, export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from siyada.cli.common import current_settings, err, fail, open_engine, out

if TYPE_CHECKING:
    from siyada.config import Settings
    from siyada.governance.audit_checkpoints import Checkpoint

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


def _heads(settings: Settings, key_path: Path, against: Path | None, witness: bool) -> list[Checkpoint]:
    """The trusted heads: the head file given, and what the configured witness holds of this log."""
    from siyada.governance.audit_checkpoints import origin_for
    from siyada.governance.audit_keys import load_key, public_hex
    from siyada.governance.audit_verify import read_head
    from siyada.governance.audit_witness import WitnessError, trusted_heads

    heads: list[Checkpoint] = []
    if against is not None:
        try:
            heads.append(read_head(against))
        except (OSError, ValueError) as exc:
            fail(f"cannot use the head {against}: {exc}", 2)
    target = settings.file.audit_witness
    if witness and target:
        if heads:
            origin = heads[0].origin
        elif key_path.exists():
            origin = origin_for(public_hex(load_key(key_path).public_key()))
        else:
            return heads
        try:
            heads += trusted_heads(target, settings.file.audit_witness_key, origin)
        except (OSError, WitnessError) as exc:
            fail(f"cannot read the audit witness (use --no-witness to skip it): {exc}", 2)
    return heads


@audit_app.command("verify")
def verify_cmd(
    against: Annotated[
        Path | None, typer.Option("--against", help="A head file (`siyada audit head`) kept elsewhere.")
    ] = None,
    witness: Annotated[bool, typer.Option(help="Also check against the configured audit_witness.")] = True,
) -> None:
    """Recompute the whole hash chain and check the signed checkpoints, their chain and the trusted heads
    (a head file, the witness); exit 1 naming the first broken entry, or the missing or changed range."""
    from siyada.governance.audit import key_path_for, verify

    settings = current_settings()
    key_path = key_path_for(settings.data_dir)
    try:
        heads = _heads(settings, key_path, against, witness)
        res = verify(open_engine(settings), key_path if key_path.exists() else None, heads)
    except (ValueError, TypeError, OSError) as exc:  # an unreadable or foreign signing key file
        fail(f"cannot use the audit signing key {key_path}: {exc}", 2)
        return
    if not res.ok:
        where = f"entry {res.first_bad_id}" if res.first_bad_id is not None else "checkpoints"
        err.print(f"[bold red]audit log broken at {where}:[/] {res.reason}", highlight=False)
        raise typer.Exit(1)
    out.print(
        f"Audit log intact: {res.entries} entries, {res.checkpoints_ok} signed checkpoints verified",
        highlight=False,
    )
    if heads:
        top = max(heads, key=lambda h: h.seq)
        out.print(
            f"Consistent with {len(heads)} trusted head(s), up to #{top.seq} (entry {top.entry_id})",
            highlight=False,
        )
    if res.checkpoints_ok == 0 and res.entries:
        err.print(
            "note: no checkpoint yet, so deleting the newest entries would go unnoticed; "
            "run `siyada audit checkpoint`",
            highlight=False,
        )
    elif not heads and res.entries:
        err.print(
            "note: checked without a trusted head; the newest entries could have been deleted with their "
            "checkpoints: use --against a head file kept elsewhere, or configure audit_witness",
            highlight=False,
        )


def _push(settings: Settings, key_path: Path) -> None:
    """Hand the witness what it lacks; a failure is reported, and the server retries every minute."""
    from siyada.governance.audit_witness import WitnessError, push

    target = settings.file.audit_witness
    if not target:
        return
    try:
        sent = push(open_engine(settings), key_path, target, settings.file.audit_witness_key)
    except (OSError, WitnessError) as exc:
        err.print(
            f"[yellow]warning:[/] the audit witness did not take the checkpoint: {exc}", highlight=False
        )
        return
    out.print(f"Witness: {sent} checkpoint(s) sent", highlight=False)


@audit_app.command("checkpoint")
def checkpoint_cmd() -> None:
    """Sign the newest entry as the next checkpoint, and hand it to the witness if one is configured."""
    from siyada.governance.audit import checkpoint, key_path_for, public_key_hex

    settings = current_settings()
    key_path = key_path_for(settings.data_dir)
    entry_id = checkpoint(open_engine(settings), key_path)
    if entry_id is None:
        out.print("Nothing new to checkpoint", highlight=False)
    else:
        out.print(f"Signed checkpoint at entry {entry_id}", highlight=False)
    out.print(f"Public key: {public_key_hex(key_path)}", highlight=False)
    _push(settings, key_path)


@audit_app.command("head")
def head_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the signed head (JSON).")],
) -> None:
    """Write the newest signed checkpoint, with its public key, for an auditor to keep elsewhere; later,
    `siyada audit verify --against` it proves nothing up to it was removed or rewritten."""
    from siyada.governance.audit import key_path_for
    from siyada.governance.audit_verify import head, write_head

    settings = current_settings()
    key_path = key_path_for(settings.data_dir)
    cp = head(open_engine(settings), key_path)
    if cp is None:
        fail("the audit log is empty: nothing to sign")
        return
    write_head(cp, output)
    out.print(f"Wrote head #{cp.seq} of {cp.origin} (entries 1-{cp.entry_id}) to {output}", highlight=False)
    _push(settings, key_path)


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
    from siyada.governance.audit import export

    lo, hi = _parse_time(start, end=False), _parse_time(end, end=True)
    if lo is not None and hi is not None and hi <= lo:
        raise typer.BadParameter("--to must be after --from")
    n = export(open_engine(), output, lo, hi)
    out.print(f"Exported {n} audit entries to {output}", highlight=False)
