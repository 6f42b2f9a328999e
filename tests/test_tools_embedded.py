"""`tools` on the embedded model: grammar-constrained calls in OpenAI's shape (ids, `finish_reason`
"tool_calls", arguments valid against the function's parameters), streamed as OpenAI streams them, a
tool-call loop through the official SDK, and LangChain's `bind_tools`."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest

from tests.recording_upstream import RecordingUpstream
from tests.server import Server, cli

WEATHER: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city today.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "maxLength": 24},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
    },
}
TIME: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_time",
        "description": "The local time in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "maxLength": 24}},
            "required": ["city"],
        },
    },
}
ASK = [{"role": "user", "content": "What is the weather in Rabat?"}]


@pytest.fixture(scope="module")
def client(server: Server, admin_key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "/v1", api_key=admin_key, max_retries=0, timeout=120)


def _args_valid(name: str, arguments: str) -> dict[str, Any]:
    args = json.loads(arguments)
    if name == "get_weather":
        assert set(args) == {"city", "unit"} and args["unit"] in {"celsius", "fahrenheit"}
        assert isinstance(args["city"], str) and len(args["city"]) <= 24
    else:
        assert set(args) >= {"city"}
    return args


@pytest.mark.parametrize(
    "choice", ["required", {"type": "function", "function": {"name": "get_time"}}], ids=["required", "named"]
)
def test_forced_call_is_openai_shaped(client: openai.OpenAI, choice: Any) -> None:
    resp = client.chat.completions.create(
        model="siyada-chat",
        messages=ASK,
        tools=[WEATHER, TIME],
        tool_choice=choice,
        max_tokens=60,
        temperature=0,
    )
    c = resp.choices[0]
    assert c.finish_reason == "tool_calls"
    assert c.message.content is None
    (call,) = c.message.tool_calls or []
    assert call.type == "function" and call.id.startswith("call_")
    if isinstance(choice, dict):
        assert call.function.name == "get_time"
    assert call.function.name in {"get_weather", "get_time"}
    _args_valid(call.function.name, call.function.arguments)


def test_tool_choice_none_answers_text(client: openai.OpenAI) -> None:
    resp = client.chat.completions.create(
        model="siyada-chat", messages=ASK, tools=[WEATHER], tool_choice="none", max_tokens=12, temperature=0
    )
    c = resp.choices[0]
    assert c.message.tool_calls is None and c.message.content
    assert c.finish_reason in {"stop", "length"}


def test_auto_gives_a_call_or_text(client: openai.OpenAI) -> None:
    resp = client.chat.completions.create(
        model="siyada-chat", messages=ASK, tools=[WEATHER], tool_choice="auto", max_tokens=60, temperature=0
    )
    c = resp.choices[0]
    if c.message.tool_calls:
        assert c.finish_reason == "tool_calls" and c.message.content is None
        _args_valid("get_weather", c.message.tool_calls[0].function.arguments)
    else:
        assert c.message.content and not c.message.content.startswith("{")


def test_streamed_call_deltas(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model="siyada-chat",
            messages=ASK,
            tools=[WEATHER],
            tool_choice="required",
            max_tokens=60,
            temperature=0,
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    first = deltas[0]
    assert first.role == "assistant" and first.tool_calls
    head = first.tool_calls[0]
    assert head.index == 0 and head.id and head.id.startswith("call_") and head.type == "function"
    assert head.function and head.function.name == "get_weather"
    rest = [tc for d in deltas[1:] for tc in d.tool_calls or []]
    assert rest and all(tc.id is None and tc.index == 0 for tc in rest)
    arguments = "".join(
        (tc.function.arguments or "") for d in deltas for tc in d.tool_calls or [] if tc.function
    )
    _args_valid("get_weather", arguments)
    finals = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finals == ["tool_calls"]
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_tool_call_loop(client: openai.OpenAI) -> None:
    messages: list[Any] = list(ASK)
    first = client.chat.completions.create(
        model="siyada-chat",
        messages=messages,
        tools=[WEATHER],
        tool_choice="required",
        max_tokens=60,
        temperature=0,
    )
    call = (first.choices[0].message.tool_calls or [])[0]
    messages.append(first.choices[0].message)
    messages.append({"role": "tool", "tool_call_id": call.id, "content": '{"temp": 24, "sky": "sunny"}'})
    second = client.chat.completions.create(
        model="siyada-chat",
        messages=messages,
        tools=[WEATHER],
        tool_choice="none",
        max_tokens=20,
        temperature=0,
    )
    answer = second.choices[0]
    assert answer.message.tool_calls is None and answer.message.content
    assert answer.finish_reason in {"stop", "length"}
    # The call and its result were part of the prompt the model read.
    alone = client.chat.completions.create(
        model="siyada-chat", messages=ASK, tools=[WEATHER], tool_choice="none", max_tokens=1
    )
    assert second.usage is not None and alone.usage is not None
    assert second.usage.prompt_tokens > alone.usage.prompt_tokens + 15


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"tool_choice": "required"}, "tool_choice"),
        (
            {"tools": [WEATHER], "tool_choice": {"type": "function", "function": {"name": "nope"}}},
            "tool_choice",
        ),
        (
            {
                "tools": [
                    {"type": "function", "function": {"name": "bad name!", "parameters": {"type": "object"}}}
                ]
            },
            "tools[0].function.name",
        ),
        (
            {
                "tools": [
                    {
                        "type": "function",
                        "function": {"name": "f", "parameters": {"type": "object", "if": {"type": "object"}}},
                    }
                ]
            },
            "tools[0].function.parameters",
        ),
        ({"tools": [WEATHER], "stop": ["x"]}, "stop"),
    ],
    ids=["choice-without-tools", "unknown-function", "bad-name", "unknown-keyword", "stop"],
)
def test_unsupported_tools_are_400(client: openai.OpenAI, extra: dict, param: str) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model="siyada-chat", messages=ASK, max_tokens=5, **extra)
    assert param in str(err.value)


def test_langchain_bind_tools(server: Server, admin_key: str) -> None:
    from langchain_core.messages import HumanMessage, ToolMessage
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(
        model="siyada-chat",
        base_url=server.url + "/v1",
        api_key=admin_key,
        max_tokens=60,
        temperature=0,
        max_retries=0,
    )
    bound = llm.bind_tools([WEATHER], tool_choice="get_weather")
    msg = bound.invoke([HumanMessage("What is the weather in Fes?")])
    (call,) = msg.tool_calls
    assert call["name"] == "get_weather" and call["id"]
    assert call["args"]["unit"] in {"celsius", "fahrenheit"}
    reply = llm.bind_tools([WEATHER], tool_choice="none").invoke(
        [
            HumanMessage("What is the weather in Fes?"),
            msg,
            ToolMessage('{"temp": 30}', tool_call_id=call["id"]),
        ]
    )
    assert reply.content and not reply.tool_calls


def test_upstream_receives_the_fields_as_sent(tmp_path: Any) -> None:
    """An in-house upstream model gets tools, tool_choice, response_format and parallel_tool_calls
    exactly as the client sent them (the grammar is the embedded backend's own business)."""
    up = RecordingUpstream()
    data = tmp_path / "data"
    data.mkdir()
    config = data / "siyada.toml"
    config.write_text(
        f"""
[embedded]
enabled = false
[[providers]]
name = "inside"
url = "{up.url}"
in_house = true
[[models]]
name = "echo"
routes = [{{provider = "inside"}}]
"""
    )
    cli(data, "tenants", "create", "default")
    srv = Server(data, config=config).start()
    try:
        sent = {
            "tools": [WEATHER, TIME],
            "tool_choice": {"type": "function", "function": {"name": "get_time"}},
            "parallel_tool_calls": False,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "a", "schema": {"type": "object"}},
            },
        }
        client = openai.OpenAI(base_url=srv.url + "/v1", api_key=srv.key("default", "user"), max_retries=0)
        client.chat.completions.create(model="echo", messages=ASK, **sent)
        received = json.loads(up.bodies[-1])
        assert {k: received.get(k) for k in sent} == sent
    finally:
        srv.stop()
        up.close()
