"""The citizen widget and an assistant's statistics on PostgreSQL (the store selected by URL): the
same calls as tests/test_assistants_widget.py's core, so the SQL of siyada.assistants.channel and
.watch (grouping by day, the answered share, the one-feedback-per-answer constraint) runs there too."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.pg import Postgres
from tests.recording_upstream import RecordingUpstream
from tests.server import Server, cli

SITE = "https://www.ministere.example"


@pytest.fixture(scope="module")
def env() -> Iterator[dict[str, str]]:
    pg = Postgres().start()
    yield {"SIYADA_DATABASE_URL": pg.create_database("siyada_widget")}
    pg.stop()


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Iterator[Server]:
    upstream = RecordingUpstream()
    data = tmp_path_factory.mktemp("widget-pg")
    config = data / "siyada.toml"
    config.write_text(
        f'[[providers]]\nname = "house"\nurl = "{upstream.url}"\nin_house = true\n'
        '[[models]]\nname = "echo"\nroutes = [{provider = "house"}]\n'
    )
    for tenant in ("commune", "other"):
        cli(data, "tenants", "create", tenant, env=env)
    server = Server(data, config=config, env=env).start()
    yield server
    server.stop()
    upstream.close()


def _key(srv: Server, env: dict[str, str], tenant: str) -> dict[str, str]:
    key = cli(srv.data_dir, "keys", "create", "--tenant", tenant, "--role", "admin", env=env)
    return {"Authorization": f"Bearer {key.stdout.strip()}"}


def _events(r: httpx.Response) -> dict[str, object]:
    lines = [json.loads(x[6:]) for x in r.text.splitlines() if x.startswith("data: {")]
    return next(e for e in lines if e["object"] == "widget.done")


def test_widget_calls_feedback_and_statistics_on_postgres(srv: Server, env: dict[str, str]) -> None:
    admin = _key(srv, env, "commune")
    assert httpx.post(srv.url + "/v1/collections", json={"name": "guide"}, headers=admin).status_code == 201
    doc = {
        "collection": "guide",
        "name": "residence.txt",
        "text": "Le certificat de résidence est délivré en 48 heures.",
    }
    assert httpx.post(srv.url + "/v1/documents", json=doc, headers=admin, timeout=120).status_code == 201
    body = {"name": "guichet", "model": "echo", "collections": ["guide"], "answer_mode": "generative"}
    assert httpx.post(srv.url + "/v1/assistants", json=body, headers=admin).status_code == 201
    put = httpx.put(srv.url + "/v1/assistants/guichet/widget", json={"origins": [SITE]}, headers=admin)
    assert put.status_code == 200, put.text
    token = httpx.post(srv.url + "/widget/v1/commune/guichet/token", headers={"Origin": SITE}).json()["token"]
    headers = {"Authorization": f"Bearer {token}", "Origin": SITE}
    url = srv.url + "/widget/v1/commune/guichet"
    done = []
    for question in (
        "Quel délai pour le certificat de résidence ? [1]",
        "Où signaler un lampadaire en panne ?",
    ):
        r = httpx.post(
            url + "/chat", json={"messages": [{"role": "user", "content": question}]}, headers=headers
        )
        assert r.status_code == 200, r.text
        done.append(_events(r))
    rating = {"question_id": done[0]["question_id"], "rating": "up", "comment": "Clair."}
    assert httpx.post(url + "/feedback", json=rating, headers=headers).status_code == 201
    assert httpx.post(url + "/feedback", json=rating, headers=headers).status_code == 409
    stats = httpx.get(srv.url + "/v1/assistants/guichet/stats", headers=admin).json()
    assert (stats["questions"], stats["answered"], stats["not_found"]) == (2, 1, 1)
    assert stats["answered_share"] == 0.5 and stats["feedback"]["up"] == 1
    assert stats["feedback"]["comments"][0]["comment"] == "Clair."
    groups = httpx.get(srv.url + "/v1/assistants/guichet/unanswered", headers=admin).json()
    assert [g["size"] for g in groups["data"]] == [1]
    assert "lampadaire" in groups["data"][0]["questions"][0]["question"]
    other = _key(srv, env, "other")
    for path in ("widget", "stats", "unanswered.csv"):
        assert httpx.get(f"{srv.url}/v1/assistants/guichet/{path}", headers=other).status_code == 404
