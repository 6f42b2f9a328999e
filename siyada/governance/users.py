"""Users of the web app: a username and password bound to a tenant and a role.

Each user acts through one internal API key created with it (named `user:<username>`, the user's role
and tenant). Its secret is thrown away at creation, so nobody can ever present it; a web session opened
with the password holds the key's hash, and quotas, usage, audit and revocation work as for any key.
Disabling or deleting a user revokes that key and ends its sessions; enabling it again restores the
same key (safe because its secret never existed outside this function), so history and per-key limits
stay the user's.

Usernames are 1-64 characters of `A-Z a-z 0-9 . _ @ -`, case-insensitive and unique across the whole
install (stored lower-cased), so the login form needs no tenant. Audit entries name users by id, never
by username (which may be an e-mail address) and never hold a password or a hash.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.governance import audit
from siyada.governance.keys import ROLES, Role, insert_key
from siyada.governance.login_throttle import LoginThrottle
from siyada.governance.passwords import (
    check_password,
    dummy_hash,
    hash_password,
    password_problem,
)
from siyada.governance.tenants import get_tenant
from siyada.lanes import PASSWORDS, run_in
from siyada.lang.bidi import refusal
from siyada.store.tables import api_keys, oidc_sessions, tenants, ui_sessions, users

USERNAME_PATTERN = r"^[A-Za-z0-9._@-]{1,64}$"  # also the API schema's
_USERNAME = re.compile(USERNAME_PATTERN)


class UserError(ValueError):
    """A user operation that cannot be done; the message says why."""

    param = "username"


class BadPassword(UserError):
    param = "password"


class UserExists(UserError):
    pass


class UserNotFound(UserError):
    pass


class LoginLocked(Exception):
    """Too many failed logins for this username from this address, or from this address; try again
    after `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"too many failed logins; retry in {retry_after:.0f} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class UserInfo:
    id: int
    tenant: str
    username: str
    role: Role
    key_id: int
    created_at: float
    password_changed_at: float
    disabled_at: float | None


def normalise_username(username: str) -> str:
    return username.strip().lower()


def _check_new(username: str, password: str, role: str) -> None:
    hidden = refusal(username, "username")
    if hidden is not None:
        raise UserError(hidden)
    if not _USERNAME.fullmatch(username):
        raise UserError("username must be 1-64 letters, digits, '.', '_', '@' or '-'")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    _check_password(password)


def _check_password(password: str) -> None:
    problem = password_problem(password)
    if problem is not None:
        raise BadPassword(problem)


def _select() -> sa.Select:
    return (
        sa.select(
            users,
            tenants.c.name.label("tenant_name"),
            api_keys.c.role,
            api_keys.c.key_hash,
            api_keys.c.revoked_at,
        )
        .join(tenants, tenants.c.id == users.c.tenant_id)
        .join(api_keys, api_keys.c.id == users.c.key_id)
        .order_by(users.c.id)
    )


def _info(row: sa.Row) -> UserInfo:
    return UserInfo(
        row.id,
        row.tenant_name,
        row.username,
        row.role,
        row.key_id,
        row.created_at,
        row.password_changed_at,
        row.disabled_at,
    )


def _find(conn: Connection, username: str) -> sa.Row:
    row = conn.execute(_select().where(users.c.username == normalise_username(username))).first()
    if row is None:
        raise UserNotFound(f"no user named {username!r}")
    return row


def end_key_sessions(conn: Connection, key_hash: str) -> int:
    """End every web session acting as this key (and forget their single sign-on ID tokens)."""
    tokens = sa.select(ui_sessions.c.token_hash).where(ui_sessions.c.key_hash == key_hash)
    conn.execute(oidc_sessions.delete().where(oidc_sessions.c.token_hash.in_(tokens)))
    return conn.execute(ui_sessions.delete().where(ui_sessions.c.key_hash == key_hash)).rowcount


def _audit(conn: Connection, action: str, row: sa.Row, actor: str, **extra: int | str) -> None:
    details: dict[str, int | str] = {"user_id": row.id, "key_id": row.key_id, **extra}
    audit.append(conn, action, actor=actor, tenant_id=row.tenant_id, target=f"user:{row.id}", details=details)


def create_user(
    engine: Engine, tenant_name: str, username: str, password: str, role: str = "user", *, actor: str = "cli"
) -> UserInfo:
    _check_new(username, password, role)
    tenant = get_tenant(engine, tenant_name)
    name = username.lower()
    hashed = hash_password(password)  # slow: done before taking the database's write lock
    now = time.time()
    with audit.transaction(engine) as conn:
        if conn.execute(sa.select(users.c.id).where(users.c.username == name)).first():
            raise UserExists(f"user {name!r} already exists")
        key, _secret = insert_key(conn, tenant, role, f"user:{name}", actor=actor)
        conn.execute(
            users.insert().values(
                tenant_id=tenant.id,
                username=name,
                password_hash=hashed,
                key_id=key.id,
                created_at=now,
                password_changed_at=now,
            )
        )
        row = _find(conn, name)
        _audit(conn, "user.created", row, actor, role=role, tenant=tenant.name)
    return _info(row)


def list_users(engine: Engine, tenant_name: str | None = None) -> list[UserInfo]:
    q = _select()
    if tenant_name is not None:
        get_tenant(engine, tenant_name)
        q = q.where(tenants.c.name == tenant_name)
    with engine.connect() as conn:
        return [_info(r) for r in conn.execute(q)]


def get_user(engine: Engine, username: str) -> UserInfo:
    with engine.connect() as conn:
        return _info(_find(conn, username))


def set_password(engine: Engine, username: str, password: str, *, actor: str = "cli") -> UserInfo:
    """Replace the password and end the user's open sessions (whoever knew the old one is logged out)."""
    _check_password(password)
    hashed = hash_password(password)
    with audit.transaction(engine) as conn:
        row = _find(conn, username)
        conn.execute(
            users.update()
            .where(users.c.id == row.id)
            .values(password_hash=hashed, password_changed_at=time.time())
        )
        ended = end_key_sessions(conn, row.key_hash)
        _audit(conn, "user.password_changed", row, actor, sessions_ended=ended)
    return get_user(engine, username)


def set_disabled_in(conn: Connection, user_id: int, key_id: int, key_hash: str, disabled: bool) -> int:
    """Inside a transaction: disable the user (its key revoked, its sessions ended; their number) or
    enable it again with the same key."""
    now = time.time() if disabled else None
    conn.execute(users.update().where(users.c.id == user_id).values(disabled_at=now))
    conn.execute(api_keys.update().where(api_keys.c.id == key_id).values(revoked_at=now))
    return end_key_sessions(conn, key_hash) if disabled else 0


def set_disabled(engine: Engine, username: str, disabled: bool, *, actor: str = "cli") -> UserInfo:
    """Disable (revoke the user's key, end its sessions) or enable again; a no-op when already so."""
    with audit.transaction(engine) as conn:
        row = _find(conn, username)
        if (row.disabled_at is not None) != disabled:
            ended = set_disabled_in(conn, row.id, row.key_id, row.key_hash, disabled)
            action = "user.disabled" if disabled else "user.enabled"
            _audit(conn, action, row, actor, sessions_ended=ended)
    return get_user(engine, username)


def end_sessions(engine: Engine, username: str, *, actor: str = "cli") -> int:
    """Log the user out everywhere now (the user may log in again); the number of sessions ended."""
    with audit.transaction(engine) as conn:
        row = _find(conn, username)
        ended = end_key_sessions(conn, row.key_hash)
        _audit(conn, "user.sessions_ended", row, actor, sessions_ended=ended)
    return ended


def delete_user(engine: Engine, username: str, *, actor: str = "cli") -> UserInfo:
    """Remove the user (the username may be reused); its key stays, revoked, for usage and audit."""
    with audit.transaction(engine) as conn:
        row = _find(conn, username)
        revoked = row.revoked_at or time.time()
        conn.execute(api_keys.update().where(api_keys.c.id == row.key_id).values(revoked_at=revoked))
        ended = end_key_sessions(conn, row.key_hash)
        conn.execute(users.delete().where(users.c.id == row.id))
        _audit(conn, "user.deleted", row, actor, sessions_ended=ended)
    return _info(row)


# ---- logging in -----------------------------------------------------------------------------------
def verify_password(engine: Engine, username: str, password: str) -> str | None:
    """The hash of the user's key when the password is right and the user active, else None.

    An unknown username is checked against a dummy hash so that it costs the same scrypt work as a
    wrong password."""
    name = normalise_username(username)
    row = None
    if _USERNAME.fullmatch(name):
        with engine.connect() as conn:
            row = conn.execute(
                sa.select(
                    users.c.password_hash, users.c.disabled_at, api_keys.c.key_hash, api_keys.c.revoked_at
                )
                .join(api_keys, api_keys.c.id == users.c.key_id)
                .where(users.c.username == name)
            ).first()
    matched = check_password(password, row.password_hash if row is not None else dummy_hash())
    if not matched or row is None or row.disabled_at is not None or row.revoked_at is not None:
        return None
    return row.key_hash


async def login(
    engine: Engine, throttle: LoginThrottle, username: str, password: str, address: str | None
) -> str | None:
    """`verify_password` off the event loop, behind the throttle for this client `address`; raises
    LoginLocked while that address must wait."""
    name = normalise_username(username)[:80]  # a bounded key: longer names cannot exist anyway
    wait = throttle.attempt(name, address)
    if wait is not None:
        raise LoginLocked(wait)
    key_hash = await run_in(PASSWORDS, verify_password, engine, name, password)
    if key_hash is not None:
        throttle.succeeded(name, address)
    else:
        throttle.failed(name, address)
    return key_hash


__all__ = [
    "BadPassword",
    "LoginLocked",
    "LoginThrottle",
    "UserError",
    "UserExists",
    "UserInfo",
    "UserNotFound",
    "create_user",
    "delete_user",
    "end_key_sessions",
    "end_sessions",
    "get_user",
    "list_users",
    "login",
    "set_disabled",
    "set_disabled_in",
    "set_password",
    "verify_password",
]
