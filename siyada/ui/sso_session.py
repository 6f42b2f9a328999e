"""What single sign-on keeps between requests: logins under way (state, nonce, PKCE verifier; each used
once, for ten minutes) and, per SSO web session, the ID token logout hands back to the provider
(`id_token_hint`), sealed under the tenant's key since it carries the person's claims.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.privacy.secrets import TenantKeys
from siyada.store.tables import oidc_pending, oidc_sessions
from siyada.ui.oidc import Started
from siyada.ui.sessions import token_digest

PENDING_TTL = 600.0  # a login left at the provider's page longer than this starts again
MAX_PENDING = 10_000  # logins under way at once; more are refused (a flood cannot grow the table)
PURPOSE = "oidc-id-token"


class TooManyLogins(Exception):
    """More logins under way than MAX_PENDING."""


@dataclass(frozen=True)
class Pending:
    nonce: str
    verifier: str


def save_pending(engine: Engine, provider: str, started: Started) -> None:
    now = time.time()
    with engine.begin() as conn:
        conn.execute(oidc_pending.delete().where(oidc_pending.c.created_at < now - PENDING_TTL))
        count = conn.execute(sa.select(sa.func.count()).select_from(oidc_pending)).scalar_one()
        if count >= MAX_PENDING:
            raise TooManyLogins()
        conn.execute(
            oidc_pending.insert().values(
                state_hash=token_digest(started.state),
                provider=provider,
                nonce=started.nonce,
                code_verifier=started.verifier,
                created_at=now,
            )
        )


def take_pending(engine: Engine, provider: str, state: str) -> Pending | None:
    """The login this `state` began at this provider, removed so that it cannot be used twice; None
    when unknown, used already, expired or begun at another provider."""
    key = token_digest(state)
    with engine.begin() as conn:
        row = conn.execute(sa.select(oidc_pending).where(oidc_pending.c.state_hash == key)).first()
        # Two callbacks racing with one state: only the one whose delete removes the row goes on.
        taken = conn.execute(oidc_pending.delete().where(oidc_pending.c.state_hash == key)).rowcount
    if row is None or taken != 1 or row.provider != provider:
        return None
    if row.created_at < time.time() - PENDING_TTL:
        return None
    return Pending(row.nonce, row.code_verifier)


def keep_id_token(
    engine: Engine,
    keys: TenantKeys,
    token: str,
    provider: str,
    tenant_id: int,
    id_token: str,
    expires_at: float,
) -> None:
    sealed = keys.encrypt(PURPOSE, tenant_id, id_token.encode("utf-8"))
    with engine.begin() as conn:
        conn.execute(oidc_sessions.delete().where(oidc_sessions.c.expires_at < time.time()))
        conn.execute(
            oidc_sessions.insert().values(
                token_hash=token_digest(token),
                provider=provider,
                tenant_id=tenant_id,
                id_token=sealed,
                expires_at=expires_at,
            )
        )


def id_token_of(engine: Engine, keys: TenantKeys, token: str) -> tuple[str, str] | None:
    """(provider, ID token) of an SSO web session; None for a key or password session."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(oidc_sessions).where(oidc_sessions.c.token_hash == token_digest(token))
        ).first()
    if row is None:
        return None
    return row.provider, keys.decrypt(PURPOSE, row.tenant_id, row.id_token).decode("utf-8")
