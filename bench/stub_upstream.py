"""Minimal, fast OpenAI-compatible stub upstream for the gateway overhead bench.

A raw asyncio HTTP/1.1 server (keep-alive, uvloop when installed) so that the
stub costs as little CPU as possible next to the load generator:

  POST /v1/chat/completions   non-streaming: fixed small JSON with usage
                              "stream": true: SSE, N content chunks, a usage
                              chunk, then "data: [DONE]"
  GET  /v1/models             one model
  GET  /health                "ok"

Usage: python bench/stub_upstream.py --port 18080 [--chunks 16] [--chunk-delay-ms 0]
Only the standard library (plus uvloop/orjson when present) is used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

MODEL = "stub"


def _dumps(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def build_payloads(model: str, chunks: int):
    created = int(time.time())
    completion = _dumps(
        {
            "id": "chatcmpl-stub",
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "Hello from the stub upstream."},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 9, "completion_tokens": 7, "total_tokens": 16},
        }
    )
    events = []
    for i in range(chunks):
        delta = {"role": "assistant", "content": ""} if i == 0 else {"content": f"tok{i} "}
        events.append(
            _dumps(
                {
                    "id": "chatcmpl-stub",
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
                }
            )
        )
    events.append(
        _dumps(
            {
                "id": "chatcmpl-stub",
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
            }
        )
    )
    events.append(
        _dumps(
            {
                "id": "chatcmpl-stub",
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [],
                "usage": {"prompt_tokens": 9, "completion_tokens": chunks, "total_tokens": 9 + chunks},
            }
        )
    )
    sse = [b"data: " + e + b"\n\n" for e in events] + [b"data: [DONE]\n\n"]
    # each SSE event is one HTTP/1.1 chunk
    sse_chunks = [b"%x\r\n%s\r\n" % (len(s), s) for s in sse]
    models = _dumps(
        {"object": "list", "data": [{"id": model, "object": "model", "created": created, "owned_by": "stub"}]}
    )
    return completion, sse_chunks, models


def _response(status: str, ctype: bytes, body: bytes, keep_alive: bool) -> bytes:
    return (
        b"HTTP/1.1 "
        + status.encode()
        + b"\r\ncontent-type: "
        + ctype
        + b"\r\ncontent-length: "
        + str(len(body)).encode()
        + (b"\r\n\r\n" if keep_alive else b"\r\nconnection: close\r\n\r\n")
        + body
    )


class StubProtocol(asyncio.Protocol):
    def __init__(self, server: Stub):
        self.s = server
        self.buf = bytearray()
        self.transport = None
        self.busy = False  # a streaming response is being written

    def connection_made(self, transport):
        self.transport = transport

    def connection_lost(self, exc):
        self.transport = None

    def data_received(self, data):
        self.buf += data
        if not self.busy:
            self._process()

    def _process(self):
        while self.transport is not None and not self.busy:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buf[:end]).decode("latin-1")
            lines = head.split("\r\n")
            try:
                method, target, version = lines[0].split(" ", 2)
            except ValueError:
                self.transport.write(_response("400 Bad Request", b"text/plain", b"bad request", False))
                self.transport.close()
                return
            headers = {}
            for ln in lines[1:]:
                k, _, v = ln.partition(":")
                headers[k.strip().lower()] = v.strip()
            pos = end + 4
            if "chunked" in headers.get("transfer-encoding", "").lower():
                body = bytearray()
                while True:
                    nl = self.buf.find(b"\r\n", pos)
                    if nl < 0:
                        return
                    size = int(bytes(self.buf[pos:nl]).split(b";")[0], 16)
                    if len(self.buf) < nl + 2 + size + 2:
                        return
                    body += self.buf[nl + 2 : nl + 2 + size]
                    pos = nl + 2 + size + 2
                    if size == 0:
                        break
                body = bytes(body)
            else:
                n = int(headers.get("content-length", "0") or 0)
                if len(self.buf) < pos + n:
                    return
                body = bytes(self.buf[pos : pos + n])
                pos += n
            del self.buf[:pos]
            keep_alive = headers.get("connection", "").lower() != "close" and version == "HTTP/1.1"
            self._handle(method, target.split("?", 1)[0], body, keep_alive)
            if not keep_alive and self.transport is not None:
                self.transport.close()
                return

    def _handle(self, method, path, body, keep_alive):
        s = self.s
        if path in ("/v1/chat/completions", "/chat/completions") and method == "POST":
            stream = b'"stream"' in body and _wants_stream(body)
            if not stream:
                self.transport.write(_response("200 OK", b"application/json", s.completion, keep_alive))
                return
            head = (
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
                b"transfer-encoding: chunked\r\n"
                + (b"" if keep_alive else b"connection: close\r\n")
                + b"\r\n"
            )
            if s.chunk_delay <= 0:
                self.transport.write(head + b"".join(s.sse_chunks) + b"0\r\n\r\n")
                return
            self.busy = True
            self.transport.write(head)
            asyncio.get_running_loop().create_task(self._stream_slow(keep_alive))
        elif path in ("/v1/models", "/models") and method == "GET":
            self.transport.write(_response("200 OK", b"application/json", s.models, keep_alive))
        elif path in ("/health", "/") and method == "GET":
            self.transport.write(_response("200 OK", b"text/plain", b"ok", keep_alive))
        else:
            self.transport.write(
                _response(
                    "404 Not Found", b"application/json", b'{"error":{"message":"not found"}}', keep_alive
                )
            )

    async def _stream_slow(self, keep_alive):
        try:
            for c in self.s.sse_chunks:
                if self.transport is None:
                    return
                self.transport.write(c)
                await asyncio.sleep(self.s.chunk_delay)
            if self.transport is not None:
                self.transport.write(b"0\r\n\r\n")
                if not keep_alive:
                    self.transport.close()
        finally:
            self.busy = False
        if self.buf:
            self._process()


def _wants_stream(body: bytes) -> bool:
    try:
        return bool(json.loads(body).get("stream"))
    except Exception:
        return False


class Stub:
    def __init__(self, model: str, chunks: int, chunk_delay_ms: float):
        self.completion, self.sse_chunks, self.models = build_payloads(model, chunks)
        self.chunk_delay = chunk_delay_ms / 1000.0


async def serve(host: str, port: int, stub: Stub):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: StubProtocol(stub), host, port, reuse_address=True, backlog=1024
    )
    print(f"stub upstream listening on http://{host}:{port}", flush=True)
    async with server:
        await server.serve_forever()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=18080)
    ap.add_argument("--model", default=MODEL)
    ap.add_argument("--chunks", type=int, default=16, help="content chunks per streamed answer")
    ap.add_argument("--chunk-delay-ms", type=float, default=0.0, help="pause between streamed chunks")
    ap.add_argument("--no-uvloop", action="store_true")
    a = ap.parse_args(argv)
    if not a.no_uvloop:
        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
    try:
        asyncio.run(serve(a.host, a.port, Stub(a.model, a.chunks, a.chunk_delay_ms)))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
