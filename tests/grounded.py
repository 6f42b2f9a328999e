"""Shared steps of the grounded-answer tests: a collection filled through the real upload route, and a
question asked through the official `openai` SDK with `collections`, giving the answer and its citations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx
from openai import OpenAI

from tests.server import Server


def fill(srv: Server, key: str, collection: str, files: Iterable[tuple[str, bytes]]) -> None:
    """Creates `collection` for the key's tenant and uploads each (name, bytes) into it."""
    auth = {"Authorization": f"Bearer {key}"}
    r = httpx.post(srv.url + "/v1/collections", json={"name": collection}, headers=auth)
    assert r.status_code == 201, r.text
    for name, data in files:
        r = httpx.post(
            srv.url + "/v1/documents",
            files={"file": (name, data)},
            data={"collection": collection},
            headers=auth,
            timeout=300,
        )
        assert r.status_code == 201, r.text


def ask(
    srv: Server, key: str, question: str, collection: str, **extra: Any
) -> tuple[str, list[dict[str, Any]]]:
    """The grounded answer's text and citations for `question` over `collection`."""
    client = OpenAI(base_url=srv.url + "/v1", api_key=key, max_retries=0)
    reply = client.chat.completions.create(
        model="siyada-chat",
        messages=[{"role": "user", "content": question}],
        extra_body={"collections": [collection], **extra},
    )
    return reply.choices[0].message.content or "", (reply.model_extra or {})["citations"]
