"""API keys: random secrets bound to a tenant and a role, stored as SHA-256 hashes, shown once.

Roles: `operator` runs the platform (every tenant, key, usage row and audit entry), `admin` manages its
own tenant only, `user` calls the API. What each may do is decided in `siyada.governance.authz`.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.governance import audit
from siyada.governance.tenants import Tenant, TenantError, get_tenant
from siyada.lang.bidi import refusal
from siyada.store.tables import api_keys, tenants

Role = Literal["operator", "admin", "user"]
ROLES: tuple[Role, ...] = ("operator", "admin", "user")


class KeyError_(ValueError):
    """A key operation that cannot be done; the message says why."""


@dataclass(frozen=True)
class KeyInfo:
    id: int
    tenant: str
    name: str
    role: Role
    prefix: str
    created_at: float
    revoked_at: float | None


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key and its tenant, as resolved from the Authorization header."""

    key_id: int
    role: Role
    tenant: Tenant

    @property
    def is_operator(self) -> bool:
        return self.role == "operator"

    @property
    def is_admin(self) -> bool:
        """An operator or a tenant admin: may reach the admin API at all."""
        return self.role in ("operator", "admin")

    @property
    def actor(self) -> str:
        """How audit entries name this caller."""
        return f"key:{self.key_id}"


def hash_key(secret: str) -> str:
    # Keys carry 256 bits of randomness, so a fast hash is safe here (no dictionary to attack).
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise KeyError_(f"role must be one of {', '.join(ROLES)}, not {role!r}")


def create_key(
    engine: Engine, tenant_name: str, role: str, name: str = "", *, actor: str = "cli"
) -> tuple[KeyInfo, str]:
    """Create a key and return it with its secret, which is never stored nor shown again."""
    _check_role(role)
    hidden = refusal(name, "key name")
    if hidden is not None:
        raise KeyError_(hidden)
    tenant = get_tenant(engine, tenant_name)
    with audit.transaction(engine) as conn:
        return insert_key(conn, tenant, role, name, actor=actor)


def insert_key(
    conn: Connection, tenant: Tenant, role: str, name: str = "", *, actor: str
) -> tuple[KeyInfo, str]:
    """Create a key inside an `audit.transaction` (a user and its key are created in one)."""
    _check_role(role)
    secret = "sk-" + secrets.token_urlsafe(32)
    now = time.time()
    res = conn.execute(
        api_keys.insert().values(
            tenant_id=tenant.id,
            name=name[:64],
            role=role,
            key_hash=hash_key(secret),
            prefix=secret[:10],
            created_at=now,
        )
    )
    key_id = res.inserted_primary_key[0]
    # Never the secret nor its prefix; the key's label is free text and stays out too.
    audit.append(
        conn,
        "key.created",
        actor=actor,
        tenant_id=tenant.id,
        target=f"key:{key_id}",
        details={"key_id": key_id, "role": role, "tenant": tenant.name},
    )
    return KeyInfo(key_id, tenant.name, name, role, secret[:10], now, None), secret  # type: ignore[arg-type]


def key_tenant(engine: Engine, key_id: int) -> tuple[int, Role] | None:
    """The tenant id and role of a key, or None if there is no such key."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(api_keys.c.tenant_id, api_keys.c.role).where(api_keys.c.id == key_id)
        ).first()
    return None if row is None else (row.tenant_id, row.role)


def list_keys(engine: Engine, tenant_name: str | None = None) -> list[KeyInfo]:
    q = sa.select(api_keys, tenants.c.name.label("tenant_name")).join(tenants).order_by(api_keys.c.id)
    if tenant_name is not None:
        get_tenant(engine, tenant_name)
        q = q.where(tenants.c.name == tenant_name)
    with engine.connect() as conn:
        return [
            KeyInfo(r.id, r.tenant_name, r.name, r.role, r.prefix, r.created_at, r.revoked_at)
            for r in conn.execute(q)
        ]


def revoke_key(engine: Engine, key_id: int, *, actor: str = "cli") -> KeyInfo:
    with audit.transaction(engine) as conn:
        row = conn.execute(
            sa.select(api_keys.c.revoked_at, api_keys.c.tenant_id, api_keys.c.role).where(
                api_keys.c.id == key_id
            )
        ).first()
        if row is None:
            raise KeyError_(f"no key with id {key_id}")
        if row.revoked_at is None:
            conn.execute(api_keys.update().where(api_keys.c.id == key_id).values(revoked_at=time.time()))
            audit.append(
                conn,
                "key.revoked",
                actor=actor,
                tenant_id=row.tenant_id,
                target=f"key:{key_id}",
                details={"key_id": key_id, "role": row.role},
            )
    return next(k for k in list_keys(engine) if k.id == key_id)


def resolve_key(engine: Engine, secret: str) -> Principal | None:
    """The principal for a presented secret, or None if unknown or revoked."""
    return resolve_key_hash(engine, hash_key(secret))


def resolve_key_hash(engine: Engine, digest: str) -> Principal | None:
    """The principal for a key known by its hash (a web session holds the hash, never the secret)."""
    q = (
        sa.select(
            api_keys.c.id.label("key_id"),
            api_keys.c.role,
            api_keys.c.revoked_at,
            tenants.c.id.label("tenant_id"),
            tenants.c.name,
            tenants.c.description,
            tenants.c.allowed_models,
            tenants.c.created_at,
        )
        .join(tenants, tenants.c.id == api_keys.c.tenant_id)
        .where(api_keys.c.key_hash == digest)
    )
    with engine.connect() as conn:
        row = conn.execute(q).first()
    if row is None or row.revoked_at is not None:
        return None
    tenant = Tenant(row.tenant_id, row.name, row.description, row.allowed_models, row.created_at)
    return Principal(key_id=row.key_id, role=row.role, tenant=tenant)


def principal_of_key(engine: Engine, key_id: int) -> Principal | None:
    """The principal of a key known by its id (work done later as that key: a batch), None if revoked."""
    with engine.connect() as conn:
        digest = conn.execute(sa.select(api_keys.c.key_hash).where(api_keys.c.id == key_id)).scalar()
    return None if digest is None else resolve_key_hash(engine, digest)


__all__ = [
    "ROLES",
    "KeyError_",
    "KeyInfo",
    "Principal",
    "Role",
    "TenantError",
    "create_key",
    "insert_key",
    "key_tenant",
    "list_keys",
    "principal_of_key",
    "resolve_key",
    "resolve_key_hash",
    "revoke_key",
]
