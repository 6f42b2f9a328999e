"""Users who log in through an OpenID provider: placed by the config's claim rules, created on their first
login (just in time), moved or disabled when the rules say otherwise at a later login.

A person is bound to (provider, SHA-256 of the provider's `sub`), never to an e-mail address: the same
`sub` at another provider is another user. Such a user is an ordinary row of `users`
(siyada.governance.users) whose password can never match, acting through its internal key; so quotas,
usage, audit, disabling and session revocation work as for everyone. A change of tenant or role gets a
new key (the old one revoked, its sessions ended): nothing the user made in one tenant follows it into
another. Audit entries name the user by id, never by a claim.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.config_integration import OidcRule
from siyada.governance import audit
from siyada.governance.keys import Role, insert_key
from siyada.governance.tenants import Tenant, TenantError, get_tenant
from siyada.governance.users import end_key_sessions, set_disabled_in
from siyada.store.tables import api_keys, oidc_identities, users

# Not a scrypt hash: `check_password` can never accept it, so an SSO user has no password login.
NO_PASSWORD = "sso"
MAX_SUBJECT = 255  # OpenID Connect Core: `sub` is at most 255 ASCII characters


@dataclass(frozen=True)
class Placement:
    """Where the rules put a person: a tenant and a role in it."""

    tenant: str
    role: Role


@dataclass(frozen=True)
class SsoLogin:
    """A login let through: the key the web session acts as."""

    user_id: int
    key_hash: str
    tenant_id: int
    created: bool


class SsoRefused(Exception):
    """A login the rules or an administrator refuse; `reason` names which (the page's words)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _claim(claims: Mapping[str, Any], path: str) -> Any:
    """A claim by name, or a nested one by dotted path (Keycloak's `realm_access.roles`)."""
    value: Any = claims
    for part in path.split(".", 8):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _same(value: Any, wanted: str | bool | int) -> bool:
    # Typed equality: the claim `true` does not match the rule value 1, nor "1".
    return type(value) is type(wanted) and value == wanted


def match_rules(rules: Sequence[OidcRule], claims: Mapping[str, Any]) -> Placement | None:
    """The first rule whose claim equals its value (or, for a list claim, holds it); None: no rule."""
    for rule in rules:
        value = _claim(claims, rule.claim)
        items = value if isinstance(value, list) else [value]
        if any(_same(v, rule.value) for v in items):
            return Placement(rule.tenant, rule.role)
    return None


def subject_hash(provider: str, subject: str) -> str:
    return hashlib.sha256(f"{provider}\0{subject}".encode()).hexdigest()


def sso_username(provider: str, subject: str) -> str:
    """`sso-<provider>-<20 hex>`: unique per (provider, sub), within the username pattern, no claim in it."""
    return f"sso-{provider}-{subject_hash(provider, subject)[:20]}"


def _identity(conn: Connection, provider: str, digest: str) -> sa.Row | None:
    return conn.execute(
        sa.select(
            oidc_identities.c.id.label("identity_id"),
            oidc_identities.c.disabled_by_rules,
            users.c.id,
            users.c.tenant_id,
            users.c.key_id,
            users.c.disabled_at,
            api_keys.c.role,
            api_keys.c.key_hash,
        )
        .join(users, users.c.id == oidc_identities.c.user_id)
        .join(api_keys, api_keys.c.id == users.c.key_id)
        .where(oidc_identities.c.provider == provider, oidc_identities.c.subject_hash == digest)
    ).first()


def _log(conn: Connection, action: str, provider: str, tenant_id: int | None, **details: int | str) -> None:
    user_id = details.get("user_id")
    audit.append(
        conn,
        action,
        actor=f"sso:{provider}",
        tenant_id=tenant_id,
        target=f"user:{user_id}" if user_id is not None else f"sso:{provider}",
        details={"provider": provider, **details},
    )


def sign_in(engine: Engine, provider: str, subject: str, placement: Placement | None) -> SsoLogin:
    """Create, update, enable or disable the user of (provider, subject) as `placement` says, in one
    audited transaction; raises SsoRefused when the login must not open a session."""
    if not subject or len(subject) > MAX_SUBJECT:
        raise SsoRefused("bad_subject")
    tenant = None
    if placement is not None:
        try:
            tenant = get_tenant(engine, placement.tenant)
        except TenantError:
            tenant = None  # a rule naming a tenant that does not exist: refused, and audited as such
    digest = subject_hash(provider, subject)
    refused: str | None = None
    login: SsoLogin | None = None
    # The refusal is raised after the transaction: raising inside would roll back the disabling.
    with audit.transaction(engine) as conn:
        row = _identity(conn, provider, digest)
        if placement is None or tenant is None:
            refused = "no_rule" if placement is None else "no_tenant"
            if row is not None and row.disabled_at is None:
                _disable(conn, provider, row)
            who: dict[str, int | str] = {"user_id": row.id} if row else {}
            _log(conn, "sso.login_refused", provider, row.tenant_id if row else None, reason=refused, **who)
        elif row is None:
            login = _create(conn, provider, subject, digest, tenant, placement.role)
            refused = None if login else "username_taken"
        elif row.disabled_at is not None and not row.disabled_by_rules:
            refused = "disabled"
            _log(conn, "sso.login_refused", provider, row.tenant_id, reason=refused, user_id=row.id)
        else:
            login = _update(conn, provider, row, tenant, placement.role)
    if login is None:
        raise SsoRefused(refused or "no_rule")
    return login


def _disable(conn: Connection, provider: str, row: sa.Row) -> None:
    ended = set_disabled_in(conn, row.id, row.key_id, row.key_hash, True)
    conn.execute(
        oidc_identities.update().where(oidc_identities.c.id == row.identity_id).values(disabled_by_rules=True)
    )
    _log(conn, "user.sso_disabled", provider, row.tenant_id, user_id=row.id, sessions_ended=ended)


def _key_hash(conn: Connection, key_id: int) -> str:
    return str(conn.execute(sa.select(api_keys.c.key_hash).where(api_keys.c.id == key_id)).scalar_one())


def _create(
    conn: Connection, provider: str, subject: str, digest: str, tenant: Tenant, role: Role
) -> SsoLogin | None:
    name, now, tenant_id = sso_username(provider, subject), time.time(), tenant.id
    if conn.execute(sa.select(users.c.id).where(users.c.username == name)).first():
        # Only an administrator who created this very name by hand gets here.
        _log(conn, "sso.login_refused", provider, tenant_id, reason="username_taken")
        return None
    key, _secret = insert_key(conn, tenant, role, f"user:{name}", actor=f"sso:{provider}")
    user_id = conn.execute(
        users.insert().values(
            tenant_id=tenant_id,
            username=name,
            password_hash=NO_PASSWORD,
            key_id=key.id,
            created_at=now,
            password_changed_at=now,
        )
    ).inserted_primary_key[0]
    conn.execute(
        oidc_identities.insert().values(
            provider=provider,
            subject_hash=digest,
            user_id=user_id,
            disabled_by_rules=False,
            created_at=now,
            last_login_at=now,
        )
    )
    _log(
        conn,
        "user.sso_created",
        provider,
        tenant_id,
        user_id=user_id,
        key_id=key.id,
        role=role,
        tenant=tenant.name,
    )
    _log(conn, "sso.login", provider, tenant_id, user_id=user_id, key_id=key.id)
    return SsoLogin(user_id, _key_hash(conn, key.id), tenant_id, created=True)


def _update(conn: Connection, provider: str, row: sa.Row, tenant: Tenant, role: Role) -> SsoLogin:
    now, tenant_id = time.time(), tenant.id
    key_id, key_hash = row.key_id, row.key_hash
    if (row.tenant_id, row.role) != (tenant_id, role):
        # A new key for the new place: the old key's conversations and sessions stay behind, revoked.
        conn.execute(api_keys.update().where(api_keys.c.id == row.key_id).values(revoked_at=now))
        ended = end_key_sessions(conn, row.key_hash)
        name = conn.execute(sa.select(users.c.username).where(users.c.id == row.id)).scalar_one()
        key, _secret = insert_key(conn, tenant, role, f"user:{name}", actor=f"sso:{provider}")
        key_id, key_hash = key.id, _key_hash(conn, key.id)
        conn.execute(users.update().where(users.c.id == row.id).values(tenant_id=tenant_id, key_id=key_id))
        _log(
            conn,
            "user.sso_moved",
            provider,
            tenant_id,
            user_id=row.id,
            key_id=key_id,
            role=role,
            tenant=tenant.name,
            old_key_id=row.key_id,
            sessions_ended=ended,
        )
    if row.disabled_at is not None:
        set_disabled_in(conn, row.id, key_id, key_hash, False)  # the new key, or the same one again
        _log(conn, "user.sso_enabled", provider, tenant_id, user_id=row.id)
    conn.execute(
        oidc_identities.update()
        .where(oidc_identities.c.id == row.identity_id)
        .values(disabled_by_rules=False, last_login_at=now)
    )
    _log(conn, "sso.login", provider, tenant_id, user_id=row.id, key_id=key_id)
    return SsoLogin(row.id, key_hash, tenant_id, created=False)
