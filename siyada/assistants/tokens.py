"""Conversation tokens of the citizen widget: short-lived, signed (HMAC-SHA256), bound to one tenant,
one assistant and one embedding origin. No cookie: the widget holds the token in memory and sends it as
`Authorization: Bearer`. The server keeps nothing per token.

`sw1.<payload>.<mac>`, payload = base64url(JSON {"t": tenant id, "a": assistant, "o": origin,
"e": expiry (unix seconds), "n": nonce}). Any change to the payload breaks the MAC; a token for one
assistant is refused by every other (404, as for an assistant that is not there).

The key: `widget.secret` of the config (give it as ${VAR}), the same on every replica, so a token issued by
one is read by all; when unset, a file of the data directory (one replica, or replicas sharing that
directory). Rotation: the old secret moves to `widget.previous_secrets`, which still open the tokens they
signed (never sign new ones) until those expire, at most the longest `token_ttl_seconds` later."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from siyada.errors import ApiError
from siyada.privacy.secrets import load_or_create_secret

PREFIX = "sw1."
SECRET_FILE = "widget.secret"
MAX_TOKEN_CHARS = 1024


@dataclass(frozen=True)
class Conversation:
    tenant_id: int
    assistant: str
    origin: str
    expires: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    def __init__(self, secret: bytes, previous: tuple[bytes, ...] = ()) -> None:
        self._secret = secret
        self._readers = (secret, *previous)

    @classmethod
    def for_config(
        cls, data_dir: Path, secret: str | None = None, previous: list[str] | None = None
    ) -> TokenSigner:
        """The configured secret (shared by replicas), else the data directory's file."""
        current = secret.encode() if secret else load_or_create_secret(data_dir, SECRET_FILE)
        return cls(current, tuple(p.encode() for p in previous or []))

    def _mac(self, payload: str, secret: bytes | None = None) -> str:
        return _b64(hmac.new(secret or self._secret, payload.encode(), hashlib.sha256).digest())

    def _signed(self, payload: str, mac: str) -> bool:
        given = mac.encode("ascii", "replace")
        # Every key is tried (no early exit): the time taken does not tell which one matched.
        return sum(hmac.compare_digest(self._mac(payload, k).encode(), given) for k in self._readers) > 0

    def issue(self, tenant_id: int, assistant: str, origin: str, ttl: int) -> tuple[str, int]:
        expires = int(time.time()) + ttl
        body = {"t": tenant_id, "a": assistant, "o": origin, "e": expires, "n": secrets.token_hex(8)}
        payload = _b64(json.dumps(body, separators=(",", ":")).encode())
        return f"{PREFIX}{payload}.{self._mac(payload)}", expires

    def read(self, token: str, tenant_id: int, assistant: str) -> Conversation:
        """The conversation the token opens for this assistant; 401 when it is malformed, forged or
        expired, 404 when it was issued for another assistant (or tenant)."""
        if not token.startswith(PREFIX) or len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
            raise _invalid("malformed")
        payload, mac = token[len(PREFIX) :].split(".")
        if not self._signed(payload, mac):
            raise _invalid("forged")
        try:
            body = json.loads(_unb64(payload))
            found = Conversation(int(body["t"]), str(body["a"]), str(body["o"]), int(body["e"]))
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            raise _invalid("malformed") from exc
        if found.expires < time.time():
            raise _invalid("expired")
        if (found.tenant_id, found.assistant) != (tenant_id, assistant):
            raise ApiError(404, "This conversation belongs to another assistant", code="assistant_not_found")
        return found


def _invalid(why: str) -> ApiError:
    return ApiError(
        401, f"The conversation token is {why}; reload the widget", code="invalid_conversation_token"
    )
