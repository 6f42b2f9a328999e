"""Prompts: a task's template per language, filled from an item, with few-shot examples before it.

Templates are `str.format` strings over the item's fields plus `choices` (lettered lines) for multiple
choice. A chat prompt puts each shot as a user turn and its answer as an assistant turn; the
log-likelihood form (multiple choice) is plain text, as lm-evaluation-harness scores it.
"""

from __future__ import annotations

import random
import re
import string
from typing import Any

from siyada.evaluation.spec import SpecError, TaskSpec

LETTERS = string.ascii_uppercase


def _fields(item: dict[str, Any]) -> dict[str, Any]:
    fields = dict(item)
    if "choices" in item:
        fields["choices"] = "\n".join(f"{LETTERS[i]}. {c}" for i, c in enumerate(item["choices"]))
    fields.setdefault("context", "")
    return fields


def render(template: str, item: dict[str, Any]) -> str:
    try:
        return template.format(**_fields(item))
    except (KeyError, IndexError, ValueError) as exc:
        raise SpecError(f"prompt template needs a field the item lacks: {exc}") from exc


def target(item: dict[str, Any], lettered: bool = False) -> str:
    """The answer a shot shows: the first reference, or the right choice (its letter when lettered)."""
    if "choices" in item:
        label = int(item["label"])
        return LETTERS[label] if lettered else str(item["choices"][label])
    return str(item["references"][0])


def shots(spec: TaskSpec, item: dict[str, Any], pool: list[dict[str, Any]], seed: int) -> list[dict]:
    """The item's few-shot examples: drawn from the pool with a seed tied to the item, so a resumed or
    repeated run asks exactly the same prompts."""
    if not spec.fewshot or not pool:
        return []
    rng = random.Random(f"{seed}:{item['id']}")
    same_lang = [p for p in pool if p.get("lang") == item.get("lang")] or pool
    return rng.sample(same_lang, min(spec.fewshot, len(same_lang)))


def chat_messages(
    spec: TaskSpec, item: dict[str, Any], examples: list[dict[str, Any]], lettered: bool = False
) -> list[dict[str, str]]:
    prompt = spec.prompt_for(item.get("lang", ""))
    messages: list[dict[str, str]] = []
    if prompt.system:
        messages.append({"role": "system", "content": render(prompt.system, item)})
    for shot in examples:
        messages.append({"role": "user", "content": render(prompt.user, shot)})
        messages.append({"role": "assistant", "content": target(shot, lettered)})
    messages.append({"role": "user", "content": render(prompt.user, item)})
    return messages


def plain_prompt(spec: TaskSpec, item: dict[str, Any], examples: list[dict[str, Any]]) -> str:
    """Few-shot text for log-likelihood scoring: each shot followed by its answer, then the item."""
    prompt = spec.prompt_for(item.get("lang", ""))
    parts = [render(prompt.system, item)] if prompt.system else []
    parts += [f"{render(prompt.user, shot)} {target(shot)}" for shot in examples]
    parts.append(render(prompt.user, item))
    return "\n\n".join(parts)


def clean_answer(text: str) -> str:
    """A generated answer as scored: its first non-empty line, without quotes or a leading label."""
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            line = re.sub(r"^(answer|réponse|الجواب|الإجابة)\s*[:：]\s*", "", line, flags=re.I)
            return line.strip(" \"'«»“”")
    return ""


def parse_choice(text: str, choices: list[str]) -> int | None:
    """The choice a generated answer names: a letter on its own, or the text of one choice."""
    answer = (text or "").strip()
    letters = LETTERS[: len(choices)]
    match = re.match(rf"^\(?([{letters}])\b", answer) or re.search(
        rf"\b(?:answer|réponse)\s*(?:is|est)?\s*[:：]?\s*\(?([{letters}])\b", answer, re.I
    )
    if match:
        return letters.index(match.group(1).upper())
    lowered = answer.lower()
    named = [i for i, c in enumerate(choices) if c.lower() in lowered]
    return named[0] if len(named) == 1 else None


def parse_score(text: str, low: int, high: int) -> int | None:
    """The first integer within [low, high] in a judge's reply."""
    for found in re.findall(r"\d+", text or ""):
        value = int(found)
        if low <= value <= high:
            return value
    return None
