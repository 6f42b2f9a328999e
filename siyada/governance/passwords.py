"""Password hashing (scrypt); the login throttle that limits guessing is in login_throttle.py.

Hashes are self-describing strings, `scrypt$<n>$<r>$<p>$<salt>$<hash>` (salt and hash in unpadded
base64), so that the cost can be raised later without breaking stored hashes. Passwords are NFKC
normalised first: the same password typed on an Arabic or a French keyboard (presentation forms,
full-width digits) gives the same hash.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
import unicodedata

N, R, P = 2**14, 8, 1  # about 16 MiB and a few tens of milliseconds per hash
SALT_BYTES = 16
HASH_BYTES = 32
MIN_LENGTH = 10
MAX_LENGTH = 1024
_MAX_N = 2**20  # refuse absurd costs read from a tampered row instead of exhausting memory


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _normalise(password: str) -> bytes:
    return unicodedata.normalize("NFKC", password).encode("utf-8")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # maxmem above the 128·n·r bytes scrypt needs (OpenSSL's default ceiling is 32 MiB).
    return hashlib.scrypt(
        _normalise(password), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=256 * n * r + 2**20
    )


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    length = len(unicodedata.normalize("NFKC", password))
    if length < MIN_LENGTH:
        return f"password must be at least {MIN_LENGTH} characters"
    if length > MAX_LENGTH:
        return f"password must be at most {MAX_LENGTH} characters"
    return None


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, N, R, P, HASH_BYTES)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, digest = _unb64(parts[4]), _unb64(parts[5])
    except ValueError:
        return None
    if not (1 < n <= _MAX_N and n & (n - 1) == 0 and 0 < r <= 32 and 0 < p <= 16 and digest):
        return None
    return n, r, p, salt, digest


def check_password(password: str, stored: str) -> bool:
    """Whether `password` matches `stored`, compared in constant time; False for an unreadable hash."""
    parsed = _parse(stored)
    if parsed is None:
        return False
    n, r, p, salt, expected = parsed
    return hmac.compare_digest(_scrypt(password, salt, n, r, p, len(expected)), expected)


@functools.cache
def dummy_hash() -> str:
    """A hash nobody knows the password of, checked for unknown usernames so that they cost the same
    scrypt work as a wrong password (no telling which usernames exist from the response time)."""
    return hash_password(secrets.token_urlsafe(24))
