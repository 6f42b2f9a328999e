"""The login throttle: guessing slows down exponentially, per (username, client address) and per address.

Counting failures per username alone let anyone lock anyone out: five wrong passwords from anywhere
locked the owner out too. Here the username's count is kept per client address, so an attacker
hammering a username from one address slows only that address; the owner, from another, logs in at
once. A second count per address, across usernames, slows a spray (one password tried on many
usernames). Beyond a few free failures every further attempt waits `base_delay` seconds, doubled at
each failure, up to `max_delay`; failures are forgiven one per `forgive_every` seconds, so a typo
now and then never adds up. Attempts are counted before the password is checked (and refunded on
success), so concurrent guesses cannot all slip in before the first failure is recorded.

IPv6 clients are counted per /64, the block one host usually holds; IPv4-mapped addresses as IPv4.
In memory, per server process, each table capped at `max_entries` (least recently failed dropped
first): a restart forgets the counts, and N replicas each allow their own.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass(slots=True)  # up to 2 x 100,000 of them
class _Record:
    failures: int
    last: float  # when `failures` was last counted (or a failure confirmed)


@dataclass(frozen=True)
class Policy:
    free: int  # failures allowed without waiting
    forgive_every: float  # seconds after which one failure is forgotten
    base_delay: float = 2.0
    max_delay: float = 15 * 60


class _Counts:
    """Failures per key, forgiven over time, with the wait they impose; bounded in size."""

    def __init__(self, policy: Policy, max_entries: int) -> None:
        self.policy = policy
        self.max_entries = max_entries
        self._records: OrderedDict[Hashable, _Record] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    def _failures(self, record: _Record, now: float) -> int:
        forgiven = math.floor(max(0.0, now - record.last) / self.policy.forgive_every)
        return max(0, record.failures - forgiven)

    def wait(self, key: Hashable, now: float) -> float:
        """Seconds before `key` may try again (0: now)."""
        record = self._records.get(key)
        if record is None:
            return 0.0
        failures = self._failures(record, now)
        if failures < self.policy.free:
            return 0.0
        doublings = min(failures - self.policy.free, 40)  # past the cap anyway; 2.0 ** 1100 overflows
        delay = min(self.policy.max_delay, self.policy.base_delay * 2.0**doublings)
        return max(0.0, record.last + delay - now)

    def count(self, key: Hashable, now: float) -> None:
        record = self._records.pop(key, None)
        failures = self._failures(record, now) if record is not None else 0
        self._records[key] = _Record(failures + 1, now)  # re-inserted: the most recent is last
        self._trim(now)

    def touch(self, key: Hashable, now: float) -> None:
        """The counted attempt failed: its wait runs from now, not from when the check began."""
        record = self._records.get(key)
        if record is not None:
            record.last = max(record.last, now)

    def refund(self, key: Hashable) -> None:
        record = self._records.get(key)
        if record is not None:
            record.failures -= 1
            if record.failures <= 0:
                del self._records[key]

    def clear(self, key: Hashable) -> None:
        self._records.pop(key, None)

    def _trim(self, now: float) -> None:
        """Drop forgiven records from the old end, then the least recent ones past the cap."""
        while self._records:
            key, record = next(iter(self._records.items()))
            if self._failures(record, now) > 0 and len(self._records) <= self.max_entries:
                break
            del self._records[key]


def client_key(address: str | None) -> str:
    """The address a client is counted under: IPv4 as is, IPv6 by its /64."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


# A username from one address: 5 tries, then 2 s, 4 s, 8 s... (a typo a day never waits). One address
# across usernames: 30 tries (an office behind one NAT address), then the same doubling.
PER_USER = Policy(free=5, forgive_every=5 * 60)
PER_ADDRESS = Policy(free=30, forgive_every=60)


class LoginThrottle:
    """Failed password logins per (username, address) and per address; see the module docstring."""

    def __init__(
        self,
        per_user: Policy = PER_USER,
        per_address: Policy = PER_ADDRESS,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 100_000,
    ) -> None:
        self._clock = clock
        self._pairs = _Counts(per_user, max_entries)
        self._addresses = _Counts(per_address, max_entries)

    def attempt(self, username: str, address: str | None) -> float | None:
        """Start an attempt: the seconds to wait while throttled, else None and the attempt is counted
        as a failure until `succeeded` says otherwise."""
        now, where = self._clock(), client_key(address)
        wait = max(self._pairs.wait((username, where), now), self._addresses.wait(where, now))
        if wait > 0:
            return wait
        self._pairs.count((username, where), now)
        self._addresses.count(where, now)
        return None

    def failed(self, username: str, address: str | None) -> None:
        now, where = self._clock(), client_key(address)
        self._pairs.touch((username, where), now)
        self._addresses.touch(where, now)

    def succeeded(self, username: str, address: str | None) -> None:
        """The owner is in: that pair starts afresh and the address gets this attempt back (not its
        other failures, or one account of one's own would reset a spray)."""
        where = client_key(address)
        self._pairs.clear((username, where))
        self._addresses.refund(where)

    def sizes(self) -> tuple[int, int]:
        """(pairs, addresses) currently remembered."""
        return len(self._pairs), len(self._addresses)
