"""The citizen widget behind a load balancer: two real server processes with their own data folders,
one shared SQLite database and one real Redis (siyada.assistants.throttle, .tokens, .citizen).

Attacked: the per-address limit with calls alternating between the replicas (the 429 comes at the limit,
not at twice it), a token minted by one replica read by the other and a forged one refused by both, a
secret rotated out still opening its tokens, the tenant's quota refusing a widget call (429 in the
widget's language, Retry-After kept), and Redis gone (503 in the widget's words, never unlimited)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from siyada.assistants.tokens import TokenSigner
from siyada.config import ConfigError, parse_config_file
from siyada.errors import ApiError
from tests.recording_upstream import RecordingUpstream
from tests.redis_server import RedisServer
from tests.server import Server, cli

SITE = "https://www.ministere.example"
SECRET = "a widget secret shared by every replica, 32+ bytes"
QUESTION = "Quels horaires pour le guichet ?"


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    rd = RedisServer().start()
    yield rd
    rd.stop()


@pytest.fixture(scope="module")
def replicas(
    tmp_path_factory: pytest.TempPathFactory, redis_server: RedisServer
) -> Iterator[tuple[Server, Server]]:
    root = tmp_path_factory.mktemp("widget-replicas")
    upstream = RecordingUpstream()
    config = root / "siyada.toml"
    # The secret comes from the environment, as an operator gives it (${VAR}); each replica has its own
    # data folder, so nothing of the widget may rest on a file there.
    config.write_text(
        f"""
[embedded]
enabled = false
[widget]
secret = "${{SIYADA_TEST_WIDGET_SECRET}}"
[[providers]]
name = "house"
url = "{upstream.url}"
in_house = true
[[models]]
name = "echo"
routes = [{{provider = "house"}}]
"""
    )
    env = {
        "SIYADA_DATABASE_URL": f"sqlite:///{root / 'shared.db'}",
        "SIYADA_REDIS_URL": redis_server.url,
        "SIYADA_TEST_WIDGET_SECRET": SECRET,
    }
    one, two = root / "one", root / "two"
    for tenant in ("commune", "quota"):
        cli(one, "tenants", "create", tenant, config=config, env=env)
    servers: list[Server] = []
    try:
        for data in (one, two):
            servers.append(Server(data, config=config, env=env).start())
        for srv in servers:
            srv.env = env  # for the CLI calls below
        yield servers[0], servers[1]
    finally:
        for srv in servers:
            srv.stop()
        upstream.close()


def _admin(srv: Server, tenant: str) -> dict[str, str]:
    key = cli(
        srv.data_dir, "keys", "create", "--tenant", tenant, "--role", "admin", config=srv.config, env=srv.env
    )
    return {"Authorization": f"Bearer {key.stdout.strip()}"}


def _widget(srv: Server, name: str, tenant: str = "commune", **settings: Any) -> None:
    headers = _admin(srv, tenant)
    body = {"name": name, "model": "echo", "collections": [], "greeting": "Bonjour."}
    r = httpx.post(srv.url + "/v1/assistants", json=body, headers=headers)
    assert r.status_code == 201, r.text
    r = httpx.put(
        f"{srv.url}/v1/assistants/{name}/widget", json={"origins": [SITE], **settings}, headers=headers
    )
    assert r.status_code == 200, r.text


def _token(srv: Server, name: str, tenant: str = "commune") -> str:
    r = httpx.post(f"{srv.url}/widget/v1/{tenant}/{name}/token", headers={"Origin": SITE})
    assert r.status_code == 200, r.text
    return r.json()["token"]


def _chat(srv: Server, token: str, name: str, tenant: str = "commune", **kw: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Origin": SITE}
    body = {"messages": [{"role": "user", "content": QUESTION}], **kw}
    return httpx.post(f"{srv.url}/widget/v1/{tenant}/{name}/chat", json=body, headers=headers, timeout=60)


def test_per_address_limit_holds_across_replicas(
    replicas: tuple[Server, Server], redis_server: RedisServer
) -> None:
    one, two = replicas
    _widget(one, "alterne", per_address_per_minute=3, per_assistant_per_minute=100)
    token = _token(one, "alterne")
    # Alternating replicas, as a round-robin balancer does: each process alone would allow 3 (6 in all).
    codes = [_chat(srv, token, "alterne").status_code for srv in (one, two, one, two, one, two)]
    assert codes == [200, 200, 200, 429, 429, 429], codes
    r = _chat(two, token, "alterne", lang="ary")
    assert r.status_code == 429 and r.json()["error"]["code"] == "widget_rate_limited"
    assert "دقيقة" in r.json()["error"]["message"] and 1 <= int(r.headers["Retry-After"]) <= 60
    # Per assistant too: one question in all, whichever replica and address.
    _widget(two, "etroit", per_address_per_minute=50, per_assistant_per_minute=1)
    token = _token(two, "etroit")
    assert _chat(one, token, "etroit").status_code == 200
    r = _chat(two, token, "etroit")
    assert r.status_code == 429 and "beaucoup de questions en ce moment" in r.json()["error"]["message"]
    # Bounded: one key per window, each expiring with its minute.
    client = redis.Redis.from_url(redis_server.url)
    windows = list(client.scan_iter("w:*"))
    assert len(windows) == 4, windows  # one address, two assistants: an address and an assistant key each
    assert all(0 < client.pttl(k) <= 60_000 for k in windows)
    client.close()


def test_token_of_one_replica_opens_the_other_and_a_forged_one_neither(
    replicas: tuple[Server, Server],
) -> None:
    one, two = replicas
    _widget(one, "jeton", per_address_per_minute=100)
    token = _token(one, "jeton")
    assert _chat(two, token, "jeton").status_code == 200
    assert _chat(one, _token(two, "jeton"), "jeton").status_code == 200
    tenant_id = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["t"]
    # Signed with the configured secret by anyone who holds it: read by both (the key is that secret).
    own, _ = TokenSigner(SECRET.encode()).issue(tenant_id, "jeton", SITE, 600)
    assert _chat(two, own, "jeton").status_code == 200
    assert not (one.data_dir / "widget.secret").exists()  # the configured secret, no file of its own
    guessed, _ = TokenSigner(b"a key guessed by an attacker, 32 bytes").issue(tenant_id, "jeton", SITE, 600)
    forged = {
        "guessed key": guessed,
        "tampered": token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
    }
    for why, bad in forged.items():
        for srv in (one, two):
            r = _chat(srv, bad, "jeton")
            assert r.status_code == 401, (why, srv.url)
            assert r.json()["error"]["code"] == "invalid_conversation_token"


def test_a_rotated_secret_opens_its_tokens_but_signs_none() -> None:
    old, new = b"the secret before the rotation, 32 bytes", b"the secret after the rotation, 32 bytes!"
    before = TokenSigner(old)
    token, _ = before.issue(7, "guichet", SITE, 600)
    rotated = TokenSigner(new, (old,))
    assert rotated.read(token, 7, "guichet").origin == SITE
    fresh, _ = rotated.issue(7, "guichet", SITE, 600)
    with pytest.raises(ApiError) as refused:
        before.read(fresh, 7, "guichet")  # new tokens are signed with the new secret only
    assert refused.value.status == 401
    with pytest.raises(ApiError) as dropped:
        TokenSigner(new).read(token, 7, "guichet")  # the old secret removed: its tokens stop
    assert dropped.value.status == 401


def test_a_short_widget_secret_is_refused_at_start(tmp_path: Path) -> None:
    config = tmp_path / "siyada.toml"
    config.write_text('[widget]\nsecret = "too short"\n')
    with pytest.raises(ConfigError, match="widget"):
        parse_config_file(config)
    config.write_text(f'[widget]\nsecret = "{SECRET}"\nprevious_secrets = ["short"]\n')
    with pytest.raises(ConfigError, match="previous_secrets"):
        parse_config_file(config)


def test_tenant_quota_429_comes_in_the_widgets_language(replicas: tuple[Server, Server]) -> None:
    one, two = replicas
    _widget(one, "quota", tenant="quota", per_address_per_minute=100, per_assistant_per_minute=100)
    cli(one.data_dir, "limits", "set", "--tenant", "quota", "--rpm", "1", config=one.config, env=one.env)
    time.sleep(1.2)  # limits are re-read at most once a second
    token = _token(one, "quota", tenant="quota")
    codes: list[int] = []
    for srv in (one, two, one):  # a third call only if the quota's minute turned between the first two
        r = _chat(srv, token, "quota", tenant="quota", lang="ar")
        codes.append(r.status_code)
        if r.status_code != 200:
            break
    assert codes[0] == 200 and r.status_code == 429, (codes, r.text)
    error = r.json()["error"]
    assert error["code"] == "widget_rate_limited" and "rpm" not in error["message"].lower()
    assert any("\u0600" <= c <= "\u06ff" for c in error["message"]), error  # Arabic, not English
    assert int(r.headers["Retry-After"]) >= 1
    assert r.headers["Access-Control-Allow-Origin"] == SITE
    # The same 429 in Tamazight (Tifinagh) when the widget speaks it.
    r = _chat(one, token, "quota", tenant="quota", lang="zgh")
    assert r.status_code == 429 and any("\u2d30" <= c <= "\u2d7f" for c in r.json()["error"]["message"])


def test_redis_gone_the_widget_fails_closed_in_its_words(
    replicas: tuple[Server, Server], redis_server: RedisServer
) -> None:
    one, two = replicas
    _widget(one, "panne", per_address_per_minute=100)
    token = _token(one, "panne")
    assert _chat(two, token, "panne").status_code == 200
    redis_server.stop()  # the last test of the module: nothing after it needs Redis
    for srv in (one, two):
        r = _chat(srv, token, "panne", lang="fr")
        assert r.status_code == 503, r.text
        error = r.json()["error"]
        assert error["code"] == "widget_limits_unavailable"
        assert error["message"].startswith("Le service ne peut pas répondre")
