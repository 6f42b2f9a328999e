"""The shapes a completion `prompt` takes on the wire, made into one list of prompts.

OpenAI's legacy completions accept a string, a list of strings, one list of token ids, or a list of
token-id lists; each item of a list is one prompt of a batch and gets its own choice.
"""

from __future__ import annotations

from typing import Any

MAX_PROMPTS = 64  # prompts in one completion request (a batch is served one prompt after the other)

Prompt = str | list[int]


def _is_ids(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(x, int) for x in value)


def split_prompts(prompt: Any) -> list[Prompt]:
    """The prompts of a request body's `prompt`, in order: each a string or a list of token ids."""
    if isinstance(prompt, str):
        return [prompt]
    if _is_ids(prompt):
        return [list(prompt)]
    if isinstance(prompt, list):
        return [p if isinstance(p, str) else list(p) for p in prompt]
    return []


def token_prompts(prompt: Any) -> list[list[int]]:
    """The prompts of a body given as token ids (empty when they are all text)."""
    return [p for p in split_prompts(prompt) if not isinstance(p, str)]
