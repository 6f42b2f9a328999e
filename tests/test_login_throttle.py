"""Logins resist guessing without locking owners out: throttled per (username, address) and per
address, the form's size bounded before it is parsed, token comparisons that cannot raise.

Against a real server of its own; a second client address comes from binding to 127.0.0.2 (all of
127.0.0.0/8 is loopback on Linux).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from siyada.governance.login_throttle import LoginThrottle, Policy, client_key
from tests.server import Server, cli

PASSWORD = "une phrase assez longue 2026"


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("siyada-logins")
    cli(data, "tenants", "create", "default")
    server = Server(data).start()
    yield server
    server.stop()


def _create(srv: Server, username: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIYADA_")}
    cmd = [sys.executable, "-m", "siyada", "--data-dir", str(srv.data_dir), "users", "create"]
    args = ["--tenant", "default", "--username", username, "--password-stdin"]
    proc = subprocess.run(
        [*cmd, *args], input=PASSWORD + "\n", capture_output=True, text=True, timeout=120, env=env
    )
    assert proc.returncode == 0, proc.stderr


def _client(srv: Server, address: str = "127.0.0.1", **headers: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=srv.url, transport=transport, headers=headers)


def _form_login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    page = client.get("/ui/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return client.post("/ui/login", data={"csrf": token, "username": username, "password": password})


# ---- the throttle alone, on a clock of our own ---------------------------------------------------
def test_a_pair_waits_longer_after_each_failure_and_is_forgiven_over_time() -> None:
    now = [1000.0]
    throttle = LoginThrottle(
        Policy(free=3, forgive_every=600), Policy(free=100, forgive_every=60), clock=lambda: now[0]
    )
    for _ in range(3):
        assert throttle.attempt("amina", "10.0.0.1") is None
        throttle.failed("amina", "10.0.0.1")
    waits = []
    for _ in range(4):
        wait = throttle.attempt("amina", "10.0.0.1")
        assert wait is not None
        waits.append(wait)
        now[0] += wait
        assert throttle.attempt("amina", "10.0.0.1") is None
        throttle.failed("amina", "10.0.0.1")
    assert waits == [2.0, 4.0, 8.0, 16.0]  # doubling, from the end of the last failure
    assert throttle.attempt("amina", "10.0.0.2") is None  # the owner elsewhere is not slowed
    throttle.succeeded("amina", "10.0.0.2")
    now[0] += 600 * 8  # eight forgiven failures (the seven counted, and more)
    assert throttle.attempt("amina", "10.0.0.1") is None


def test_an_address_spraying_usernames_is_throttled_and_a_success_does_not_reset_it() -> None:
    now = [0.0]
    throttle = LoginThrottle(
        Policy(free=5, forgive_every=300), Policy(free=10, forgive_every=60), clock=lambda: now[0]
    )
    for i in range(10):
        assert throttle.attempt(f"user{i}", "10.0.0.9") is None
        throttle.failed(f"user{i}", "10.0.0.9")
    assert throttle.attempt("mine", "10.0.0.9") == 2.0
    now[0] += 2
    assert throttle.attempt("mine", "10.0.0.9") is None
    throttle.succeeded("mine", "10.0.0.9")  # refunds that one attempt only
    assert throttle.attempt("user11", "10.0.0.9") is not None
    assert throttle.attempt("user11", "10.0.0.10") is None  # another address is not slowed


def test_ipv6_is_counted_per_64_and_memory_is_bounded() -> None:
    assert client_key("2001:db8::1") == client_key("2001:db8::ffff:1") == "2001:db8::/64"
    assert client_key("::ffff:192.0.2.7") == "192.0.2.7" and client_key(None) == "unknown"
    throttle = LoginThrottle(max_entries=100)
    for i in range(1000):
        throttle.attempt(f"user{i}", f"10.0.{i // 250}.{i % 250}")
    assert throttle.sizes()[0] <= 100 and throttle.sizes()[1] <= 100


# ---- against the server ---------------------------------------------------------------------------
def test_second_loopback_address_is_usable(srv: Server) -> None:
    with _client(srv, "127.0.0.2") as client:
        assert client.get("/health").status_code == 200


def test_owner_logs_in_from_another_address_while_an_attacker_is_throttled(srv: Server) -> None:
    _create(srv, "owner")
    with _client(srv, "127.0.0.7") as attacker:
        for _ in range(5):
            assert _form_login(attacker, "owner", "a wrong guess").status_code == 401
        throttled = _form_login(attacker, "owner", PASSWORD)  # even the right one, from there
        assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1
    with _client(srv, "127.0.0.2") as owner:
        assert _form_login(owner, "OWNER", PASSWORD).status_code == 303


def test_a_spray_across_usernames_from_one_address_is_throttled(srv: Server) -> None:
    statuses = []
    # From 127.0.0.1, whose X-Forwarded-For uvicorn believes by default: a forged one changes nothing
    # here, as no trusted proxy is configured.
    with _client(srv, "127.0.0.1") as sprayer:
        for i in range(40):
            sprayer.headers["X-Forwarded-For"] = f"198.51.100.{i}"
            statuses.append(_form_login(sprayer, f"someone{i}", "Password123!").status_code)
            if statuses[-1] == 429:
                break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}
    assert len(statuses) == 31  # 30 free failures per address, then a wait
    with _client(srv, "127.0.0.4") as elsewhere:
        assert _form_login(elsewhere, "someone0", "Password123!").status_code == 401


def test_an_oversized_login_body_is_refused_before_it_is_read(srv: Server) -> None:
    # Declares 100 MB and sends 10 bytes: a server that reads the form first waits for the rest.
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as sock:
        sock.sendall(
            b"POST /ui/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 100000000\r\n\r\ncsrf=x&a=b"
        )
        head = sock.recv(200)
    assert head.startswith(b"HTTP/1.1 413")

    # Chunked (no Content-Length): refused while it streams in, once past the cap.
    def body() -> Iterator[bytes]:
        yield b"csrf=x&username=u&password="
        for _ in range(64):
            yield b"p" * 1024

    with _client(srv) as client:
        r = client.post(
            "/ui/login", content=body(), headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"
    # The logout form, which anybody may post to as well.
    r = httpx.post(srv.url + "/ui/logout", data={"csrf": "x" * 100_000})
    assert r.status_code == 413


def test_a_non_ascii_csrf_token_is_a_403_not_a_500(srv: Server) -> None:
    with _client(srv, "127.0.0.5") as client:
        client.get("/ui/login")
        r = client.post("/ui/login", data={"csrf": "jeton-ٍé²", "username": "x", "password": "y"})
        assert r.status_code == 403
    # The cookie side non-ASCII too (a header's bytes read as Latin-1), the field another token.
    with _client(srv, "127.0.0.5") as client:
        fields = {"csrf": "è", "username": "x", "password": "y"}
        r = client.post("/ui/login", data=fields, headers={"Cookie": "siyada_login_csrf=é".encode("latin-1")})
        assert r.status_code == 403


def test_a_non_ascii_csrf_on_logout_is_refused_quietly(srv: Server) -> None:
    _create(srv, "leaver")
    with _client(srv, "127.0.0.6") as client:
        assert _form_login(client, "leaver", PASSWORD).status_code == 303
        r = client.post("/ui/logout", data={"csrf": "²٣é"})
        assert r.status_code == 303
