"""Authentication, tenant model permissions and input validation, against the real server."""

from __future__ import annotations

import time

import httpx
import openai
import pytest

from tests.server import Server, cli


def _post(server: Server, path: str, key: str | None, **kw: object) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    headers.update(kw.pop("headers", {}))  # type: ignore[arg-type]
    return httpx.post(server.url + path, headers=headers, timeout=60, **kw)  # type: ignore[arg-type]


def _assert_openai_error(resp: httpx.Response, status: int) -> dict:
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert set(err) >= {"message", "type", "param", "code"}
    assert err["message"]
    return err


CHAT = {"model": "siyada-chat", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 2}


def test_missing_key_is_401(server: Server) -> None:
    err = _assert_openai_error(_post(server, "/v1/chat/completions", None, json=CHAT), 401)
    assert err["type"] == "authentication_error"
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=server.url + "/v1", api_key="sk-wrong", max_retries=0).models.list()


def test_revoked_key_is_401(server: Server) -> None:
    key = server.key("default", "user")
    assert (
        _post(server, "/v1/embeddings", key, json={"model": "siyada-embed", "input": "x"}).status_code == 200
    )
    key_id = max(
        k["id"] for k in __import__("json").loads(cli(server.data_dir, "keys", "list", "--json").stdout)
    )
    cli(server.data_dir, "keys", "revoke", str(key_id))
    deadline = time.monotonic() + 10  # the server caches resolved keys for 1 s
    status = 200
    while time.monotonic() < deadline:
        status = _post(
            server, "/v1/embeddings", key, json={"model": "siyada-embed", "input": "x"}
        ).status_code
        if status == 401:
            break
        time.sleep(0.2)
    assert status == 401


def test_model_not_allowed_for_tenant_is_403(server: Server) -> None:
    cli(server.data_dir, "tenants", "create", "region-souss", "--models", "siyada-embed")
    key = server.key("region-souss", "user")
    err = _assert_openai_error(_post(server, "/v1/chat/completions", key, json=CHAT), 403)
    assert "siyada-chat" in err["message"]
    with pytest.raises(openai.PermissionDeniedError):
        openai.OpenAI(base_url=server.url + "/v1", api_key=key, max_retries=0).chat.completions.create(**CHAT)
    # The allowed model works, and only it is listed.
    assert (
        _post(server, "/v1/embeddings", key, json={"model": "siyada-embed", "input": "x"}).status_code == 200
    )
    listed = httpx.get(server.url + "/v1/models", headers={"Authorization": f"Bearer {key}"}).json()
    assert [m["id"] for m in listed["data"]] == ["siyada-embed"]


def test_unknown_model_is_404(server: Server, admin_key: str) -> None:
    err = _assert_openai_error(
        _post(server, "/v1/chat/completions", admin_key, json={**CHAT, "model": "gpt-9"}), 404
    )
    assert err["code"] == "model_not_found" and err["param"] == "model"
    with pytest.raises(openai.NotFoundError):
        openai.OpenAI(base_url=server.url + "/v1", api_key=admin_key, max_retries=0).chat.completions.create(
            **{**CHAT, "model": "gpt-9"}
        )


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"model": "siyada-chat"}, "messages"),
        ({"model": "siyada-chat", "messages": []}, "messages"),
        ({"model": "siyada-chat", "messages": [{"role": "wizard", "content": "x"}]}, "role"),
        ({**CHAT, "temperature": 3}, "temperature"),
        ({**CHAT, "max_tokens": 0}, "max_tokens"),
        ({**CHAT, "top_p": 0}, "top_p"),
        ({**CHAT, "stop": ["a", "b", "c", "d", "e"]}, "stop"),
        ({**CHAT, "n": 3}, "n"),
        ({"messages": CHAT["messages"]}, "model"),
    ],
)
def test_bad_chat_bodies_are_400_with_clear_messages(
    server: Server, admin_key: str, body: dict, needle: str
) -> None:
    err = _assert_openai_error(_post(server, "/v1/chat/completions", admin_key, json=body), 400)
    assert needle in err["message"]
    assert err["type"] == "invalid_request_error"


def test_malformed_json_and_wrong_kind(server: Server, admin_key: str) -> None:
    err = _assert_openai_error(
        _post(
            server,
            "/v1/chat/completions",
            admin_key,
            content=b"{not json",
            headers={"Content-Type": "application/json"},
        ),
        400,
    )
    assert "JSON" in err["message"]
    _assert_openai_error(_post(server, "/v1/chat/completions", admin_key, json=[1, 2]), 400)
    err = _assert_openai_error(
        _post(server, "/v1/embeddings", admin_key, json={"model": "siyada-chat", "input": "x"}), 400
    )
    assert "chat model" in err["message"]
    _assert_openai_error(
        _post(server, "/v1/embeddings", admin_key, json={"model": "siyada-embed", "input": []}), 400
    )


def test_oversized_body_is_413(server: Server, admin_key: str) -> None:
    huge = {"model": "siyada-embed", "input": "x" * (9 * 1024 * 1024)}
    _assert_openai_error(_post(server, "/v1/embeddings", admin_key, json=huge), 413)


def test_prompt_longer_than_context_is_400(server: Server, admin_key: str) -> None:
    long_prompt = "mot " * 5000
    err = _assert_openai_error(
        _post(
            server,
            "/v1/chat/completions",
            admin_key,
            json={**CHAT, "messages": [{"role": "user", "content": long_prompt}]},
        ),
        400,
    )
    assert "context" in err["message"]


def test_unknown_endpoint_is_openai_shaped_404(server: Server, admin_key: str) -> None:
    _assert_openai_error(_post(server, "/v1/nothing-here", admin_key, json={}), 404)


def test_health_and_openapi(server: Server) -> None:
    health = httpx.get(server.url + "/health").json()
    assert health["status"] == "ok" and "embedded" in health["providers"]
    spec = httpx.get(server.url + "/openapi.json").json()
    assert "/v1/chat/completions" in spec["paths"] and "/v1/embeddings" in spec["paths"]
