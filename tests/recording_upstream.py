"""An OpenAI-compatible model server on loopback that records every request body it receives and
answers by echoing the last user message, streamed in 3-character pieces so placeholders arrive split
(and, when the request offers tools, also calls the first one with the echo as its argument)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PIECE = 3


def _last_user_text(body: dict[str, Any]) -> str:
    if "messages" in body:
        for msg in reversed(body["messages"]):
            if msg.get("role") == "user":
                content = msg["content"]
                if isinstance(content, list):
                    return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
                return str(content)
    prompt = body.get("prompt", "")
    return prompt if isinstance(prompt, str) else " ".join(map(str, prompt))


def echo_toml(url: str, provider: str = "echo", in_house: bool = False) -> str:
    """The `siyada.toml` lines that route a chat model named `echo` to the upstream at `url` as `provider`."""
    house = "in_house = true\n" if in_house else ""
    return f"""[[providers]]
name = "{provider}"
url = "{url}"
{house}[[models]]
name = "echo"
routes = [{{provider = "{provider}"}}]
"""


class RecordingUpstream:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.headers: list[dict[str, str]] = []  # each request's headers, names in lower case
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # /v1/models, used by the health probe
                self._json({"object": "list", "data": [{"id": "echo", "object": "model"}]})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                upstream.bodies.append(raw)
                upstream.headers.append({k.lower(): v for k, v in self.headers.items()})
                body = json.loads(raw)
                if self.path.endswith("/embeddings"):
                    inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
                    data = [
                        {"object": "embedding", "index": i, "embedding": [0.1, 0.2]}
                        for i in range(len(inputs))
                    ]
                    return self._json(
                        {"object": "list", "data": data, "usage": {"prompt_tokens": 1, "total_tokens": 1}}
                    )
                chat = self.path.endswith("/chat/completions")
                answer = "Echo: " + _last_user_text(body)
                if body.get("stream"):
                    return self._stream(answer, chat)
                choice: dict[str, Any] = {"index": 0, "finish_reason": "stop"}
                choice.update(
                    {"message": {"role": "assistant", "content": answer}} if chat else {"text": answer}
                )
                if chat and body.get("tools"):  # call the first tool with the echo as its argument
                    call = {
                        "name": body["tools"][0]["function"]["name"],
                        "arguments": json.dumps({"echo": answer}),
                    }
                    choice["message"]["tool_calls"] = [{"id": "call_1", "type": "function", "function": call}]
                    choice["finish_reason"] = "tool_calls"
                self._json(
                    {
                        "id": "x",
                        "object": "chat.completion" if chat else "text_completion",
                        "created": int(time.time()),
                        "model": body["model"],
                        "choices": [choice],
                        "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10},
                    }
                )

            def _json(self, obj: dict[str, Any]) -> None:
                data = json.dumps(obj).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, answer: str, chat: bool) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = [answer[i : i + PIECE] for i in range(0, len(answer), PIECE)]
                for n, piece in enumerate(pieces):
                    last = n == len(pieces) - 1
                    choice: dict[str, Any] = {"index": 0, "finish_reason": "stop" if last else None}
                    choice.update({"delta": {"content": piece}} if chat else {"text": piece})
                    self._event(
                        {"id": "x", "object": "chunk", "created": 0, "model": "echo", "choices": [choice]}
                    )
                usage = {
                    "prompt_tokens": 5,
                    "completion_tokens": len(pieces),
                    "total_tokens": 5 + len(pieces),
                }
                self._event(
                    {
                        "id": "x",
                        "object": "chunk",
                        "created": 0,
                        "model": "echo",
                        "choices": [],
                        "usage": usage,
                    }
                )
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, obj: dict[str, Any]) -> None:
                self.wfile.write(b"data: " + json.dumps(obj).encode() + b"\n\n")
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def received(self) -> bytes:
        return b"\n".join(self.bodies)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
