"""Admin API for limits and the audit log, against the real server."""

from __future__ import annotations

import httpx

from tests.server import Server


def _h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_limits_via_admin_api_take_effect_and_are_audited(server: Server, admin_key: str) -> None:
    user = server.key("default", "user")
    key_id = httpx.get(server.url + "/v1/admin/keys", headers=_h(admin_key), params={"limit": 1000}).json()[
        "data"
    ][-1]["id"]
    r = httpx.put(server.url + "/v1/admin/limits", headers=_h(admin_key), json={"key_id": key_id, "rpm": 0})
    assert r.status_code == 200, r.text
    limit_id = r.json()["id"]
    blocked = httpx.post(
        server.url + "/v1/embeddings", headers=_h(user), json={"model": "siyada-embed", "input": "x"}
    )
    assert blocked.status_code == 429 and "requests per minute" in blocked.json()["error"]["message"]
    listed = httpx.get(server.url + "/v1/admin/limits", headers=_h(admin_key)).json()
    assert any(x["id"] == limit_id for x in listed["data"])
    assert httpx.delete(f"{server.url}/v1/admin/limits/{limit_id}", headers=_h(admin_key)).status_code == 200
    ok = httpx.post(
        server.url + "/v1/embeddings",
        headers=_h(user),
        json={"model": "siyada-embed", "input": "x"},
        timeout=60,
    )
    assert ok.status_code == 200
    bad = httpx.put(server.url + "/v1/admin/limits", headers=_h(admin_key), json={"rpm": 3})
    assert bad.status_code == 400
    assert httpx.put(server.url + "/v1/admin/limits", headers=_h(user), json={"key_id": 1}).status_code == 403

    page = httpx.get(server.url + "/v1/admin/audit", headers=_h(admin_key), params={"limit": 1000}).json()
    actions = [e["action"] for e in page["data"]]
    assert "limit.set" in actions and "limit.deleted" in actions and "config.loaded" in actions
    assert all(len(e["hash"]) == 64 for e in page["data"])
    first = httpx.get(server.url + "/v1/admin/audit", headers=_h(admin_key), params={"limit": 1}).json()
    assert first["has_more"] is True and len(first["data"]) == 1
    verdict = httpx.post(server.url + "/v1/admin/audit/verify", headers=_h(admin_key)).json()
    assert verdict["ok"] is True and verdict["entries"] == len(page["data"])
    assert httpx.get(server.url + "/v1/admin/audit", headers=_h(user)).status_code == 403
