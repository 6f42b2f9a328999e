"""The smallest text that answers: a window of 1–12 words inside the best sentences, chosen by a learned
linear scorer over cheap features (where the question's words are, what the question asks for, the
window's length and edges, how its sentence was ranked). Gold answers are 1–4 words; a whole sentence
of 15–40 words holds them but scores low token F1, so the quote is cut to the window the scorer picks.

The weights (`siyada/data/spans.json`) were trained on the development split only (questions of the
even-numbered paragraphs of the answer tasks) by `bench/train_spans.py`, with a listwise softmax over
each question's windows; without the file the chosen sentence is quoted whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from siyada.lang.analysis import index_terms

WEIGHTS = Path(__file__).resolve().parent.parent / "data" / "spans.json"
SENTENCES = 1  # windows come from the best sentence only
THRESHOLD = 0.0  # per-word logit a run must beat (set with the weights)
MAX_WINDOW = 12  # words: item 1 of issue 18 allows a clause; longer windows only lose F1
MAX_SENTENCE_WORDS = 80  # a longer "sentence" (a list run together) is read up to here: bounded work
_WORD = re.compile(r"\S+")
_OPENERS = "«(\"'“[{"
_CLOSERS = ",،;؛:.!?؟)»\"'”]}"
_PUNCT_END = re.compile(r"[,،;؛:.!?؟)]$")
_DIGIT = re.compile(r"\d|[٠-٩]")
_MONTH = re.compile(
    r"(?i)^(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)$|"
    r"يناير|فبراير|مارس|أبريل|ابريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر|"
    r"كانون|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين|القرن|عام|سنة"
)
_NUMBER_WORD = re.compile(
    r"(?i)^(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|"
    r"un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|cent|mille|million|milliard)s?$|"
    r"واحد|اثن|ثلاث|أربع|خمس|ست|سبع|ثمان|تسع|عشر|مئ|مائة|ألف|آلاف|مليون|مليار|نصف|ربع"
)
_UNIT = re.compile(
    r"(?i)^(?:heures?|jours?|mois|ans|années?|semaines?|minutes?|hours?|days?|weeks?|months?|years?|"
    r"dirhams?|dh|mad|%|km|kilomètres?|kilometres?|kilometers?|mètres?|meters?)$|"
    r"ساع|يوم|أيام|ايام|شهر|أشهر|سنو|سنة|سنين|أسبوع|اسابيع|دقيق|درهم|بالمئة|بالمائة|كيلومتر|متر|مليون"
)
_NAME_MARK = re.compile(r"^(?:بن|ابن|أبو|ابو|الملك|السلطان|الأمير|الشيخ|Mr|Dr|Saint|St)$")
_PLACE_MARK = re.compile(r"(?i)^(?:في|بـ?|à|au|aux|en|dans|in|at|near)$|مدينة|منطقة|دولة|جنوب|شمال|شرق|غرب")
# question kinds (what the window should hold); the first that matches wins
_KINDS: list[tuple[str, re.Pattern[str]]] = [
    (
        "number",
        re.compile(
            r"(?i)\bhow (?:many|much|long|old)\b|\bcombien\b|\bquel âge\b|\bdélai\b|\bdurée\b|"
            r"(?:^|\s)(?:كم|بكم|مدة|أجل|عمر)(?:\s|$)|\bch7al\b|\bشحال\b|\bعدد\b"
        ),
    ),
    (
        "date",
        re.compile(
            r"(?i)\bwhen\b|\bwhat year\b|\bquand\b|\ben quelle année\b|(?:^|\s)(?:متى|إمتى|وقت)(?:\s|$)|"
            r"\bأي عام\b|\bأي سنة\b|\bفي أي\b|\bfoqash\b|\bimta\b"
        ),
    ),
    ("person", re.compile(r"(?i)\bwho(?:m|se)?\b|\bqui\b|^\W*(?:من|ومن)\s|\bشكون\b|\bchkoun\b")),
    ("place", re.compile(r"(?i)\bwhere\b|\boù\b|(?:^|\s)(?:أين|فين)(?:\s|$)|\bfin\b")),
    ("why", re.compile(r"(?i)\bwhy\b|\bpourquoi\b|لماذا|علاش|\bpour quelle raison\b")),
    ("how", re.compile(r"(?i)^\W*how\b|\bcomment\b|^\W*كيف|كيفاش")),
    (
        "what",
        re.compile(r"(?i)\bwhat\b|\bwhich\b|\bquel(?:le)?s?\b|\bque\b|^\W*(?:ما|ماذا|ماهي|ماهو|أي|اي)\s"),
    ),
]
KINDS = [k for k, _ in _KINDS]
FLAGS = [
    "question",
    "stop",
    "ends_clause",
    "starts_clause",
    "digit",
    "month",
    "number_word",
    "unit",
    "name_mark",
    "place_mark",
    "latin_capital",
]
_CUE_FLAGS = (4, 5, 6, 7, 8, 9, 10)
OFFSETS = (-3, -2, -1, 1, 2, 3)
FEATURES = (
    ["bias"]
    + FLAGS
    + [f"{k}_{FLAGS[c]}" for k in KINDS for c in _CUE_FLAGS]
    + [f"question_at_{o}" for o in OFFSETS]
    + [
        "stop_at_-1",
        "stop_at_1",
        "ends_clause_at_-1",
        "q_near_left",
        "q_near_right",
        "q_none_left",
        "q_none_right",
        "position",
        "sentence_rank_0",
        "sentence_gap",
        "sentence_cosine",
    ]
)


@dataclass(frozen=True)
class Sentence:
    """A sentence to cut windows from: its passage, chunk offsets, and how the sentence ranking saw it."""

    hit: int
    start: int
    end: int
    score: float
    cosine: float
    lexical: float


@dataclass(frozen=True)
class Window:
    hit: int
    start: int  # chunk offsets
    end: int
    score: float


def question_kind(question: str) -> str | None:
    for name, pattern in _KINDS:
        if pattern.search(question):
            return name
    return None


def _word_flags(words: list[str], known: set[str]) -> np.ndarray:
    """Per word: in the question, stop word, ends a clause, starts a clause, digit, month, number word,
    unit, name marker, place marker, Latin capital (not the first word)."""
    flags = np.zeros((len(words), 11), dtype=np.float32)
    for i, w in enumerate(words):
        terms = {t for t in index_terms(w) if not t.startswith("k:")}  # sound keys match too loosely
        stripped = w.strip(_OPENERS + _CLOSERS)
        bare = {t[1:] for t in terms if len(t) >= 4 and t[0] in "لبكوفتي" and "\u0621" <= t[1] <= "\u064a"}
        flags[i] = (
            bool((terms | bare) & known),
            not terms,
            bool(_PUNCT_END.search(w)),
            (stripped[:1] in ("و", "ف") and len(stripped) > 3)
            or stripped.lower() in ("et", "and", "qui", "which"),
            bool(_DIGIT.search(w)),
            bool(_MONTH.search(stripped)),
            bool(_NUMBER_WORD.search(stripped)),
            bool(_UNIT.search(stripped)),
            bool(_NAME_MARK.match(stripped)),
            bool(_PLACE_MARK.search(stripped)),
            i > 0 and stripped[:1].isupper() and stripped[:1].isascii(),
        )
    return flags


def word_rows(flags: np.ndarray, kind: str | None, sentence: np.ndarray) -> np.ndarray:
    """One feature row per word of a sentence (FEATURES order): is this word part of the answer?"""
    n = len(flags)
    qm = flags[:, 0]
    rows = np.zeros((n, len(FEATURES)), np.float32)
    rows[:, 0] = 1.0
    rows[:, 1 : 1 + len(FLAGS)] = flags
    col = 1 + len(FLAGS)
    if kind is not None:
        k = KINDS.index(kind)
        rows[:, col + k * len(_CUE_FLAGS) : col + (k + 1) * len(_CUE_FLAGS)] = flags[:, _CUE_FLAGS]
    col += len(KINDS) * len(_CUE_FLAGS)
    pad = np.zeros((3, flags.shape[1]), np.float32)
    padded = np.vstack([pad, flags, pad])
    for o in OFFSETS:
        rows[:, col] = padded[3 + o : 3 + o + n, 0]
        col += 1
    rows[:, col] = padded[2 : 2 + n, 1]
    rows[:, col + 1] = padded[4 : 4 + n, 1]
    rows[:, col + 2] = padded[2 : 2 + n, 2]
    col += 3
    idx = np.arange(n)
    q_idx = np.flatnonzero(qm)
    left = np.full(n, 99.0, np.float32)
    right = np.full(n, 99.0, np.float32)
    if len(q_idx):
        pos = np.searchsorted(q_idx, idx) - 1
        has = pos >= 0
        left[has] = idx[has] - q_idx[pos[has]]
        pos = np.searchsorted(q_idx, idx, side="right")
        has = pos < len(q_idx)
        right[has] = q_idx[np.minimum(pos, len(q_idx) - 1)][has] - idx[has]
    rows[:, col : col + 5] = np.column_stack(
        [
            1 / (1 + np.minimum(left, 99)),
            1 / (1 + np.minimum(right, 99)),
            left == 99,
            right == 99,
            idx / max(n, 1),
        ]
    )
    rows[:, col + 5 :] = sentence
    return rows


def sentence_words(
    question_terms: set[str], question: str, hits: Sequence[dict[str, Any]], sentences: Sequence[Sentence]
) -> list[tuple[Sentence, list[re.Match[str]], np.ndarray]]:
    """Per sentence: its word matches (chunk offsets) and the word feature rows."""
    kind = question_kind(question)
    top = sentences[0].score if sentences else 0.0
    out = []
    for r, s in enumerate(sentences):
        text: str = hits[s.hit]["chunk"]["text"]
        found = list(_WORD.finditer(text, s.start, s.end))[:MAX_SENTENCE_WORDS]
        if not found:
            continue
        words = [m.group() for m in found]
        sent = np.array([r == 0, s.score - top, s.cosine], np.float32)
        out.append((s, found, word_rows(_word_flags(words, question_terms), kind, sent)))
    return out


def best_run(z: np.ndarray, longest: int) -> tuple[int, int, float]:
    """[a, b) of at most `longest` words with the largest sum of z (at least one word)."""
    best = (int(np.argmax(z)), int(np.argmax(z)) + 1, float(np.max(z)))
    cum = np.concatenate([[0.0], np.cumsum(z)])
    n = len(z)
    for length in range(2, min(longest, n) + 1):
        sums = cum[length:] - cum[:-length]
        a = int(np.argmax(sums))
        if sums[a] > best[2]:
            best = (a, a + length, float(sums[a]))
    return best


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in _CLOSERS:
        end -= 1  # "2007," quotes "2007"
    while start < end and text[start] in _OPENERS:
        start += 1
    return start, end


@lru_cache(maxsize=1)
def load_weights(path: Path = WEIGHTS) -> tuple[np.ndarray, float] | None:
    """The trained weights (FEATURES order) and threshold; None without the file or when its features
    differ from this code's."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("features") != FEATURES:
        return None
    return np.array(data["weights"], np.float32), float(data["threshold"])


def best_window(
    question_terms: set[str],
    question: str,
    hits: Sequence[dict[str, Any]],
    sentences: Sequence[Sentence],
    weights: np.ndarray | None = None,
    threshold: float | None = None,
) -> Window | None:
    """The run of words of the best sentences whose answer scores, less `threshold` each, sum highest;
    None without weights or sentences."""
    if weights is None:
        loaded = load_weights()
        if loaded is None:
            return None
        weights, shipped = loaded
        threshold = shipped if threshold is None else threshold
    if not sentences:
        return None
    tau = THRESHOLD if threshold is None else threshold
    best: Window | None = None
    for s, found, rows in sentence_words(question_terms, question, hits, sentences):
        a, b, score = best_run(rows @ weights - tau, MAX_WINDOW)
        if best is None or score > best.score:
            text: str = hits[s.hit]["chunk"]["text"]
            start, end = _trim(text, found[a].start(), found[b - 1].end())
            best = Window(s.hit, start, max(start, end), score)
    return best


_FOCUS = re.compile(r"(?i)^(?:délai|durée|مدة|لمدة|بمدة|أجل|اجل|خلال|période)$")


def _cut(order: range, qm: np.ndarray, stop: np.ndarray, focus: list[bool], none: int, after: int) -> int:
    """Where the run of question and stop words at one edge ends: after its last question word, or at
    that word when it is the focus word (kept, it introduces the answer)."""
    last = None
    for i in order:
        if not (qm[i] or stop[i]):
            break
        if qm[i]:
            last = i
    if last is None:
        return none
    return last if focus[last] and after else last + after


def trim_edges(text: str, start: int, end: int, question_terms: set[str]) -> tuple[int, int]:
    """[start, end) less the question's own words at its edges: the answer sits next to the words of
    the question but is not them ("تحفظ الوثائق في الأرشيف الإداري لمدة لا تقل عن عشر سنوات" for "ما
    هي مدة حفظ الوثائق…" keeps "لمدة لا تقل عن عشر سنوات"). A run of question words and stop words is
    cut up to its last question word; a focus word (délai, مدة) that ends the leading run stays, since
    it introduces the answer; a span of question words only is left whole."""
    found = list(_WORD.finditer(text, start, end))
    if len(found) < 2:
        return start, end
    flags = _word_flags([m.group() for m in found], question_terms)
    qm, stop = flags[:, 0] > 0, flags[:, 1] > 0
    focus = [bool(_FOCUS.match(m.group().strip(_OPENERS + _CLOSERS))) for m in found]
    if all(qm | stop):
        return start, end
    a = _cut(range(len(found)), qm, stop, focus, 0, 1)
    b = _cut(range(len(found) - 1, a - 1, -1), qm, stop, focus, len(found), 0)
    if b <= a:
        return start, end
    return _trim(text, found[a].start(), found[b - 1].end())
