"""Sector templates of assistants (siyada.assistants.templates): the 18 packaged templates validate as
assistants and hold no invented fact; over HTTP and the CLI they are listed, shown, turned into an
assistant (only over the tenant's own collections, every missing one named) and give an evaluation
skeleton that the evaluation lab loads."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai import OpenAI

from siyada.assistants import templates
from siyada.assistants.spec import LANGUAGES, AssistantFields
from siyada.evaluation.datasets import load_items
from siyada.evaluation.spec import load_task, resolve
from tests.server import Server, cli

SECTORS = {
    "health", "agriculture", "education", "water", "justice", "administration", "tourism-crafts",
    "fintech", "energy", "transport", "fisheries", "culture-media", "smart-cities", "industry",
    "security-sovereignty", "sporting-events", "environment", "infrastructure",
}  # fmt: skip
FILES = Path(templates.__file__).parent / "sector_templates"


# ---- the packaged templates ------------------------------------------------------------------------
def test_the_eighteen_sectors_validate_as_assistants_in_every_language() -> None:
    assert set(templates.catalogue()) == SECTORS
    for template in templates.catalogue().values():
        for lang in LANGUAGES:
            fields = AssistantFields.model_validate(templates.fields(template, lang), strict=True)
            assert all(getattr(fields.instructions, other) for other in LANGUAGES)
            assert fields.greeting and fields.suggested_questions
            assert fields.collections == [c.name for c in template.collections]
        for lang, text in templates.instructions(template).items():
            # the rules of every public-service assistant, composed with the sector's words
            assert templates.not_found_sentence(lang) in text
            assert getattr(template.refer, lang) in text and getattr(template.caution, lang) in text
            assert "{" not in text and "}" not in text


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _texts(item)


def test_templates_hold_no_number_no_address_no_link() -> None:
    """No invented fact: no phone number, amount, deadline, article or law number, and no link or e-mail
    address; these belong to the tenant's documents."""
    for path in sorted(FILES.glob("*.json")):
        # every text of the file; the shared rules are numbered 1. to 7., nothing else holds a digit
        text = re.sub(r"\n[1-7]\. ", " ", "\n".join(_texts(json.loads(path.read_text(encoding="utf-8")))))
        assert not re.search(r"[0-9٠-٩]", text), path.name
        assert not re.search(r"https?:|www\.|@", text), path.name


def test_a_broken_template_file_fails_loudly(tmp_path: Path) -> None:
    good = json.loads((FILES / "water.json").read_text(encoding="utf-8"))
    for broken in (
        {**good, "names": {**good["names"], "ary": ""}},  # a language missing
        {**good, "collections": []},
        {**good, "price": "12 DH"},  # an unknown field
        {**good, "questions": {**good["questions"], "fr": ["   "]}},
    ):
        with pytest.raises(ValueError):
            templates.SectorTemplate.model_validate(broken)


def test_the_evaluation_skeleton_is_a_task_the_lab_loads(tmp_path: Path) -> None:
    for template in templates.catalogue().values():
        files = templates.evaluation_files(template)
        for name, content in files.items():
            (tmp_path / name).write_text(content, encoding="utf-8")
        yaml_name = next(n for n in files if n.endswith(".yaml"))
        task = load_task(tmp_path / yaml_name)
        assert task.type == "qa" and task.primary == "chrf" and set(task.languages) == set(LANGUAGES)
        assert task.prompts["default"].system is None  # the assistant brings its own instructions
        items, _ = load_items(task, None)
        assert {i["lang"] for i in items} == set(LANGUAGES)
        # every row is a marked placeholder: nothing pretends to be a real question
        assert all(i["id"].startswith("PLACEHOLDER") and "PLACEHOLDER" in i["question"] for i in items)
    assert resolve(str(tmp_path / "infrastructure_assistant_qa.yaml"))[0] == "infrastructure_assistant_qa"


# ---- over HTTP -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("templates")
    for tenant in ("commune", "other"):
        cli(data, "tenants", "create", tenant)
    server = Server(data).start()
    yield server
    server.stop()


_KEYS: dict[tuple[str, str], str] = {}


def _h(srv: Server, tenant: str = "commune", role: str = "admin") -> dict[str, str]:
    if (tenant, role) not in _KEYS:
        _KEYS[tenant, role] = srv.key(tenant, role)
    return {"Authorization": f"Bearer {_KEYS[tenant, role]}"}


def _create(srv: Server, body: dict[str, Any], tenant: str = "commune") -> httpx.Response:
    return httpx.post(srv.url + "/v1/assistants", json=body, headers=_h(srv, tenant), timeout=60)


def _collections(srv: Server, tenant: str, names: list[str]) -> None:
    for name in names:
        body = {"name": name, "embedding_model": None}  # lexical only: no embedding model to load
        r = httpx.post(srv.url + "/v1/collections", json=body, headers=_h(srv, tenant))
        assert r.status_code == 201, r.text


def test_templates_are_listed_and_shown_to_any_key(srv: Server) -> None:
    r = httpx.get(srv.url + "/v1/assistants/templates", headers=_h(srv, role="user"))
    assert r.status_code == 200, r.text
    listed = {t["id"]: t for t in r.json()["data"]}
    assert set(listed) == SECTORS
    assert listed["health"]["names"] == {"fr": "Santé", "ar": "الصحة", "ary": "الصحة", "en": "Health"}
    one = httpx.get(srv.url + "/v1/assistants/templates/fisheries", headers=_h(srv, "other", "user")).json()
    assert set(one["instructions"]) == set(LANGUAGES) and set(one["greetings"]) == set(LANGUAGES)
    assert [c["name"] for c in one["collections"]] == [
        "fisheries-procedures",
        "fisheries-regulations",
        "fisheries-notices",
    ]


def test_bad_template_requests_get_openai_errors(srv: Server) -> None:
    url = srv.url + "/v1/assistants/templates"
    assert httpx.get(url).status_code == 401
    missing = httpx.get(url + "/mining", headers=_h(srv))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "template_not_found"
    for bad in ("Health", "x" * 41, "he%2Fal", "%00"):
        assert httpx.get(f"{url}/{bad}", headers=_h(srv)).status_code in (400, 404)
    # the list's path is no assistant's: only GET is served there, and says so
    patch = httpx.patch(url, json={"description": "x"}, headers=_h(srv))
    assert patch.status_code == 405 and patch.headers["allow"] == "GET"
    r = _create(srv, {"name": "x", "template": "mining"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "template_not_found"
    for body in (
        {"name": "x", "template": "Health"},
        {"name": "x", "template": {"id": "health", "language": "tzm"}},
        {"name": "x", "template": {"id": "health", "extra": 1}},
        {"name": "x", "template": 3},
        {"name": "x", "template": None},  # no null in the schema
        {"name": "templates", "template": "health"},  # reserved: the list's path
    ):
        r = _create(srv, body)
        assert r.status_code == 400, (body, r.text)
        assert r.json()["error"]["type"] == "invalid_request_error"


def test_creation_names_every_missing_collection_then_succeeds(srv: Server) -> None:
    r = _create(srv, {"name": "eau", "template": "water"})
    assert r.status_code == 404, r.text
    message = r.json()["error"]["message"]
    for name in ("water-services", "water-regulations", "water-permits"):
        assert name in message
    _collections(srv, "commune", ["water-services", "water-regulations"])
    r = _create(srv, {"name": "eau", "template": "water"})
    assert r.status_code == 404 and "water-permits" in r.json()["error"]["message"]
    assert "water-services" not in r.json()["error"]["message"]
    _collections(srv, "commune", ["water-permits"])
    r = _create(srv, {"name": "eau", "template": "water", "description": "La régie de l'eau"})
    assert r.status_code == 201, r.text
    created = r.json()
    water = templates.get("water")
    assert created["instructions"] == templates.instructions(water)
    assert created["collections"] == ["water-services", "water-regulations", "water-permits"]
    assert created["description"] == "La régie de l'eau"  # the body's field wins
    assert created["greeting"] == templates.greetings(water)["fr"]
    assert created["suggested_questions"] == water.questions.fr
    # an OpenAI client sees the assistant and its template greeting among the models
    client = OpenAI(base_url=srv.url + "/v1", api_key=_KEYS["commune", "admin"], max_retries=0)
    card = next(m for m in client.models.list() if m.id == "assistant/eau")
    assert card.model_extra["assistant"]["greeting"] == created["greeting"]


def test_body_fields_win_and_language_picks_the_greeting(srv: Server) -> None:
    _collections(srv, "commune", ["guichet"])
    body = {
        "name": "sante",
        "template": {"id": "health", "language": "ary"},
        "collections": ["guichet"],  # the tenant's own layout: the template's is not required then
        "instructions": {"fr": "Instructions de la commune."},
        "retrieval_k": 3,
    }
    r = _create(srv, body)
    assert r.status_code == 201, r.text
    created = r.json()
    health = templates.get("health")
    assert created["collections"] == ["guichet"] and created["retrieval_k"] == 3
    assert created["instructions"] == {"fr": "Instructions de la commune.", "ar": "", "ary": "", "en": ""}
    assert created["greeting"] == templates.greetings(health)["ary"]
    assert created["suggested_questions"] == health.questions.ary
    assert created["privacy"] == "all"  # health data: placeholders for every provider


def test_another_tenant_s_collections_do_not_count(srv: Server) -> None:
    # commune has the water collections; "other" has none, and gets no assistant from them
    r = _create(srv, {"name": "eau", "template": "water"}, tenant="other")
    assert r.status_code == 404, r.text
    assert "water-services" in r.json()["error"]["message"]
    listed = httpx.get(srv.url + "/v1/assistants", headers=_h(srv, "other")).json()["data"]
    assert listed == []


def test_a_tenant_user_cannot_create_from_a_template(srv: Server) -> None:
    r = httpx.post(
        srv.url + "/v1/assistants",
        json={"name": "eau2", "template": "water"},
        headers=_h(srv, role="user"),
    )
    assert r.status_code == 403


def test_evaluation_skeleton_route(srv: Server, tmp_path: Path) -> None:
    r = httpx.get(srv.url + "/v1/assistants/templates/justice/evaluation", headers=_h(srv, "other", "user"))
    assert r.status_code == 200, r.text
    files = {f["name"]: f["content"] for f in r.json()["files"]}
    assert set(files) == {"justice_assistant_qa.yaml", "justice_assistant_qa.jsonl"}
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    task = load_task(tmp_path / "justice_assistant_qa.yaml")
    assert len(load_items(task, None)[0]) == 8
    assert httpx.get(srv.url + "/v1/assistants/templates/nope/evaluation", headers=_h(srv)).status_code == 404


# ---- the CLI ---------------------------------------------------------------------------------------
def test_cli_lists_shows_writes_the_skeleton_and_creates(srv: Server, tmp_path: Path) -> None:
    data = srv.data_dir
    listed = json.loads(cli(data, "assistants", "templates", "--json").stdout)
    assert {t["id"] for t in listed} == SECTORS
    shown = json.loads(cli(data, "assistants", "templates", "show", "energy").stdout)
    assert shown["names"]["ar"] == "الطاقة"
    unknown = cli(data, "assistants", "templates", "show", "mining", check=False)
    assert unknown.returncode != 0 and "mining" in unknown.stderr

    folder = tmp_path / "eval"
    cli(data, "assistants", "templates", "evaluation", "energy", "--out", str(folder))
    task = load_task(folder / "energy_assistant_qa.yaml")
    assert load_items(task, None)[0][0]["id"] == "PLACEHOLDER-fr-1"
    again = cli(data, "assistants", "templates", "evaluation", "energy", "--out", str(folder), check=False)
    assert again.returncode != 0 and "already" in again.stderr  # never overwrites the tenant's questions

    create = ("assistants", "create", "--tenant", "commune", "--template", "energy", "--name", "courant")
    refused = cli(data, *create, check=False)
    assert refused.returncode != 0
    assert "energy-services" in refused.stderr and "energy-programmes" in refused.stderr
    _collections(srv, "commune", ["energy-services", "energy-regulations", "energy-programmes"])
    made = json.loads(cli(data, *create, "--language", "ar").stdout)
    assert made["name"] == "courant" and made["version"] == 1
    assert made["greeting"] == templates.greetings(templates.get("energy"))["ar"]
    r = httpx.get(srv.url + "/v1/assistants/courant", headers=_h(srv, role="user"))
    assert r.status_code == 200 and r.json()["instructions"]["ary"].startswith("نتا المساعد الرقمي")
    bad = cli(data, *create[:-1], "templates", check=False)
    assert bad.returncode != 0 and "reserved" in bad.stderr


def test_the_skeleton_runs_in_the_lab_against_an_assistant(srv: Server, tmp_path: Path) -> None:
    """`siyada eval run` on the skeleton, as the file header says, against an assistant made from the
    same template: its documents (none yet) do not answer, so each "not found" row gets exactly the
    sentence the assistant says, and each placeholder row does not."""
    _collections(srv, "commune", [c.name for c in templates.get("environment").collections])
    assert _create(srv, {"name": "milieu", "template": "environment"}).status_code == 201
    cli(srv.data_dir, "assistants", "templates", "evaluation", "environment", "--out", str(tmp_path))
    run = cli(
        srv.data_dir,
        *("eval", "run", str(tmp_path / "environment_assistant_qa.yaml"), "--model", "assistant/milieu"),
        *("--base-url", srv.url + "/v1", "--api-key", _KEYS["commune", "admin"], "--json"),
    )
    (scores,) = json.loads(run.stdout)["scores"]
    assert scores["task"] == "environment_assistant_qa" and scores["n"] == 8
    assert scores["primary_metric"] == "chrf"
    # in every language: the "not found" row matches exactly, the placeholder row does not
    exact = {lang: v["exact_match"] for lang, v in scores["by_language"].items()}
    assert exact == dict.fromkeys(LANGUAGES, 0.5), scores
