"""The installation's Ed25519 audit signing key (`audit_signing.key` in the data directory)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE = "audit_signing.key"


def key_path_for(data_dir: Path) -> Path:
    return data_dir / KEY_FILE


def load_key(key_path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{key_path} is not an Ed25519 private key")
    return key


def load_or_create_key(key_path: Path) -> Ed25519PrivateKey:
    """The signing key, created (mode 0600, atomically: no half-written file) on first use."""
    if not key_path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        key_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=key_path.parent, prefix=".audit-key-")  # mkstemp gives 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, key_path)  # fails if another process created it first: keep theirs
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    return load_key(key_path)


def public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def public_key_hex(key_path: Path) -> str:
    return public_hex(load_or_create_key(key_path).public_key())
