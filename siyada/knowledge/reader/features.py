"""What the reader sees, shared by training and inference: `<s> query: QUESTION </s> PASSAGE-WINDOW </s>`,
the question cut to Q_MAX tokens, the passage cut into windows of at most MAX_LEN tokens in all,
overlapping by half, so any passage is read in bounded pieces and every answer of up to ~64 tokens lies
whole inside some window. Position 0 (`<s>`) is the no-answer position (SQuAD 2 style)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from siyada.knowledge.reader.tokenizer import Tokenizer, Tokens

Q_MAX = 64  # question tokens
Q_CHARS = 1024  # a pasted page as a question is cut before tokenising: bounded work
MAX_LEN = 256  # tokens per window, specials included
STRIDE = 128  # passage tokens between window starts


@dataclass(frozen=True)
class Window:
    ids: np.ndarray  # int64 [n]: <s> question </s> passage-part </s>
    first: int  # index in `ids` of the window's first passage token
    token0: int  # index in the passage's tokens of that token
    starts: np.ndarray  # character offsets in the passage of the window's passage tokens
    ends: np.ndarray


def question_ids(tok: Tokenizer, question: str) -> np.ndarray:
    return tok.encode("query: " + question[:Q_CHARS]).ids[:Q_MAX]


def windows(
    tok: Tokenizer,
    q_ids: np.ndarray,
    passage: Tokens,
    max_windows: int | None = None,
    max_len: int = MAX_LEN,
) -> list[Window]:
    head = np.concatenate([[tok.bos], q_ids, [tok.eos]]).astype(np.int64)
    width = max(max_len - len(head) - 1, 8)
    # half-overlapping windows, so that no answer shorter than half a window is cut by every one
    stride = STRIDE if max_len == MAX_LEN else max(width // 2, 4)
    out: list[Window] = []
    n = len(passage)
    for a in range(0, max(n, 1), stride):
        b = min(a + width, n)
        ids = np.concatenate([head, passage.ids[a:b], [tok.eos]]).astype(np.int64)
        out.append(Window(ids, len(head), a, passage.starts[a:b], passage.ends[a:b]))
        if b >= n or (max_windows is not None and len(out) >= max_windows):
            break
    return out
