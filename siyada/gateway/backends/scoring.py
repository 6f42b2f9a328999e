"""Completions with log-probabilities on the embedded model: the prompt scored token by token (`echo`)
and the generated tokens with theirs, in the OpenAI / vLLM legacy shape.

llama-cpp-python returns every position's logits only from a model loaded with `logits_all=True`, which
keeps n_ctx × vocab floats for good (400 MB for a 2048 context and SmolLM2's 49k vocabulary) and slows
every generation. Instead the prompt is decoded here, on the generation model's own context and on its
worker thread, in chunks that ask llama.cpp for each position's logits; every chunk is reduced at once to
what the answer holds (the token's log-probability and the top N), so the extra memory is one chunk of
logits in llama.cpp's buffers (about 50 MB resident for SmolLM2, measured, against ~385 MB for a second
model loaded with `logits_all=True`). The Llama object's bookkeeping (`input_ids`, `n_tokens`) is left
as its own `eval()` leaves it, so a later generation may still reuse the KV-cache prefix. This reads
llama-cpp-python internals (`_ctx`, `_batch`): the dependency is pinned for that reason.

Sampling here is Siyada's own (temperature, top-k 40, min-p 0.05, top-p, OpenAI's presence/frequency
penalties over the generated tokens); greedy decoding (temperature 0) is the model's argmax, as in the
plain path. Reported log-probabilities are the model's raw log-softmax, before any sampling transform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from siyada.gateway.backends.base import CallContext
from siyada.gateway.backends.llama_model import LlamaModel

CHUNK = 128  # positions decoded per call: bounds llama.cpp's output buffer to CHUNK × vocab floats
_BLOCK = 16  # rows reduced at once
TOP_K, MIN_P = 40, 0.05  # llama-cpp-python's defaults, so both paths sample alike


@dataclass
class Sampling:
    """The request's generation parameters, with the plain path's defaults."""

    max_tokens: int
    temperature: float = 0.8
    top_p: float = 0.95
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    stop: list[str] = field(default_factory=list)
    seed: int | None = None
    top_n: int | None = None  # log-probabilities asked for: None, or the number of alternatives

    @classmethod
    def from_body(cls, body: dict[str, Any], max_tokens: int) -> Sampling:
        stop = body.get("stop") or []
        return cls(
            max_tokens=max_tokens,
            temperature=_given(body, "temperature", 0.8),
            top_p=_given(body, "top_p", 0.95),
            presence_penalty=_given(body, "presence_penalty", 0.0),
            frequency_penalty=_given(body, "frequency_penalty", 0.0),
            stop=[stop] if isinstance(stop, str) else list(stop),
            seed=body.get("seed"),
            top_n=body.get("logprobs"),
        )


def _given(body: dict[str, Any], key: str, default: float) -> float:
    value = body.get(key)
    return float(value) if value is not None else default


@dataclass
class Scored:
    """One completion: each token with its log-probability and its top alternatives (None where a
    position has nothing before it, or where log-probabilities were not asked for)."""

    tokens: list[int] = field(default_factory=list)
    logprobs: list[float | None] = field(default_factory=list)
    tops: list[dict[int, float] | None] = field(default_factory=list)
    n_prompt: int = 0  # how many of `tokens` are the echoed prompt
    text: bytes = b""  # the generated text (stop sequence cut off)
    finish: str = "length"
    completion_tokens: int = 0  # sampled tokens, the end-of-sequence token included (as vLLM counts)

    def add(
        self, token: int, row: np.ndarray | None = None, lse: float = 0.0, top_n: int | None = None
    ) -> None:
        """Note a token; with the raw logits that predicted it and their log-sum-exp, its log-probability
        and the `top_n` best alternatives."""
        self.tokens.append(token)
        if row is None or top_n is None:
            self.logprobs.append(None)
            self.tops.append(None)
            return
        self.logprobs.append(float(row[token]) - lse)
        self.tops.append(_top(row, lse, token, top_n))


def _logsumexp(logits: np.ndarray) -> np.ndarray:
    """Each row's log-sum-exp (log-softmax is logit - this), a few rows at a time so that temporaries
    stay small: only the token's and the top N's log-probabilities are ever needed, not the matrix."""
    out = np.empty(len(logits), dtype=np.float64)
    for i in range(0, len(logits), _BLOCK):
        block = logits[i : i + _BLOCK]
        peak = block.max(axis=1)
        out[i : i + _BLOCK] = peak + np.log(np.exp(block - peak[:, None]).sum(axis=1, dtype=np.float64))
    return out


def _top(row: np.ndarray, lse: float, token: int, n: int) -> dict[int, float]:
    """The n most likely tokens with their log-probabilities, and the actual token (as vLLM does)."""
    best: dict[int, float] = {}
    if n > 0:
        idx = np.argpartition(-row, n - 1)[:n]
        for i in idx[np.argsort(-row[idx], kind="stable")]:
            best[int(i)] = float(row[i]) - lse
    best.setdefault(token, float(row[token]) - lse)
    return best


def _decode(m: LlamaModel, tokens: list[int], start: int, every: bool) -> np.ndarray:
    """Decode `tokens` at positions start..; a view of the logits of every position (or of the last)."""
    llm = m.llm
    llm._batch.set_batch(batch=tokens, n_past=start, logits_all=every)
    llm._ctx.decode(llm._batch)
    llm.input_ids[start : start + len(tokens)] = tokens
    llm.n_tokens = start + len(tokens)
    llm._requires_eval = False
    rows = len(tokens) if every else 1
    return np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(rows, m.n_vocab))


def _forget(m: LlamaModel) -> None:
    """Empty the context: every prompt position's logits must be computed afresh."""
    m.llm.n_tokens = 0
    m.llm._ctx.kv_cache_seq_rm(-1, 0, -1)


def _score_prompt(
    m: LlamaModel, prompt: list[int], top_n: int | None, out: Scored | None, ctx: CallContext
) -> np.ndarray:
    """Decode the prompt, noting each token's log-probability in `out` when it is given; return the raw
    logits that predict the first token after the prompt."""
    before: tuple[np.ndarray, float] | None = None  # what predicts the chunk's first token
    last = np.empty(0, dtype=np.float32)
    for start in range(0, len(prompt), CHUNK):
        if ctx.cancelled:
            raise _Cancelled
        chunk = prompt[start : start + CHUNK]
        logits = _decode(m, chunk, start, every=out is not None)  # valid until the next decode
        if out is not None:
            lse = _logsumexp(logits)
            for i, token in enumerate(chunk):
                # Position p is predicted by the logits of position p - 1; the first has none.
                if i > 0:
                    out.add(token, logits[i - 1], float(lse[i - 1]), top_n)
                elif before is not None:
                    out.add(token, before[0], before[1], top_n)
                else:
                    out.add(token)
            before = (logits[-1].copy(), float(lse[-1]))
        last = logits[-1].copy()
    return last


class _Cancelled(Exception):
    """The caller went away: stop decoding."""


def _choose(logits: np.ndarray, s: Sampling, counts: dict[int, int], rng: np.random.Generator) -> int:
    if counts and (s.presence_penalty or s.frequency_penalty):
        logits = logits.copy()
        for token, n in counts.items():
            logits[token] -= s.frequency_penalty * n + s.presence_penalty
    if s.temperature == 0:
        return int(np.argmax(logits))
    scaled = logits.astype(np.float64) / s.temperature
    idx = np.argpartition(-scaled, TOP_K - 1)[:TOP_K]
    idx = idx[np.argsort(-scaled[idx])]
    probs = np.exp(scaled[idx] - scaled[idx[0]])
    probs /= probs.sum()
    keep = probs >= MIN_P * probs[0]
    cumulative = np.cumsum(probs)
    keep &= np.concatenate(([True], cumulative[:-1] < s.top_p))
    probs = np.where(keep, probs, 0.0)
    return int(idx[rng.choice(len(idx), p=probs / probs.sum())])


def _stop_at(text: bytes, stops: list[str]) -> int | None:
    decoded = text.decode("utf-8", errors="ignore")
    cuts = [decoded.find(s) for s in stops if s and s in decoded]
    return len(decoded[: min(cuts)].encode("utf-8")) if cuts else None


def complete(m: LlamaModel, prompt: list[int], s: Sampling, echo: bool, ctx: CallContext) -> Scored:
    """Score the prompt (when echoing with log-probabilities) and generate up to `s.max_tokens` tokens,
    on the calling (worker) thread."""
    out = Scored(n_prompt=len(prompt) if echo else 0)
    try:
        _forget(m)
        if echo and s.top_n is not None:
            logits = _score_prompt(m, prompt, s.top_n, out, ctx)
        else:
            if echo:
                for token in prompt:
                    out.add(token)
            logits = _score_prompt(m, prompt, None, None, ctx) if s.max_tokens > 0 else None
        if logits is not None:
            _generate(m, logits, len(prompt), s, out, ctx)
    except _Cancelled:
        out.finish = "stop"
    return out


def _generate(
    m: LlamaModel, logits: np.ndarray, pos: int, s: Sampling, out: Scored, ctx: CallContext
) -> None:
    rng = np.random.default_rng(None if s.seed is None else int(s.seed) & 0xFFFFFFFF)
    eos = m.llm.token_eos()
    counts: dict[int, int] = {}
    pieces: list[tuple[int, int]] = []  # (index in out.tokens, byte offset in the text) per token
    for step in range(s.max_tokens):
        if ctx.cancelled:
            raise _Cancelled
        token = _choose(logits, s, counts, rng)
        out.completion_tokens += 1
        if token == eos:
            out.finish = "stop"
            return
        pieces.append((len(out.tokens), len(out.text)))
        if s.top_n is not None:
            out.add(token, logits, float(_logsumexp(logits[None, :])[0]), s.top_n)
        else:
            out.add(token)
        out.text += m.piece(token)
        counts[token] = counts.get(token, 0) + 1
        cut = _stop_at(out.text, s.stop) if s.stop else None
        if cut is not None:
            _cut(out, pieces, cut)
            out.finish = "stop"
            return
        if step + 1 < s.max_tokens:
            logits = _decode(m, [token], pos, every=False)[-1].copy()
            pos += 1
    out.finish = "length"


def _cut(out: Scored, pieces: list[tuple[int, int]], cut: int) -> None:
    """Drop the stop sequence from the text, and the tokens that lie wholly inside it or after it."""
    out.text = out.text[:cut]
    keep = next((index for index, offset in pieces if offset >= cut), len(out.tokens))
    del out.tokens[keep:], out.logprobs[keep:], out.tops[keep:]


def logprobs_object(m: LlamaModel, scored: Scored) -> dict[str, Any]:
    """`choices[i].logprobs` of a legacy completion: token strings, their log-probabilities (None for
    the first prompt token), the top alternatives by token string, and each token's character offset
    in the text (the running length of the token strings, as vLLM computes it)."""
    strings = [_piece_text(m, t) for t in scored.tokens]
    offsets, at = [], 0
    for text in strings:
        offsets.append(at)
        at += len(text)
    tops: list[dict[str, float] | None] = []
    for top in scored.tops:
        if top is None:
            tops.append(None)
            continue
        named: dict[str, float] = {}
        for token, lp in top.items():
            named.setdefault(_piece_text(m, token), lp)  # two ids may share a string: keep the likelier
        tops.append(named)
    return {
        "tokens": strings,
        "token_logprobs": scored.logprobs,
        "top_logprobs": tops,
        "text_offset": offsets,
    }


def _piece_text(m: LlamaModel, token: int) -> str:
    return m.piece(token).decode("utf-8", errors="replace")
