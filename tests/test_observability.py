"""Traces and structured logs of a real server: a grounded chat call's spans (authentication, retrieval,
the shield, quotas, routing, the upstream call) in order and nested, an incoming `traceparent`
continued and passed on to the upstream, ingestion's counts; and JSON log lines, each with its request
id, that hold none of the personal data the calls carried.

Spans are read from the debug file the server writes them to as they end (`[telemetry] debug_file`,
the SDK's own span exporter); the upstream is a real HTTP model server that records what it receives.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai import OpenAI

from siyada.privacy.markup import load_markup
from tests.recording_upstream import RecordingUpstream, echo_toml
from tests.server import Server, cli, configure

FIXTURES = Path(__file__).parent / "fixtures"
# French letters of the held-out set with their marked values (names, CIN, phones, RIB, cards...).
LETTERS = [d for d in load_markup(FIXTURES / "pii_heldout.txt") if d["lang"] == "fr" and d["entities"]][:6]
VALUES = sorted({d["text"][e["start"] : e["end"]] for d in LETTERS for e in d["entities"]}, key=len)
GUIDE = (
    "Le certificat de résidence est délivré par l'arrondissement en trois jours ouvrables. "
    "Pièces : copie de la carte nationale et quittance d'eau ou d'électricité. "
    "Pour tout renseignement, contacter le guichet unique, dossier suivi par Mme Khadija Ait Lahcen, "
    "CNIE J412587."
)
QUESTION = "Quel délai pour le certificat de résidence ? Je suis Karim Bennani, CIN JK45123. [1]"
STAGES = [
    "siyada.auth",
    "siyada.retrieval",
    "siyada.shield",
    "siyada.quota",
    "siyada.route",
    "siyada.upstream",
]


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, echo: RecordingUpstream) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("observability")
    toml = f"""
[embedded]
enabled = false
[knowledge]
warm_at_start = false
[telemetry]
enabled = true
service_name = "siyada-test"
debug_file = "{data / "spans.jsonl"}"
[logging]
format = "json"
"""
    config = configure(data, toml + echo_toml(echo.url), "commune")
    cli(data, "limits", "set", "--tenant", "commune", "--tpm", "1000000", config=config)
    server = Server(data, config=config).start()
    server.api_key = server.key("commune", "user")  # type: ignore[attr-defined]
    yield server
    server.stop()


def _h(srv: Server) -> dict[str, str]:
    return {"Authorization": f"Bearer {srv.api_key}"}  # type: ignore[attr-defined]


def _spans(srv: Server) -> list[dict[str, Any]]:
    path = srv.data_dir / "spans.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _trace_of(srv: Server, request_id: str) -> list[dict[str, Any]]:
    """Every span of the trace whose server span served this request id (waiting for it to end)."""
    for _ in range(50):
        spans = _spans(srv)
        root = [s for s in spans if s["attributes"].get("siyada.request_id") == request_id]
        if root:
            trace = root[0]["context"]["trace_id"]
            return [s for s in spans if s["context"]["trace_id"] == trace]
        time.sleep(0.1)
    raise AssertionError(f"no server span for request {request_id}")


def _sent_parent(echo: RecordingUpstream) -> tuple[str, str, bool]:
    """(trace id, parent span id, sampled) of the traceparent the upstream last received."""
    version, trace, parent, flags = echo.headers[-1]["traceparent"].split("-")
    assert version == "00"
    return trace, parent, bool(int(flags, 16) & 1)


def _one(spans: list[dict[str, Any]], name: str) -> dict[str, Any]:
    found = [s for s in spans if s["name"] == name]
    assert len(found) == 1, (name, [s["name"] for s in spans])
    return found[0]


@pytest.fixture(scope="module")
def guide(srv: Server) -> str:
    r = httpx.post(
        srv.url + "/v1/collections", json={"name": "guide", "embedding_model": None}, headers=_h(srv)
    )
    assert r.status_code == 201, r.text
    files = {"file": ("guide.txt", GUIDE.encode())}
    r = httpx.post(srv.url + "/v1/documents", files=files, data={"collection": "guide"}, headers=_h(srv))
    assert r.status_code == 201, r.text
    ingest = _one(_trace_of(srv, r.headers["x-request-id"]), "siyada.ingest")
    assert ingest["attributes"]["siyada.chunks"] == r.json()["chunks"] >= 1
    assert ingest["attributes"]["siyada.documents_created"] == 1
    return "guide"


def test_grounded_chat_spans_in_order_nested_and_without_text(
    srv: Server, guide: str, echo: RecordingUpstream
) -> None:
    client = OpenAI(base_url=srv.url + "/v1", api_key=srv.api_key, max_retries=0)  # type: ignore[attr-defined]
    raw = client.chat.completions.with_raw_response.create(
        model="echo", messages=[{"role": "user", "content": QUESTION}], extra_body={"collections": [guide]}
    )
    reply = raw.parse()
    assert "trois jours" in json.loads(echo.bodies[-1])["messages"][0]["content"]  # it was grounded
    assert (reply.model_extra or {})["citations"]
    spans = _trace_of(srv, raw.headers["x-request-id"])

    server = _one(spans, "POST /v1/chat/completions")
    assert server["kind"] == "SpanKind.SERVER" and server["parent_id"] is None
    assert server["attributes"]["http.response.status_code"] == 200
    stages = {name: _one(spans, name) for name in [*STAGES, "siyada.grounded"]}
    starts = [stages[name]["start_time"] for name in STAGES]
    assert starts == sorted(starts), [(n, stages[n]["start_time"]) for n in STAGES]
    span_id = {name: s["context"]["span_id"] for name, s in stages.items()}
    parents = {name: s["parent_id"] for name, s in stages.items()}
    assert parents["siyada.auth"] == parents["siyada.grounded"] == server["context"]["span_id"]
    for stage in ("siyada.retrieval", "siyada.shield", "siyada.quota", "siyada.route"):
        assert parents[stage] == span_id["siyada.grounded"], stage
    assert parents["siyada.upstream"] == span_id["siyada.route"]

    attrs = {name: s["attributes"] for name, s in stages.items()}
    tenant = attrs["siyada.auth"]["siyada.tenant_id"]
    assert server["attributes"]["siyada.tenant_id"] == tenant == attrs["siyada.retrieval"]["siyada.tenant_id"]
    assert attrs["siyada.retrieval"]["siyada.hits"] >= 1
    assert attrs["siyada.shield"]["siyada.shield.replaced"] >= 2  # the name and the CIN of the question
    assert attrs["siyada.quota"]["siyada.quota.prompt_tokens"] > 0
    assert attrs["siyada.route"]["siyada.provider"] == attrs["siyada.upstream"]["siyada.provider"] == "echo"
    assert attrs["siyada.upstream"]["gen_ai.usage.input_tokens"] == 5  # what the upstream reported
    assert attrs["siyada.upstream"]["gen_ai.usage.output_tokens"] == 5
    assert all(s["status"]["status_code"] == "UNSET" for s in spans)

    # The upstream joined the trace: its traceparent names the upstream span as its parent.
    trace = server["context"]["trace_id"][2:]
    assert _sent_parent(echo) == (trace, span_id["siyada.upstream"][2:], True)

    # No prompt, document text or personal value in any span, attribute or event.
    text = json.dumps(spans, ensure_ascii=False)
    for secret in ["Karim Bennani", "JK45123", "Khadija Ait Lahcen", "J412587", "trois jours", "résidence"]:
        assert secret not in text, secret


def test_incoming_traceparent_is_continued(srv: Server, echo: RecordingUpstream) -> None:
    trace, parent = secrets.token_hex(16), secrets.token_hex(8)
    body = {"model": "echo", "messages": [{"role": "user", "content": "Bonjour"}]}
    headers = {**_h(srv), "traceparent": f"00-{trace}-{parent}-01"}
    r = httpx.post(srv.url + "/v1/chat/completions", json=body, headers=headers, timeout=60)
    assert r.status_code == 200, r.text
    spans = _trace_of(srv, r.headers["x-request-id"])
    server = _one(spans, "POST /v1/chat/completions")
    assert server["context"]["trace_id"] == "0x" + trace and server["parent_id"] == "0x" + parent
    assert {s["context"]["trace_id"] for s in spans} == {"0x" + trace}
    upstream = _one(spans, "siyada.upstream")
    assert _sent_parent(echo) == (trace, upstream["context"]["span_id"][2:], True)

    # A malformed traceparent starts a trace of its own; the caller's baggage never travels upstream.
    bad = {**_h(srv), "traceparent": f"00-{trace}-zz-01", "baggage": "user=Karim%20Bennani"}
    r = httpx.post(srv.url + "/v1/chat/completions", json=body, headers=bad, timeout=60)
    assert r.status_code == 200, r.text
    server = _one(_trace_of(srv, r.headers["x-request-id"]), "POST /v1/chat/completions")
    assert server["context"]["trace_id"] != "0x" + trace and server["parent_id"] is None
    assert "baggage" not in echo.headers[-1] and _sent_parent(echo)[0] != trace

    # A valid traceparent is continued, but the caller's tracestate (free text) is not passed on.
    headers = {**_h(srv), "traceparent": f"00-{trace}-{parent}-01", "tracestate": "ma=Karim-Bennani-JK45123"}
    assert httpx.post(srv.url + "/v1/chat/completions", json=body, headers=headers).status_code == 200
    assert _sent_parent(echo)[0] == trace and "tracestate" not in echo.headers[-1]

    # A caller that sampled its trace out is followed: nothing recorded, the decision passed on.
    unsampled = secrets.token_hex(16)
    headers = {**_h(srv), "traceparent": f"00-{unsampled}-{parent}-00"}
    r = httpx.post(srv.url + "/v1/chat/completions", json=body, headers=headers, timeout=60)
    assert r.status_code == 200
    sent_trace, _, sampled = _sent_parent(echo)
    assert sent_trace == unsampled and not sampled
    assert all(s["context"]["trace_id"] != "0x" + unsampled for s in _spans(srv))


def _log_lines(srv: Server) -> list[dict[str, Any]]:
    lines = srv.output().splitlines()
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"a log line that is not JSON: {line!r}") from None
    return parsed


def test_json_logs_carry_request_ids_and_no_personal_data(srv: Server, guide: str) -> None:
    assert VALUES and len(LETTERS) == 6
    client = OpenAI(base_url=srv.url + "/v1", api_key=srv.api_key, max_retries=0)  # type: ignore[attr-defined]
    ids: dict[str, str] = {}
    for n, letter in enumerate(LETTERS):
        messages = [{"role": "user", "content": letter["text"]}]
        if n % 2:
            raw = client.chat.completions.with_raw_response.create(
                model="echo", messages=messages, stream=True
            )
            assert "".join(c.choices[0].delta.content or "" for c in raw.parse() if c.choices)
        else:
            raw = client.chat.completions.with_raw_response.create(model="echo", messages=messages)
            assert raw.parse().choices[0].message.content
        ids[f"chat{n}"] = raw.headers["x-request-id"]
    # A document and a search full of them, a path and a model name made of them, a bad key.
    files = {"file": ("lettre.txt", "\n".join(d["text"] for d in LETTERS).encode())}
    r = httpx.post(srv.url + "/v1/documents", files=files, data={"collection": guide}, headers=_h(srv))
    assert r.status_code == 201, r.text
    ids["upload"] = r.headers["x-request-id"]
    query = {"query": LETTERS[0]["text"][:200], "collections": [guide]}
    ids["search"] = httpx.post(srv.url + "/v1/search", json=query, headers=_h(srv)).headers["x-request-id"]
    r = httpx.get(srv.url + f"/v1/collections/{VALUES[-1]}", headers=_h(srv))
    assert r.status_code == 404
    ids["path"] = r.headers["x-request-id"]
    r = httpx.post(
        srv.url + "/v1/chat/completions",
        json={"model": VALUES[0], "messages": [{"role": "user", "content": VALUES[1]}]},
        headers=_h(srv),
    )
    assert r.status_code == 404 and VALUES[0] in r.text  # the caller is told; the logs are not
    ids["model"] = r.headers["x-request-id"]
    r = httpx.get(srv.url + "/v1/models", headers={"Authorization": f"Bearer sk-{VALUES[2]}"})
    assert r.status_code == 401
    ids["badkey"] = r.headers["x-request-id"]
    # The caller's own request id is kept when it is an id, replaced when it is a sentence.
    mine = "req-" + secrets.token_hex(8)
    assert (
        httpx.get(srv.url + "/v1/models", headers={**_h(srv), "x-request-id": mine}).headers["x-request-id"]
        == mine
    )
    ids["mine"] = mine
    sentence = f"Mme {VALUES[3]} demande"
    r = httpx.get(srv.url + "/v1/models", headers={**_h(srv), "x-request-id": sentence})
    assert r.headers["x-request-id"].startswith("req_")
    ids["sentence"] = r.headers["x-request-id"]

    time.sleep(0.5)  # the last access lines are written as the responses end
    lines = _log_lines(srv)
    text = srv.output()
    leaked = [v for v in VALUES if v in text or json.dumps(v)[1:-1] in text]
    assert not leaked, leaked
    access = [line for line in lines if line["logger"] == "siyada.access"]
    by_id = {line["request_id"]: line for line in access}
    for what, request_id in ids.items():
        assert request_id in by_id, what
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    assert all(
        "request_id" in line for line in lines if "route" in line or line["logger"].startswith("siyada.a")
    )
    assert by_id[ids["path"]]["route"] == "/v1/collections/{ref}" and by_id[ids["path"]]["status"] == 404
    assert by_id[ids["badkey"]]["status"] == 401 and "tenant_id" not in by_id[ids["badkey"]]
    chat = by_id[ids["chat0"]]
    assert chat["method"] == "POST" and chat["route"] == "/v1/chat/completions" and chat["status"] == 200
    assert chat["tenant_id"] >= 1 and chat["key_id"] >= 1 and chat["duration_ms"] > 0
    # Logs and traces join on the trace id: the access line names its call's server span.
    server = _one(_trace_of(srv, ids["chat0"]), "POST /v1/chat/completions")
    assert "0x" + chat["trace_id"] == server["context"]["trace_id"]
    assert "0x" + chat["span_id"] == server["context"]["span_id"]


class _Collector:
    """An OTLP/HTTP trace receiver on loopback (what an OpenTelemetry Collector's `otlp` receiver
    accepts): records each export's headers and decoded spans."""

    def __init__(self) -> None:
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

        self.headers: list[dict[str, str]] = []
        self.spans: list[tuple[str, dict[str, Any]]] = []  # (name, attributes)
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = ExportTraceServiceRequest.FromString(raw)
                collector.headers.append({k.lower(): v for k, v in self.headers.items()})
                for resource in request.resource_spans:
                    for scope in resource.scope_spans:
                        for s in scope.spans:
                            attrs = {a.key: str(a.value).strip() for a in s.attributes}
                            collector.spans.append((s.name, attrs))
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/traces"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_spans_reach_an_otlp_collector_with_the_configured_headers(
    tmp_path: Path, echo: RecordingUpstream
) -> None:
    collector = _Collector()
    token = secrets.token_hex(16)
    config = tmp_path / "otlp.toml"  # not the data folder's siyada.toml, which the CLI would read too
    config.write_text(
        f"""
[embedded]
enabled = false
[knowledge]
warm_at_start = false
[telemetry]
enabled = true
service_name = "siyada-otlp"
otlp_endpoint = "{collector.url}"
otlp_headers = {{authorization = "Bearer ${{OTLP_TOKEN_FOR_TEST}}"}}
"""
        + echo_toml(echo.url)
    )
    cli(tmp_path, "tenants", "create", "default")
    server = Server(tmp_path, config=config, env={"OTLP_TOKEN_FOR_TEST": token}).start()
    try:
        body = {"model": "echo", "messages": [{"role": "user", "content": "Bonjour, CIN JK45123"}]}
        headers = {"Authorization": f"Bearer {server.key()}"}
        assert httpx.post(server.url + "/v1/chat/completions", json=body, headers=headers).status_code == 200
    finally:
        server.stop()  # the batched spans are flushed as the server stops
        collector.close()
    assert collector.headers and all(h["authorization"] == f"Bearer {token}" for h in collector.headers)
    names = [name for name, _ in collector.spans]
    assert {"POST /v1/chat/completions", *STAGES} - {"siyada.retrieval"} <= set(names)
    assert "JK45123" not in json.dumps(collector.spans)
    assert token not in server.output()


def test_collector_must_be_on_the_egress_allow_list(tmp_path: Path) -> None:
    config = tmp_path / "siyada.toml"
    config.write_text(
        '[telemetry]\nenabled = true\notlp_endpoint = "https://collector.example.org/v1/traces"\n'
    )
    proc = cli(tmp_path, "config", "check", config=config, check=False)
    assert proc.returncode != 0
    assert "telemetry.otlp_endpoint" in proc.stderr and "egress allow-list" in proc.stderr


def test_tracing_off_loads_no_sdk(tmp_path: Path) -> None:
    """Off by default, tracing costs the call path no SDK: the server's modules never import it (only
    the small API package, which FastAPI itself imports)."""
    config = tmp_path / "siyada.toml"
    config.write_text("[embedded]\nenabled = false\n[knowledge]\nwarm_at_start = false\n")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from siyada.api.app import create_app\n"
        "from siyada.config import load_settings\n"
        f"app = create_app(load_settings(Path({str(tmp_path)!r})))\n"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry.sdk')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_fastapi_own_tracing_stays_off_whatever_the_environment(tmp_path: Path) -> None:
    """Recent FastAPI exports its own spans, raw query strings included, when OTEL_* variables ask; a
    server with tracing off sends a collector nothing, and none of a query's personal data."""
    collector = _Collector()
    env = {
        "FASTAPI_OTEL_AUTO_CONFIGURE": "true",
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url.removesuffix("/v1/traces"),
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    }
    cli(tmp_path, "tenants", "create", "default")
    config = tmp_path / "siyada.toml"
    config.write_text("[embedded]\nenabled = false\n[knowledge]\nwarm_at_start = false\n")
    server = Server(tmp_path, config=config, env=env).start()
    try:
        headers = {"Authorization": f"Bearer {server.key()}"}
        r = httpx.get(server.url + "/v1/usage", params={"note": "Karim Bennani JK45123"}, headers=headers)
        assert r.status_code in (200, 400)
        time.sleep(0.5)
    finally:
        server.stop()
        collector.close()
    assert collector.spans == [] and collector.headers == []
