"""Quotas against the real server: each limit bites at its exact boundary, with 429 and Retry-After."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server import Server, cli


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("quotas")
    cli(data, "tenants", "create", "default")
    s = Server(data).start()
    yield s
    s.stop()


def _new_key(srv: Server, tenant: str = "default") -> tuple[str, int]:
    key = srv.key(tenant, "user")
    key_id = max(k["id"] for k in json.loads(cli(srv.data_dir, "keys", "list", "--json").stdout))
    return key, key_id


def _embed(srv: Server, key: str, text: str = "Bonjour tout le monde") -> httpx.Response:
    return httpx.post(
        srv.url + "/v1/embeddings",
        headers={"Authorization": f"Bearer {key}"},
        json={"model": "siyada-embed", "input": text},
        timeout=60,
    )


def _chat(srv: Server, key: str, **extra: object) -> httpx.Response:
    body = {
        "model": "siyada-chat",
        "messages": [{"role": "user", "content": "Salam, labas?"}],
        "max_tokens": 1,
        "temperature": 0,
        **extra,
    }
    return httpx.post(
        srv.url + "/v1/chat/completions", headers={"Authorization": f"Bearer {key}"}, json=body, timeout=120
    )


def _away_from_minute_edge() -> None:
    """Minute windows are aligned: start a boundary test early in a minute so it cannot straddle two."""
    left = 60 - time.time() % 60
    if left < 15:
        time.sleep(left + 0.2)


def _limit(srv: Server, *args: str) -> None:
    cli(srv.data_dir, "limits", "set", *args)
    time.sleep(1.2)  # the server re-reads limits at most once a second


def _assert_429(resp: httpx.Response, words: str) -> None:
    assert resp.status_code == 429, resp.text
    err = resp.json()["error"]
    assert err["type"] == "rate_limit_error" and err["code"] == "quota_exceeded"
    assert words in err["message"]
    assert int(resp.headers["retry-after"]) >= 1


def test_requests_per_minute_boundary(srv: Server) -> None:
    key, key_id = _new_key(srv)
    _limit(srv, "--key", str(key_id), "--rpm", "3")
    _away_from_minute_edge()
    assert [_embed(srv, key).status_code for _ in range(3)] == [200, 200, 200]
    _assert_429(_embed(srv, key), "requests per minute")
    assert int(_embed(srv, key).headers["retry-after"]) <= 60


def test_tokens_per_minute_boundary_counts_prompt_tokens_like_the_tokenizer(srv: Server) -> None:
    probe_key, _ = _new_key(srv)
    tokens = _embed(srv, probe_key).json()["usage"]["prompt_tokens"]
    key, key_id = _new_key(srv)
    _limit(srv, "--key", str(key_id), "--tpm", str(2 * tokens))
    _away_from_minute_edge()
    assert _embed(srv, key).status_code == 200
    assert _embed(srv, key).status_code == 200  # exactly at the cap
    _assert_429(_embed(srv, key), "tokens per minute")


def test_chat_prompt_counted_up_front_completion_settled_after(srv: Server) -> None:
    probe_key, _ = _new_key(srv)
    usage = _chat(srv, probe_key).json()["usage"]
    prompt, completion = usage["prompt_tokens"], usage["completion_tokens"]
    assert completion == 1
    key, key_id = _new_key(srv)
    _limit(srv, "--key", str(key_id), "--tpd", str(prompt))
    assert _chat(srv, key).status_code == 200  # the prompt fits exactly; its completion is added after
    _assert_429(_chat(srv, key), "tokens per day")
    key2, key2_id = _new_key(srv)
    _limit(srv, "--key", str(key2_id), "--tpd", str(prompt - 1))
    _assert_429(_chat(srv, key2), "tokens per day")  # one token short: refused before the call


def test_tenant_monthly_budget_for_one_model_only(srv: Server) -> None:
    cli(srv.data_dir, "tenants", "create", "agence-urbaine")
    key, _ = _new_key(srv, "agence-urbaine")
    tokens = _embed(srv, key).json()["usage"]["prompt_tokens"]
    _limit(srv, "--tenant", "agence-urbaine", "--model", "siyada-embed", "--monthly-tokens", str(2 * tokens))
    other_key, _ = _new_key(srv, "agence-urbaine")  # limits apply to the tenant's keys together
    assert _embed(srv, other_key).status_code == 200
    assert _embed(srv, key).status_code == 200
    _assert_429(_embed(srv, other_key), "tokens per month")
    assert _chat(srv, key).status_code == 200  # other models are not limited


def test_refused_and_failed_calls_leave_no_phantom_usage(srv: Server) -> None:
    key, key_id = _new_key(srv)
    _limit(srv, "--key", str(key_id), "--rpm", "2")
    _away_from_minute_edge()
    too_long = {"messages": [{"role": "user", "content": "mot " * 5000}]}
    assert _chat(srv, key, **too_long).status_code == 400  # admitted, then failed before any output
    assert _embed(srv, key).status_code == 200
    assert _embed(srv, key).status_code == 200  # the failed call's request was given back
    _assert_429(_embed(srv, key), "requests per minute")


def test_streaming_cut_by_the_client_settles_the_tokens_produced(srv: Server) -> None:
    key, key_id = _new_key(srv)
    body = {
        "model": "siyada-chat",
        "messages": [{"role": "user", "content": "Tell me a long story."}],
        "max_tokens": 200,
        "temperature": 0,
        "stream": True,
    }
    received = 0
    with httpx.stream(
        "POST",
        srv.url + "/v1/chat/completions",
        headers={"Authorization": f"Bearer {key}"},
        json=body,
        timeout=120,
    ) as resp:
        for line in resp.iter_lines():
            if line.startswith("data: {"):
                received += 1
                if received == 5:
                    break
    time.sleep(2)  # the server notices the disconnect, stops generating and writes the row
    rows: list = []
    for _ in range(20):
        rows = (
            sqlite3.connect(Path(srv.data_dir) / "siyada.db")
            .execute("select status, prompt_tokens, completion_tokens from usage where key_id = ?", (key_id,))
            .fetchall()
        )
        if rows:
            break
        time.sleep(0.5)
    assert len(rows) == 1
    status, prompt, completion = rows[0]
    assert status == 499 and prompt > 0
    assert 5 <= completion < 200


def test_limit_and_config_changes_are_audited(srv: Server) -> None:
    _, key_id = _new_key(srv)
    cli(srv.data_dir, "limits", "set", "--key", str(key_id), "--rpm", "7")
    actions = [
        r[0]
        for r in sqlite3.connect(Path(srv.data_dir) / "siyada.db").execute(
            "select action || ' ' || target from audit_log order by id"
        )
    ]
    assert "config.loaded " in actions
    assert f"limit.set key:{key_id}" in actions
    assert cli(srv.data_dir, "audit", "verify", check=False).returncode == 0
