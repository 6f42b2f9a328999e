"""The egress guard: no byte leaves for a host that is not on the allow-list.

Entries are host names (exact, or `*.example.ma` for sub-domains), IP addresses, or CIDR blocks. A URL is
allowed when its host matches a name entry, or when it is an IP literal inside an IP/CIDR entry. The same
policy is checked at config load, before each request, and on every address the resolver returns for a
connection (so a name that is allowed only through a CIDR cannot be re-pointed outside it).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver
from aiohttp.resolver import DefaultResolver

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class EgressDenied(Exception):
    """Raised when an upstream address is not on the allow-list."""


@dataclass
class EgressPolicy:
    names: set[str] = field(default_factory=set)
    suffixes: list[str] = field(default_factory=list)
    networks: list[IPNetwork] = field(default_factory=list)

    @classmethod
    def from_entries(cls, entries: list[str]) -> EgressPolicy:
        policy = cls()
        for raw in entries:
            entry = raw.strip().lower()
            if not entry:
                continue
            try:
                policy.networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            except ValueError:
                pass
            if entry.startswith("*."):
                policy.suffixes.append(entry[1:])
            else:
                policy.names.add(entry)
        return policy

    def ip_allowed(self, addr: str) -> bool:
        try:
            ip = ipaddress.ip_address(addr.split("%", 1)[0])
        except ValueError:
            return False
        return any(ip in net for net in self.networks)

    def host_allowed_by_name(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host in self.names or any(host.endswith(s) for s in self.suffixes)

    def explain(self, url: str) -> str | None:
        """None when the URL may be contacted, else the reason it may not."""
        try:
            host = urlsplit(url).hostname
        except ValueError:
            return f"{url!r} is not a valid URL"
        if not host:
            return f"{url!r} names no host"
        if self.host_allowed_by_name(host) or self.ip_allowed(host):
            return None
        return (
            f"host {host!r} is not on the egress allow-list "
            f"(allowed: {', '.join(self.describe()) or 'nothing'})"
        )

    def check_url(self, url: str) -> None:
        reason = self.explain(url)
        if reason:
            raise EgressDenied(reason)

    def describe(self) -> list[str]:
        return sorted(self.names) + ["*" + s for s in self.suffixes] + [str(n) for n in self.networks]


class GuardedResolver(AbstractResolver):
    """aiohttp resolver that refuses any resolved address the policy does not allow."""

    def __init__(self, policy: EgressPolicy) -> None:
        self._policy = policy
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[Any]:
        by_name = self._policy.host_allowed_by_name(host)
        if not by_name and not self._policy.ip_allowed(host):
            raise EgressDenied(f"host {host!r} is not on the egress allow-list")
        infos = await self._inner.resolve(host, port, family)
        if by_name:
            return infos
        allowed = [i for i in infos if self._policy.ip_allowed(i["host"])]
        if not allowed:
            raise EgressDenied(f"host {host!r} resolves outside the egress allow-list")
        return allowed

    async def close(self) -> None:
        await self._inner.close()
