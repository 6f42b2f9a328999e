"""Conversation tokens of the citizen widget: short-lived, signed (HMAC-SHA256 with a secret of the data
directory), bound to one tenant, one assistant and one embedding origin. No cookie: the widget holds the
token in memory and sends it as `Authorization: Bearer`. The server keeps nothing per token.

`sw1.<payload>.<mac>`, payload = base64url(JSON {"t": tenant id, "a": assistant, "o": origin,
"e": expiry (unix seconds), "n": nonce}). Any change to the payload breaks the MAC; a token for one
assistant is refused by every other (404, as for an assistant that is not there)."""

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
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> TokenSigner:
        return cls(load_or_create_secret(data_dir, SECRET_FILE))

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._secret, payload.encode(), hashlib.sha256).digest())

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
        if not hmac.compare_digest(self._mac(payload).encode(), mac.encode("ascii", "replace")):
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
