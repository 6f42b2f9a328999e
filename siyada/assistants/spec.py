"""What an assistant is made of: the request models (strictly validated, siyada.api.body) and the
`assistant/NAME[@VERSION]` model string."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from siyada.errors import ApiError

LANGUAGES = ("fr", "ar", "ary", "en")
NAME_PATTERN = r"^[a-z0-9-]{1,48}$"
NAME = re.compile(NAME_PATTERN)
PREFIX = "assistant/"
MAX_VERSION = 2**31 - 1  # the column is a 32-bit integer on PostgreSQL
_MODEL = re.compile(r"^assistant/([^@]*)(?:@(.*))?$", re.DOTALL)
_TOOL = r"^[A-Za-z0-9_-]{1,64}$"


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
    collections: list[str | int] = Field(default_factory=list, max_length=16)
    # None: the grounded mode's default (extractive when only the embedded model serves `model`).
    answer_mode: Literal["extractive", "generative"] | None = None
    retrieval_k: int = Field(default=5, ge=1, le=20)
    # As [privacy] `prompts` names them: "all" pseudonymises for in-house providers too; "external" keeps
    # the tenant's policy. Never weaker than the tenant's (siyada.gateway.service._shield).
    privacy: Literal["all", "external"] = "external"
    tools: list[str] = Field(default_factory=list, max_length=32)
    temperature: float | None = Field(default=None, ge=0, le=2)
    greeting: str = Field(default="", max_length=1000)
    suggested_questions: list[str] = Field(default_factory=list, max_length=10)


class AssistantCreate(AssistantFields):
    name: str = Field(pattern=NAME_PATTERN)


class AssistantPatch(BaseModel):
    """An edit: only the fields given change; the result is a new version."""

    model_config = ConfigDict(extra="forbid")
    description: str | None = Field(default=None, max_length=500)
    instructions: Instructions | None = None
    model: str | None = Field(default=None, min_length=1, max_length=128)
    collections: list[str | int] | None = Field(default=None, max_length=16)
    answer_mode: Literal["extractive", "generative"] | None = None
    retrieval_k: int | None = Field(default=None, ge=1, le=20)
    privacy: Literal["all", "external"] | None = None
    tools: list[str] | None = Field(default=None, max_length=32)
    temperature: float | None = Field(default=None, ge=0, le=2)
    greeting: str | None = Field(default=None, max_length=1000)
    suggested_questions: list[str] | None = Field(default=None, max_length=10)


def check_lists(fields: AssistantFields) -> None:
    """Bounds pydantic's list items do not carry here (kept out of the models so the schema stays
    plain): tool names, question lengths."""
    for tool in fields.tools:
        if not re.match(_TOOL, tool):
            raise ApiError(
                400, f"tool name {tool[:64]!r} must match {_TOOL}", code="invalid_request", param="tools"
            )
    for q in fields.suggested_questions:
        if not q.strip() or len(q) > 300:
            raise ApiError(
                400,
                "a suggested question has 1 to 300 characters",
                code="invalid_request",
                param="suggested_questions",
            )
    for ref in fields.collections:
        if isinstance(ref, str) and not 1 <= len(ref) <= 128:
            raise ApiError(
                400,
                "a collection is named by 1 to 128 characters",
                code="invalid_request",
                param="collections",
            )


def check_name(name: str) -> str:
    if not NAME.match(name):
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
