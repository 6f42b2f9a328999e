"""Shared steps of the grounded-answer tests: a collection filled through the real upload route, and a
question asked through the official `openai` SDK with `collections`, giving the answer and its citations."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai import OpenAI

from siyada.config import ConfigError, parse_config_file
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


def assert_refused(tmp_path: Path, key: str, value: str) -> None:
    """`[knowledge] key = value` is refused at start, with an error naming the key."""
    p = tmp_path / "c.toml"
    p.write_text(f"[knowledge]\n{key} = {value}\n")
    with pytest.raises(ConfigError) as exc:
        parse_config_file(p)
    assert key in str(exc.value)
