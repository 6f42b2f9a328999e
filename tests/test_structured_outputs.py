"""`response_format` on the embedded model: json_object and strict json_schema are held by a llama.cpp
grammar, so the output parses and validates, through the official SDK's `parse` helper and LangChain;
what cannot be honoured is a 400 naming the parameter."""

from __future__ import annotations

import json
from typing import Literal

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from siyada.gateway.backends.grammar import MAX_GRAMMAR_BYTES, Refusal, plan_for
from tests.server import Server

# Schema keywords, some the converter knows and some it does not, and odd names.
_keys = st.sampled_from(
    [
        "type",
        "properties",
        "required",
        "items",
        "enum",
        "const",
        "anyOf",
        "$ref",
        "format",
        "pattern",
        "maxItems",
        "minLength",
        "not",
        "a",
        "object",
        "string",
        "integer",
        "#",
        "additionalProperties",
    ]
)


@pytest.fixture(scope="module")
def client(server: Server, admin_key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "/v1", api_key=admin_key, max_retries=0, timeout=120)


class City(BaseModel):
    name: str
    country: Literal["Maroc", "France", "Espagne"]
    capital: bool
    population_millions: int


def test_parse_with_pydantic_model(client: openai.OpenAI) -> None:
    resp = client.chat.completions.parse(
        model="siyada-chat",
        messages=[{"role": "user", "content": "Décris la ville de Rabat."}],
        response_format=City,
        max_tokens=60,
        temperature=0,
    )
    choice = resp.choices[0]
    assert choice.finish_reason == "stop"
    city = choice.message.parsed
    assert isinstance(city, City)
    assert city.country in {"Maroc", "France", "Espagne"}


def test_json_schema_streamed_validates(client: openai.OpenAI) -> None:
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string", "maxLength": 20}, "year": {"type": "integer"}},
        "required": ["answer", "year"],
        "additionalProperties": False,
    }
    stream = client.chat.completions.create(
        model="siyada-chat",
        messages=[{"role": "user", "content": "When did Morocco become independent?"}],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "a", "schema": schema, "strict": True},
        },
        max_tokens=60,
        temperature=0,
        stream=True,
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    value = json.loads(text)
    assert set(value) == {"answer", "year"} and isinstance(value["year"], int)
    assert len(value["answer"]) <= 20


def test_json_object(client: openai.OpenAI) -> None:
    resp = client.chat.completions.create(
        model="siyada-chat",
        messages=[{"role": "user", "content": "Give the capital of Morocco as JSON."}],
        response_format={"type": "json_object"},
        max_tokens=40,
        temperature=0,
        seed=1,
    )
    choice = resp.choices[0]
    if choice.finish_reason == "stop":
        assert isinstance(json.loads(choice.message.content or ""), dict)
    else:  # cut by max_tokens: still the start of an object
        assert (choice.message.content or "").startswith("{")


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"response_format": {"type": "json_schema", "json_schema": {"name": "x"}}}, "response_format"),
        (
            {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "x", "schema": {"type": "array", "maxItems": 100000}},
                }
            },
            "maxItems",
        ),
        (
            {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "x", "schema": {"type": "object", "not": {"type": "null"}}},
                }
            },
            "'not'",
        ),
        ({"response_format": {"type": "json_object"}, "stop": ["}"]}, "stop"),
        (
            {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {
                        "name": "x",
                        "schema": {"type": "object", "properties": {"a": {"format": {}}}, "required": [{}]},
                    },
                }
            },
            "response_format.json_schema.schema",
        ),
        ({"logprobs": True}, "logprobs"),
    ],
    ids=["no-schema", "huge-count", "unknown-keyword", "stop", "odd-values", "chat-logprobs"],
)
def test_unsupported_is_400_naming_parameter(client: openai.OpenAI, extra: dict, param: str) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(
            model="siyada-chat", messages=[{"role": "user", "content": "Hi"}], max_tokens=5, **extra
        )
    assert param in str(err.value)


def test_deep_schema_is_refused(client: openai.OpenAI) -> None:
    schema: dict = {"type": "string"}
    for _ in range(40):
        schema = {"type": "object", "properties": {"a": schema}, "required": ["a"]}
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(
            model="siyada-chat",
            messages=[{"role": "user", "content": "Hi"}],
            response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": schema}},
            max_tokens=5,
        )
    assert "response_format.json_schema.schema" in str(err.value)


def test_langchain_with_structured_output(server: Server, admin_key: str) -> None:
    from langchain_openai import ChatOpenAI

    class Answer(BaseModel):
        city: str
        is_capital: bool

    llm = ChatOpenAI(
        model="siyada-chat",
        base_url=server.url + "/v1",
        api_key=admin_key,
        max_tokens=40,
        temperature=0,
        max_retries=0,
    )
    out = llm.with_structured_output(Answer, method="json_schema").invoke("Is Rabat the capital of Morocco?")
    assert isinstance(out, Answer)


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"response_format": {"type": "json_object"}}, "response_format"),
        ({"tools": [{"type": "function", "function": {"name": "f"}}]}, "tools"),
    ],
)
def test_grounded_answers_refuse_shapes_they_would_ignore(
    client: openai.OpenAI, extra: dict, param: str
) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(
            model="siyada-chat",
            messages=[{"role": "user", "content": "Hi"}],
            max_tokens=5,
            extra_body={"collections": ["procedures"]},
            **extra,
        )
    assert f"{param} cannot be combined with collections" in str(err.value)


_odd = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=6) | _keys
_schema = st.deferred(
    lambda: st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(["object", "string", "integer", "array", "null", "nope"])
            | st.lists(st.sampled_from(["string", "null"]), max_size=2)
            | _odd,
            "properties": st.dictionaries(st.sampled_from(["a", "b", 'q"']), _schema, max_size=3) | _odd,
            "required": st.lists(st.sampled_from(["a", "b", "z"]) | _odd, max_size=3) | _odd,
            "items": _schema | _odd,
            "anyOf": st.lists(_schema, max_size=2),
            "enum": st.lists(_odd, max_size=3),
            "format": st.sampled_from(["date", "uuid", "email"])
            | _odd
            | st.dictionaries(_keys, _odd, max_size=1),
            "pattern": st.sampled_from(["a+", "(", "^[a-z]{2,3}$", "a{99}", "\\"]) | _odd,
            "maxItems": st.integers(-1, 100) | _odd,
            "minLength": st.integers(-1, 100),
            "additionalProperties": st.booleans() | _schema,
            "not": _schema,
            "$ref": st.sampled_from(["#", "#/properties/a", "#/nope", "http://x/y"]) | _odd,
        },
    ),
)


@settings(max_examples=150, deadline=None)
@given(schema=_schema | _odd, tools=st.lists(_schema, max_size=2))
def test_any_schema_builds_a_grammar_or_is_refused(schema: object, tools: list) -> None:
    """Whatever schema or tool parameters arrive, planning answers a grammar or a Refusal (a 400), and
    the grammar stays bounded."""
    body = {
        "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": schema}},
        "tools": [
            {"type": "function", "function": {"name": f"f{i}", "parameters": p}} for i, p in enumerate(tools)
        ],
    }
    try:
        plan = plan_for(body)
    except Refusal:
        return
    assert plan.grammar is not None and len(plan.grammar) <= MAX_GRAMMAR_BYTES
