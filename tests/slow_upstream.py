"""An OpenAI-compatible chat server on loopback whose answers take a while: `pieces` words, one every
`pause` seconds (streamed as SSE, or sent whole at the end), so that calls are still in flight when a
test stops the gateway in front of it. It counts the requests it has received."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def words(n: int) -> list[str]:
    return [f"w{i} " for i in range(n)]


class SlowUpstream:
    def __init__(self, pieces: int = 8, pause: float = 1.0) -> None:
        self.received = 0
        self._lock = threading.Lock()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # /v1/models, the health probe
                self._send(200, {"object": "list", "data": [{"id": "slow", "object": "model"}]})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                with upstream._lock:
                    upstream.received += 1
                usage = {"prompt_tokens": 4, "completion_tokens": pieces, "total_tokens": 4 + pieces}
                if body.get("stream"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for word in words(pieces):
                        time.sleep(pause)
                        delta = {"index": 0, "delta": {"content": word}, "finish_reason": None}
                        self._event({"id": "s", "object": "chat.completion.chunk", "choices": [delta]})
                    stop = {"index": 0, "delta": {}, "finish_reason": "stop"}
                    self._event({"id": "s", "object": "chat.completion.chunk", "choices": [stop]})
                    self._event({"id": "s", "object": "chat.completion.chunk", "choices": [], "usage": usage})
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                    self.close_connection = True
                    return
                time.sleep(pause * pieces)
                message = {"role": "assistant", "content": "".join(words(pieces))}
                self._send(
                    200,
                    {
                        "id": "s",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "slow"),
                        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                        "usage": usage,
                    },
                )

            def _send(self, status: int, obj: dict[str, Any]) -> None:
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _event(self, obj: dict[str, Any]) -> None:
                self.wfile.write(b"data: " + json.dumps(obj).encode() + b"\n\n")
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
