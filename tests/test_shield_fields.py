"""Every field of a request that leaves for a provider that is not in-house goes through the shield: a
Moroccan CIN, phone number, e-mail and a person's name placed in message names, `user`, tools, tool-call
arguments, tool messages, `response_format` schemas, content parts, stop strings, completion prompt
lists, embedding inputs and an unknown field the config lets through never reach the recording upstream;
what cannot be checked (an unknown field, an image) is refused with 400 instead of being sent."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import openai
import pytest
from openai import OpenAI

from tests.recording_upstream import RecordingUpstream
from tests.server import Server, cli

NAME = "Fatima-Zahra Benkirane"
CIN = "BE873214"
PHONE = "+212 661-234567"
EMAIL = "yassine.elamrani@gmail.com"
PERSONAL = [NAME, CIN, PHONE, EMAIL]
SENTENCE = f"Mme {NAME}, CIN {CIN}, tél {PHONE}, mail {EMAIL}"


def _leaked(upstream: RecordingUpstream) -> list[str]:
    """Values found in what the upstream received, raw, with JSON escapes undone, or as bare digits."""
    raw = upstream.received().decode()
    decoded = "\n".join(json.dumps(json.loads(b), ensure_ascii=False) for b in upstream.bodies)
    digits = "".join(c for c in decoded if c.isdigit())
    found = [v for v in PERSONAL if v in raw or v in decoded]
    found += [v for v in (CIN, PHONE) if "".join(c for c in v if c.isdigit()) in digits]
    return found


@pytest.fixture(scope="module")
def upstream() -> Iterator[RecordingUpstream]:
    up = RecordingUpstream()
    yield up
    up.close()


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory, upstream: RecordingUpstream) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("shield-fields")
    config = data / "siyada.toml"
    config.write_text(
        f"""
[embedded]
enabled = false
[privacy]
pass_fields = ["guided_json", "messages[].reasoning_content"]
pass_parts = ["input_audio"]
[[providers]]
name = "outside"
url = "{upstream.url}"
[[models]]
name = "echo"
routes = [{{provider = "outside"}}]
[[models]]
name = "echo-embed"
kind = "embeddings"
routes = [{{provider = "outside"}}]
"""
    )
    cli(data, "tenants", "create", "default")
    srv = Server(data, config=config).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(gw: Server) -> OpenAI:
    return OpenAI(base_url=gw.url + "/v1", api_key=gw.key("default", "user"), max_retries=0)


TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "lookup_citizen",
            "description": f"Look up a file, for example the one of Mme {NAME} (CIN {CIN}).",
            "parameters": {
                "type": "object",
                "properties": {
                    "cin": {"type": "string", "description": f"The CIN, e.g. CIN {CIN}"},
                    "phone": {"type": "string", "enum": [f"tél {PHONE}"], "default": f"tél {PHONE}"},
                    "email": {"type": "string", "examples": [f"mail {EMAIL}"]},
                },
                "required": ["cin"],
            },
        },
    }
]
RESPONSE_FORMAT = {
    "type": "json_schema",
    "json_schema": {
        "name": "answer",
        "description": f"An answer for Mme {NAME}",
        "schema": {
            "type": "object",
            "properties": {"agent": {"type": "string", "enum": [SENTENCE], "description": f"mail {EMAIL}"}},
        },
    },
}


def test_no_field_of_a_chat_request_reaches_the_provider_in_clear(
    client: OpenAI, upstream: RecordingUpstream
) -> None:
    upstream.bodies.clear()
    arguments = json.dumps({"query": SENTENCE, "cin": f"CIN {CIN}", "nested": [{"phone": f"tél {PHONE}"}]})
    reply = client.chat.completions.create(
        model="echo",
        user=EMAIL,
        stop=[f"CIN {CIN}"],
        tools=TOOLS,  # type: ignore[arg-type]
        response_format=RESPONSE_FORMAT,  # type: ignore[arg-type]
        messages=[
            {"role": "system", "content": f"Agent: Mme {NAME}", "name": NAME},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "lookup_citizen", "arguments": arguments},
                    }
                ],
                "reasoning_content": SENTENCE,  # type: ignore[typeddict-unknown-key]
            },
            {"role": "tool", "tool_call_id": "c1", "content": f"Dossier trouvé: {SENTENCE}"},
            {
                "role": "user",
                "name": NAME,
                "content": [
                    {"type": "text", "text": SENTENCE},
                    {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}},
                ],
            },
        ],
        extra_body={"guided_json": {"description": SENTENCE, "enum": [EMAIL]}},
    )
    assert upstream.bodies, "the upstream was not called"
    assert _leaked(upstream) == []
    sent = json.loads(upstream.bodies[-1])
    # Still a usable request: valid JSON arguments, the schema's shape and protocol values unchanged.
    args = json.loads(sent["messages"][1]["tool_calls"][0]["function"]["arguments"])
    assert set(args) == {"query", "cin", "nested"} and "<MA_CIN_1>" in args["cin"]
    assert sent["tools"][0]["function"]["parameters"]["properties"]["cin"]["type"] == "string"
    assert sent["messages"][0]["name"] == sent["messages"][3]["name"] == "PERSON_1"  # a valid name
    assert sent["messages"][2]["tool_call_id"] == "c1" and sent["response_format"]["type"] == "json_schema"
    assert sent["messages"][3]["content"][1]["input_audio"]["format"] == "wav"  # passed unread, as configured
    # The answer comes back with the real values, in the text and in the tool call's arguments.
    message = reply.choices[0].message  # the echo joins the text of every part (the audio's is empty)
    assert (message.content or "").strip() == "Echo: " + SENTENCE
    assert message.tool_calls
    assert json.loads(message.tool_calls[0].function.arguments)["echo"].strip() == "Echo: " + SENTENCE


def test_completion_prompt_lists_and_embedding_inputs(client: OpenAI, upstream: RecordingUpstream) -> None:
    upstream.bodies.clear()
    done = client.completions.create(
        model="echo", prompt=[SENTENCE, f"Mme {NAME}"], user=EMAIL, stop=f"tél {PHONE}", max_tokens=4
    )
    assert done.choices
    client.embeddings.create(model="echo-embed", input=[SENTENCE, f"mail {EMAIL}"], user=f"Mme {NAME}")
    assert len(upstream.bodies) >= 2
    assert _leaked(upstream) == []


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"vendor_option": SENTENCE}, "vendor_option"),
        (
            {"messages": [{"role": "user", "content": "Bonjour", "private_note": SENTENCE}]},
            "messages[].private_note",
        ),
    ],
)
def test_an_unknown_field_is_refused_for_a_provider_not_in_house(
    gw: Server, upstream: RecordingUpstream, extra: dict, param: str
) -> None:
    upstream.bodies.clear()
    body = {"model": "echo", "messages": [{"role": "user", "content": "Bonjour"}], **extra}
    r = httpx.post(
        gw.url + "/v1/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {gw.key('default', 'user')}"},
    )
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "unknown_field" and error["param"] == param and param in error["message"]
    assert upstream.bodies == []


def test_an_image_part_is_refused_unless_the_config_allows_it(
    client: OpenAI, upstream: RecordingUpstream
) -> None:
    upstream.bodies.clear()
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(
            model="echo",
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "Lisez cette CIN"},
                        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
                    ],
                }
            ],
        )
    assert err.value.code == "unreadable_content" and "image_url" in err.value.message
    assert upstream.bodies == []
