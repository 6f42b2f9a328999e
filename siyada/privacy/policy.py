"""Which privacy rules apply to a tenant, and whether a request must be pseudonymised on its way out.

The rule that cannot be switched off: a provider that the config does not mark `in_house` only ever reads
placeholders. A tenant may let in-house providers (the embedded model, servers on its own machines) read
real values with `prompts = "external"`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from siyada.config import PrivacyConfig
from siyada.privacy.entities import ENTITY_TYPES
from siyada.privacy.operators import Pseudonymiser
from siyada.privacy.secrets import HASH_SECRET_FILE, TenantKeys, load_or_create_secret


@dataclass(frozen=True)
class TenantPolicy:
    prompts: str  # "all" | "external"
    documents: bool
    threshold: float
    entities: frozenset[str]

    def needs_shield(self, in_house: Iterable[bool]) -> bool:
        """Whether a request routed to providers with these in-house flags is pseudonymised."""
        return self.prompts == "all" or not all(in_house)

    def pseudonymiser(self) -> Pseudonymiser:
        return Pseudonymiser(threshold=self.threshold, types=self.entities)


class PrivacyGuard:
    def __init__(self, config: PrivacyConfig, keys: TenantKeys) -> None:
        self.config = config
        self.keys = keys
        self._policies: dict[str, TenantPolicy] = {}

    def policy(self, tenant: str) -> TenantPolicy:
        found = self._policies.get(tenant)
        if found is None:
            found = self._policies[tenant] = self._resolve(tenant)
        return found

    def _resolve(self, tenant: str) -> TenantPolicy:
        base = self.config
        own = base.tenants.get(tenant)

        def pick(name: str) -> object:
            value = getattr(own, name) if own is not None else None
            return getattr(base, name) if value is None else value

        entities = pick("entities")
        return TenantPolicy(
            prompts=str(pick("prompts")),
            documents=bool(pick("documents")),
            threshold=float(pick("threshold")),  # type: ignore[arg-type]
            entities=frozenset(entities if entities is not None else ENTITY_TYPES),  # type: ignore[arg-type]
        )


def build_guard(config: PrivacyConfig, data_dir: Path) -> PrivacyGuard:
    """The guard for a server or a CLI command: the configured secrets, else the data directory's files
    (one for mapping tokens, one for keyed hashes)."""
    secret = config.secret.encode() if config.secret else load_or_create_secret(data_dir)
    hashing = (
        config.hash_secret.encode()
        if config.hash_secret
        else load_or_create_secret(data_dir, HASH_SECRET_FILE)
    )
    return PrivacyGuard(config, TenantKeys(secret, hashing))
