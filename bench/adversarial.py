"""Pathological inputs at two sizes four times apart: is the work linear on every input path?

    .venv/bin/python bench/adversarial.py [--quick] [--only NAME[,NAME]] [--no-server]

Each input goes through the real code path: the parsers, the chunker, language analysis and the privacy
analyser are called in-process (as ingestion and the privacy API call them); embeddings, /tokenize and
chat go over HTTP to a real ``siyada serve`` this script starts (in a temporary data directory, one
tenant, one user key). For each input it prints the seconds at both sizes, their ratio (linear work
gives about 4; the goal is at most 5) and the seconds per MiB at the larger size (goal: at most 2, not
meaningful for the embedding model, whose transformer costs far more per token: there the bound is per
input). ``outcome`` is what the call gave: ok, or the 4xx an over-budget input gets. Timings are one run
each (the larger size dominates), so rerun on a contended machine.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from siyada.knowledge.chunk import chunk  # noqa: E402
from siyada.knowledge.parse import ParseError, parse  # noqa: E402
from siyada.lang.analysis import index_terms, query_terms  # noqa: E402
from siyada.lang.arabizi import to_arabic  # noqa: E402
from siyada.lang.scripts import tokens as script_tokens  # noqa: E402
from siyada.lang.sentences import sentence_spans  # noqa: E402
from siyada.privacy.analyzer import analyze  # noqa: E402

MIB = 1024 * 1024


@dataclass
class Case:
    name: str
    make: Callable[[int], Any]  # size (in units) -> input
    run: Callable[[Any], str]  # input -> outcome
    quick: int  # smaller size in quick mode (the larger is 4x)
    full: int
    http: bool = False


def _size(value: Any) -> int:
    if isinstance(value, bytes):
        return len(value)
    if isinstance(value, str):
        return len(value.encode())
    return len(repr(value).encode())


def _ingest(name: str) -> Callable[[Any], str]:
    """Parse as ingestion does (format from the file name), then chunk: an upload's cost before vectors."""

    def run(data: bytes) -> str:
        try:
            doc = parse(data, name)
        except ParseError as exc:
            return f"{type(exc).__name__} (4xx)"
        chunk(doc)
        index_terms(doc.text[:200_000])  # the lexical index reads chunks; a slice keeps this about parsing
        return "ok"

    return run


def _analyse(text: str) -> str:
    analyze(text)
    return "ok"


def _docx_bomb(n: int) -> bytes:
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY e "xxxxxxxxxxxxxxxx">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + "<w:p><w:r><w:t>&e;</w:t></w:r></w:p>" * n
        + "</w:body></w:document>"
    ).encode("utf-16")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", xml)
    return out.getvalue()


def _lang(text: str) -> str:
    sentence_spans(text)
    script_tokens(text)
    index_terms(text)
    query_terms(text[:100_000])
    to_arabic(text[:100_000])
    return "ok"


EMAIL = "prenom.nom{}@exemple.ma "
PARSE_CASES = [
    Case(
        "heading_blank_line",
        lambda n: ("article" + " " * n + "x\n").encode(),
        _ingest("a.txt"),
        65536,
        1 << 20,
    ),
    Case("md_atx_long_line", lambda n: ("# a" + " \t" * n + "#b").encode(), _ingest("a.md"), 32768, 1 << 19),
    Case("md_deep_quotes", lambda n: (">" * n + " x\n").encode(), _ingest("a.md"), 65536, 1 << 20),
    Case("md_deep_lists", lambda n: ("- " * n + "x\n").encode(), _ingest("a.md"), 65536, 1 << 20),
    Case("html_unclosed_a", lambda n: b"<a " * n, _ingest("a.html"), 20000, 1 << 18),
    Case("html_marked_sections", lambda n: b"<![ x " * n, _ingest("a.html"), 20000, 1 << 18),
    Case("html_unclosed_quotes", lambda n: b"<a x='" * n, _ingest("a.html"), 20000, 1 << 18),
    Case("html_deep_nesting", lambda n: b"<div>" * n + b"x", _ingest("a.html"), 20000, 1 << 18),
    Case("html_unclosed_comments", lambda n: b"<!-- >" * n, _ingest("a.html"), 20000, 1 << 18),
    Case("json_deep_nesting", lambda n: b"[" * n, _ingest("a.json"), 65536, 1 << 20),
    Case("tiny_paragraphs", lambda n: b"a\n\n" * n, _ingest("a.txt"), 25000, 100_000),
    Case("one_long_line", lambda n: b"mot " * n, _ingest("a.txt"), 1 << 17, 1 << 21),  # full: 8 MiB
    Case(
        "bare_heading_lines",
        lambda n: "".join(f"Article {i}\n" for i in range(n)).encode(),
        _ingest("a.txt"),
        5000,
        50_000,
    ),
    Case("dot_run", lambda n: b"." * n, _ingest("a.txt"), 1 << 17, 1 << 20),
    Case("arabic_diacritic_run", lambda n: ("ب" + "\u064e" * n).encode(), _ingest("a.txt"), 1 << 16, 1 << 19),
    Case("docx_utf16_entity_bomb", _docx_bomb, _ingest("a.docx"), 2000, 20000),
    Case("privacy_many_emails", lambda n: "".join(EMAIL.format(i) for i in range(n)), _analyse, 4000, 16000),
    Case("privacy_arabic_diacritics", lambda n: "محمد " + "\u064e" * n, _analyse, 1 << 17, 1 << 20),
    Case("privacy_capitalised_words", lambda n: "Karim Alaoui " * n, _analyse, 8000, 32000),
    Case("lang_long_word", lambda n: "a" * n, _lang, 1 << 16, 1 << 19),
    Case("lang_dot_run", lambda n: "a" + "." * n + " b", _lang, 1 << 16, 1 << 19),
    Case("lang_arabizi_word", lambda n: "kha" * n, _lang, 1 << 14, 1 << 17),
]


# --- HTTP: a real server --------------------------------------------------------------------------------


class _Gateway:
    def __init__(self) -> None:
        import httpx

        self.httpx = httpx
        self.dir = Path(tempfile.mkdtemp(prefix="siyada-adversarial-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        base = [sys.executable, "-m", "siyada", "--data-dir", str(self.dir)]
        subprocess.run([*base, "tenants", "create", "default"], check=True, capture_output=True, cwd=ROOT)
        key = subprocess.run(
            [*base, "keys", "create", "--tenant", "default", "--role", "user"],
            check=True, capture_output=True, text=True, cwd=ROOT,
        ).stdout.strip()  # fmt: skip
        self.headers = {"Authorization": f"Bearer {key}"}
        self.log = (self.dir / "server.log").open("wb")
        self.proc = subprocess.Popen(
            [*base, "serve", "--port", str(self.port)], stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("siyada serve did not start")

    def post(self, path: str, body: dict[str, Any]) -> str:
        r = self.httpx.post(self.url + path, json=body, headers=self.headers, timeout=600)
        if r.status_code >= 500:
            raise RuntimeError(f"{path}: {r.status_code} {r.text[:200]}")
        return "ok" if r.status_code < 300 else f"{r.status_code}"

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_cases(gw: _Gateway) -> list[Case]:
    # ASCII, so that JSON escapes do not inflate the body: the larger size sits just under the 8 MiB limit.
    prose = "Le demandeur depose son dossier au guichet de la commune. "

    def embed(text: str) -> str:
        return gw.post("/v1/embeddings", {"model": "siyada-embed", "input": text})

    def tokenize(text: str) -> str:
        return gw.post("/tokenize", {"model": "siyada-chat", "prompt": text})

    def chat(text: str) -> str:
        messages = [{"role": "user", "content": text}]
        return gw.post(
            "/v1/chat/completions", {"model": "siyada-chat", "max_tokens": 1, "messages": messages}
        )

    def privacy(text: str) -> str:
        return gw.post("/v1/privacy/analyze", {"text": text})

    emails: Callable[[int], str] = lambda n: "".join(EMAIL.format(i) for i in range(n))  # noqa: E731
    return [
        Case("embeddings_one_long_input", lambda n: prose * n, embed, 9000, 33000, True),  # 4x: 7.5 MiB
        Case(
            "embeddings_one_long_word", lambda n: "x" * n, embed, 1 << 17, (1 << 21) - 64, True
        ),  # 4x: 8 MiB
        Case("tokenize_prompt", lambda n: prose * n, tokenize, 2000, 33000, True),
        Case("tokenize_one_long_word", lambda n: "x" * n, tokenize, 1 << 15, 1 << 19, True),
        Case("chat_prompt_over_context", lambda n: prose * n, chat, 2000, 33000, True),
        # /v1/privacy/analyze takes at most 1,000,000 characters.
        Case("privacy_api_many_emails", emails, privacy, 4000, 9000, True),
    ]


# --- measuring ------------------------------------------------------------------------------------------


def measure(case: Case, quick: bool) -> tuple[int, float, int, float, str]:
    small = case.quick if quick else case.full
    sizes = (small, small * 4)
    out: list[tuple[int, float]] = []
    outcome = ""
    for n in sizes:
        value = case.make(n)
        start = time.perf_counter()
        outcome = case.run(value)
        out.append((_size(value), time.perf_counter() - start))
    (b1, t1), (b2, t2) = out
    return b1, t1, b2, t2, outcome


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (about a minute)")
    ap.add_argument("--only", help="comma-separated case names")
    ap.add_argument("--no-server", action="store_true", help="skip the HTTP cases")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    gw = None
    cases = list(PARSE_CASES)
    if not args.no_server and (
        only is None or any(n.startswith(("embeddings", "tokenize", "chat", "privacy_api")) for n in only)
    ):
        gw = _Gateway()
        cases += http_cases(gw)
    header = f"{'input':28s} {'size 1':>9s} {'s':>8s} {'size 4x':>9s} {'s':>8s} {'ratio':>6s} {'s/MiB':>7s}"
    print(header + "  outcome")
    try:
        for case in cases:
            if only is not None and case.name not in only:
                continue
            b1, t1, b2, t2, outcome = measure(case, args.quick)
            ratio = t2 / t1 if t1 > 0 else float("nan")
            print(
                f"{case.name:28s} {b1 / 1024:8.0f}K {t1:8.3f} {b2 / 1024:8.0f}K {t2:8.3f} {ratio:6.1f} "
                f"{t2 / (b2 / MIB):7.2f}  {outcome}",
                flush=True,
            )
    finally:
        if gw is not None:
            gw.close()


if __name__ == "__main__":
    main()
