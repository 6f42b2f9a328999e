"""Synthetic cloze questions for training the reader (siyada.knowledge.reader.train --cloze N): in a clean
sentence of a legal text, a span that is a date, duration, amount, law reference, organisation, person,
place or number becomes the answer, and the question is that sentence's neighbourhood with the span
replaced by the question word its type calls for (متى / كم / ما / من / أين), a few words dropped and,
half the time, the question word moved to the front, so that it reads as a question rather than as a
copy of the sentence. The context is the sentence with up to two neighbours on each side.

Deterministic (a seed and the sorted file names decide everything) and bounded: each text is cut to
MAX_TEXT_CHARS, each sentence to MAX_SENTENCE_CHARS, and every pattern is linear. Training material only:
these questions are never written into a benchmark collection.

    .venv/bin/python -m siyada.knowledge.reader.cloze ../shared/data/ma_law/text --n 20
"""

from __future__ import annotations

import argparse
import random
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from siyada.lang.sentences import sentence_spans, unwrap

MAX_TEXT_CHARS = 120_000  # one law text's first pages: plenty of sentences, bounded work on a huge file
MAX_SENTENCE_CHARS = 350
MIN_WORDS, MAX_WORDS = 7, 45
PER_TEXT = 3  # questions per text at most: many texts rather than many questions from one
NEAR_WORDS = 8  # words kept on each side of the span in the question
DROP = 0.15  # chance that one of the question's other words is dropped
FRONT = 0.5  # chance that the question word is moved to the front
CONTEXT_SENTENCES = 2  # neighbours on each side in the context

_AR = "\u0621-\u064a"
_MONTHS = (
    "يناير|فبراير|مارس|أبريل|ابريل|ماي|مايو|يونيو|يوليوز|يوليو|غشت|أغسطس|شتنبر|سبتمبر|أكتوبر|اكتوبر"
    "|نونبر|نوفمبر|دجنبر|ديسمبر"
)
_UNITS = "يوما|يوم|أيام|ايام|أسبوعا|أسابيع|شهرا|شهر|أشهر|اشهر|سنة|سنوات|ساعة|ساعات|دقيقة|دقائق"
_CITIES = "الرباط|الدار البيضاء|فاس|مراكش|طنجة|أكادير|مكناس|وجدة|تطوان|العيون|القنيطرة|آسفي|الجديدة"
# (type, pattern, question word), the more specific first: a date is not also read as a number
KINDS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("date", re.compile(rf"\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b|\bسنة \d{{4}}\b"), "متى"),
    ("duration", re.compile(rf"\b\d{{1,4}} (?:{_UNITS})\b"), "كم"),
    ("amount", re.compile(r"\b\d[\d.,]{0,15} ?(?:درهما|درهم|دراهم|مليون|ملايين|مليار|%|في المائة)"), "كم"),
    (
        "law",
        re.compile(r"(?:القانون|الظهير الشريف|المرسوم|القرار|المادة|الفصل) رقم \d[\d.\-]{0,14}\d\b"),
        "ما",
    ),
    (
        "organisation",
        re.compile(
            r"\b(?:وزارة|وزير|المجلس|الهيئة|اللجنة|المديرية|الوكالة|المحكمة|بنك|الصندوق|المكتب|الجماعة)"
            rf"(?: (?:و?ال|لل)[{_AR}]{{2,15}}){{1,3}}"
        ),
        "ما",
    ),
    ("person", re.compile(rf"\b(?:السيد|السيدة) [{_AR}]{{2,15}} [{_AR}]{{2,15}}"), "من"),
    ("place", re.compile(rf"\b(?:{_CITIES})\b"), "أين"),
    ("year", re.compile(r"(?<!رقم )(?<!عدد )\b(?:1[34]|19|20)\d\d\b"), "متى"),
    # not an article's or a gazette's own number ("المادة 18", "عدد 3387"): headings, not facts
    (
        "number",
        re.compile(r"(?<!المادة )(?<!الفصل )(?<!الباب )(?<!الفرع )(?<!عدد )(?<!رقم )\b\d{1,6}\b"),
        "كم",
    ),
)
# a preposition before a date, place or duration belongs to the question word ("في 1977" -> "متى")
# the commonest kinds capped (a share of n): formulaic dates and bare numbers would crowd out the rest
KIND_SHARE = {"number": 0.25, "year": 0.2, "organisation": 0.25}
_LEAD = {"في", "منذ", "خلال", "قبل", "بعد", "لمدة", "مدة", "إلى", "الى", "ب", "من"}
_GLUED = re.compile(rf"\d[{_AR}]|[{_AR}]\d")  # PDF noise: "2.75.3بتاريخ"
_LEADERS = re.compile(r"\.{3}|…|_{3}")  # tables of contents, forms to fill in
_LETTER = re.compile(r"[^\W\d_]")
_ARABIC = re.compile(rf"[{_AR}]")
# PDF extraction reversed the lam-alef ligature ("األول" for "الأول", "إال" for "إلا"): put it back
_LIGATURE = (
    (re.compile(r"\bاأل"), "الأ"),
    (re.compile(r"\bاإل"), "الإ"),
    (re.compile(r"\bاال"), "الا"),
    (re.compile(r"\bإال\b"), "إلا"),
)
_SPLIT_DIGITS = re.compile(rf"(?<=\d)(?=[{_AR}])|(?<=[{_AR}])(?=\d)")
_TRAIL = ".,:;،؛!?؟()[]\"'«»-"


@dataclass(frozen=True)
class Cloze:
    kind: str
    question: str
    context: str
    answer_start: int  # in context
    answer: str


def clean(sentence: str) -> bool:
    """A sentence worth asking about: prose of a sensible length, Arabic, without PDF debris."""
    words = sentence.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or len(sentence) > MAX_SENTENCE_CHARS:
        return False
    if _GLUED.search(sentence) or _LEADERS.search(sentence):
        return False
    letters = len(_LETTER.findall(sentence))
    digits = sum(c.isdigit() for c in sentence)
    return letters > 0 and len(_ARABIC.findall(sentence)) >= 0.9 * letters and digits <= 0.15 * len(sentence)


def _question(words: list[str], a: int, b: int, qword: str, kind: str, rng: random.Random) -> str:
    """The words around words[a:b] with that span replaced by the question word."""
    if kind in ("date", "place", "duration") and a > 0 and words[a - 1] in _LEAD:
        a -= 1
    before = words[max(0, a - NEAR_WORDS) : a]
    after = words[b : b + NEAR_WORDS]
    before = [w for w in before if rng.random() >= DROP]
    after = [w for w in after if rng.random() >= DROP]
    parts = [qword, *before, *after] if rng.random() < FRONT else [*before, qword, *after]
    text = " ".join(w.strip(_TRAIL) for w in parts)
    return " ".join(text.split()) + "؟"


def repair(text: str) -> str:
    """The commonest PDF damage undone: reversed lam-alef ligatures, digits glued to words."""
    for pattern, good in _LIGATURE:
        text = pattern.sub(good, text)
    return _SPLIT_DIGITS.sub(" ", text)


def from_text(text: str, rng: random.Random, limit: int = PER_TEXT) -> list[Cloze]:
    """Up to `limit` cloze questions from one text (its first MAX_TEXT_CHARS characters)."""
    text = unwrap(repair(text[:MAX_TEXT_CHARS]))
    spans = sentence_spans(text)
    found: list[tuple[int, str, str, int, int]] = []  # sentence index, kind, question word, span
    for i, (s, e) in enumerate(spans):
        sentence = text[s:e]
        if not clean(sentence):
            continue
        taken: list[tuple[int, int]] = []
        for kind, pattern, qword in KINDS:
            for m in pattern.finditer(sentence):
                if any(m.start() < te and ts < m.end() for ts, te in taken):
                    continue  # inside a span of a more specific kind
                taken.append((m.start(), m.end()))
                found.append((i, kind, qword, s + m.start(), s + m.end()))
    rng.shuffle(found)
    out: list[Cloze] = []
    used: set[int] = set()
    for i, kind, qword, a_start, a_end in found:
        if len(out) >= limit:
            break
        if i in used:
            continue  # one question per sentence
        s, e = spans[i]
        answer = text[a_start:a_end]
        # words of the sentence as offsets, to find the span's words
        words, offs = [], []
        for m in re.finditer(r"\S+", text[s:e]):
            words.append(m.group())
            offs.append((s + m.start(), s + m.end()))
        a = next((k for k, (_, we) in enumerate(offs) if we > a_start), None)
        b = next((k for k, (ws, _) in enumerate(offs) if ws >= a_end), len(words))
        if a is None or b <= a or b - a >= len(words) - 2:
            continue
        question = _question(words, a, b, qword, kind, rng)
        if answer in question or len(question.split()) < 4:
            continue  # the answer repeated beside the span, or too little left to ask with
        lo = spans[max(0, i - CONTEXT_SENTENCES)][0]
        hi = spans[min(len(spans) - 1, i + CONTEXT_SENTENCES)][1]
        context = text[lo:hi]
        out.append(Cloze(kind, question, context, a_start - lo, answer))
        used.add(i)
    return out


def from_folder(folder: Path, n: int, seed: int = 0, per_text: int = PER_TEXT) -> list[Cloze]:
    """`n` cloze questions (fewer if the texts run out) from the `.txt` files of a folder, taken in an
    order fixed by the seed; duplicates (the same question or the same answer in the same sentence,
    frequent in formulaic texts) are kept once."""
    cap = {kind: max(1, int(n * share)) for kind, share in KIND_SHARE.items()}
    files = sorted(folder.glob("*.txt"))
    random.Random(seed).shuffle(files)
    out: list[Cloze] = []
    seen: set[str] = set()
    for path in files:
        if len(out) >= n:
            break
        with path.open(encoding="utf-8", errors="replace") as fh:
            text = fh.read(MAX_TEXT_CHARS)
        rng = random.Random(zlib.crc32(f"{seed}:{path.name}".encode()))
        for c in from_text(text, rng, per_text):
            keys = (c.question, f"{c.answer}|{c.context[c.answer_start - 40 : c.answer_start]}")
            if any(k in seen for k in keys) or cap.get(c.kind, n) <= 0:
                continue
            cap[c.kind] = cap.get(c.kind, n) - 1
            seen.update(keys)
            out.append(c)
            if len(out) >= n:
                break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    got = from_folder(a.folder, a.n, a.seed)
    kinds: dict[str, int] = {}
    for c in got:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
        if a.n <= 50:
            print(f"[{c.kind}] {c.question}\n    -> {c.answer}\n")
    print(len(got), "questions", kinds)


if __name__ == "__main__":
    main()
