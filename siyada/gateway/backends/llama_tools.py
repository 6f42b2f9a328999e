"""Tools and JSON on the embedded backend: the conversation the model sees, and its output read back.

The model is told what it may call (a system message) and earlier calls and results are written into the
conversation as text, since small chat templates know nothing of tools. Its grammar-held output
(`grammar.py`) is read incrementally: a call becomes OpenAI `tool_calls` deltas (the header with id and
name once the name is complete, then argument fragments), anything else is content.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import orjson

from siyada.gateway.backends.base import ProviderError
from siyada.gateway.backends.grammar import CALL_ARGS, CALL_HEAD, Plan, check
from siyada.gateway.backends.llama_model import plain_message

_HEAD = re.compile(re.escape(CALL_HEAD) + r"([A-Za-z0-9_-]{1,64})" + re.escape(CALL_ARGS))


def conversation(body: dict[str, Any], plan: Plan, template: str) -> list[dict[str, Any]]:
    """The messages as the chat template gets them, with the plan's instructions and tool turns as text."""
    tool_role = "tool" if "tool" in template else "user"
    out: list[dict[str, Any]] = []
    for m in body["messages"]:
        msg = plain_message(m)
        calls = m.get("tool_calls") or []
        if calls:
            written = [
                orjson.dumps(
                    {"name": c["function"]["name"], "arguments": _loaded(c["function"]["arguments"])}
                ).decode()
                for c in calls
            ]
            msg["content"] = (msg["content"] + "\n" if msg["content"] else "") + "\n".join(written)
        if m.get("role") == "tool":
            msg = {"role": tool_role, "content": f"Function result: {msg['content']}"}
        out.append(msg)
    if plan.instructions:
        if out and out[0]["role"] == "system":
            out[0] = {**out[0], "content": out[0]["content"] + "\n\n" + plan.instructions}
        else:
            out.insert(0, {"role": "system", "content": plan.instructions.strip()})
    return out


def _loaded(arguments: Any) -> Any:
    try:
        return orjson.loads(arguments) if isinstance(arguments, str) else arguments
    except orjson.JSONDecodeError:
        return arguments


@dataclass
class ToolDelta:
    """One streamed piece of a tool call: the header (id and name) once, then argument text."""

    id: str | None
    name: str | None
    arguments: str

    def wire(self) -> dict[str, Any]:
        if self.id is None:
            return {"index": 0, "function": {"arguments": self.arguments}}
        return {
            "index": 0,
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": self.arguments},
        }


class OutputReader:
    """Turns generated text into content pieces and ToolDeltas; validates the whole at the end."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.text = ""
        self.mode: str | None = None if plan.calls else "content"
        self.name: str | None = None
        self.args = ""  # argument text sent so far
        self.call_id = "call_" + uuid.uuid4().hex[:24]

    def feed(self, piece: str) -> list[str | ToolDelta]:
        self.text += piece
        if self.mode == "content":
            return [piece] if piece else []
        if self.mode is None:
            return self._decide()
        return self._arguments(final=False)

    def _decide(self) -> list[str | ToolDelta]:
        head = self.text[: len(CALL_HEAD)]
        if not CALL_HEAD.startswith(head):
            self.mode = "content"
            return [self.text]
        match = _HEAD.match(self.text)
        if match is None:
            return []  # not yet known
        self.mode, self.name = "call", match.group(1)
        out: list[str | ToolDelta] = [ToolDelta(self.call_id, self.name, "")]
        return out + self._arguments(final=False)

    def _arguments(self, *, final: bool) -> list[str | ToolDelta]:
        match = _HEAD.match(self.text)
        assert match is not None
        body = self.text[match.end() :]
        # The closing "}" of the call is held back until the end (it is not part of the arguments).
        upto = body.rstrip()[:-1] if final and body.rstrip().endswith("}") else body[:-1]
        if final:
            upto = upto.rstrip()
        new = upto[len(self.args) :] if upto.startswith(self.args) else ""
        self.args += new
        return [ToolDelta(None, None, new)] if new else []

    def finish(self, reason: str | None) -> tuple[list[str | ToolDelta], str]:
        """The last pieces and the finish reason; a complete output that does not validate is an error."""
        out: list[str | ToolDelta] = []
        if self.mode is None:  # ended before a call could be told from text
            self.mode = "content"
            out.append(self.text)
        elif self.mode == "call":
            out = self._arguments(final=True)
        reason = reason or "stop"
        if reason != "stop":
            return out, reason  # cut by the length limit: reported as such, like OpenAI
        try:
            if self.mode == "call":
                assert self.name is not None
                check(self.plan.tools[self.name], self.args)
                return out, "tool_calls"
            if self.plan.json:
                check(self.plan.schema_validator, self.text)
        except (ValueError, AssertionError) as exc:
            raise ProviderError(
                f"the model's output did not validate against the requested shape: {exc}",
                retryable=False,
                status=502,
            ) from exc
        return out, reason

    def message(self) -> dict[str, Any]:
        """The whole assistant message (non-streaming)."""
        if self.mode == "call":
            call = {"id": self.call_id, "type": "function"}
            call["function"] = {"name": self.name, "arguments": self.args}  # type: ignore[assignment]
            return {"role": "assistant", "content": None, "tool_calls": [call]}
        return {"role": "assistant", "content": self.text}
