"""Why a collection needs `siyada collections reindex`, read off the two versions it records: the
embedding model's vector space (siyada.knowledge.reindex) and the analysis version of its lexical terms
(siyada.knowledge.lexical_rebuild). Apart from both so that the collection listing can say it without
importing the code that rebuilds."""

from __future__ import annotations

from typing import Any

from siyada.lang.analysis import ANALYSIS_VERSION

EMBEDDING_IN_PROGRESS = ""  # the space of a collection being re-embedded
LEXICAL_IN_PROGRESS = 0  # the lexical version of a collection whose terms are being rebuilt


def lexical_reason(collection: Any) -> str | None:
    """Why the collection's lexical terms are not the analysis's as it is now (None when they are)."""
    stored = collection.lexical_version
    if stored == ANALYSIS_VERSION:
        return None
    if stored == LEXICAL_IN_PROGRESS:
        return "its lexical terms are being rebuilt (an interrupted reindex: run it again)"
    made = "before analysis versions" if stored is None else f"with analysis version {stored}"
    return f"its lexical terms were made {made}; this version analyses text as version {ANALYSIS_VERSION}"


def reindex_reason(collection: Any) -> str | None:
    """Why the collection needs a reindex, as far as the store can tell without loading its model (a
    changed model is found by the searches it refuses); None when it does not."""
    reasons = [lexical_reason(collection)]
    if collection.embedding_space == EMBEDDING_IN_PROGRESS:
        reasons.append("it is being re-embedded (an interrupted reindex: run it again)")
    found = [r for r in reasons if r]
    return "; ".join(found) if found else None
