"""A running server for the assistants' tests (tests/test_assistants*.py, tests/test_eval_assistants.py,
tests/test_ui_assistants.py): an in-house echo model (tests/recording_upstream.py) that a tenant's policy
lets read real values, tenants `commune` and `other`, and the corpus of procedures to ground answers on
(uploaded by tests/test_mcp.py too)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.recording_upstream import echo_toml
from tests.server import Server, configure

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def start_server(data: Path, upstream_url: str) -> Server:
    # An in-house model, and a tenant whose policy lets in-house providers read real values: what an
    # assistant's own privacy "all" must tighten.
    house = echo_toml(upstream_url, "house", in_house=True)
    toml = '[privacy.tenants.commune]\nprompts = "external"\n' + house
    return Server(data, config=configure(data, toml, "commune", "other")).start()


def upload_corpus(srv: Server, headers: dict[str, str], name: str = "procedures") -> str:
    corpus_documents(srv, headers, name)
    return name


def corpus_documents(srv: Server, headers: dict[str, str], name: str) -> dict[str, str]:
    """Make the collection `name` and upload the corpus into it; each file's name -> its document id."""
    r = httpx.post(srv.url + "/v1/collections", json={"name": name}, headers=headers, timeout=300)
    assert r.status_code == 201, r.text
    ids: dict[str, str] = {}
    for path in sorted(CORPUS.iterdir()):
        files = {"file": (path.name, path.read_bytes())}
        res = httpx.post(
            srv.url + "/v1/documents", files=files, data={"collection": name}, headers=headers, timeout=300
        )
        assert res.status_code == 201, res.text
        ids[path.name] = res.json()["id"]
    return ids
