"""Prompts full of personal data go through the gateway; afterwards neither the database nor the server
log holds any of it (usage rows and the audit log keep identifiers and counts only)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.server import Server, cli

PERSONAL = [
    "BE873214",  # CIN
    "0612345678",
    "+212 661-234567",
    "MA64011519000001205000534921",  # IBAN
    "Fatima-Zahra Benkirane",
    "فاطمة الزهراء بنكيران",
    "yassine.elamrani@gmail.com",
    "12345-أ-6",  # plate
]


def test_database_and_logs_hold_no_prompt_content(tmp_path: Path) -> None:
    data = tmp_path / "d"
    cli(data, "tenants", "create", "default")
    srv = Server(data).start()
    text = "Dossier de " + ", ".join(PERSONAL)
    try:
        key = srv.key()
        headers = {"Authorization": f"Bearer {key}"}
        chat = {"model": "siyada-chat", "messages": [{"role": "user", "content": text}], "max_tokens": 4}
        assert (
            httpx.post(srv.url + "/v1/chat/completions", json=chat, headers=headers, timeout=120).status_code
            == 200
        )
        streamed = httpx.post(
            srv.url + "/v1/chat/completions", json={**chat, "stream": True}, headers=headers, timeout=120
        )
        assert streamed.status_code == 200
        emb = {"model": "siyada-embed", "input": [text, PERSONAL[4]]}
        assert (
            httpx.post(srv.url + "/v1/embeddings", json=emb, headers=headers, timeout=60).status_code == 200
        )
        # Failing calls too: a bad role and a prompt longer than the context.
        bad = {"model": "siyada-chat", "messages": [{"role": "wizard", "content": text}]}
        assert httpx.post(srv.url + "/v1/chat/completions", json=bad, headers=headers).status_code == 400
        long = {**chat, "messages": [{"role": "user", "content": (text + " ") * 300}]}
        assert (
            httpx.post(srv.url + "/v1/chat/completions", json=long, headers=headers, timeout=120).status_code
            == 400
        )
    finally:
        srv.stop()
    blobs = [p for p in data.rglob("*") if p.is_file()]
    assert any(p.name == "siyada.db" for p in blobs)
    for path in blobs:
        raw = path.read_bytes()
        for value in PERSONAL:
            assert value.encode() not in raw, f"{value!r} found in {path.name}"
