"""Pseudonymise OpenAI request bodies on the way to a model and restore the real values in its answer.

Only text a model reads is rewritten (message contents and text parts, tool-call arguments, completion
prompts, embedding inputs); token-id arrays and parameters are left as they are (completion prompts
given as token ids are checked by `token_prompts` instead). The mapping is the request's own
`Pseudonymiser`, so nothing of it outlives the request.
"""

from __future__ import annotations

from typing import Any

from siyada.privacy.operators import Pseudonymiser, StreamRestorer


def _text_parts(content: Any, p: Pseudonymiser) -> Any:
    if isinstance(content, str):
        return p.pseudonymise(content)
    if isinstance(content, list):
        return [
            {**part, "text": p.pseudonymise(part["text"])}
            if isinstance(part, dict) and isinstance(part.get("text"), str)
            else part
            for part in content
        ]
    return content


def _message(msg: dict[str, Any], p: Pseudonymiser) -> dict[str, Any]:
    out = {**msg}
    if "content" in msg:
        out["content"] = _text_parts(msg["content"], p)
    if isinstance(msg.get("tool_calls"), list):
        out["tool_calls"] = [_tool_call(tc, p.pseudonymise) for tc in msg["tool_calls"]]
    return out


def _tool_call(call: Any, rewrite: Any) -> Any:
    fn = call.get("function") if isinstance(call, dict) else None
    if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
        return {**call, "function": {**fn, "arguments": rewrite(fn["arguments"])}}
    return call


def _strings(value: Any, p: Pseudonymiser) -> Any:
    """A prompt or input: a string, or a list of strings (token-id lists pass through)."""
    if isinstance(value, str):
        return p.pseudonymise(value)
    if isinstance(value, list):
        return [p.pseudonymise(v) if isinstance(v, str) else v for v in value]
    return value


def pseudonymise_body(endpoint: str, body: dict[str, Any], p: Pseudonymiser) -> dict[str, Any]:
    """A copy of `body` in which the text a model reads holds placeholders instead of personal data."""
    out = {**body}
    if endpoint == "chat/completions" and isinstance(body.get("messages"), list):
        out["messages"] = [_message(m, p) if isinstance(m, dict) else m for m in body["messages"]]
    elif endpoint == "completions":
        out["prompt"] = _strings(body.get("prompt"), p)
    elif endpoint == "embeddings":
        out["input"] = _strings(body.get("input"), p)
    return out


def restore_result(result: dict[str, Any], p: Pseudonymiser) -> dict[str, Any]:
    """Put the real values back into a non-streamed chat or completion answer (in place)."""
    if not p.active:
        return result
    for choice in result.get("choices") or []:
        if isinstance(choice.get("text"), str):
            choice["text"] = p.restore(choice["text"])
        message = choice.get("message")
        if isinstance(message, dict):
            if isinstance(message.get("content"), str):
                message["content"] = p.restore(message["content"])
            if isinstance(message.get("tool_calls"), list):
                message["tool_calls"] = [_tool_call(tc, p.restore) for tc in message["tool_calls"]]
    return result


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
                    # Argument fragments are restored piecewise: a split placeholder stays a placeholder.
                    delta["tool_calls"] = [_tool_call(tc, self.p.restore) for tc in delta["tool_calls"]]
            elif isinstance(choice.get("text"), str):
                text = restorer.feed(choice["text"])
                choice["text"] = text + restorer.flush() if finished else text
