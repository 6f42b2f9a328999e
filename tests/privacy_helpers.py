"""Helpers shared by the privacy tests: what the analyzer finds, as text."""

from __future__ import annotations

import httpx

from siyada.privacy.analyzer import analyze
from tests.server import Server


def found(text: str, kind: str) -> list[str]:
    """The spans of `kind` the analyzer returns for `text`, as the words they cover."""
    return [text[e.start : e.end] for e in analyze(text) if e.type == kind]


def found_by_server(server: Server, key: str, text: str) -> set[tuple[str, str]]:
    """What `POST /v1/privacy/analyze` finds in `text` on the real server, as (words, type) pairs."""
    r = httpx.post(
        server.url + "/v1/privacy/analyze", json={"text": text}, headers={"Authorization": f"Bearer {key}"}
    )
    assert r.status_code == 200, r.text
    return {(text[e["start"] : e["end"]], e["type"]) for e in r.json()["data"]}
