"""Grounded answers: passages retrieved for the question, answered with numbered citations.

Two modes. *Extractive* quotes the sentence or clause of the best passages that answers (see
siyada.knowledge.extract), or says "not found" when the evidence is weak, and needs no generator: it
is the default when the model is too small to be trusted (the packaged one). *Generative* puts the
numbered passages into the prompt within the model's context and asks for an answer that cites them
as [n]; the citations returned are the passages the answer refers to.
Every quote is a slice of a stored chunk, and its offsets are document offsets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from siyada.knowledge import abstain
from siyada.knowledge.choice import DEFAULT, Key, Read, choose, read_best
from siyada.knowledge.extract import (
    Candidate,
    Embed,
    evidence,
    question_words,
    rank_candidates,
    shorten,
    strip_markup,
)
from siyada.knowledge.reading import MIN_MASS, read_sentence, shortest_window
from siyada.knowledge.spans import trim_edges
from siyada.knowledge.typed import typed_phrase
from siyada.lang.analysis import index_terms, latin_language, query_terms
from siyada.lang.sentences import sentence_spans

_MARKER = re.compile(r"\[(\d{1,2})\]")
MIN_EVIDENCE = 0.92  # [knowledge] answer_min_evidence: abstention without an embedder (lexical only)
READER = False  # [knowledge] answer_reader: quote the reader's words inside the chosen sentence (reading.py)
# [knowledge] answer_typed: a date or number question gets its one date or number phrase (typed.py)
TYPED = True
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


def answer_language(question: str) -> str:
    """ "ar", "ary-Latn" (Darija in Latin letters), "fr" or "en": the language the answer is framed in."""
    if _is_arabic(question):
        return "ar"
    lang = latin_language(question)
    if lang == "ary-Latn" or (
        lang is None and re.search(r"[a-z][3795][a-z]|\b[3795][a-z]", question.lower())
    ):
        return "ary-Latn"
    return "fr" if lang == "fr" else ("en" if lang == "en" else _french_or_english(question))


def _french_or_english(question: str) -> str:
    french = re.search(
        r"(?i)\b(?:le|la|les|des|est|quel|quelle|quand|combien|qui|où|pour|une?)\b|[éèàç]", question
    )
    return "fr" if french else "en"


FRAMES = {
    "ar": "حسب [{n}]: ",
    "ary-Latn": "3la 7sab [{n}]: ",
    "fr": "D'après [{n}] : ",
    "en": "According to [{n}]: ",
}
NOT_FOUND = {
    "ar": ("لم أجد الجواب في الوثائق.", "أقرب الوثائق: "),
    "ary-Latn": ("Ma l9itch l-jawab f l-watha2i9.", "L-watha2i9 l-9rab: "),
    "fr": ("Je n'ai pas trouvé la réponse dans les documents.", "Documents les plus proches : "),
    "en": ("I did not find the answer in the documents.", "Nearest documents: "),
}
SEPARATOR = {"ar": "، "}


def isolate(text: str) -> str:
    """`text` between U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE, so an Arabic quote in
    a French frame (or the reverse) keeps its own direction in any client; the quote's own isolate and
    embedding controls are removed first, so the pair always balances."""
    return "\u2068" + re.sub("[\u2066-\u2069\u202a-\u202e]", "", text) + "\u2069"


def not_found(question: str, hits: Sequence[dict[str, Any]], nearest: int = 3) -> str:
    """ "Not found" in the question's language, with the names of the nearest documents."""
    lang = answer_language(question)
    head, listing = NOT_FOUND[lang]
    names = list(dict.fromkeys(h["document"]["name"] for h in hits))[:nearest]
    if not names:
        return head
    return head + " " + listing + SEPARATOR.get(lang, ", ").join(isolate(n) for n in names)


def extractive_answer(
    question: str,
    hits: Sequence[dict[str, Any]],
    embed: Embed | None = None,
    min_evidence: float = MIN_EVIDENCE,
    reader: bool = READER,
    trim: bool = False,
    reader_min_mass: float = MIN_MASS,
    abstain_threshold: float | None = None,
    typed: bool = TYPED,
    choices: int = DEFAULT,
) -> tuple[str, list[dict[str, Any]]]:
    """The text that best answers the question, markup stripped, isolated, cited [1] in a frame in the
    question's language: the best sentence or clause, or with `reader` (when its weights are installed
    and it puts at least `reader_min_mass` of its probability there) the few words of that sentence
    where the reader finds the answer; or "not found" with the nearest documents and no citation when
    the calibrated probability that the passages do not hold the answer exceeds `abstain_threshold`
    (None: the calibrated threshold; siyada.knowledge.abstain) or, without an embedder, when the
    lexical evidence is below `min_evidence`. `trim` (instead of the reader) cuts the question's own
    words off the quote's edges (off by default: it costs `contains`, docs/benchmarks.md, third round).
    With `typed`, a date or number question whose chosen sentence holds exactly one date or number
    phrase that the question does not hold gets that phrase (siyada.knowledge.typed) before the reader.
    With an embedder and the reader's weights, the reader reads the `choices` best sentences and has a
    say in which is quoted (siyada.knowledge.choice; 0, the default, or 1: the extractor's choice alone)."""
    ranked = rank_candidates(question, hits, embed)
    if not ranked or (embed is None and evidence(ranked[0], question, False) < min_evidence):
        return not_found(question, hits), []
    calibration = abstain.load()
    reads: dict[Key, Read] = {}
    if embed is not None:  # decided on the extractor's ranking, on which the abstention model was fitted
        p_none = None
        if calibration.wants_reader:  # the sentence choice's reads first: the no-answer feature reuses them
            reads = read_best(question, hits, ranked, choices)
            p_none = _p_none(question, hits, ranked[0], reads)
        if abstain.should_abstain(question, ranked, hits, p_none, abstain_threshold, calibration):
            return not_found(question, hits), []
        if not calibration.wants_reader:  # read only for an answer that is given
            reads = read_best(question, hits, ranked, choices)
    best = choose(ranked, reads)[0]
    # the citation quotes the stored text verbatim (the candidate's line breaks were unwrapped)
    where, start, end = best.hit, best.start, best.end
    chunk_text: str = hits[where]["chunk"]["text"]
    sentence = (best.sentence_start, best.sentence_start + len(best.sentence))
    chosen = reads.get((best.hit, best.sentence_start))
    read = (chosen.lo, chosen.scores) if chosen is not None else None
    if trim:
        terms: set[str] = set().union(*question_words(question))
        start, end = trim_edges(chunk_text, start, end, terms)
    phrase = typed_phrase(question, chunk_text, start, end) if typed and not trim else None
    if phrase is not None:
        start, end = phrase.start, phrase.end
    elif reader and not trim:  # the reader's few words inside the chosen sentence, when it is sure of them
        read = read or read_sentence(question, chunk_text, sentence)
        found = (
            shortest_window(chunk_text, sentence, read[0], read[1], min_mass=reader_min_mass)
            if read is not None
            else None
        )
        if found is not None:
            start, end = found.start, found.end
    text = chunk_text[start:end]
    hit = hits[where]
    cite = citation(1, hit, question, window=False)
    base = hit["chunk"]["start"]
    # The citation quotes the whole sentence with the answer's words marked in it: a short answer ("48
    # heures", "في عام 1946م") is checked against its context when the clerk opens the source.
    lo, hi = sentence if sentence[0] <= start and end <= sentence[1] else (start, end)
    cite.update(
        start=base + lo,
        end=base + hi,
        quote=chunk_text[lo:hi],
        highlights=[{"start": base + start, "end": base + end}],
    )
    quote = shorten(strip_markup(text))
    lang = answer_language(question)
    content = FRAMES[lang].format(n=1) + isolate(quote) + "\n\n[1] " + isolate(hit["document"]["name"])
    return content, [cite]


def _p_none(
    question: str, hits: Sequence[dict[str, Any]], first: Candidate, reads: dict[Key, Read]
) -> float | None:
    """The reader's no-answer probability for the extractor's best sentence (read once: reused when the
    sentence choice read it already); None without the reader's weights."""
    done = reads.get((first.hit, first.sentence_start))
    if done is not None:
        return done.scores.p_none
    span = (first.sentence_start, first.sentence_start + len(first.sentence))
    got = read_sentence(question, hits[first.hit]["chunk"]["text"], span)
    return got[1].p_none if got is not None else None


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
