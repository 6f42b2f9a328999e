"""The citizen channel's calls: an anonymous question to one assistant through its widget.

What a widget call guarantees, whatever the tenant's or the assistant's privacy setting:
- the citizen's messages are pseudonymised here, before retrieval, the model, or storage see them (a
  CIN typed reaches everything beyond this point as `<MA_CIN_1>`), and the gateway's shield runs at
  "all" on top (siyada.assistants.serve, channel "widget");
- the answer passes the privacy detector on its way out (sentence by sentence, so a streamed value is
  never cut in two): personal data from the documents leaves as a typed placeholder (`<PERSON>`);
- citations leave as source titles only (no link that would need a login, no quote);
- limits per client address and per assistant answer 429 in the widget's language, and so does the
  tenant's quota when it refuses a widget call (same status and Retry-After, the widget's words).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Engine

from siyada.assistants import channel, serve, throttle, watch
from siyada.assistants.spec import PREFIX
from siyada.assistants.tokens import TokenSigner
from siyada.assistants.widget_words import words
from siyada.errors import ApiError
from siyada.gateway.router import close_quietly
from siyada.gateway.service import Gateway
from siyada.governance.keys import Principal
from siyada.governance.tenants import Tenant, TenantError, get_tenant
from siyada.knowledge.answer import GroundedChat
from siyada.privacy.analyzer import DEFAULT_THRESHOLD
from siyada.privacy.operators import Pseudonymiser, scrub
from siyada.privacy.policy import PrivacyGuard

WIDGET_KEY_ID = 0  # usage rows of widget calls: no key made them
_SENTENCE_END = re.compile(r"[.!?؟\n](?=\s)")
_MAX_HOLD = 800  # characters held back at most before scrubbing (a sentence without an end)


class WidgetMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str = Field(min_length=1, max_length=2000)


class WidgetAsk(BaseModel):
    """POST /widget/v1/{tenant}/{assistant}/chat: the conversation so far (the last turn the citizen's)."""

    model_config = ConfigDict(extra="forbid")
    messages: list[WidgetMessage] = Field(min_length=1, max_length=8)
    lang: Literal["fr", "ar", "ary", "zgh"] | None = None


@dataclass(frozen=True)
class Widget:
    tenant: Tenant
    name: str
    settings: dict[str, Any]


def _absent() -> ApiError:
    return ApiError(404, "This widget does not exist", code="widget_not_found")


def find(engine: Engine, tenant_name: str, name: str) -> Widget:
    """The enabled widget of `tenant_name`'s assistant `name`; one 404 for every way it is not there."""
    try:
        tenant = get_tenant(engine, tenant_name)
    except TenantError as exc:
        raise _absent() from exc
    settings = channel.live(engine, tenant.id, name)
    if settings is None:
        raise _absent()
    return Widget(tenant, name, settings)


def origin_allowed(widget: Widget, origin: str | None) -> bool:
    return origin is not None and origin.lower() in widget.settings["origins"]


class Scrubber:
    """Passes a streamed answer through the privacy detector a sentence at a time."""

    def __init__(self) -> None:
        self.pending = ""

    def feed(self, piece: str) -> str:
        text = self.pending + piece
        ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        cut = ends[-1] if ends else (text.rfind(" ") + 1 if len(text) > _MAX_HOLD else 0)
        self.pending = text[cut:]
        return scrub(text[:cut]) if cut else ""

    def flush(self) -> str:
        text, self.pending = self.pending, ""
        return scrub(text)


def titles(citations: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [
        {
            "index": c.get("index"),
            "title": scrub(str(c.get("document_name") or "")),
            "section": scrub(str(c.get("section") or "")) or None,
            "page": c.get("page"),
        }
        for c in citations or []
    ]


class Citizen:
    """The widget's service: tokens, limits, and the answer stream."""

    def __init__(
        self,
        engine: Engine,
        gateway: Gateway,
        grounded: GroundedChat,
        privacy: PrivacyGuard | None,
        signer: TokenSigner,
        windows: throttle.Windows,
    ) -> None:
        self.engine = engine
        self.gateway = gateway
        self.grounded = grounded
        self.privacy = privacy
        self.signer = signer
        self.windows = windows

    def token(self, widget: Widget, origin: str) -> dict[str, Any]:
        token, expires = self.signer.issue(
            widget.tenant.id, widget.name, origin, widget.settings["token_ttl_seconds"]
        )
        return {"object": "widget.token", "token": token, "expires_at": expires}

    def check(self, widget: Widget, token: str, origin: str | None, own_origin: str) -> None:
        """The token opens this widget, for an origin still listed; a browser call comes from the widget's
        own page (the iframe) or from the token's origin (a ministry's own page, through CORS)."""
        found = self.signer.read(token, widget.tenant.id, widget.name)
        if found.origin not in widget.settings["origins"]:
            raise ApiError(403, "This site may no longer use the widget", code="origin_not_allowed")
        if origin is not None and origin.lower() not in (own_origin, found.origin):
            raise ApiError(403, "This site may not use the widget", code="origin_not_allowed")

    async def admit(self, widget: Widget, address: str | None, lang: str) -> None:
        """One question counted per address and per assistant; 429 with the widget's words otherwise.
        The shared windows unreachable: 503, never an unlimited widget (as the quotas fail closed)."""
        t, n, s = widget.tenant.id, widget.name, widget.settings
        checks = [
            (throttle.address_key(t, n, address), s["per_address_per_minute"]),
            (throttle.assistant_key(t, n), s["per_assistant_per_minute"]),
        ]
        try:
            full, wait = await self.windows.take(checks)
        except Exception as exc:
            raise ApiError(503, words(lang)["error"], code="widget_limits_unavailable") from exc
        if full >= 0:
            message = words(lang)["rate_limited" if full == 0 else "busy"]
            raise ApiError(429, message, code="widget_rate_limited", headers={"Retry-After": str(int(wait))})

    def _pseudonymised(self, widget: Widget, ask: WidgetAsk) -> list[dict[str, str]]:
        threshold = DEFAULT_THRESHOLD
        if self.privacy is not None:
            threshold = min(threshold, self.privacy.policy(widget.tenant.name).threshold)
        shield = Pseudonymiser(threshold=threshold)  # every entity type: the strictest
        return [{"role": m.role, "content": shield.pseudonymise(m.content)} for m in ask.messages]

    async def ask(
        self, widget: Widget, ask: WidgetAsk, lang: str
    ) -> tuple[AsyncIterator[list[dict[str, Any]]], str]:
        """The answer as a stream of widget events, and the question's id (for feedback). The gateway's
        refusals a citizen may meet (the tenant's quota, its store down) come in the widget's words."""
        if ask.messages[-1].role != "user":
            raise ApiError(400, "The last message is the citizen's", code="invalid_request", param="messages")
        messages = await asyncio.to_thread(self._pseudonymised, widget, ask)
        principal = Principal(WIDGET_KEY_ID, "user", widget.tenant)
        body = {"model": PREFIX + widget.name, "messages": messages, "stream": True}
        qid = watch.new_question_id()
        try:
            answer, _, _ = await serve.answer(
                self.gateway, self.grounded, self.engine, principal, body, True, "widget", qid
            )
        except ApiError as exc:
            raise _in_words(exc, lang) from exc
        if isinstance(answer, dict):  # not asked for; a stream always comes back
            raise ApiError(500, "unexpected answer shape")
        return _events(answer, qid), qid


# The gateway's error code -> the widget's words for it, and the code the widget shows (None: the same).
_GATEWAY_WORDS = {
    "quota_exceeded": ("busy", "widget_rate_limited"),
    "quota_store_unavailable": ("error", None),
}


def _in_words(exc: ApiError, lang: str) -> ApiError:
    """A quota refusal told in the widget's language: its status and Retry-After kept, the gateway's
    English (which names the tenant's limit) not shown to the citizen."""
    found = _GATEWAY_WORDS.get(exc.code or "")
    if found is None:
        return exc
    word, code = found
    return ApiError(exc.status, words(lang)[word], code=code or exc.code, headers=exc.headers)


async def _events(
    chunks: AsyncIterator[list[dict[str, Any]]], qid: str
) -> AsyncIterator[list[dict[str, Any]]]:
    scrubber = Scrubber()
    citations: list[dict[str, Any]] | None = None
    try:
        async for batch in chunks:
            text = ""
            for chunk in batch:
                for choice in chunk.get("choices") or []:
                    text += (choice.get("delta") or {}).get("content") or ""
                if chunk.get("citations") is not None:
                    citations = chunk["citations"]
            out = await asyncio.to_thread(scrubber.feed, text) if text else ""
            if out:
                yield [{"object": "widget.delta", "content": out}]
    finally:
        await close_quietly(chunks)
    rest = await asyncio.to_thread(scrubber.flush)
    done = {"object": "widget.done", "question_id": qid, "citations": titles(citations)}
    yield [{"object": "widget.delta", "content": rest}, done] if rest else [done]
