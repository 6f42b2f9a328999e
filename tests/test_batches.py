"""OpenAI's /v1/files and /v1/batches through the official `openai` SDK against the real server, with
real upstreams on loopback (an echo server, and a slow one so that a batch is still running when the
test cancels it or kills the server with SIGKILL)."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import sqlalchemy as sa
from openai import OpenAI

from tests.pg import Postgres
from tests.recording_upstream import RecordingUpstream
from tests.server import Server, cli
from tests.slow_upstream import SlowUpstream

MAX_FILE = 64 * 1024


def _config(echo: RecordingUpstream, slow: SlowUpstream, concurrency: int = 2, window: float = 86400) -> str:
    return f"""
[embedded]
enabled = false
[batches]
window_seconds = {window}
poll_seconds = 0.2
lease_seconds = 2
concurrency = {concurrency}
max_requests = 40
max_file_bytes = {MAX_FILE}
[[providers]]
name = "house"
url = "{echo.url}"
in_house = true
[[providers]]
name = "slowhouse"
url = "{slow.url}"
in_house = true
[[models]]
name = "echo"
routes = [{{provider = "house"}}]
[[models]]
name = "echo-embed"
kind = "embeddings"
routes = [{{provider = "house"}}]
[[models]]
name = "slow"
routes = [{{provider = "slowhouse"}}]
"""


@pytest.fixture(scope="module")
def slow() -> Iterator[SlowUpstream]:
    upstream = SlowUpstream(pieces=1, pause=0.25)
    yield upstream
    upstream.close()


@pytest.fixture(scope="module")
def srv(
    tmp_path_factory: pytest.TempPathFactory, echo: RecordingUpstream, slow: SlowUpstream
) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("batches")
    config = data / "siyada.toml"
    config.write_text(_config(echo, slow))
    for tenant in ("commune", "other"):
        cli(data, "tenants", "create", tenant)
    server = Server(data, config=config).start()
    yield server
    server.stop()


def _client(srv: Server, tenant: str = "commune") -> OpenAI:
    return OpenAI(base_url=srv.url + "/v1", api_key=srv.key(tenant, "user"), max_retries=0)


def _jsonl(lines: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


def _chat_line(custom_id: str, text: str, model: str = "echo") -> dict[str, Any]:
    body = {"model": model, "messages": [{"role": "user", "content": text}], "max_tokens": 8}
    return {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}


def _batch(client: OpenAI, lines: list[dict[str, Any]], endpoint: str = "/v1/chat/completions") -> str:
    f = client.files.create(file=("requests.jsonl", _jsonl(lines)), purpose="batch")
    batch = client.batches.create(
        input_file_id=f.id, endpoint=endpoint, completion_window="24h", metadata={"lot": "test"}
    )  # type: ignore[arg-type]
    assert batch.status == "validating" and batch.input_file_id == f.id and batch.metadata == {"lot": "test"}
    return batch.id


def _until(client: OpenAI, batch_id: str, *states: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = client.batches.retrieve(batch_id)
        if batch.status in states:
            return batch
        time.sleep(0.1)
    raise AssertionError(f"batch {batch_id} never reached {states}: {batch}")


def _lines(client: OpenAI, file_id: str | None) -> list[dict[str, Any]]:
    if file_id is None:
        return []
    return [json.loads(line) for line in client.files.content(file_id).text.splitlines()]


def test_chat_batch_completes_with_outputs_and_per_request_errors(srv: Server) -> None:
    client = _client(srv)
    lines = [_chat_line(f"q{i}", f"Salam {i}") for i in range(5)]
    lines.insert(2, {**_chat_line("bad-body", "x"), "body": {"model": "echo"}})  # no messages: a 400
    lines.append(_chat_line("no-model", "x", model="absent"))  # a 404, as live
    batch = _until(client, _batch(client, lines), "completed", "failed")
    assert batch.status == "completed", batch
    assert batch.request_counts.model_dump() == {"total": 7, "completed": 5, "failed": 2}
    assert batch.in_progress_at and batch.finalizing_at and batch.completed_at
    out = _lines(client, batch.output_file_id)
    assert [o["custom_id"] for o in out] == [f"q{i}" for i in range(5)]  # input order, each once
    for i, o in enumerate(out):
        assert o["error"] is None and o["id"].startswith("batch_req_")
        assert o["response"]["status_code"] == 200 and o["response"]["request_id"].startswith("req_")
        assert o["response"]["body"]["choices"][0]["message"]["content"] == f"Echo: Salam {i}"
        assert o["response"]["body"]["model"] == "echo"
    errors = {e["custom_id"]: e["response"] for e in _lines(client, batch.error_file_id)}
    assert errors["bad-body"]["status_code"] == 400
    assert errors["bad-body"]["body"]["error"]["type"] == "invalid_request_error"
    assert errors["no-model"]["status_code"] == 404
    assert errors["no-model"]["body"]["error"]["code"] == "model_not_found"
    output = client.files.retrieve(batch.output_file_id)
    assert output.purpose == "batch_output" and output.bytes == len(client.files.content(output.id).content)


def test_embeddings_batch_completes(srv: Server, echo: RecordingUpstream) -> None:
    client = _client(srv)
    lines = [
        {"custom_id": f"e{i}", "method": "POST", "url": "/v1/embeddings",
         "body": {"model": "echo-embed", "input": [f"texte {i}", "autre"]}}
        for i in range(3)
    ]  # fmt: skip
    batch = _until(client, _batch(client, lines, "/v1/embeddings"), "completed", "failed")
    assert batch.status == "completed" and batch.error_file_id is None, batch
    out = _lines(client, batch.output_file_id)
    assert sorted(o["custom_id"] for o in out) == ["e0", "e1", "e2"]
    for o in out:
        body = o["response"]["body"]
        assert [d["embedding"] for d in body["data"]] == [[0.1, 0.2], [0.1, 0.2]]
    assert b'"texte 2"' in echo.received()


def test_malformed_file_fails_the_batch_with_errors(srv: Server) -> None:
    client = _client(srv)
    good = _chat_line("a", "x")
    raw = b"\n".join(
        [
            json.dumps(good).encode(),
            b"{not json",
            json.dumps(good).encode(),  # the custom_id again
            json.dumps({**_chat_line("b", "x"), "url": "/v1/embeddings"}).encode(),
            json.dumps({**_chat_line("c", "x"), "method": "GET"}).encode(),
            json.dumps({"custom_id": "d", "method": "POST", "url": "/v1/chat/completions"}).encode(),
            b"[1, 2]",
        ]
    )
    f = client.files.create(file=("bad.jsonl", raw), purpose="batch")
    batch_id = client.batches.create(
        input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h"
    ).id
    batch = _until(client, batch_id, "failed", "completed")
    assert batch.status == "failed" and batch.failed_at and batch.output_file_id is None
    found = [(e.line, e.code) for e in batch.errors.data]
    assert found == [
        (2, "invalid_json_line"),
        (3, "duplicate_custom_id"),
        (4, "mismatched_url"),
        (5, "invalid_request"),
        (6, "invalid_request"),
        (7, "invalid_json_line"),
    ]
    assert batch.request_counts.total == 0


def test_too_many_requests_and_empty_file_fail(srv: Server) -> None:
    client = _client(srv)
    many = _batch(client, [_chat_line(f"r{i}", "x") for i in range(41)])  # max_requests is 40
    batch = _until(client, many, "failed", "completed")
    assert [e.code for e in batch.errors.data] == ["too_many_requests"]
    f = client.files.create(file=("blank.jsonl", b"\n\n"), purpose="batch")
    empty = client.batches.create(input_file_id=f.id, endpoint="/v1/completions", completion_window="24h")
    assert [e.code for e in _until(client, empty.id, "failed").errors.data] == ["empty_file"]


def test_bad_requests_are_refused_at_the_door(srv: Server) -> None:
    client = _client(srv)
    with pytest.raises(openai.BadRequestError, match="purpose"):
        client.files.create(file=("x.jsonl", b"{}"), purpose="fine-tune")
    with pytest.raises(openai.APIStatusError) as big:
        client.files.create(file=("x.jsonl", b"x" * (MAX_FILE + 1)), purpose="batch")
    assert big.value.status_code == 413
    f = client.files.create(file=("x.jsonl", _jsonl([_chat_line("a", "x")])), purpose="batch")
    with pytest.raises(openai.BadRequestError):
        client.batches.create(input_file_id=f.id, endpoint="/v1/rerank", completion_window="24h")  # type: ignore[arg-type]
    with pytest.raises(openai.BadRequestError):
        client.batches.create(input_file_id=f.id, endpoint="/v1/embeddings", completion_window="1h")  # type: ignore[arg-type]
    with pytest.raises(openai.NotFoundError):
        client.batches.create(input_file_id="file-nope", endpoint="/v1/embeddings", completion_window="24h")
    with pytest.raises(openai.BadRequestError):
        client.batches.list(limit=0)
    h = {"Authorization": f"Bearer {client.api_key}"}
    r = httpx.post(srv.url + "/v1/files", headers=h, content=b"--x\r\nbroken", timeout=10)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_multipart"
    form = {"purpose": "batch", "purpos": "batch"}
    upload = {"file": ("a.jsonl", b"{}")}
    r = httpx.post(srv.url + "/v1/files", headers=h, files=upload, data=form, timeout=10)
    assert r.status_code == 400 and r.json()["error"]["param"] == "purpos"


def test_cancel_stops_a_running_batch(srv: Server, slow: SlowUpstream) -> None:
    client = _client(srv)
    batch_id = _batch(client, [_chat_line(f"s{i}", "x", model="slow") for i in range(40)])
    _until(client, batch_id, "in_progress")
    cancelling = client.batches.cancel(batch_id)
    assert cancelling.status in ("cancelling", "cancelled") and cancelling.cancelling_at
    batch = _until(client, batch_id, "cancelled")
    sent = slow.received
    done = batch.request_counts.completed
    assert 0 <= done < 40 and batch.cancelled_at
    assert len(_lines(client, batch.output_file_id)) == done
    time.sleep(1.0)
    assert slow.received == sent  # nothing sent after it was cancelled
    with pytest.raises(openai.ConflictError):
        client.batches.cancel(_until(client, _batch(client, [_chat_line("z", "x")]), "completed").id)


def test_a_key_revoked_mid_batch_stops_it(srv: Server, slow: SlowUpstream) -> None:
    key = srv.key("commune", "user")
    key_id = max(k["id"] for k in json.loads(cli(srv.data_dir, "keys", "list", "--json").stdout))
    client = OpenAI(base_url=srv.url + "/v1", api_key=key, max_retries=0)
    batch_id = _batch(client, [_chat_line(f"r{i}", "x", model="slow") for i in range(40)])
    _until(client, batch_id, "in_progress")
    cli(srv.data_dir, "keys", "revoke", str(key_id))
    reader = OpenAI(base_url=srv.url + "/v1", api_key=srv.key("commune", "user"), max_retries=0)
    batch = _until(reader, batch_id, "failed", "completed")  # another key of the tenant reads it
    assert [e.code for e in batch.errors.data] == ["invalid_api_key"]
    sent = slow.received
    assert batch.request_counts.completed < 40
    assert len(_lines(reader, batch.output_file_id)) == batch.request_counts.completed
    time.sleep(1.0)
    assert slow.received == sent  # nothing sent after it stopped


def test_what_the_window_leaves_unsent_expires(
    tmp_path: Path, echo: RecordingUpstream, slow: SlowUpstream
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    config = data / "siyada.toml"
    config.write_text(_config(echo, slow, window=2))  # 40 requests of 0.25 s, 2 at a time: 5 s
    cli(data, "tenants", "create", "commune")
    server = Server(data, config=config).start()
    try:
        client = _client(server)
        batch = _until(
            client, _batch(client, [_chat_line(f"x{i}", "x", model="slow") for i in range(40)]), "expired"
        )
        assert batch.expired_at and batch.completed_at is None
        done = [o["custom_id"] for o in _lines(client, batch.output_file_id)]
        assert len(done) == batch.request_counts.completed < 40
        expired = _lines(client, batch.error_file_id)
        assert all(e["response"] is None and e["error"]["code"] == "batch_expired" for e in expired)
        assert sorted(done + [e["custom_id"] for e in expired]) == sorted(f"x{i}" for i in range(40))
    finally:
        server.stop()


def test_another_tenant_sees_nothing(srv: Server) -> None:
    mine, theirs = _client(srv), _client(srv, "other")
    batch = _until(mine, _batch(mine, [_chat_line("a", "x")]), "completed")
    input_id, output_id = batch.input_file_id, batch.output_file_id
    for call in (
        lambda: theirs.files.retrieve(input_id),
        lambda: theirs.files.content(output_id),
        lambda: theirs.files.delete(input_id),
        lambda: theirs.batches.retrieve(batch.id),
        lambda: theirs.batches.cancel(batch.id),
        lambda: theirs.batches.create(
            input_file_id=input_id, endpoint="/v1/chat/completions", completion_window="24h"
        ),
    ):
        with pytest.raises(openai.NotFoundError):
            call()
    assert all(f.id not in (input_id, output_id) for f in theirs.files.list())
    assert all(b.id != batch.id for b in theirs.batches.list())
    with pytest.raises(openai.BadRequestError):  # another tenant's id is no cursor either
        theirs.batches.list(after=batch.id)
    assert mine.files.retrieve(input_id).id == input_id  # still there for its owner
    mine.files.delete(output_id)
    with pytest.raises(openai.NotFoundError):
        mine.files.content(output_id)


def test_lists_page_newest_first(srv: Server) -> None:
    client = _client(srv, "other")
    ids = [_batch(client, [_chat_line("a", "x")]) for _ in range(3)]
    first = client.batches.list(limit=2)
    assert [b.id for b in first.data] == ids[::-1][:2] and first.has_more
    rest = client.batches.list(limit=2, after=first.data[-1].id)
    assert [b.id for b in rest.data][:1] == ids[:1]
    assert [b.id for b in client.batches.list(limit=2)][:3] == ids[::-1]
    purposes = {f.purpose for f in client.files.list(purpose="batch")}
    assert purposes == {"batch"}


def _away_from_minute_edge() -> None:
    left = 60 - time.time() % 60
    if left < 15:
        time.sleep(left + 0.2)


def test_quota_refusals_go_to_the_error_file(srv: Server) -> None:
    key = srv.key("commune", "user")
    key_id = max(k["id"] for k in json.loads(cli(srv.data_dir, "keys", "list", "--json").stdout))
    cli(srv.data_dir, "limits", "set", "--key", str(key_id), "--rpm", "2")
    time.sleep(1.2)  # the server re-reads limits at most once a second
    _away_from_minute_edge()
    client = OpenAI(base_url=srv.url + "/v1", api_key=key, max_retries=0)
    batch = _until(client, _batch(client, [_chat_line(f"q{i}", "x") for i in range(4)]), "completed")
    assert batch.request_counts.model_dump() == {"total": 4, "completed": 2, "failed": 2}
    refused = _lines(client, batch.error_file_id)
    assert len(refused) == 2
    for line in refused:
        assert line["response"]["status_code"] == 429
        assert line["response"]["body"]["error"]["code"] == "quota_exceeded"
    db = f"sqlite:///{srv.data_dir / 'siyada.db'}"
    deadline = time.monotonic() + 10  # a refusal's row is written with the next flush (0.5 s)
    while len(_statuses(db, key_id)) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(_statuses(db, key_id)) == [
        200,
        200,
        429,
        429,
    ]  # one row a request


@pytest.mark.parametrize(("store", "stop"), [("sqlite", "kill"), ("postgres", "kill"), ("sqlite", "term")])
def test_kill_9_mid_batch_then_restart_repeats_and_loses_nothing(
    store: str, stop: str, tmp_path: Path, echo: RecordingUpstream, slow: SlowUpstream
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    config = data / "siyada.toml"
    config.write_text(_config(echo, slow, concurrency=3))
    with contextlib.ExitStack() as stack:
        env: dict[str, str] = {}
        url = f"sqlite:///{data / 'siyada.db'}"
        if store == "postgres":
            pg = Postgres().start()
            stack.callback(pg.stop)
            url = pg.create_database("batches")
            env = {"SIYADA_DATABASE_URL": url}
        cli(data, "tenants", "create", "commune", env=env)
        server = Server(data, config=config, env=env).start()
        stack.callback(server.stop)
        key = cli(data, "keys", "create", "--tenant", "commune", "--role", "user", env=env).stdout.strip()
        key_id = max(k["id"] for k in json.loads(cli(data, "keys", "list", "--json", env=env).stdout))
        client = OpenAI(base_url=server.url + "/v1", api_key=key, max_retries=0)
        n = 24
        batch_id = _batch(client, [_chat_line(f"k{i}", f"{i}", model="slow") for i in range(n)])
        deadline = time.monotonic() + 60
        while client.batches.retrieve(batch_id).request_counts.completed < 5:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        if stop == "kill":
            server.kill()  # SIGKILL, requests in flight
        else:
            server.stop()  # SIGTERM: in-flight requests cancelled, claims handed back
        server.start()  # the same data, database and port
        batch = _until(client, batch_id, "completed", "failed", timeout=120)
        assert batch.status == "completed", batch
        assert batch.request_counts.model_dump() == {"total": n, "completed": n, "failed": 0}
        out = _lines(client, batch.output_file_id)
        assert sorted(o["custom_id"] for o in out) == sorted(f"k{i}" for i in range(n))  # each exactly once
        assert batch.error_file_id is None
        statuses = _statuses(url, key_id)
        assert statuses.count(200) == n  # no request accounted twice, none lost
        # SIGKILL: a request cut in flight wrote no row; SIGTERM: it has its 499, as a client gone has
        assert set(statuses) <= ({200} if stop == "kill" else {200, 499})


def _statuses(url: str, key_id: int) -> list[int]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            q = sa.text("SELECT status FROM usage WHERE key_id = :k")
            return [r[0] for r in conn.execute(q, {"k": key_id})]
    finally:
        engine.dispose()


def test_a_write_cut_midway_registers_nothing(tmp_path: Path) -> None:
    """A file whose bytes fail midway (a full disk, a crash) leaves neither a row nor bytes behind; a
    transaction that fails after the bytes are in place removes them again."""
    from siyada.batches import files
    from siyada.store.db import open_store, sqlite_url
    from siyada.store.tables import tenants
    from siyada.store.tables_batches import files as files_table

    engine = open_store(sqlite_url(tmp_path))
    with engine.begin() as conn:
        tenant_id = conn.execute(tenants.insert().values(name="t", created_at=0.0)).inserted_primary_key[0]

    def cut() -> Iterator[bytes]:
        yield b'{"custom_id": "a"}\n'
        raise OSError("No space left on device")

    with pytest.raises(OSError), engine.begin() as conn:
        files.write(conn, tmp_path, tenant_id, "batch", "in.jsonl", cut())
    stored: list[files.StoredFile] = []
    with pytest.raises(RuntimeError), engine.begin() as conn:
        stored.append(files.write(conn, tmp_path, tenant_id, "batch", "in.jsonl", iter([b"{}\n"])))
        raise RuntimeError("the transaction fails after the rename")
    files.discard(tmp_path, *stored)  # what files.upload and the runner do on a failed transaction
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(files_table)).scalar() == 0
    assert [p for p in (tmp_path / files.ROOT).rglob("*") if p.is_file()] == []
    engine.dispose()
