"""The text that answers: from the retrieved passages, the sentence or clause that best answers the
question, scored on lexical evidence (question terms it shares, terms it adds), e5 evidence (cosine of
the question and the candidate, when an embedder is given), the passage's rank, and question-type cues
(when/how many/who/where in Arabic, French, English and Darija → dates, numbers, names, places).

The weights were set on the even-numbered paragraphs of the development tasks
(bench/answer_quality.py --split dev) and are reported on the odd-numbered ones (--split test).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from siyada.knowledge.spans import SENTENCES, Sentence
from siyada.lang.analysis import index_terms, query_terms
from siyada.lang.sentences import is_heading, sentence_spans, unwrap

Embed = Callable[[list[str], str], np.ndarray]

MAX_WORDS = 60
MIN_WORDS = 4
MAX_QUESTION_WORDS = 64
PASSAGES = 3  # candidates come from the best passages only: lower ones rarely answer
# A clause ends at a comma, semicolon or colon (Latin or Arabic) followed by a space, or before
# "which/qui/الذي" style relatives would be too fine: commas carry most of the structure in both scripts.
_CLAUSE_END = re.compile(r"[,،;؛:](?=\s)")
_MARKUP = [
    # [text](url) → text; no "[" inside the text, so a run of "[" is scanned once, not once per "["
    (re.compile(r"!?\[([^\[\]\n]*)\]\([^()\s]*\)"), r"\1"),
    (re.compile(r"\*\*|__|`+|~~"), ""),
    (re.compile(r"(?m)^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|>\s*)"), ""),
    (re.compile(r"\|"), " "),  # table pipes; spaces are collapsed after
    (re.compile("[\u2066-\u2069\u202a-\u202e]"), ""),  # a quote's own bidi controls would unbalance ours
]

_DIGITS = re.compile(r"\d|[٠-٩]")
_MONTHS = re.compile(
    r"(?i)\b(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|century|siècle)\b|"
    r"يناير|فبراير|مارس|أبريل|ابريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر|"
    r"كانون|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين|القرن|عام|سنة"
)
_NUMBER_WORDS = re.compile(
    r"(?i)\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|"
    r"un|deux|trois|quatre|cinq|dix|cent|mille|million|milliard)\b|"
    r"واحد|اثن|ثلاث|أربع|خمس|ست|سبع|ثمان|تسع|عشر|مئ|مائة|ألف|آلاف|مليون|مليار|نصف|ربع"
)
_PLACE_WORDS = re.compile(
    r"(?i)\b(?:in|at|near|à|au|en|dans)\b|\sفي\s|مدينة|منطقة|دولة|بلد|جنوب|شمال|شرق|غرب"
)
_CUES: list[tuple[str, re.Pattern[str]]] = [
    (
        "number",
        re.compile(
            r"(?i)\bhow (?:many|much|long|old)\b|\bcombien\b|\bquel âge\b|\bdélai\b|\bdurée\b|"
            r"\bكم\b|\bمدة\b|\bأجل\b|\bch7al\b|\bشحال\b"
        ),
    ),
    (
        "date",
        re.compile(
            r"(?i)\bwhen\b|\bwhat year\b|\bquand\b|\ben quelle année\b|\bمتى\b|\bإمتى\b|\bfoqash\b|\bimta\b"
        ),
    ),
    ("person", re.compile(r"(?i)\bwho(?:m|se)?\b|\bqui\b|^\W*من\s|\bشكون\b|\bchkoun\b")),
    ("place", re.compile(r"(?i)\bwhere\b|\boù\b|\bأين\b|\bفين\b|\bfin\b")),
]
# The question's focus word: what is asked for (a delay, a duration, a price, a date, an age). A
# candidate that holds it *and* what the question type wants (a number, a date) answers; one that only
# restates the question's topic does not ("Quel est le délai pour obtenir un extrait…": the sentence
# with "délai de 24 heures", not "L'extrait… est délivré par le bureau…").
_FOCUS = re.compile(
    r"(?i)^(?:délais?|durée|date|prix|coût|montant|âge|frais|tarif|deadline|duration|price|cost|fee|age|"
    r"مدة|المدة|لمدة|أجل|الأجل|اجل|تاريخ|ثمن|سعر|تكلفة|عمر|رسوم)$"
)
# Weights of the candidate score (set on the dev split, see the module docstring).
W_LEX, W_NEW, W_COS, W_RANK, W_CUE, W_LEN, W_FOCUS = 1.0, 0.0, 8.0, 0.1, 0.2, 0.0, 0.5


@dataclass
class Candidate:
    hit: int  # index in the hits
    start: int  # chunk offsets
    end: int
    text: str
    sentence: str  # the sentence it belongs to (itself for a sentence)
    sentence_start: int = 0  # chunk offset of its sentence
    score: float = 0.0
    lexical: float = 0.0
    cosine: float = 0.0
    sentence_lexical: float = 0.0


def strip_markup(text: str) -> str:
    for pattern, repl in _MARKUP:
        text = pattern.sub(repl, text)
    return " ".join(text.split())


def question_type(question: str) -> str | None:
    for name, pattern in _CUES:
        if pattern.search(question):
            return name
    return None


def cue(kind: str | None, text: str) -> float:
    """1 when the text holds what a question of this kind asks for (a number, a date, a place word, a
    name), else 0; shared with the abstention model's features (siyada.knowledge.abstain)."""
    if kind == "number":
        return 1.0 if _DIGITS.search(text) or _NUMBER_WORDS.search(text) else 0.0
    if kind == "date":
        return 1.0 if _DIGITS.search(text) or _MONTHS.search(text) else 0.0
    if kind == "place":
        return 1.0 if _PLACE_WORDS.search(text) else 0.0
    if kind == "person":  # a capitalised word that does not start the text, or an Arabic name marker
        return (
            1.0 if re.search(r"\s[A-Z][a-z]", text) or re.search(r"\bبن\b|\bابن\b|\bالملك\b", text) else 0.0
        )
    return 0.0


def _candidates(hits: Sequence[dict[str, Any]]) -> list[Candidate]:
    out: list[Candidate] = []
    for i, hit in enumerate(hits[:PASSAGES]):
        raw: str = hit["chunk"]["text"]
        text = unwrap(raw)  # same offsets; a sentence wrapped over two lines is one candidate
        for s, e in sentence_spans(text):
            sentence = text[s:e]
            if len(re.findall(r"\w+", sentence)) < MIN_WORDS or is_heading(raw, s, e):
                continue  # a heading or a list number names a topic; it does not answer
            out.append(Candidate(i, s, e, sentence, sentence, s))
            cuts = [m.end() for m in _CLAUSE_END.finditer(sentence)]
            if not cuts:
                continue
            bounds = [0, *cuts, len(sentence)]
            for a, b in itertools.pairwise(bounds):
                piece = sentence[a:b]
                lo = a + len(piece) - len(piece.lstrip())
                hi = b - (len(piece) - len(piece.rstrip()))
                if len(sentence[lo:hi].split()) >= 3:
                    out.append(Candidate(i, s + lo, s + hi, sentence[lo:hi], sentence, s))
    return out


def question_words(question: str) -> list[set[str]]:
    """The question's words, each as the set of terms it is searched under (stems, spellings)."""
    # distinct words, at most MAX_QUESTION_WORDS: a pasted page as a question stays cheap
    distinct = list(dict.fromkeys(re.findall(r"\w+", question)))[:MAX_QUESTION_WORDS]
    words = [query_terms(w) for w in distinct]
    return [set(t) for t in words if t]


# One-letter Arabic proclitics and verb prefixes the search analyser keeps (a word may start with
# them): "لمدة" holds "مدة", "تحفظ" holds "حفظ". For choosing a sentence, reading them off as well costs
# nothing in recall; the index is not changed.
_PREFIXES = frozenset("لبكوفتي")


def focus_terms(question: str) -> set[str]:
    """The index terms of the question's focus words (délai, مدة, âge…); empty when it has none."""
    words = re.findall(r"\w+", question)[:MAX_QUESTION_WORDS]
    return {t for w in words if _FOCUS.match(w) for t in index_terms(w) if not t.startswith("k:")}


def with_proclitics_off(terms: set[str]) -> set[str]:
    extra = {t[1:] for t in terms if len(t) >= 4 and t[0] in _PREFIXES and "\u0621" <= t[1] <= "\u064a"}
    return terms | extra


def lexical_shares(wanted: list[set[str]], text: str) -> tuple[float, float]:
    """Share of the question's words the text holds, and share of the text's terms that are new."""
    terms = with_proclitics_off(set(index_terms(text)))
    if not terms or not wanted:
        return 0.0, 0.0
    shared = sum(bool(w & terms) for w in wanted)
    known = set().union(*wanted)
    return shared / len(wanted), 1 - len(terms & known) / len(terms)


def _focused(focus: set[str], kind: str | None, text: str) -> float:
    """1 when the text holds the question's focus word and, for a number or date question, a number."""
    if not focus & with_proclitics_off(set(index_terms(text))):
        return 0.0
    return 1.0 if kind not in ("number", "date") or cue(kind, text) else 0.0


def rank_candidates(
    question: str, hits: Sequence[dict[str, Any]], embed: Embed | None = None
) -> list[Candidate]:
    """Every sentence and clause of the best passages, best first."""
    cands = _candidates(hits)
    if not cands:
        return []
    wanted = question_words(question)
    kind = question_type(question)
    cosines = np.zeros(len(cands))
    if embed is not None:
        # sentences only: a clause takes its sentence's cosine (e5 on every clause cost 3x the time on
        # CPU for no better choice of clause, which the lexical and cue features make)
        sentences = list(dict.fromkeys(c.sentence for c in cands))
        sims = dict(zip(sentences, embed(sentences, "passage") @ embed([question], "query")[0], strict=True))
        cosines = np.array([sims[c.sentence] for c in cands])
    sentence_lex = {c.sentence: lexical_shares(wanted, c.sentence)[0] for c in cands}
    focus = focus_terms(question)
    for c, cos in zip(cands, cosines, strict=True):
        lex, new = lexical_shares(wanted, c.text)
        words = len(c.text.split())
        c.lexical = max(lex, sentence_lex[c.sentence])
        c.sentence_lexical = sentence_lex[c.sentence]
        c.cosine = float(cos)
        c.score = (
            W_LEX * (0.5 * lex + 0.5 * sentence_lex[c.sentence])
            + W_NEW * new
            + W_COS * c.cosine
            + W_RANK / (1 + c.hit)
            + W_CUE * cue(kind, c.text)
            + (W_FOCUS * _focused(focus, kind, c.text) if focus else 0.0)
            - W_LEN * math.log1p(max(words - 12, 0))
            - (10.0 if words > MAX_WORDS else 0.0)
        )
    return sorted(cands, key=lambda c: -c.score)


def top_sentences(ranked: Sequence[Candidate], n: int = SENTENCES) -> list[Sentence]:
    """The sentences of the `n` best candidates (a clause stands for its sentence), best first."""
    out: dict[tuple[int, int], Sentence] = {}
    for c in ranked:
        key = (c.hit, c.sentence_start)
        if key not in out:
            end = c.sentence_start + len(c.sentence)
            out[key] = Sentence(c.hit, c.sentence_start, end, c.score, c.cosine, c.sentence_lexical)
            if len(out) == n:
                break
    return list(out.values())


# Abstention evidence (calibrated on the dev splits of bench/answer_quality.py): e5's cosine of the
# question and the best candidate plus a little of its lexical share. e5 cosines across languages run
# lower (an English question, an Arabic passage), so a cross-script pair gets CROSS_SCRIPT added; with
# no embedder a nominal cosine stands in, and the lexical share alone decides.
EV_LEXICAL = 0.2
CROSS_SCRIPT = 0.135
NOMINAL_COSINE = 0.85


def arabic_script(text: str) -> bool:
    """Whether most of the text's letters are Arabic script (a question and a passage across scripts
    score lower cosines, and the reader's choice only helps there)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum("\u0600" <= c <= "\u06ff" for c in letters) > len(letters) / 2


def evidence(best: Candidate, question: str, embed_used: bool) -> float:
    """How strongly the best candidate is supported; compared with `[knowledge] answer_min_evidence`."""
    if not embed_used:
        return EV_LEXICAL * best.lexical + NOMINAL_COSINE
    cross = arabic_script(question) != arabic_script(best.sentence)
    return EV_LEXICAL * best.lexical + best.cosine + (CROSS_SCRIPT if cross else 0.0)


def shorten(text: str, max_words: int = MAX_WORDS) -> str:
    words = text.split()
    return text if len(words) <= max_words else " ".join(words[:max_words]) + " …"
