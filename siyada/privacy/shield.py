"""Pseudonymise OpenAI request bodies on the way to a model and restore the real values in its answer.

Every string of the body is rewritten, wherever it sits: message contents and text parts, message and
tool names, tool-call arguments (JSON: the strings inside, keeping it valid JSON), tool descriptions and
parameter schemas, `response_format` schemas, `user`, stop strings, prompts, embedding inputs, and any
unknown field the config lets through, ids and schema keywords included. Only the model name and
message roles (validated against closed lists) are left as they are, and token-id arrays (checked by
`token_prompts` instead).

For a provider that is not in-house (`Outbound.external`), what cannot be read is refused rather than
sent: content parts the analyser cannot read (images, audio, files) unless `[privacy] pass_parts` lets
them through, and fields the gateway does not know unless `[privacy] pass_fields` names them. The mapping
is the request's own `Pseudonymiser`, so nothing of it outlives the request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from siyada.privacy.operators import Pseudonymiser, StreamRestorer

# JSON-schema mappings whose keys are property names (which a model reads, and may hold anything).
_NAMED_KEYS = frozenset({"properties", "patternProperties", "$defs", "definitions"})
_TEXT_PARTS = frozenset({"text", "refusal"})
UNREADABLE_PARTS = ("image_url", "input_audio", "file")
_BRACKETED = re.compile(r"<([A-Z][A-Z_]*_\d+)>")


class ShieldRefusal(ValueError):
    """A request that cannot be made safe for a provider that is not in-house (answered with 400)."""

    def __init__(self, message: str, param: str, code: str) -> None:
        super().__init__(message)
        self.param = param
        self.code = code


@dataclass(frozen=True)
class Outbound:
    """What may leave for the providers of one request."""

    external: bool = True  # some provider is not in-house: refuse what cannot be pseudonymised
    unknown: tuple[str, ...] = ()  # fields the gateway does not know, as `unknown_fields` spells them
    pass_fields: frozenset[str] = field(default_factory=frozenset)
    pass_parts: frozenset[str] = field(default_factory=frozenset)

    def check_fields(self) -> None:
        if not self.external:
            return
        refused = [f for f in self.unknown if f not in self.pass_fields]
        if refused:
            raise ShieldRefusal(
                f"The field {refused[0]!r} is not known to the gateway and is not sent to a provider that "
                "is not in-house; remove it, or list it in [privacy] pass_fields",
                param=refused[0],
                code="unknown_field",
            )


def _bare(text: str) -> str:
    """Placeholders without brackets (`PERSON_1`) for names, which providers check against
    `^[a-zA-Z0-9_-]+$`; the restorer knows bare placeholders too."""
    return _BRACKETED.sub(r"\1", text)


def _deep(value: Any, p: Pseudonymiser, key: str | None = None) -> Any:
    """Every string inside `value` pseudonymised (dict keys too where they name schema properties)."""
    if isinstance(value, str):
        return _bare(p.pseudonymise(value)) if key == "name" else p.pseudonymise(value)
    if isinstance(value, list):
        return [_deep(v, p, key) for v in value]
    if isinstance(value, dict):
        named = key in _NAMED_KEYS
        return {(p.pseudonymise(k) if named else k): _deep(v, p, k) for k, v in value.items()}
    return value


def map_strings(value: Any, rewrite: Callable[[str], str], keys: bool = False) -> Any:
    """Every string inside a JSON-like value rewritten (and the keys of its objects, with `keys`)."""
    if isinstance(value, str):
        return rewrite(value)
    if isinstance(value, list):
        return [map_strings(v, rewrite, keys) for v in value]
    if isinstance(value, dict):
        return {(rewrite(k) if keys else k): map_strings(v, rewrite, keys) for k, v in value.items()}
    return value


def _json_strings(text: str, rewrite: Callable[[str], str]) -> str:
    """Tool-call arguments: each string (and key) inside the JSON rewritten, the JSON kept valid; text
    that is not JSON is rewritten as text."""
    try:
        obj = json.loads(text)
    except ValueError:
        return rewrite(text)

    rewritten = map_strings(obj, rewrite, keys=True)
    return text if rewritten == obj else json.dumps(rewritten, ensure_ascii=False)  # unchanged: as sent


def _part(part: Any, where: str, p: Pseudonymiser, out: Outbound) -> Any:
    kind = part.get("type") if isinstance(part, dict) else None
    if isinstance(kind, str) and kind in _TEXT_PARTS:
        return _deep(part, p)
    if not out.external or kind in out.pass_parts:
        return part  # an in-house model reads it, or the config lets it go unread
    if kind in UNREADABLE_PARTS:
        raise ShieldRefusal(
            f"A {kind!r} content part cannot be checked for personal data and is not sent to a provider "
            "that is not in-house; send text, use an in-house model, or list it in [privacy] pass_parts",
            param=where,
            code="unreadable_content",
        )
    raise ShieldRefusal(
        f"The content part type {kind!r} is not known to the gateway and is not sent to a provider that "
        "is not in-house",
        param=where,
        code="unknown_content_part",
    )


def _tool_call(call: Any, rewrite: Callable[[str], str]) -> Any:
    if not isinstance(call, dict):
        return call
    out = {k: rewrite(v) if isinstance(v, str) else v for k, v in call.items()}
    fn = call.get("function")
    if isinstance(fn, dict):
        out["function"] = {
            **fn,
            **({"name": _bare(rewrite(fn["name"]))} if isinstance(fn.get("name"), str) else {}),
            **(
                {"arguments": _json_strings(fn["arguments"], rewrite)}
                if isinstance(fn.get("arguments"), str)
                else {}
            ),
        }
    return out


def _message(msg: Any, i: int, p: Pseudonymiser, out: Outbound) -> Any:
    if not isinstance(msg, dict):
        return msg
    rewritten: dict[str, Any] = {}
    for key, value in msg.items():
        if key == "content" and isinstance(value, list):
            rewritten[key] = [
                _part(part, f"messages[{i}].content[{j}]", p, out) for j, part in enumerate(value)
            ]
        elif key == "tool_calls" and isinstance(value, list):
            rewritten[key] = [_tool_call(tc, p.pseudonymise) for tc in value]
        elif key == "role":  # validated against a closed list
            rewritten[key] = value
        else:
            rewritten[key] = _deep(value, p, key)
    return rewritten


def pseudonymise_body(
    endpoint: str, body: dict[str, Any], p: Pseudonymiser, out: Outbound | None = None
) -> dict[str, Any]:
    """A copy of `body` in which every string a model reads holds placeholders instead of personal data.
    Raises ShieldRefusal for what cannot be made safe for a provider that is not in-house."""
    out = out or Outbound()
    out.check_fields()
    rewritten: dict[str, Any] = {}
    for key, value in body.items():
        if key == "messages" and endpoint == "chat/completions" and isinstance(value, list):
            rewritten[key] = [_message(m, i, p, out) for i, m in enumerate(value)]
        elif key == "model":  # routed on, and replaced by the route's own model name
            rewritten[key] = value
        else:
            rewritten[key] = _deep(value, p, key)
    return rewritten


def restore_result(result: dict[str, Any], p: Pseudonymiser) -> dict[str, Any]:
    """Put the real values back into a non-streamed chat or completion answer (in place)."""
    if not p.active:
        return result
    for choice in result.get("choices") or []:
        if isinstance(choice.get("text"), str):
            choice["text"] = p.restore(choice["text"])
        message = choice.get("message")
        if isinstance(message, dict):
            for key in ("content", "refusal"):
                if isinstance(message.get(key), str):
                    message[key] = p.restore(message[key])
            if isinstance(message.get("tool_calls"), list):
                message["tool_calls"] = [_tool_call(tc, p.restore) for tc in message["tool_calls"]]
    return result


def _fragment(call: Any, p: Pseudonymiser) -> Any:
    """A streamed tool-call delta: fragments are restored piecewise (a split placeholder stays one)."""
    fn = call.get("function") if isinstance(call, dict) else None
    if not isinstance(fn, dict):
        return call
    restored = {
        k: p.restore(v) if k in ("name", "arguments") and isinstance(v, str) else v for k, v in fn.items()
    }
    return {**call, "function": restored}


class ChunkRestorer:
    """Restores placeholders across the chunks of one stream, one restorer per choice index."""

    def __init__(self, p: Pseudonymiser) -> None:
        self.p = p
        self._by_choice: dict[int, StreamRestorer] = {}

    def _restorer(self, index: int) -> StreamRestorer:
        found = self._by_choice.get(index)
        if found is None:
            found = self._by_choice[index] = self.p.restorer()
        return found

    def process(self, chunk: dict[str, Any]) -> None:
        for choice in chunk.get("choices") or []:
            restorer = self._restorer(int(choice.get("index") or 0))
            finished = choice.get("finish_reason") is not None
            delta = choice.get("delta")
            if isinstance(delta, dict):
                text = restorer.feed(delta["content"]) if isinstance(delta.get("content"), str) else None
                if finished:
                    text = (text or "") + restorer.flush()
                if text is not None and (text or "content" in delta):
                    delta["content"] = text
                if isinstance(delta.get("tool_calls"), list):
                    delta["tool_calls"] = [_fragment(tc, self.p) for tc in delta["tool_calls"]]
            elif isinstance(choice.get("text"), str):
                text = restorer.feed(choice["text"])
                choice["text"] = text + restorer.flush() if finished else text
