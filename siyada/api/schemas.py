"""OpenAI wire schemas for requests (validated) — responses are built as plain dicts by the backends.

Unknown fields are kept (extra="allow") so that upstream-specific options can reach in-house providers;
`unknown_fields` names them, and the privacy shield refuses them for providers that are not in-house
unless `[privacy] pass_fields` lets them through (docs/privacy.md).
A check a type cannot say (a field validator) has its JSON-schema twin beside it (`json_schema_extra`), so
that the published description refuses what the validation refuses.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)

from siyada.api.audio_schemas import SpeechRequest, TranscriptionForm
from siyada.api.body import given, one_given
from siyada.api.rerank_schemas import RerankRequest
from siyada.gateway.prompts import MAX_PROMPTS, Prompt, split_prompts
from siyada.lang.bidi import VISIBLE_PATTERN, refusal


def _visible(value: Any, info: ValidationInfo) -> Any:
    # Before the field's own pattern, so that a direction override is named as such.
    if not isinstance(value, str):
        return value
    problem = refusal(value, info.field_name or "name")
    if problem is not None:
        raise ValueError(problem)
    return value


# A name a person types (username, tenant, collection, key): refused when it holds a direction override
# or an invisible character, so that what is shown is what is stored (siyada/lang/bidi.py).
def _publish_visible(schema: dict[str, Any]) -> None:
    schema.setdefault("pattern", VISIBLE_PATTERN)  # a field's own, stricter pattern stays


VisibleName = Annotated[str, BeforeValidator(_visible), Field(json_schema_extra=_publish_visible)]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="allow")


class ImageURL(_Wire):
    url: str
    detail: str | None = None


class InputAudio(_Wire):
    data: str
    format: str


class FileData(_Wire):
    file_data: str | None = None
    file_id: str | None = None
    filename: str | None = None


class ContentPart(_Wire):
    type: str
    text: str | None = None
    refusal: str | None = None
    image_url: ImageURL | None = None
    input_audio: InputAudio | None = None
    file: FileData | None = None


class FunctionCall(_Wire):
    name: str
    arguments: str


class ToolCall(_Wire):
    id: str | None = None
    type: str = "function"
    function: FunctionCall


class FunctionDefinition(_Wire):
    name: str = Field(min_length=1, max_length=64)
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class Tool(_Wire):
    type: Literal["function"] = "function"
    function: FunctionDefinition


class ResponseFormat(_Wire):
    type: Literal["text", "json_object", "json_schema"]
    json_schema: dict[str, Any] | None = None


def _content_schema(schema: dict[str, Any]) -> None:
    # _content_needed: only an assistant message may go without content.
    schema["anyOf"] = [{"properties": {"role": {"const": "assistant"}}}, given(schema, "content")]


class ChatMessage(_Wire):
    model_config = ConfigDict(extra="allow", json_schema_extra=_content_schema)
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None
    name: str | None = None
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = None
    refusal: str | None = None

    @model_validator(mode="after")
    def _content_needed(self) -> ChatMessage:
        if self.content is None and self.role != "assistant":
            raise ValueError(f"a {self.role} message needs content")
        return self

    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text or "" for p in self.content if p.type == "text")


class StreamOptions(_Wire):
    include_usage: bool = False


Stop = str | list[str] | None


def _check_stop(v: Stop) -> Stop:
    if isinstance(v, list) and len(v) > 4:
        raise ValueError("at most 4 stop sequences")
    return v


def _stop_schema(schema: dict[str, Any]) -> None:
    schema["properties"]["stop"] = {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}, "maxItems": 4},
            {"type": "null"},
        ],
        "default": None,
    }


class _Sampling(_Wire):
    model_config = ConfigDict(extra="allow", json_schema_extra=_stop_schema)
    model: str = Field(min_length=1, max_length=256)
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, gt=0, le=1)
    max_tokens: int | None = Field(default=None, ge=1)
    stop: Stop = None
    seed: int | None = None
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int = Field(default=1, ge=1, le=1)
    presence_penalty: float | None = Field(default=None, ge=-2, le=2)
    frequency_penalty: float | None = Field(default=None, ge=-2, le=2)
    logit_bias: dict[str, float] | None = None
    user: str | None = None

    _stop = field_validator("stop")(_check_stop)

    @property
    def include_usage(self) -> bool:
        return bool(self.stream and self.stream_options and self.stream_options.include_usage)


class RetrievalOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    k: int | None = Field(default=None, ge=1, le=20)
    mode: Literal["lexical", "semantic", "hybrid"] | None = None
    filters: dict[str, Any] | None = None


def _chat_schema(schema: dict[str, Any]) -> None:
    _stop_schema(schema)
    # _grounded_shape, as JSON Schema.
    schema["allOf"] = [
        {
            "if": {"required": ["collections"], "properties": {"collections": {"type": "array"}}},
            "then": {
                "properties": {
                    "response_format": {
                        "anyOf": [{"type": "null"}, {"properties": {"type": {"const": "text"}}}]
                    },
                    "tools": {"anyOf": [{"type": "null"}, {"type": "array", "maxItems": 0}]},
                }
            },
        }
    ]


class ChatCompletionRequest(_Sampling):
    model_config = ConfigDict(extra="allow", json_schema_extra=_chat_schema)
    messages: list[ChatMessage] = Field(min_length=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    # Siyada extension: answer from these collections, with citations (see docs/knowledge.md).
    collections: list[str | int] | None = Field(default=None, min_length=1, max_length=16)
    answer_mode: Literal["extractive", "generative"] | None = None
    retrieval: RetrievalOptions | None = None
    tools: list[Tool] | None = Field(default=None, max_length=128)
    tool_choice: Literal["none", "auto", "required"] | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = Field(default=None, ge=0, le=20)
    # OpenAI options some clients always send; strings in them are pseudonymised like the rest.
    reasoning_effort: str | None = None
    service_tier: str | None = None
    store: bool | None = None
    metadata: dict[str, str] | None = None

    @model_validator(mode="after")
    def _grounded_shape(self) -> ChatCompletionRequest:
        # A grounded answer is cited text: a JSON shape or tools asked beside it would be ignored.
        if self.collections:
            if self.response_format is not None and self.response_format.type != "text":
                raise ValueError("response_format cannot be combined with collections")
            if self.tools:
                raise ValueError("tools cannot be combined with collections")
        return self

    def token_limit(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens


_IDS = {"type": "array", "items": {"type": "integer"}, "minItems": 1}


def _completion_schema(schema: dict[str, Any]) -> None:
    _stop_schema(schema)
    # _prompts and _coherent, as JSON Schema.
    schema["properties"]["prompt"] = {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": MAX_PROMPTS},
            _IDS,
            {"type": "array", "items": _IDS, "minItems": 1, "maxItems": MAX_PROMPTS},
        ]
    }
    schema["allOf"] = [
        {  # stream serves one prompt
            "if": {"required": ["stream"], "properties": {"stream": {"const": True}}},
            "then": {
                "properties": {
                    "prompt": {
                        "not": {"type": "array", "minItems": 2, "items": {"type": ["string", "array"]}}
                    }
                }
            },
        },
        {  # max_tokens 0 only with echo
            "if": {"required": ["max_tokens"], "properties": {"max_tokens": {"const": 0}}},
            "then": {"required": ["echo"], "properties": {"echo": {"const": True}}},
        },
    ]


class CompletionRequest(_Sampling):
    model_config = ConfigDict(extra="allow", json_schema_extra=_completion_schema)

    # A string, a list of strings, one token-id list, or a list of them: a batch, one choice per prompt.
    prompt: str | list[str] | list[int] | list[list[int]]
    max_tokens: int | None = Field(default=None, ge=0)  # 0 (with echo): score the prompt only
    echo: bool = False
    logprobs: int | None = Field(default=None, ge=0, le=20)
    suffix: str | None = None

    @field_validator("prompt")
    @classmethod
    def _prompts(cls, v: Any) -> Any:
        prompts = split_prompts(v)
        if not prompts:
            raise ValueError("prompt must not be empty")
        if len(prompts) > MAX_PROMPTS:
            raise ValueError(f"at most {MAX_PROMPTS} prompts per request, got {len(prompts)}")
        if any(isinstance(p, list) and not p for p in prompts):
            raise ValueError("a token-id prompt must hold at least one token")
        return v

    @model_validator(mode="after")
    def _coherent(self) -> CompletionRequest:
        if self.stream and len(self.prompts()) > 1:
            raise ValueError("stream serves one prompt per request; send a batch without stream")
        if self.max_tokens == 0 and not self.echo:
            raise ValueError("max_tokens 0 is only meaningful with echo (to score the prompt)")
        return self

    def prompts(self) -> list[Prompt]:
        return split_prompts(self.prompt)

    def token_limit(self) -> int | None:
        return self.max_tokens


TokenId = Annotated[int, Strict()]


class TokenizeRequest(_Wire):
    """vLLM's POST /tokenize: a text (`prompt`) or a conversation (`messages`, chat template applied)."""

    model_config = ConfigDict(extra="allow", json_schema_extra=one_given("prompt", "messages"))  # _one_input

    model: str | None = Field(default=None, min_length=1, max_length=256)
    prompt: str | None = None
    messages: list[ChatMessage] | None = Field(default=None, min_length=1)
    add_special_tokens: bool = True
    add_generation_prompt: bool = True

    @model_validator(mode="after")
    def _one_input(self) -> TokenizeRequest:
        if (self.prompt is None) == (self.messages is None):
            raise ValueError("send exactly one of prompt (a string) or messages")
        return self


class DetokenizeRequest(_Wire):
    model: str | None = Field(default=None, min_length=1, max_length=256)
    tokens: list[TokenId] = Field(max_length=1_000_000)


_TEXT = {"type": "string", "minLength": 1}


def _input_schema(schema: dict[str, Any]) -> None:
    # _non_empty, as JSON Schema.
    schema["properties"]["input"] = {
        "anyOf": [
            _TEXT,
            {"type": "array", "items": _TEXT, "minItems": 1, "maxItems": 2048},
            {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 2048},
            {
                "type": "array",
                "items": {"type": "array", "items": {"type": "integer"}},
                "minItems": 1,
                "maxItems": 2048,
            },
        ]
    }


class EmbeddingRequest(_Wire):
    model_config = ConfigDict(extra="allow", json_schema_extra=_input_schema)
    model: str = Field(min_length=1, max_length=256)
    input: str | list[str] | list[int] | list[list[int]]
    encoding_format: Literal["float", "base64"] = "float"
    dimensions: int | None = Field(default=None, ge=1)
    user: str | None = None

    @field_validator("input")
    @classmethod
    def _non_empty(cls, v: Any) -> Any:
        if isinstance(v, list) and not v:
            raise ValueError("input must not be empty")
        if isinstance(v, list) and len(v) > 2048:
            raise ValueError("at most 2048 inputs per request")
        if isinstance(v, str) and not v:
            raise ValueError("input must not be an empty string")
        if isinstance(v, list) and any(isinstance(x, str) and not x for x in v):
            raise ValueError("input must not contain empty strings")
        return v

    def texts(self) -> list[str] | None:
        """The inputs as text, or None when they are token arrays."""
        if isinstance(self.input, str):
            return [self.input]
        if all(isinstance(x, str) for x in self.input):
            return list(self.input)  # type: ignore[arg-type]
        return None


_REQUESTS: dict[str, type[BaseModel]] = {
    "chat/completions": ChatCompletionRequest,
    "completions": CompletionRequest,
    "embeddings": EmbeddingRequest,
    "rerank": RerankRequest,
    "audio/transcriptions": TranscriptionForm,
    "audio/translations": TranscriptionForm,
    "audio/speech": SpeechRequest,
}


def _unknown(model: type[BaseModel], obj: Any) -> list[str]:
    if not isinstance(obj, dict):
        return []
    known = set(model.model_fields)
    return [k for k in obj if k not in known]


def unknown_fields(endpoint: str, body: dict[str, Any]) -> list[str]:
    """Fields of a request body this gateway does not know: top-level names, and `messages[].x` for a
    message's (the spelling `[privacy] pass_fields` uses)."""
    found = _unknown(_REQUESTS[endpoint], body)
    if endpoint == "chat/completions" and isinstance(body.get("messages"), list):
        for msg in body["messages"]:
            found += [f"messages[].{k}" for k in _unknown(ChatMessage, msg) if f"messages[].{k}" not in found]
    return found
