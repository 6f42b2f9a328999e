"""Usage API, admin API and /metrics against the real server; roll-up, metrics and energy as units."""

from __future__ import annotations

import csv
import io
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from siyada.governance.energy import estimate_wh
from siyada.governance.metrics import Metrics
from siyada.governance.usage_query import daily_aggregates, query_usage, rollup
from siyada.store.db import open_store
from siyada.store.tables import usage, usage_daily
from tests.pg import Postgres, pg_bin
from tests.server import Server

EMBED = {"model": "siyada-embed", "input": "usage accounting"}


def _h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _get(server: Server, path: str, key: str, **params: Any) -> httpx.Response:
    return httpx.get(server.url + path, headers=_h(key), params=params, timeout=60)


def _send(server: Server, method: str, path: str, key: str, body: Any = None) -> httpx.Response:
    return httpx.request(method, server.url + path, headers=_h(key), json=body, timeout=60)


def _embed(server: Server, key: str) -> httpx.Response:
    return _send(server, "POST", "/v1/embeddings", key, EMBED)


def _new_tenant(server: Server, admin_key: str, prefix: str) -> tuple[str, str]:
    """A fresh tenant (isolated from other tests' usage) and a user key for it, via the admin API."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    resp = _send(server, "POST", "/v1/admin/tenants", admin_key, {"name": name, "description": "test"})
    assert resp.status_code == 201, resp.text
    resp = _send(server, "POST", "/v1/admin/keys", admin_key, {"tenant": name, "role": "user"})
    assert resp.status_code == 201, resp.text
    return name, resp.json()["secret"]


def _wait_rows(server: Server, key: str, n: int, **params: Any) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 15  # usage rows are written in batches every 0.5 s
    while True:
        rows = _get(server, "/v1/usage", key, limit=1000, **params).json()["data"]
        if len(rows) >= n or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


@pytest.fixture(scope="module")
def tenants(server: Server, admin_key: str) -> dict[str, Any]:
    a, key_a = _new_tenant(server, admin_key, "usage-a")
    b, key_b = _new_tenant(server, admin_key, "usage-b")
    for key in (key_a, key_a, key_a, key_b):
        assert _embed(server, key).status_code == 200
    assert len(_wait_rows(server, key_a, 3)) == 3
    assert len(_wait_rows(server, key_b, 1)) == 1
    return {"a": a, "key_a": key_a, "b": b, "key_b": key_b}


def test_user_key_sees_only_its_tenant(server: Server, tenants: dict[str, Any]) -> None:
    rows = _get(server, "/v1/usage", tenants["key_a"]).json()["data"]
    assert len(rows) == 3
    assert {r["tenant"] for r in rows} == {tenants["a"]}
    assert all(r["model"] == "siyada-embed" and r["endpoint"] == "embeddings" for r in rows)
    assert all(r["status"] == 200 and r["prompt_tokens"] > 0 and r["energy_wh"] >= 0 for r in rows)
    # Naming its own tenant is fine; another one is not.
    assert len(_get(server, "/v1/usage", tenants["key_a"], tenant=tenants["a"]).json()["data"]) == 3
    resp = _get(server, "/v1/usage", tenants["key_a"], tenant=tenants["b"])
    assert resp.status_code == 403 and resp.json()["error"]["type"] == "permission_error"


def test_admin_sees_other_tenants(server: Server, admin_key: str, tenants: dict[str, Any]) -> None:
    rows = _get(server, "/v1/usage", admin_key, tenant=tenants["b"]).json()["data"]
    assert [r["tenant"] for r in rows] == [tenants["b"]]
    every = _get(server, "/v1/usage", admin_key, limit=1000).json()["data"]
    seen = {r["tenant"] for r in every}
    assert {tenants["a"], tenants["b"]} <= seen


def test_filters(server: Server, tenants: dict[str, Any]) -> None:
    key = tenants["key_a"]

    def count(**params: Any) -> int:
        resp = _get(server, "/v1/usage", key, **params)
        assert resp.status_code == 200, resp.text
        return len(resp.json()["data"])

    assert count(model="siyada-embed") == 3
    assert count(model="siyada-chat") == 0
    assert count(provider="embedded") == 3
    assert count(provider="elsewhere") == 0
    assert count(start="2000-01-01", end="2999-12-31") == 3
    assert count(start="2999-01-01") == 0
    assert count(end="2000-01-01T00:00:00Z") == 0
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert count(start=today, end=today) == 3  # a plain end date includes that whole day


def test_group_by_day_matches_rows(server: Server, admin_key: str, tenants: dict[str, Any]) -> None:
    for key, params in ((tenants["key_a"], {}), (admin_key, {"tenant": tenants["b"]})):
        rows = _get(server, "/v1/usage", key, limit=1000, **params).json()["data"]
        days = _get(server, "/v1/usage", key, group_by="day", **params).json()
        assert days["object"] == "list" and days["has_more"] is False
        for field in ("requests", "errors", "prompt_tokens", "completion_tokens"):
            assert sum(d[field] for d in days["data"]) == sum(r[field] for r in rows), field
        # daily figures are rounded to 6 decimals
        raw_energy = sum(r["energy_wh"] for r in rows)
        assert sum(d["energy_wh"] for d in days["data"]) == pytest.approx(raw_energy, abs=1e-5)


def test_csv_export(server: Server, tenants: dict[str, Any]) -> None:
    resp = _get(server, "/v1/usage", tenants["key_a"], format="csv")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert len(rows) == 3
    assert {r["tenant"] for r in rows} == {tenants["a"]}
    assert {"id", "day", "model", "prompt_tokens", "energy_wh"} <= set(rows[0])
    by_day = _get(server, "/v1/usage", tenants["key_a"], format="csv", group_by="day")
    days = list(csv.DictReader(io.StringIO(by_day.text)))
    assert sum(int(d["requests"]) for d in days) == 3


def test_pagination(server: Server, tenants: dict[str, Any]) -> None:
    everything = _get(server, "/v1/usage", tenants["key_a"]).json()["data"]
    seen: list[str] = []
    after = None
    for _ in range(10):
        params: dict[str, Any] = {"limit": 2} | ({"after": after} if after else {})
        page = _get(server, "/v1/usage", tenants["key_a"], **params).json()
        assert len(page["data"]) <= 2
        seen += [r["id"] for r in page["data"]]
        if not page["has_more"]:
            assert page["next"] is None
            break
        after = page["next"]
    assert seen == [r["id"] for r in everything]
    assert len(seen) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "1001"},
        {"limit": "ten"},
        {"start": "yesterday"},
        {"start": "2025-02-01", "end": "2025-01-01"},
        {"group_by": "week"},
        {"format": "xml"},
        {"after": "not-a-cursor"},
        {"colour": "blue"},
    ],
)
def test_bad_params_are_400(server: Server, tenants: dict[str, Any], params: dict[str, str]) -> None:
    resp = _get(server, "/v1/usage", tenants["key_a"], **params)
    assert resp.status_code == 400, resp.text
    err = resp.json()["error"]
    assert err["type"] == "invalid_request_error" and err["message"] and err["param"]


def test_admin_unknown_tenant_filter_is_400(server: Server, admin_key: str) -> None:
    resp = _get(server, "/v1/usage", admin_key, tenant="no-such-tenant")
    assert resp.status_code == 400 and resp.json()["error"]["param"] == "tenant"


def test_admin_endpoints_refuse_user_keys(server: Server, tenants: dict[str, Any]) -> None:
    key = tenants["key_a"]
    for method, path, body in (
        ("GET", "/v1/admin/tenants", None),
        ("POST", "/v1/admin/tenants", {"name": "sneaky"}),
        ("GET", f"/v1/admin/tenants/{tenants['a']}", None),
        ("PATCH", f"/v1/admin/tenants/{tenants['a']}", {"allowed_models": None}),
        ("GET", "/v1/admin/keys", None),
        ("POST", "/v1/admin/keys", {"tenant": tenants["a"], "role": "admin"}),
        ("DELETE", "/v1/admin/keys/1", None),
    ):
        resp = _send(server, method, path, key, body)
        assert resp.status_code == 403, (method, path, resp.text)
        assert resp.json()["error"]["code"] in ("admin_required", "operator_required")
    assert httpx.get(server.url + "/v1/admin/tenants").status_code == 401


def test_admin_tenants(server: Server, admin_key: str) -> None:
    name = f"adm-{uuid.uuid4().hex[:8]}"
    body = {"name": name, "description": "Souss", "allowed_models": ["siyada-embed"]}
    created = _send(server, "POST", "/v1/admin/tenants", admin_key, body).json()
    assert created["object"] == "tenant" and created["allowed_models"] == ["siyada-embed"]
    assert _send(server, "POST", "/v1/admin/tenants", admin_key, body).status_code == 409
    assert _send(server, "POST", "/v1/admin/tenants", admin_key, {"name": "bad name!"}).status_code == 400
    assert _send(server, "POST", "/v1/admin/tenants", admin_key, {"nom": "x"}).status_code == 400
    got = _get(server, f"/v1/admin/tenants/{name}", admin_key).json()
    assert got["description"] == "Souss"
    assert _get(server, "/v1/admin/tenants/nobody-here", admin_key).status_code == 404
    patched = _send(server, "PATCH", f"/v1/admin/tenants/{name}", admin_key, {"allowed_models": None})
    assert patched.status_code == 200 and patched.json()["allowed_models"] is None
    # Pagination walks every tenant once.
    names: list[str] = []
    after = None
    while True:
        page = _get(server, "/v1/admin/tenants", admin_key, limit=1, **({"after": after} if after else {}))
        data = page.json()
        assert data["object"] == "list" and len(data["data"]) == 1
        names.append(data["data"][0]["name"])
        if not data["has_more"]:
            break
        after = data["next"]
    full = [t["name"] for t in _get(server, "/v1/admin/tenants", admin_key, limit=1000).json()["data"]]
    assert names == full and name in names
    assert _get(server, "/v1/admin/tenants", admin_key, limit=0).status_code == 400


def test_admin_key_lifecycle(server: Server, admin_key: str) -> None:
    tenant, _ = _new_tenant(server, admin_key, "keys")
    created = _send(server, "POST", "/v1/admin/keys", admin_key, {"tenant": tenant, "name": "ci"})
    assert created.status_code == 201
    info = created.json()
    assert info["object"] == "api_key" and info["role"] == "user" and info["secret"].startswith("sk-")
    assert info["secret"].startswith(info["prefix"])
    assert _embed(server, info["secret"]).status_code == 200
    listed = _get(server, "/v1/admin/keys", admin_key, tenant=tenant).json()["data"]
    assert info["id"] in [k["id"] for k in listed] and all("secret" not in k for k in listed)
    assert all(k["tenant"] == tenant for k in listed)
    assert _get(server, "/v1/admin/keys", admin_key, tenant="nobody-here").status_code == 400
    bad = _send(server, "POST", "/v1/admin/keys", admin_key, {"tenant": tenant, "role": "root"})
    assert bad.status_code == 400
    revoked = _send(server, "DELETE", f"/v1/admin/keys/{info['id']}", admin_key)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    # Immediate on this server: no waiting for the key cache to expire.
    resp = _embed(server, info["secret"])
    assert resp.status_code == 401 and resp.json()["error"]["type"] == "authentication_error"
    assert _send(server, "DELETE", "/v1/admin/keys/99999999", admin_key).status_code == 404
    assert _send(server, "DELETE", "/v1/admin/keys/abc", admin_key).status_code == 404


def test_metrics_count_calls(server: Server, admin_key: str) -> None:
    assert _embed(server, admin_key).status_code == 200
    resp = httpx.get(server.url + "/metrics", timeout=30)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = resp.text
    assert "# TYPE siyada_requests_total counter" in text
    line = next(
        ln
        for ln in text.splitlines()
        if ln.startswith("siyada_requests_total{") and 'model="siyada-embed"' in ln
    )
    assert 'endpoint="embeddings"' in line and 'status="200"' in line and float(line.split()[-1]) >= 1
    assert 'siyada_tokens_total{model="siyada-embed",kind="prompt"}' in text
    assert (
        'siyada_request_duration_seconds_bucket{model="siyada-embed",provider="embedded",le="+Inf"}' in text
    )


# ---- units --------------------------------------------------------------------------------------------


def _row(ts: float, **kw: Any) -> dict[str, Any]:
    base = {"ts": ts, "tenant_id": 1, "key_id": 1, "endpoint": "embeddings", "model": "m", "provider": "p"}
    return base | {"status": 200, "prompt_tokens": 10, "completion_tokens": 5, "energy_wh": 0.01} | kw


def _totals(engine: sa.Engine) -> dict[str, float]:
    days = daily_aggregates(engine)
    keys = ("requests", "errors", "prompt_tokens", "completion_tokens", "energy_wh")
    return {k: round(sum(d[k] for d in days), 9) for k in keys}


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'usage.db'}"
    if pg_bin("initdb") is None:
        pytest.skip("PostgreSQL is not installed")
    pg = Postgres().start()
    request.addfinalizer(pg.stop)
    return pg.create_database("usage_rollup")


def _per_day(engine: sa.Engine) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {
        (d["day"], d["model"]): (d["requests"], d["errors"], d["total_tokens"])
        for d in daily_aggregates(engine)
    }


def test_rollup_folds_old_rows(store_url: str) -> None:
    engine = open_store(store_url)
    now = time.time()
    day = 86400.0
    old = [
        _row(now - 10 * day),
        _row(now - 10 * day, prompt_tokens=7),
        _row(now - 10 * day, status=500, completion_tokens=0),
        _row(now - 9 * day, model="other"),
        _row(now - 9 * day, provider=None, status=503, key_id=None),
        _row(now - 9 * day, provider=None, status=429, key_id=None),
        _row(now - 8 * day, tenant_id=2),
    ]
    recent = [_row(now - 3600), _row(now - 60, model="other")]
    with engine.begin() as conn:
        conn.execute(usage.insert(), old + recent)
    before, before_days = _totals(engine), _per_day(engine)
    assert before["requests"] == 9 and before["errors"] == 3

    assert rollup(engine, 7, batch_size=2, now=now) == len(old)
    assert _totals(engine) == pytest.approx(before)
    assert _per_day(engine) == before_days  # the SQL day of a raw row is the day it is rolled into
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(usage)).scalar() == len(recent)
        daily = conn.execute(sa.select(usage_daily)).all()
    assert len(daily) == 4  # (day-10, m), (day-9, other), (day-9, no provider), (day-8, tenant 2)
    first = next(d for d in daily if d.model == "m" and d.provider == "p" and d.tenant_id == 1)
    assert (first.requests, first.errors, first.prompt_tokens) == (3, 1, 27)
    assert rollup(engine, 7, now=now) == 0

    # Later rows of the same groups add to the existing daily rows, NULL provider included.
    with engine.begin() as conn:
        conn.execute(usage.insert(), [old[0], old[4]])
    assert rollup(engine, 7, now=now) == 2
    with engine.connect() as conn:
        daily = conn.execute(sa.select(usage_daily)).all()
    assert len(daily) == 4
    assert next(d for d in daily if d.provider is None).requests == 3
    assert _totals(engine)["requests"] == before["requests"] + 2

    # Rows read back as day rows then raw rows, and the cursor crosses from one to the other.
    ids: list[str] = []
    cursor = None
    while True:
        page = query_usage(engine, limit=3, cursor=cursor)
        ids += [r["id"] for r in page.data]
        if not page.has_more:
            break
        cursor = page.next
    assert len(ids) == 4 + len(recent) and ids[0].startswith("day_") and ids[-1].startswith("call_")
    assert [r["granularity"] for r in query_usage(engine, tenant_id=2).data] == ["day"]
    engine.dispose()


def test_metrics_render() -> None:
    m = Metrics()
    m.observe_call("chat/completions", "siyada-chat", "embedded", 200, 0.3, 12, 4)
    m.observe_call("chat/completions", "siyada-chat", None, 503, 0.001, 0, 0)
    m.quota_rejected("rpm")
    m.set_gauge_source("siyada_queue_depth", "Queued.", lambda: 2)
    text = m.render()
    assert (
        'siyada_requests_total{model="siyada-chat",provider="embedded",endpoint="chat/completions",' in text
    )
    assert (
        'siyada_errors_total{model="siyada-chat",provider="none",endpoint="chat/completions",status="503"} 1'
        in text
    )
    assert 'siyada_tokens_total{model="siyada-chat",kind="completion"} 4' in text
    assert 'siyada_quota_rejections_total{limit="rpm"} 1' in text
    assert (
        'siyada_request_duration_seconds_bucket{model="siyada-chat",provider="embedded",le="0.25"} 0' in text
    )
    assert (
        'siyada_request_duration_seconds_bucket{model="siyada-chat",provider="embedded",le="0.5"} 1' in text
    )
    assert 'siyada_request_duration_seconds_count{model="siyada-chat",provider="embedded"} 1' in text
    assert "siyada_queue_depth 2" in text and text.endswith("\n")


def test_energy_estimate() -> None:
    assert estimate_wh("embedded", 100, 100, 3_600_000) == pytest.approx(30.0)  # 2 cores x 15 W x 1 h
    assert estimate_wh("vllm-gpu", 1000, 1000, 5.0) == pytest.approx(0.55)
    assert estimate_wh(None, 10, 10, 100.0) == 0.0
