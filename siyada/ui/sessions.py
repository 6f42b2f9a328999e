"""Web sessions: logging in (with an API key, or a user's password) opens a session whose cookie
carries only a random token.

A user's login acts as the user's internal key (siyada/governance/users.py). The browser never holds
a key itself (nothing secret in local storage or in a readable cookie). The session row keeps the
key's hash, so revoking the key ends every session opened with it, and a CSRF token that every
state-changing request must echo in a header or a form field.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.governance.keys import hash_key, resolve_key_hash
from siyada.store.tables import oidc_sessions, ui_sessions

COOKIE = "siyada_session"
LIFETIME = 12 * 3600  # a working day; a new login after that


@dataclass(frozen=True)
class Session:
    key_hash: str
    csrf: str


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(engine: Engine, secret: str) -> tuple[str, Session] | None:
    """(cookie token, session) for a valid key, else None."""
    return open_session_for_hash(engine, hash_key(secret))


def open_session_for_hash(engine: Engine, key_hash: str) -> tuple[str, Session] | None:
    """(cookie token, session) acting as the key with this hash (a user's login), else None when the
    key is unknown or revoked."""
    if resolve_key_hash(engine, key_hash) is None:
        return None
    token, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(24), time.time()
    with engine.begin() as conn:
        conn.execute(ui_sessions.delete().where(ui_sessions.c.expires_at < now))
        conn.execute(
            ui_sessions.insert().values(
                token_hash=token_digest(token),
                key_hash=key_hash,
                csrf=csrf,
                created_at=now,
                expires_at=now + LIFETIME,
            )
        )
    return token, Session(key_hash, csrf)


def find_session(engine: Engine, token: str) -> Session | None:
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(ui_sessions.c.key_hash, ui_sessions.c.csrf, ui_sessions.c.expires_at).where(
                ui_sessions.c.token_hash == token_digest(token)
            )
        ).first()
    if row is None or row.expires_at < time.time():
        return None
    return Session(row.key_hash, row.csrf)


def close_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(oidc_sessions.delete().where(oidc_sessions.c.token_hash == token_digest(token)))
        conn.execute(ui_sessions.delete().where(ui_sessions.c.token_hash == token_digest(token)))


def same_token(presented: str, expected: str) -> bool:
    """Constant-time equality that cannot raise: `hmac.compare_digest` refuses non-ASCII str (a 500),
    so both sides are compared as UTF-8 bytes."""
    return hmac.compare_digest(
        presented.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def csrf_ok(session: Session, presented: str | None) -> bool:
    return bool(presented) and same_token(presented or "", session.csrf)
