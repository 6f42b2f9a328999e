"""Grounded answers: passages retrieved for the question, answered with numbered citations.

Two modes. *Extractive* quotes the best passages verbatim, with the sentences that match the question
marked, and needs no generator: it is the default when the model is too small to be trusted (the
packaged one). *Generative* puts the numbered passages into the prompt within the model's context and asks
for an answer that cites them as [n]; the citations returned are the passages the answer refers to.
Every quote is a slice of a stored chunk, and its offsets are document offsets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from siyada.lang.analysis import index_terms, query_terms
from siyada.lang.sentences import sentence_spans

_MARKER = re.compile(r"\[(\d{1,2})\]")
CHARS_PER_TOKEN = 3  # conservative for Arabic and French with small-vocabulary tokenizers


def _overlap(query: set[str], text: str) -> float:
    terms = set(index_terms(text))
    return len(query & terms) / (1 + len(terms)) ** 0.5 if terms else 0.0


def best_sentences(question: str, text: str, keep: int = 2) -> list[tuple[int, int]]:
    """The sentences of `text` that share most terms with the question, in text order."""
    wanted = set(query_terms(question))
    scored = [(span, _overlap(wanted, text[span[0] : span[1]])) for span in sentence_spans(text)]
    top = sorted((x for x in scored if x[1] > 0), key=lambda x: -x[1])[:keep]
    return sorted(span for span, _ in top)


def citation(n: int, hit: dict[str, Any], question: str, window: bool = True) -> dict[str, Any]:
    """Citation n for a search hit: the quoted span (the matching sentences and their neighbours, or the
    whole chunk) and the highlighted sentences, all in document offsets."""
    chunk = hit["chunk"]
    text: str = chunk["text"]
    marks = best_sentences(question, text)
    lo, hi = 0, len(text)
    if window and marks:
        spans = sentence_spans(text)
        first = next(i for i, s in enumerate(spans) if s == marks[0])
        last = next(i for i, s in enumerate(spans) if s == marks[-1])
        lo, hi = spans[max(0, first - 1)][0], spans[min(len(spans) - 1, last + 1)][1]
    base = chunk["start"]
    return {
        "index": n,
        "collection": hit["collection"],
        "document_id": hit["document"]["id"],
        "document_name": hit["document"]["name"],
        "chunk_id": chunk["id"],
        "section": chunk["section"],
        "page": chunk["page"],
        "start": base + lo,
        "end": base + hi,
        "quote": text[lo:hi],
        "highlights": [{"start": base + s, "end": base + e} for s, e in marks if lo <= s and e <= hi],
        "score": hit["score"],
    }


def _is_arabic(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum("\u0600" <= c <= "\u06ff" for c in letters) > len(letters) / 2


def extractive_answer(question: str, hits: Sequence[dict[str, Any]], passages: int = 3) -> tuple[str, list]:
    """The best passages quoted verbatim with their matching sentences in **bold**, cited [n]."""
    if not hits:
        none = (
            "لم أجد أي مقطع ذي صلة في الوثائق."
            if _is_arabic(question)
            else ("Aucun passage pertinent n'a été trouvé dans les documents.")
        )
        return none, []
    cites = [citation(i + 1, h, question) for i, h in enumerate(hits[:passages])]
    lines = ["حسب الوثائق:" if _is_arabic(question) else "D'après les documents :", ""]
    for c in cites:
        lines.append(
            f"[{c['index']}] « {_bold(c)} » — {c['document_name']}"
            + (f", {c['section']}" if c["section"] else "")
        )
    return "\n".join(lines), cites


def _bold(c: dict[str, Any]) -> str:
    quote, base = c["quote"], c["start"]
    out, pos = [], 0
    for h in c["highlights"]:
        s, e = h["start"] - base, h["end"] - base
        out += [quote[pos:s], "**", quote[s:e], "**"]
        pos = e
    out.append(quote[pos:])
    return "".join(out).replace("\n", " ")


def grounded_messages(
    messages: list[dict[str, Any]], question: str, hits: Sequence[dict[str, Any]], budget_tokens: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Messages with the numbered passages that fit the budget prepended as a system message; returns
    them and the hits actually included."""
    arabic = _is_arabic(question)
    header = (
        "أجب عن السؤال اعتمادا على المقاطع المرقمة التالية فقط، واذكر رقم المقطع بين معقوفين مثل [1]. "
        "إذا لم تجد الجواب فيها فقل ذلك."
        if arabic
        else "Answer using only the numbered passages below and cite them like [1]. "
        "If they do not contain the answer, say so."
    )
    budget = budget_tokens * CHARS_PER_TOKEN - len(header)
    used, parts = [], []
    for i, hit in enumerate(hits):
        block = f"[{i + 1}] ({hit['document']['name']}) {hit['chunk']['text']}"
        if len(block) > budget:
            break
        budget -= len(block)
        used.append(hit)
        parts.append(block)
    system = {"role": "system", "content": header + "\n\n" + "\n\n".join(parts)}
    return [system, *messages], used


def cited_in(answer: str, hits: Sequence[dict[str, Any]], question: str) -> list[dict[str, Any]]:
    """Citations for the [n] markers the answer uses (each passage once, in first-use order)."""
    seen: list[int] = []
    for m in _MARKER.finditer(answer):
        n = int(m.group(1))
        if 1 <= n <= len(hits) and n not in seen:
            seen.append(n)
    return [citation(n, hits[n - 1], question, window=False) for n in seen]
