"""Per-tenant keys for keyed hashing and for conversation mappings that must outlive one request.

Two master secrets (from the config, shared by replicas, or 0600 files in the data directory created on
first use) derive a distinct key per tenant with HKDF, so a tenant's hashes and tokens mean nothing under
another tenant's key. The `hash` operator's secret is its own: whoever holds the key that opens mapping
tokens (reversible) still cannot recompute keyed hashes (one-way) to test guessed CIN or phone numbers.
A mapping token is the placeholder map sealed with AES-GCM under the tenant key: the caller holds it, the
server keeps nothing.
"""

from __future__ import annotations

import base64
import hmac
import os
import secrets
import time
from pathlib import Path

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SECRET_FILE = "privacy.secret"
HASH_SECRET_FILE = "privacy-hash.secret"
TOKEN_PREFIX = "spm1."
DEFAULT_TOKEN_TTL = 24 * 3600


class InvalidMappingToken(ValueError):
    """A mapping token that is corrupt, expired, or sealed for another tenant."""


def load_or_create_secret(data_dir: Path, name: str = SECRET_FILE) -> bytes:
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # atomic, and never replaces a secret another process wrote first
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes()


def _derive(master: bytes, purpose: str, tenant_id: int) -> bytes:
    info = f"siyada:{purpose}:{tenant_id}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


class TenantKeys:
    def __init__(self, master: bytes, hash_master: bytes) -> None:
        if len(master) < 32 or len(hash_master) < 32:
            raise ValueError("the privacy secrets must be at least 32 bytes")
        if hmac.compare_digest(master, hash_master):
            raise ValueError("the hash secret must differ from the privacy secret")
        self._master = master
        self._hash_master = hash_master
        self._cache: dict[tuple[str, int], bytes] = {}

    def key(self, purpose: str, tenant_id: int) -> bytes:
        """A key for sealing (`mapping`, ...) under the privacy secret; never the hash key."""
        if purpose == "hash":
            raise ValueError("keyed hashes use hash_key (their own secret)")
        found = self._cache.get((purpose, tenant_id))
        if found is None:
            found = self._cache[(purpose, tenant_id)] = _derive(self._master, purpose, tenant_id)
        return found

    def hash_key(self, tenant_id: int) -> bytes:
        """The tenant's key for the one-way `hash` operator, from the hash secret only."""
        found = self._cache.get(("hash", tenant_id))
        if found is None:
            found = self._cache[("hash", tenant_id)] = _derive(self._hash_master, "hash", tenant_id)
        return found

    def encrypt(self, purpose: str, tenant_id: int, data: bytes) -> bytes:
        """AES-GCM under the tenant's key for `purpose` (bound in as associated data), nonce first."""
        nonce = secrets.token_bytes(12)
        return nonce + AESGCM(self.key(purpose, tenant_id)).encrypt(nonce, data, purpose.encode())

    def decrypt(self, purpose: str, tenant_id: int, blob: bytes) -> bytes:
        return AESGCM(self.key(purpose, tenant_id)).decrypt(blob[:12], blob[12:], purpose.encode())

    def seal(self, tenant_id: int, mapping: dict[str, str], ttl: int = DEFAULT_TOKEN_TTL) -> str:
        nonce = secrets.token_bytes(12)
        payload = orjson.dumps({"exp": int(time.time()) + ttl, "map": mapping})
        sealed = AESGCM(self.key("mapping", tenant_id)).encrypt(nonce, payload, None)
        return TOKEN_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")

    def open(self, tenant_id: int, token: str) -> dict[str, str]:
        if not token.startswith(TOKEN_PREFIX):
            raise InvalidMappingToken("not a Siyada mapping token")
        raw = token[len(TOKEN_PREFIX) :]
        try:
            blob = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
            payload = AESGCM(self.key("mapping", tenant_id)).decrypt(blob[:12], blob[12:], None)
            data = orjson.loads(payload)
        except (ValueError, InvalidTag) as exc:
            raise InvalidMappingToken("the mapping token is corrupt or belongs to another tenant") from exc
        if data["exp"] < time.time():
            raise InvalidMappingToken("the mapping token has expired")
        return dict(data["map"])
