"""One prediction per item, by task type, through the gateway's public API.

Generation-like tasks ask `/v1/chat/completions` at temperature 0 with a fixed seed; multiple choice
scores every choice's log-likelihood through `/v1/completions` (echo + logprobs) when the backend gives
prompt log-probabilities, and otherwise parses a generated letter; retrieval searches a collection the
runner filled with the task's corpus; personal-data detection calls the privacy module's analyzer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from siyada.evaluation.client import EvalCallError, LabClient
from siyada.evaluation.prompts import (
    chat_messages,
    clean_answer,
    parse_choice,
    parse_score,
    plain_prompt,
    render,
    shots,
)
from siyada.evaluation.spec import TaskSpec


@dataclass
class Context:
    """What every prediction of one task in one run shares."""

    client: LabClient
    spec: TaskSpec
    model: str
    seed: int
    pool: list[dict[str, Any]]
    collection: str | None = None  # retrieval: where the corpus was ingested
    mode: str | None = None  # retrieval: lexical | semantic | hybrid (None: the server's default)
    judge_model: str | None = None
    use_cache: bool = True
    mc_method: str = "auto"  # settles on loglikelihood or parse at the first item
    notes: dict[str, Any] = field(default_factory=dict)


Prediction = tuple[Any, dict[str, Any]]  # (what the metrics read, what the report shows)


async def _chat(ctx: Context, model: str, messages: list[dict[str, str]], max_tokens: int) -> str:
    gen = ctx.spec.generation
    body: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "temperature": gen.temperature,
        "max_tokens": max_tokens,
        "seed": ctx.seed,
    }
    if gen.stop:
        body["stop"] = gen.stop
    response = await ctx.client.post("/v1/chat/completions", body, cache=ctx.use_cache)
    return str(response["choices"][0]["message"].get("content") or "")


async def generate(ctx: Context, item: dict[str, Any]) -> Prediction:
    messages = chat_messages(ctx.spec, item, shots(ctx.spec, item, ctx.pool, ctx.seed))
    raw = await _chat(ctx, ctx.model, messages, ctx.spec.generation.max_tokens)
    answer = clean_answer(raw)
    return answer, {"prompt": messages[-1]["content"], "raw": raw, "references": item["references"]}


async def judge(ctx: Context, item: dict[str, Any]) -> Prediction:
    """The model answers; the task's declared judge scores the answer against the reference."""
    answer, detail = await generate(ctx, item)
    rubric = ctx.spec.judge
    assert rubric is not None
    filled = render(rubric.rubric, {**item, "answer": answer, "reference": item["references"][0]})
    verdict = await _chat(
        ctx, ctx.judge_model or rubric.model, [{"role": "user", "content": filled}], rubric.max_tokens
    )
    score = parse_score(verdict, rubric.min_score, rubric.max_score)
    span = rubric.max_score - rubric.min_score
    normalised = (score - rubric.min_score) / span if score is not None and span else None
    detail.update({"judge": verdict, "judge_score": score})
    return {"text": answer, "score": normalised}, detail


async def _loglikelihoods(ctx: Context, prompt: str, choices: list[str]) -> list[float]:
    """Sum of the log-probabilities of each choice's tokens after the prompt (OpenAI legacy echo)."""
    texts = [f"{prompt} {c}" for c in choices]
    body = {
        "model": ctx.model,
        "prompt": texts,
        "max_tokens": 1,
        "temperature": 0,
        "echo": True,
        "logprobs": 1,
        "seed": ctx.seed,
    }
    response = await ctx.client.post("/v1/completions", body, cache=ctx.use_cache)
    by_index = sorted(response["choices"], key=lambda c: c["index"])
    sums = []
    if len(by_index) != len(texts) or any(not c.get("logprobs") for c in by_index):
        raise EvalCallError("the backend returned no prompt log-probabilities (echo + logprobs)", 501)
    for text, choice in zip(texts, by_index, strict=True):
        lp = choice["logprobs"]
        total = 0.0
        # Tokens that start at or after the prompt's end and inside the scored text are the choice's;
        # the one generated token after them is not scored.
        for offset, value in zip(lp["text_offset"], lp["token_logprobs"], strict=True):
            if len(prompt) <= offset < len(text) and value is not None:
                total += float(value)
        sums.append(total)
    return sums


async def multiple_choice(ctx: Context, item: dict[str, Any]) -> Prediction:
    examples = shots(ctx.spec, item, ctx.pool, ctx.seed)
    if ctx.mc_method in ("auto", "loglikelihood"):
        prompt = plain_prompt(ctx.spec, item, examples)
        try:
            scores = await _loglikelihoods(ctx, prompt, list(item["choices"]))
        except EvalCallError as exc:
            if ctx.mc_method == "loglikelihood":
                raise
            # The backend gives no prompt log-probabilities: parse generated letters instead.
            ctx.mc_method = "parse"
            ctx.notes["mc_fallback"] = str(exc)[:300]
        else:
            ctx.mc_method = "loglikelihood"
            best = max(range(len(scores)), key=scores.__getitem__)
            return best, {
                "prompt": prompt,
                "loglikelihoods": scores,
                "choices": item["choices"],
                "label": item["label"],
                "method": "loglikelihood",
            }
    messages = chat_messages(ctx.spec, item, examples, lettered=True)
    raw = await _chat(ctx, ctx.model, messages, ctx.spec.generation.max_tokens)
    picked = parse_choice(raw, list(item["choices"]))
    return picked, {
        "prompt": messages[-1]["content"],
        "raw": raw,
        "choices": item["choices"],
        "label": item["label"],
        "method": "parse",
    }


async def retrieve(ctx: Context, item: dict[str, Any]) -> Prediction:
    body: dict[str, Any] = {"query": item["query"], "collections": [ctx.collection], "k": ctx.spec.k}
    if ctx.mode:
        body["mode"] = ctx.mode
    # Searches are cheap and depend on the index, not only on the request: never cached.
    response = await ctx.client.post("/v1/search", body, cache=False)
    ranked: list[str] = []
    for hit in response["data"]:
        doc_id = str((hit["document"].get("metadata") or {}).get("id", hit["document"]["id"]))
        if doc_id not in ranked:
            ranked.append(doc_id)
    return ranked, {"query": item["query"], "relevant": item["relevant"], "ranked": ranked[:10]}


async def detect(ctx: Context, item: dict[str, Any]) -> Prediction:
    response = await ctx.client.post("/v1/privacy/analyze", {"text": item["text"]}, cache=False)
    spans = [[e["start"], e["end"], e["type"]] for e in response["data"]]
    gold = [[e["start"], e["end"], e["type"]] for e in item["entities"]]
    return spans, {"text": item["text"], "gold": gold, "found": spans}


PREDICTORS = {
    "generation": generate,
    "transliteration": generate,
    "qa": generate,
    "judge": judge,
    "multiple_choice": multiple_choice,
    "retrieval": retrieve,
    "pii": detect,
}
