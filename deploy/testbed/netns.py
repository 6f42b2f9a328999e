"""Hosts as network namespaces: one bridge, a veth pair per host, addresses, routes and processes.

Names carry this process's id, so two test beds (or a crashed one) never share a namespace or a link.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


class NetnsUnavailable(RuntimeError):
    """Network namespaces cannot be made here (not root, no `ip`, or a sandbox that forbids them)."""


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)
    if check and proc.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {proc.stderr.strip()}")
    return proc


def probe() -> None:
    """Raise NetnsUnavailable with the reason when this machine cannot host the test bed."""
    if os.geteuid() != 0:
        raise NetnsUnavailable("the test bed needs root (network namespaces, a bridge, veth pairs)")
    if shutil.which("ip") is None:
        raise NetnsUnavailable("`ip` (iproute2) is not installed")
    name = f"syprobe{os.getpid()}"
    made = _ip("netns", "add", name, check=False)
    if made.returncode != 0:
        raise NetnsUnavailable(f"`ip netns add` is not permitted here: {made.stderr.strip()}")
    _ip("netns", "del", name, check=False)


@dataclass
class Host:
    name: str
    ns: str
    addr: str
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def cmd(self, *args: str) -> list[str]:
        return ["ip", "netns", "exec", self.ns, *args]

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.cmd(*args), capture_output=True, text=True, timeout=timeout)

    def spawn(
        self, args: list[str], log: Path, env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> subprocess.Popen[bytes]:
        """Start a process on this host (its own session, so it and its children can be killed together)."""
        with log.open("ab") as fh:
            proc = subprocess.Popen(
                self.cmd(*args), stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True
            )
        self.procs.append(proc)
        return proc

    def link(self, up: bool) -> None:
        """Cut this host off the network (or plug it back): its interface goes down."""
        self.run_checked("ip", "link", "set", "eth0", "up" if up else "down")

    def run_checked(self, *args: str) -> str:
        proc = self.run(*args)
        if proc.returncode != 0:
            raise RuntimeError(f"{self.name}: {' '.join(args)}: {proc.stderr.strip()}")
        return proc.stdout


def kill(proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    """Signal a process started by `Host.spawn` and its whole session, then reap it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def _free_octet(start: int) -> int:
    """The first 10.N.0.0/16 from `start` on that no interface of this machine uses: two test beds at
    once (another worktree's run) would otherwise share a subnet when their process ids agree mod 100."""
    used = _ip("-o", "-4", "addr", "show", check=False).stdout
    for i in range(100):
        octet = 100 + (start - 100 + i) % 100
        if f" 10.{octet}." not in used:
            return octet
    raise NetnsUnavailable("no free 10.N.0.0/16 subnet for the test bed")


class Network:
    """A bridge `10.N.0.0/24` with hosts at `10.N.0.x`, and an `outside` subnet `10.N.1.0/24` on the
    same wire that only hosts given a route to it can reach."""

    def __init__(self) -> None:
        self.tag = str(os.getpid() % 100000)
        octet = _free_octet(100 + os.getpid() % 100)  # a subnet of its own, away from the usual ones
        self.prefix = f"10.{octet}.0"
        self.outside_prefix = f"10.{octet}.1"
        self.bridge = f"sybr{self.tag}"
        self.hosts: dict[str, Host] = {}
        self.root = Path(tempfile.mkdtemp(prefix="siyada-testbed-"))
        self._links: list[str] = []

    def up(self) -> None:
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("addr", "add", f"{self.prefix}.1/24", "dev", self.bridge)  # this machine: the operator's seat
        _ip("link", "set", self.bridge, "up")

    def add(self, name: str, last_octet: int, outside: bool = False) -> Host:
        ns = f"sy{self.tag}-{name}"
        addr = f"{self.outside_prefix if outside else self.prefix}.{last_octet}"
        _ip("netns", "add", ns)
        host = Host(name, ns, addr)
        self.hosts[name] = host
        outer = f"sy{self.tag}{name}"[:15]
        _ip("link", "add", outer, "type", "veth", "peer", "name", f"sp{self.tag}{len(self.hosts)}"[:15])
        self._links.append(outer)
        inner = f"sp{self.tag}{len(self.hosts)}"[:15]
        _ip("link", "set", inner, "netns", ns)
        _ip("link", "set", outer, "master", self.bridge)
        _ip("link", "set", outer, "up")
        for cmd in (
            ["ip", "link", "set", inner, "name", "eth0"],
            ["ip", "addr", "add", f"{addr}/24", "dev", "eth0"],
            ["ip", "link", "set", "eth0", "up"],
            ["ip", "link", "set", "lo", "up"],
        ):
            host.run_checked(*cmd)
        return host

    def route(self, host: Host, prefix: str) -> None:
        """Give `host` an on-link route to another /24 on the same wire."""
        host.run_checked("ip", "route", "add", f"{prefix}.0/24", "dev", "eth0")

    def down(self) -> None:
        for host in self.hosts.values():
            for proc in host.procs:
                kill(proc)
        time.sleep(0.2)
        for host in self.hosts.values():
            _ip("netns", "del", host.ns, check=False)
        for link in self._links:
            _ip("link", "del", link, check=False)
        _ip("link", "del", self.bridge, check=False)
        shutil.rmtree(self.root, ignore_errors=True)
