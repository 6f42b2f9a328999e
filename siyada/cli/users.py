"""`siyada users`: usernames and passwords bound to a tenant, for the web app's login form.

A password is never taken as an argument (it would sit in the shell history and in `ps`): it is read
from stdin with `--password-stdin`, or asked twice without echo on a terminal.
"""

from __future__ import annotations

import getpass
import json
import sys
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from siyada.cli.common import fail, open_engine, out

users_app = typer.Typer(help="Manage web app users (username and password).", no_args_is_help=True)

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from stdin (one line).")
]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # Only the line ending is removed: spaces are part of the password.
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        fail("give --password-stdin to read the password from a pipe")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        fail("the two passwords differ")
    return first


@users_app.command("create")
def users_create(
    tenant: Annotated[str, typer.Option(help="Tenant the user belongs to.")],
    username: Annotated[str, typer.Option(help="1-64 letters, digits, '.', '_', '@' or '-'.")],
    role: Annotated[str, typer.Option(help="operator, admin (its tenant only) or user.")] = "user",
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a user (and its internal API key, whose secret nobody sees)."""
    from siyada.governance.tenants import TenantError
    from siyada.governance.users import UserError, create_user

    password = _read_password(password_stdin)
    try:
        user = create_user(open_engine(), tenant, username, password, role)
    except (UserError, TenantError) as exc:
        fail(str(exc))
        return
    out.print(
        f"Created user {user.username} (role {user.role}, id {user.id}, key {user.key_id}) "
        f"for tenant {user.tenant}",
        highlight=False,
    )


@users_app.command("list")
def users_list(
    tenant: Annotated[str | None, typer.Option(help="Only this tenant's users.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """List users (never their passwords nor hashes)."""
    from siyada.governance.tenants import TenantError
    from siyada.governance.users import list_users

    try:
        rows = list_users(open_engine(), tenant)
    except TenantError as exc:
        fail(str(exc))
        return
    if as_json:
        print(json.dumps([{**asdict(u), "disabled": u.disabled_at is not None} for u in rows]))
        return
    table = Table("id", "username", "tenant", "role", "key", "disabled")
    for u in rows:
        table.add_row(str(u.id), u.username, u.tenant, u.role, str(u.key_id), "yes" if u.disabled_at else "")
    out.print(table)


@users_app.command("passwd")
def users_passwd(username: str, password_stdin: PasswordStdin = False) -> None:
    """Set a user's password; the user's open sessions end."""
    from siyada.governance.users import UserError, set_password

    password = _read_password(password_stdin)
    try:
        user = set_password(open_engine(), username, password)
    except UserError as exc:
        fail(str(exc))
        return
    out.print(f"Password of {user.username} changed; its sessions are ended", highlight=False)


def _set_disabled(username: str, disabled: bool) -> None:
    from siyada.governance.users import UserError, set_disabled

    try:
        user = set_disabled(open_engine(), username, disabled)
    except UserError as exc:
        fail(str(exc))
        return
    state = "disabled (its key is revoked, its sessions ended)" if disabled else "enabled"
    out.print(f"User {user.username} {state}", highlight=False)


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Disable a user: logins refused, sessions ended (within the server's 1 s key cache)."""
    _set_disabled(username, True)


@users_app.command("enable")
def users_enable(username: str) -> None:
    """Enable a disabled user again (same key, so history and per-key limits are kept)."""
    _set_disabled(username, False)


@users_app.command("logout")
def users_logout(username: str) -> None:
    """End every web session of a user now (single sign-on users too); the user may log in again."""
    from siyada.governance.users import UserError, end_sessions

    try:
        ended = end_sessions(open_engine(), username)
    except UserError as exc:
        fail(str(exc))
        return
    out.print(f"Ended {ended} session(s) of {username}", highlight=False)


@users_app.command("delete")
def users_delete(username: str) -> None:
    """Delete a user; its key stays, revoked, so usage and audit still name it."""
    from siyada.governance.users import UserError, delete_user

    try:
        user = delete_user(open_engine(), username)
    except UserError as exc:
        fail(str(exc))
        return
    out.print(f"Deleted user {user.username}; its key {user.key_id} is revoked", highlight=False)
