"""What an assistant is made of: the request models (strictly validated, siyada.api.body) and the
`assistant/NAME[@VERSION]` model string."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from siyada.api.schemas import ChatMessage
from siyada.errors import ApiError

LANGUAGES = ("fr", "ar", "ary", "en")
NAME_PATTERN = r"^[a-z0-9-]{1,48}$"
NAME = re.compile(NAME_PATTERN)
PREFIX = "assistant/"
MAX_VERSION = 2**31 - 1  # the column is a 32-bit integer on PostgreSQL
_MODEL = re.compile(r"^assistant/([^@]*)(?:@(.*))?$", re.DOTALL)
ToolName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Question = Annotated[str, Field(min_length=1, max_length=300, pattern=r"\S")]
CollectionRef = Annotated[str, Field(min_length=1, max_length=128)] | int
Unset = SkipJsonSchema[None]  # "not given" in an edit; an explicit null is refused (400)


class Instructions(BaseModel):
    """The system part, per language of the question (siyada.knowledge.grounding.answer_language)."""

    model_config = ConfigDict(extra="forbid")
    fr: str = Field(default="", max_length=8000)
    ar: str = Field(default="", max_length=8000)
    ary: str = Field(default="", max_length=8000)
    en: str = Field(default="", max_length=8000)


class AssistantFields(BaseModel):
    """Everything but the name; an edit (PATCH) gives any subset of these."""

    model_config = ConfigDict(extra="forbid")
    description: str = Field(default="", max_length=500)
    instructions: Instructions = Field(default_factory=Instructions)
    model: str = Field(default="siyada-chat", min_length=1, max_length=128)
    # The tenant's own collections (names or ids); none: a plain chat with the instructions.
    collections: list[CollectionRef] = Field(default_factory=list, max_length=16)
    # None: the grounded mode's default (extractive when only the embedded model serves `model`).
    answer_mode: Literal["extractive", "generative"] | None = None
    retrieval_k: int = Field(default=5, ge=1, le=20)
    # As [privacy] `prompts` names them: "all" pseudonymises for in-house providers too; "external" keeps
    # the tenant's policy. Never weaker than the tenant's (siyada.gateway.service._shield).
    privacy: Literal["all", "external"] = "external"
    tools: list[ToolName] = Field(default_factory=list, max_length=32)
    temperature: float | None = Field(default=None, ge=0, le=2)
    greeting: str = Field(default="", max_length=1000)
    suggested_questions: list[Question] = Field(default_factory=list, max_length=10)


class AssistantCreate(AssistantFields):
    name: str = Field(pattern=NAME_PATTERN)


class AssistantPreview(AssistantFields):
    """The builder's live preview: an unsaved draft (the fields of an assistant; the name, if given, only
    labels the usage row) and a conversation for it to answer. Nothing is stored."""

    name: Annotated[str, Field(pattern=NAME_PATTERN)] | None = None
    model: str = Field(min_length=1, max_length=128)  # named, as in a chat completion (no default)
    messages: list[ChatMessage] = Field(min_length=1, max_length=64)
    stream: bool = False


class AssistantPatch(BaseModel):
    """An edit: only the fields given change (at least one); the result is a new version. Only
    `answer_mode` and `temperature` take null (back to the default); the schema says so."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})
    description: Annotated[str, Field(max_length=500)] | Unset = None
    instructions: Instructions | Unset = None
    model: Annotated[str, Field(min_length=1, max_length=128)] | Unset = None
    collections: Annotated[list[CollectionRef], Field(max_length=16)] | Unset = None
    answer_mode: Literal["extractive", "generative"] | None = None
    retrieval_k: Annotated[int, Field(ge=1, le=20)] | Unset = None
    privacy: Literal["all", "external"] | Unset = None
    tools: Annotated[list[ToolName], Field(max_length=32)] | Unset = None
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    greeting: Annotated[str, Field(max_length=1000)] | Unset = None
    suggested_questions: Annotated[list[Question], Field(max_length=10)] | Unset = None


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise ApiError(
            400, f"An assistant's name matches {NAME_PATTERN}", code="invalid_assistant_name", param="name"
        )
    return name


def parse_model(model: str) -> tuple[str, int | None]:
    """`assistant/NAME` -> (NAME, None); `assistant/NAME@3` -> (NAME, 3); 400 when malformed."""
    m = _MODEL.match(model)
    if m is None:
        raise ApiError(
            400,
            "An assistant is called as assistant/NAME or assistant/NAME@VERSION",
            code="invalid_request",
            param="model",
        )
    name, version = m.group(1), m.group(2)
    check_name(name)
    if version is None:
        return name, None
    if not (version.isascii() and version.isdigit()) or not 1 <= int(version) <= MAX_VERSION:
        raise ApiError(
            400,
            f"An assistant version is a number from 1 to {MAX_VERSION}",
            code="invalid_request",
            param="model",
        )
    return name, int(version)
