"""Failure scenarios on the multi-host test bed (deploy/testbed): real hosts in network namespaces, real
PostgreSQL, Redis, HAProxy, llama.cpp server and three Siyada replicas. Root only; run alone with
`pytest -m testbed tests/test_testbed.py -s` to see each scenario's figures (also in docs/deploy.md)."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from deploy.testbed import services
from deploy.testbed.netns import NetnsUnavailable, kill, probe

pytestmark = [pytest.mark.testbed, pytest.mark.timeout(480)]


@pytest.fixture(scope="module")
def bed() -> Iterator[Any]:
    try:
        probe()  # here, not at import: collecting the suite creates no namespace
    except NetnsUnavailable as exc:
        pytest.skip(f"test bed not available: {exc}")
    from deploy.testbed.bed import TestBed

    with TestBed() as tb:
        yield tb


def _figures(name: str, **figures: object) -> None:
    print(f"\n[testbed] {name}: {json.dumps(figures)}", flush=True)


def _rows(bed: Any, key_id: int) -> dict[int, int]:
    found = bed.sql(f"select status, count(*) from usage where key_id = {int(key_id)} group by status")
    return {int(s): int(n) for s, n in found}


def _settled(bed: Any, key_id: int, expect_200: int) -> dict[int, int]:
    """Usage rows of a key once the replicas have flushed (rows of answered calls are already there; rows
    of failed calls may trail by a flush interval)."""
    deadline = time.monotonic() + 10
    rows = _rows(bed, key_id)
    while rows.get(200, 0) < expect_200 and time.monotonic() < deadline:
        time.sleep(0.5)
        rows = _rows(bed, key_id)
    return rows


def test_egress_outside_host_unreachable_by_guard_and_routing(bed: Any) -> None:
    outside = bed.outside
    listener = outside.spawn(
        [services.sys.executable, "-m", "http.server", "--bind", outside.addr, "8080"],
        bed.root / "outside.log",
    )
    deadline = time.monotonic() + 30
    from_client = bed.reach(bed.client, outside.addr, 8080)
    while from_client != "ok" and listener.poll() is None and time.monotonic() < deadline:
        time.sleep(0.3)
        from_client = bed.reach(bed.client, outside.addr, 8080)
    from_replicas = {name: bed.reach(gw, outside.addr, 8080) for name, gw in bed.gws.items()}
    # The guard: a replica configured with a provider on that host refuses it (what `serve` checks too).
    bad = bed.root / "bad.toml"
    bad.write_text(
        bed.config.read_text() + f'\n[[providers]]\nname = "outside"\nurl = "http://{outside.addr}:8080/v1"\n'
    )
    try:
        services.siyada_cli(bed.gws["gw1"], bed.data("gw1"), bad, "config", "check")
        guard = "started"
    except RuntimeError as exc:
        guard = str(exc)[-300:]
    _figures("egress", client=from_client, replicas=from_replicas, guard=guard)
    assert from_client == "ok"  # the host is up and listening
    assert all("unreachable" in r for r in from_replicas.values()), from_replicas
    assert "egress" in guard.lower() or "allow" in guard.lower(), guard


def test_kill_9_one_replica_under_32_clients(bed: Any) -> None:
    from deploy.testbed.bed import QUOTA_LEASE_S

    key, key_id = bed.key()
    limit_id = int(bed.siyada("limits", "set", "--key", str(key_id), "--tpd", "100000000").split()[1])
    load = bed.load(key, clients=32, seconds=14)
    time.sleep(6)
    killed_at = time.time()
    bed.kill_replica("gw2")
    # A killed process frees its memory before it closes its files, so for that long (a gateway holding
    # its models: tens to hundreds of ms on a busy machine) the kernel still completes handshakes on its
    # listening socket and the call is reset after HAProxy sent it. The kill therefore spans from the
    # signal to the reaped process; a call that started after that must be refused and retried.
    dead_at = time.time()
    calls = bed.finish(load)
    ok = [c for c in calls if c["status"] == 200]
    failed = [c for c in calls if c["status"] != 200]
    in_flight = [c for c in failed if c["start"] <= dead_at and killed_at <= c["end"]]
    rows = _settled(bed, key_id, len(ok))
    row_tokens = bed.sql(
        f"select coalesce(sum(prompt_tokens + completion_tokens), 0), coalesce(max(prompt_tokens), 0) "
        f"from usage where key_id = {int(key_id)} and status = 200"
    )[0]
    # Until their leases end, the dead replica's reservations still count (at most one prompt each);
    # every lease it held was taken before the kill, so all have ended QUOTA_LEASE_S after it.
    leased = bed.quota_level(limit_id) - int(row_tokens[0])
    time.sleep(max(0.0, killed_at + QUOTA_LEASE_S + 1 - time.time()))
    after_lease = bed.quota_level(limit_id) - int(row_tokens[0])
    _figures(
        "kill -9 gw2 under 32 clients",
        calls=len(calls),
        completed=len(ok),
        failed=len(failed),
        failed_in_flight_at_kill=len(in_flight),
        failures=Counter(c["status"] for c in failed),
        usage_rows=rows,
        quota_tokens_beyond_completed_calls_before_lease_end=leased,
        quota_tokens_beyond_completed_calls_after_lease_end=after_lease,
        haproxy=services.haproxy_states(bed.root),
    )
    assert ok and all(c.get("full") for c in ok)
    assert len(in_flight) == len(failed), [c for c in failed if c not in in_flight][:3]
    assert rows.get(200, 0) == len(ok)
    assert 0 <= leased <= len(failed) * (int(row_tokens[1]) + 64)
    assert after_lease == 0  # the quota is exactly the tokens of the completed calls
    assert services.haproxy_states(bed.root).get("gw2") != "UP"


def test_postgres_restart_replicas_recover_without_restart(bed: Any) -> None:
    key, key_id = bed.key()
    pids = {name: p.pid for name, p in bed.gw_procs.items() if p.poll() is None}
    load = bed.load(key, clients=8, seconds=16)
    time.sleep(4)
    stopped_at = time.time()
    bed.pg.stop()
    time.sleep(3)
    bed.pg.start()
    restarted_at = time.time()
    calls = bed.finish(load)
    ok = [c for c in calls if c["status"] == 200]
    after = [c for c in calls if c["start"] > restarted_at + 2]
    rows = _settled(bed, key_id, len(ok))
    audit_before = bed.sql("select count(*) from audit_log")[0][0]
    bed.siyada("keys", "create", "--tenant", "default", "--role", "user")  # an audited action, after
    audit_after = bed.sql("select count(*) from audit_log")[0][0]
    _figures(
        "PostgreSQL restarted (3 s down)",
        calls=len(calls),
        completed=len(ok),
        failures=Counter(c["status"] for c in calls if c["status"] != 200),
        failed_outside_outage=sum(
            1
            for c in calls
            if c["status"] != 200 and (c["end"] < stopped_at or c["start"] > restarted_at + 2)
        ),
        usage_rows=rows,
    )
    assert {name: p.pid for name, p in bed.gw_procs.items() if p.poll() is None} == pids
    assert after and all(c["status"] == 200 for c in after), Counter(c["status"] for c in after)
    assert rows.get(200, 0) == len(ok)
    assert audit_after == audit_before + 1


def test_redis_cut_off_10s_fails_closed(bed: Any) -> None:
    key, key_id = bed.key()
    bed.siyada("limits", "set", "--key", str(key_id), "--tpd", "100000000")
    load = bed.load(key, clients=8, seconds=20)
    time.sleep(4)
    cut_at = time.time()
    bed.cache.link(False)
    time.sleep(10)
    bed.cache.link(True)
    back_at = time.time()
    calls = bed.finish(load)
    during = [c for c in calls if cut_at + 1 < c["start"] < back_at - 2]
    after = [c for c in calls if c["start"] > back_at + 2]
    _figures(
        "Redis cut off 10 s (link down)",
        calls=len(calls),
        started_during_cut=len(during),
        during_cut=Counter(c["status"] for c in during),
        after_restore=Counter(c["status"] for c in after),
        usage_rows=_settled(bed, key_id, sum(c["status"] == 200 for c in calls)),
    )
    assert during and all(c["status"] == 503 for c in during), Counter(c["status"] for c in during)
    assert after and all(c["status"] == 200 for c in after), Counter(c["status"] for c in after)


def test_rolling_restart_while_serving_fails_no_call(bed: Any) -> None:
    if bed.gw_procs["gw2"].poll() is not None:  # killed above: back first, as an operator would
        bed.start_replica("gw2")
        bed.wait_lb_state("gw2", "UP")
    key, key_id = bed.key()
    load = bed.load(key, clients=16, seconds=30)
    time.sleep(3)
    codes = {name: bed.roll(name) for name in ("gw1", "gw2", "gw3")}
    calls = bed.finish(load)
    ok = [c for c in calls if c["status"] == 200]
    rows = _settled(bed, key_id, len(ok))
    _figures(
        "rolling restart of gw1-gw3 under 16 clients",
        calls=len(calls),
        failed=len(calls) - len(ok),
        exit_codes=codes,
        usage_rows=rows,
    )
    assert calls and len(ok) == len(calls), Counter(c["status"] for c in calls)
    assert codes == {"gw1": 0, "gw2": 0, "gw3": 0}
    assert rows == {200: len(ok)}


def _errors(bed: Any) -> str:
    """The replicas' logged tracebacks, for a failed assertion's message."""
    found = []
    for name, log in bed.gw_logs.items():
        text = log.read_text(errors="replace") if log.exists() else ""
        at = text.find("Traceback")
        if at >= 0:
            found.append(f"{name}: {text[at : at + 3000]}")
    return "\n".join(found)


def _ready(gw: Any) -> dict[str, Any]:
    """A replica's GET /ready body (its OpenAI-style error body when not ready)."""
    r = httpx.get(f"http://{gw.addr}:{services.GW_PORT}/ready", timeout=5)
    return r.json() if r.status_code == 200 else {"status": r.status_code, "checks": {"migrations": r.text}}


def test_rolling_upgrade_with_a_migration_while_serving_fails_no_call(bed: Any) -> None:
    """The old version serves under 16 clients; the new version's migration Job adds a revision the old
    code does not know; the old replicas stay ready on it, and are replaced one at a time by the new
    version (which waits for the schema, never migrates): no call fails, one usage row per call."""
    from deploy.testbed.upgrade import REVISION, new_version

    for name, proc in bed.gw_procs.items():  # every replica up first, as an operator would
        if proc.poll() is not None:
            bed.start_replica(name)
            bed.wait_lb_state(name, "UP")
    new = new_version(bed.root)
    revision = bed.sql("select version_num from alembic_version")[0][0]
    key, key_id = bed.key()
    load = bed.load(key, clients=16, seconds=300)  # ended (SIGTERM) once the last replica is replaced
    time.sleep(3)
    job_start = time.time()
    job = bed.migrate_job(new)
    job_end = time.time()
    after_job = bed.sql("select version_num from alembic_version")[0][0]
    old_ready = {name: _ready(gw)["status"] for name, gw in bed.gws.items()}
    time.sleep(2)  # the old version serving on the new schema for a while
    rolls_start = time.time()
    codes = {name: bed.roll(name, code=new) for name in ("gw1", "gw2", "gw3")}
    rolls_end = time.time()
    time.sleep(3)  # the new version alone for a while
    load.terminate()
    calls = bed.finish(load)
    ok = [c for c in calls if c["status"] == 200]
    rows = _settled(bed, key_id, len(ok))
    new_ready = {name: _ready(gw)["checks"]["migrations"] for name, gw in bed.gws.items()}
    _figures(
        "rolling upgrade with a migration, gw1-gw3 under 16 clients",
        calls=len(calls),
        failed=len(calls) - len(ok),
        migration_job_s=round(job_end - job_start, 1),
        answered_during_migration=sum(1 for c in ok if job_start < c["end"] < job_end),
        answered_by_old_code_on_new_schema=sum(1 for c in ok if job_end < c["end"] < rolls_start),
        rolls_s=round(rolls_end - rolls_start, 1),
        answered_during_rolls=sum(1 for c in ok if rolls_start < c["end"] < rolls_end),
        answered_after_last_roll=sum(1 for c in ok if c["end"] > rolls_end),
        schema=[revision, after_job],
        old_replicas_ready_on_new_schema=old_ready,
        exit_codes=codes,
        usage_rows=rows,
    )
    assert after_job == REVISION != revision, job
    assert old_ready == {"gw1": "ready", "gw2": "ready", "gw3": "ready"}
    assert calls and len(ok) == len(calls), (Counter(c["status"] for c in calls), _errors(bed))
    assert codes == {"gw1": 0, "gw2": 0, "gw3": 0}
    assert rows == {200: len(ok)}
    assert new_ready == {"gw1": "ok", "gw2": "ok", "gw3": "ok"}


def test_llm_killed_mid_stream_error_event_then_fallback(bed: Any) -> None:
    key, _ = bed.key()
    headers = {"Authorization": f"Bearer {key}"}
    body = {
        "model": "chat",
        "messages": [{"role": "user", "content": "Write a long story about the sea."}],
        "max_tokens": 400,
        "stream": True,
    }
    events: list[Any] = []
    with httpx.stream(
        "POST", bed.lb_url + "/v1/chat/completions", json=body, headers=headers, timeout=60
    ) as r:
        assert r.status_code == 200 and r.headers["x-siyada-provider"] == "llm"
        for line in r.iter_lines():
            if not line.startswith("data: "):
                continue
            data = line[6:]
            events.append(data if data == "[DONE]" else json.loads(data))
            if len(events) == 3:
                kill(bed.llm_proc)
    errors = [e for e in events if isinstance(e, dict) and "error" in e]
    after = []
    for _ in range(3):
        reply = httpx.post(
            bed.lb_url + "/v1/chat/completions",
            json={**body, "stream": False, "max_tokens": 4},
            headers=headers,
            timeout=60,
        )
        after.append((reply.status_code, reply.headers.get("x-siyada-provider")))
    _figures("llm killed mid-stream", events=len(events), error=errors[:1], next_calls=after)
    assert errors and events[-1] == "[DONE]", events[-3:]
    assert after == [(200, "embedded")] * 3
