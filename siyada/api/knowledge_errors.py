"""Knowledge and parsing errors as OpenAI-style API errors."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from siyada.errors import ApiError
from siyada.knowledge.collections import KnowledgeError
from siyada.knowledge.parse import MalformedDocument, UnsupportedFormat
from siyada.workers import JobTooComplex

T = TypeVar("T")


async def knowledge_call(work: Awaitable[T]) -> T:
    try:
        return await work
    except KnowledgeError as exc:
        raise ApiError(exc.status, str(exc), code=exc.code, param=exc.param) from exc
    except UnsupportedFormat as exc:
        raise ApiError(415, str(exc), code="unsupported_format", param="file") from exc
    except MalformedDocument as exc:
        raise ApiError(422, str(exc), code="malformed_document", param="file") from exc
    except JobTooComplex as exc:
        raise ApiError(422, str(exc), code="document_too_complex", param="file") from exc
