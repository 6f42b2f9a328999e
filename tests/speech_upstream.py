"""A loopback server speaking OpenAI's audio API and both rerank dialects (vLLM/Jina at /v1/rerank, TEI
at /rerank), recording what it receives and answering from it: a transcript names the file's size,
digest, language and prompt; speech is a WAV whose length grows with the input; rerank scores are the
number of query words a document holds."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import wave
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SPEECH_RATE = 8000  # WAV frames a second
SECONDS_PER_CHAR = 0.05


def wav(seconds: float, rate: int = SPEECH_RATE) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x01" * int(seconds * rate))
    return out.getvalue()


def transcript(fields: dict[str, Any], audio: bytes) -> str:
    digest = hashlib.sha256(audio).hexdigest()[:12]
    return (
        f"heard {len(audio)} bytes {digest} language={fields.get('language', '-')} "
        f"prompt={fields.get('prompt', '-')}"
    )


def _overlap(query: str, text: str) -> float:
    words = set(query.lower().split())
    return float(sum(1 for w in text.lower().split() if w in words))


class SpeechUpstream:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []  # {"path", "fields" | "json", "file"?}
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._send(200, json.dumps({"object": "list", "data": []}).encode(), "application/json")

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                kind = self.headers.get("Content-Type", "")
                if kind.startswith("multipart/form-data"):
                    fields, files = _form(kind, raw)
                    upstream.calls.append({"path": self.path, "fields": fields, "file": files.get("file")})
                    return self._transcript(fields, files["file"][1])
                body = json.loads(raw)
                upstream.calls.append({"path": self.path, "json": body})
                if self.path == "/v1/audio/speech":
                    audio = wav(SECONDS_PER_CHAR * len(body["input"]))
                    return self._send(200, audio, "audio/wav")
                if self.path == "/rerank":  # TEI
                    scores = [
                        {"index": i, "score": _overlap(body["query"], t)} for i, t in enumerate(body["texts"])
                    ]
                    return self._send(200, json.dumps(scores).encode(), "application/json")
                if self.path == "/v1/rerank" and body["query"] == "break":  # an index it was never sent
                    answer = {"results": [{"index": len(body["documents"]), "relevance_score": 1.0}]}
                    return self._send(200, json.dumps(answer).encode(), "application/json")
                if self.path == "/v1/rerank":  # vLLM / Jina
                    results = [
                        {"index": i, "relevance_score": _overlap(body["query"], d)}
                        for i, d in enumerate(body["documents"])
                    ]
                    answer = {"results": results, "usage": {"total_tokens": 7}}
                    return self._send(200, json.dumps(answer).encode(), "application/json")
                self._send(404, b'{"error": "unknown path"}', "application/json")

            def _transcript(self, fields: dict[str, Any], audio: bytes) -> None:
                text = transcript(fields, audio)
                fmt = fields.get("response_format", "json")
                if fmt == "json":
                    return self._send(200, json.dumps({"text": text}).encode(), "application/json")
                if fmt == "verbose_json":
                    obj = {
                        "task": "transcribe",
                        "language": fields.get("language", "en"),
                        "duration": 1.0,
                        "text": text,
                        "segments": [],
                    }
                    return self._send(200, json.dumps(obj).encode(), "application/json")
                if fmt == "srt":
                    text = f"1\n00:00:00,000 --> 00:00:01,000\n{text}\n"
                elif fmt == "vtt":
                    text = f"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n{text}\n"
                self._send(200, text.encode(), "text/plain; charset=utf-8")

            def _send(self, status: int, data: bytes, media: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.root = f"http://127.0.0.1:{self.port}"
        self.url = self.root + "/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _form(content_type: str, raw: bytes) -> tuple[dict[str, Any], dict[str, tuple[str, bytes, str]]]:
    """Fields and files of a multipart/form-data body (email's MIME parser reads the same format); a
    field sent more than once (`timestamp_granularities[]`) is the list of its values."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
    )
    fields: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes, str]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = (filename, payload, part.get_content_type())
        elif name in fields:
            before = fields[name]
            fields[name] = [*(before if isinstance(before, list) else [before]), payload.decode()]
        else:
            fields[name] = payload.decode()
    return fields, files
