"""The provider interface every backend implements, and the errors routing acts upon."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Literal, Protocol

Endpoint = Literal[
    "chat/completions",
    "completions",
    "embeddings",
    "rerank",
    "audio/transcriptions",
    "audio/translations",
    "audio/speech",
]


class ProviderError(Exception):
    """A provider failed. `retryable` means another attempt (here or on another provider) may succeed."""

    def __init__(
        self, message: str, *, retryable: bool, status: int = 502, body: bytes | None = None
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.body = body


class ProviderBusy(ProviderError):
    """The provider's own bounded queue is full."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=True, status=503)


class Provider(Protocol):
    """A place that can serve OpenAI-shaped calls for some models."""

    name: str
    in_house: bool

    async def call(self, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        """One non-streaming call; returns the OpenAI-shaped response object."""
        ...

    def stream(
        self, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """A streaming call; yields batches of OpenAI-shaped chunks (the last may carry `usage`).

        A batch holds the chunks that arrived together, so that they reach the caller in one write."""
        ...

    async def probe(self) -> bool:
        """True when the provider answers; used to bring a cooled-down provider back."""
        ...

    async def close(self) -> None: ...


class CallContext:
    """Per-call facts a backend may use: who asks (for fair queueing) and a flag set when the client left."""

    __slots__ = ("cancelled", "tenant")

    def __init__(self, tenant: str = "") -> None:
        self.tenant = tenant
        self.cancelled = False
