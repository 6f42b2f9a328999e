"""Structure-aware chunking with exact offsets: ``doc.text[c.start:c.end] == c.text`` for every chunk.

Boundaries, strongest first:

1. headings: the document's sections (Markdown, HTML, DOCX, PDF outline) and the headings of legal
   texts found in the text itself — book, title, chapter, section and article lines in Arabic and
   French ("الباب الأول: أحكام عامة", "المادة 12", "الفصل 3 مكرر", "Titre II", "Art. 12", "Article
   premier.-"). A chunk never runs past a heading once it holds ``target_chars // 4`` characters, so an
   article is cited alone unless it is tiny (then it joins the next); a heading line with nothing
   under it before the next heading ("الباب الأول" right above "المادة 1") always joins what follows;
2. inside a unit longer than ``max_chars``: paragraph breaks (blank lines), then sentence ends
   (``. ! ? ؟ ؛ ۔ …``), then line breaks, then spaces; a word is cut only when it alone is longer than
   ``max_chars``. Of the breaks of the best kind, the last before the target size is taken (packing
   small paragraphs together), else the first after it; the target is lowered so a long unit splits into
   even pieces rather than full ones and a scrap.

Chunk bounds never include leading or trailing whitespace. ``section`` is the heading path at the chunk
("Titre II > Article 12"; a chunk holding several headings of the same rank reads "Titre II > Article
3 – Article 4"), ``page`` the PDF page (1-based) where the chunk starts. Chunking is a pure function of
the text, its sections and pages: the same document always gives the same chunks.

In Moroccan texts "الفصل" is an article (codes, dahirs) unless the document numbers its articles with
"المادة", where it is a chapter: this is decided per document. Section offsets that no longer match the
text (rewritten after parsing, e.g. pseudonymised) are snapped to line starts, so boundaries stay
between words; their labels may then be a line off.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from siyada.knowledge.parsers.base import ParsedDocument, Section
from siyada.knowledge.parsers.tables import TABLE_FORMATS

__all__ = ["Chunk", "chunk", "chunk_id", "legal_headings"]

ARTICLE_LEVEL = 17
# Legal heading levels sit below any document heading (1–9) so a new document section closes them.
_LEVELS = {
    "الكتاب": 11, "الجزء": 11, "القسم": 12, "الباب": 13, "الفرع": 15, "المادة": 17, "مادة": 17,
    "livre": 11, "partie": 11, "titre": 12, "chapitre": 13, "section": 15, "sous-section": 16,
    "article": 17, "art.": 17, "art": 17,
}  # fmt: skip
_FASL_CHAPTER_LEVEL = 14
_KEY = (
    r"(?P<key>الكتاب|الجزء|القسم|الباب|الفرع|ال?مادة|ال?فصل"
    r"|(?i:livre|partie|titre|chapitre|sous-section|section|article|art\.?))"
)
_ORDINAL_AR = (
    r"(?:ال[أاإ]|ا[أاإ]ل)ولى?"  # الأول, الأولى and the broken lam-alef of PDF extraction: األول, االول
    r"|ال(?:ثاني|ثانى|ثالث|رابع|خامس|سادس|سابع|ثامن|تاسع|عاشر|حادي|فريد|وحيد|تمهيدي|أخير|اخير)[ةهى]?"
    r"(?:[ \t]+عشرة?)?|فريدة?|وحيدة?"
)
_NUMBER = (
    rf"(?P<num>\d+(?:[.\-/]\d+)*(?:er|ère|e)?|{_ORDINAL_AR}"
    r"|(?i:premier|première|unique|préliminaire|liminaire)|[IVXLC]+(?![A-Za-z]))"
)
_SUFFIX = (
    r"(?:[ \t]*(?:ال)?مكرر[ةه]?(?:[ \t]*(?:مرتين|ثلاث[ \t]+مرات|\d+))?"
    r"|[ \t]+(?i:bis|ter|quater|quinquies|sexies)(?![A-Za-z]))?"
)
# Possessive runs of blanks: "article" followed by thousands of spaces and no number would otherwise try
# every split of the run between the two blank runs around the separator (quadratic in the run).
_HEADING_LINE = re.compile(
    rf"^[ \t]*+{_KEY}[ \t]*+[:.\-–]?[ \t]*+{_NUMBER}{_SUFFIX}(?P<tail>[^\n]*)$", re.MULTILINE
)
# A word that, right after "المادة 12" or "Section 2", shows a cross-reference wrapped onto a new line.
_REFERENCE_WORDS = frozenset(
    re.findall(
        r"\S+",
        "من منه منها أعلاه أعاله أدناه ادناه بعده قبله أو او في على إلى الى عن الذي التي بموجب وفق طبقا حسب "
        "المذكور المذكورة المشار السابق السالف ل لـ de du des d la le les et ou à au aux par pour ci-dessus "
        "ci-dessous précité précitée susvisé susvisée est sont",
    )
)
_SEPARATORS = ":.-–—)"
_SENTENCE_STOPS = ".!?؟؛"
_RUN_ON = re.compile(r"[.!?؟؛][ \t]*[^\W\d_]")
_MAX_TITLED_LINE = 150
_TITLE_MAX = 120
_ARTICLE_TITLE_MAX = 60  # "المادة 1: التعريفات" keeps its title; a longer tail is the article's text

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# A sentence end is a whole run of stops (matched only from the run's first character, possessively, so a
# long run of dots is scanned once rather than once per dot) and its closing quotes, before a space.
_STOPS = ".!?؟؛۔…"
_SENTENCE_END = re.compile(rf"(?<![{_STOPS}])[{_STOPS}]++[\"'»”’)\]]*+(?=\s)")
# "Art. 5", "cf. p. 3", "M. Alami": a single dot after these is no sentence end (a longer run still is).
_SENTENCE_END_IN_RUN = re.compile(rf"[{_STOPS}]++[\"'»”’)\]]*+(?=\s)")
_NOT_AFTER_ABBREVIATION = re.compile(r"(?<!\bArt)(?<!\bart)(?<!\bcf)(?<!\bp)(?<!\bM)")
_LINE_BREAK = re.compile(r"\n")
_SPACE = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S")


@dataclass(frozen=True)
class Chunk:
    """A slice of a document: ``text`` is exactly ``document.text[start:end]``."""

    index: int
    start: int
    end: int
    text: str
    section: str | None
    page: int | None


def chunk_id(document_id: str, chunk: Chunk) -> str:
    """Stable chunk id: the document id and the chunk's index.

    Document ids hash the content, and chunking is deterministic, so the index names the same text for
    as long as the document exists; it is readable in citations, sorts in document order, and is the
    form the store already uses. (A hash of start/end would survive nothing more: any change of text or
    chunking parameters makes a new document or replaces every chunk anyway.)
    """
    return f"{document_id}:{chunk.index}"


def chunk(doc: ParsedDocument, target_chars: int = 1000, max_chars: int = 1600) -> list[Chunk]:
    """Split a parsed document into chunks along its structure; see the module docstring."""
    if target_chars < 1 or max_chars < target_chars:
        raise ValueError("chunk sizes need 1 <= target_chars <= max_chars")
    if doc.format in TABLE_FORMATS:
        return _row_chunks(doc, max_chars)
    text = doc.text
    headings = _headings(text, doc.sections)
    bounds = [h[0] for h in headings]
    bare = _bare_headings(text, bounds)
    paths = _paths(headings)
    page_starts = [start for start, _ in doc.pages]
    min_chars = max(1, target_chars // 4)
    chunks: list[Chunk] = []
    start = _skip_space(text, 0)
    while start < len(text):
        stop = _chunk_end(text, start, bounds, bare, target_chars, max_chars, min_chars)
        end = stop
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            section = _label(_path_at(paths, bounds, start), _path_at(paths, bounds, end - 1))
            page = bisect_right(page_starts, start) if page_starts else None
            chunks.append(Chunk(len(chunks), start, end, text[start:end], section, page))
        start = _skip_space(text, stop)
    return chunks


def _row_chunks(doc: ParsedDocument, max_chars: int) -> list[Chunk]:
    """Tables (CSV, XLSX, ODS): one chunk per row, each row's line naming its columns, so a hit is one
    record. A sheet's title line joins its first row; a row longer than `max_chars` is cut at spaces."""
    text = doc.text
    # Sheet titles only: a row that starts "Article 5" is a record, not a legal heading.
    headings = sorted(
        {
            text.rfind("\n", 0, min(max(s.start, 0), len(text))) + 1: (1, _tidy(s.title))
            for s in doc.sections
        }.items()
    )
    paths = _paths([(start, level, title) for start, (level, title) in headings])
    bounds = [start for start, _ in headings]
    titles = set(bounds)
    chunks: list[Chunk] = []
    start = _skip_space(text, 0)
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if start in titles and end < len(text):  # the sheet's title line goes with its first row
            following = text.find("\n", _skip_space(text, end))
            end = len(text) if following < 0 else following
        if end - start > max_chars:
            end = _hard_cut(text, start, start + max_chars)
        stop = end
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            section = _label(_path_at(paths, bounds, start), _path_at(paths, bounds, end - 1))
            chunks.append(Chunk(len(chunks), start, end, text[start:end], section, None))
        start = _skip_space(text, stop)
    return chunks


def _bare_headings(text: str, bounds: list[int]) -> list[bool]:
    """For each heading, whether its unit (up to the next heading) is nothing but the heading line."""
    ends = [*bounds[1:], len(text)] if bounds else []
    bare: list[bool] = []
    for start, end in zip(bounds, ends, strict=True):
        unit = text[start:end].strip()
        bare.append("\n" not in unit and len(unit) <= _MAX_TITLED_LINE)
    return bare


def _skip_space(text: str, pos: int) -> int:
    match = _NON_SPACE.search(text, pos)
    return match.start() if match else len(text)


def _chunk_end(
    text: str, start: int, bounds: list[int], bare: list[bool], target: int, maximum: int, minimum: int
) -> int:
    """Where the chunk starting at `start` ends (before trimming)."""
    i = bisect_right(bounds, start + minimum - 1)
    # A unit that is only its heading line ("الباب الأول", "# Titre") never ends a chunk: it joins what
    # it heads, even when it alone reaches the minimum size.
    while 0 < i < len(bounds) and bounds[i - 1] >= start and bare[i - 1] and bounds[i] - start <= maximum:
        i += 1
    hard = bounds[i] if i < len(bounds) else len(text)
    if hard - start <= maximum:
        return hard
    span = hard - start
    pieces = -(-span // target)
    aim = start + min(target, -(-span // pieces))
    high = start + maximum
    # The chunk must hold more than the headings it opens with: no break before the end of their lines.
    low = start + minimum
    heads_end = _leading_headings_end(text, start, bounds, bare, high)
    if low <= heads_end < high:
        low = heads_end + 1
    for pattern in (_PARAGRAPH_BREAK, _SENTENCE_END, _LINE_BREAK, _SPACE):
        found = _break_near(text, pattern, low, high, aim)
        if found is not None:
            return found
    return _hard_cut(text, start, high)


def _leading_headings_end(text: str, start: int, bounds: list[int], bare: list[bool], high: int) -> int:
    """End of the line of the last heading in the run of headings the chunk at `start` opens with.

    The walk stops at `high` (the chunk's largest end): past it the answer no longer matters, and a
    document of 100k bare heading lines would otherwise be walked to its end for every chunk.
    """
    j = bisect_right(bounds, start) - 1
    if j < 0 or text[bounds[j] : start].strip():
        return start  # the chunk opens with body text
    while bare[j] and j + 1 < len(bounds) and bounds[j] < high:
        j += 1
    newline = text.find("\n", bounds[j])
    return newline if newline >= 0 else len(text)


def _break_near(text: str, pattern: re.Pattern[str], low: int, high: int, aim: int) -> int | None:
    """The last break at or before `aim` in [low, high], else the first after it."""
    before = None
    matches = pattern.finditer(text, low, high)
    if pattern is _SENTENCE_END and 0 < low < high and text[low - 1] in _STOPS and text[low] in _STOPS:
        # A run of stops that began before `low` still ends a sentence inside the window.
        matches = itertools.chain(filter(None, [_SENTENCE_END_IN_RUN.match(text, low, high)]), matches)
    for match in matches:
        pos = match.end()
        if pattern is _SENTENCE_END and (
            _is_list_number(text, match.start()) or _after_abbreviation(text, match.start())
        ):
            continue
        if pos <= aim:
            before = pos
        else:
            return before if before is not None else pos
    return before


def _after_abbreviation(text: str, dot: int) -> bool:
    """True for the lone stop of "Art." or "M.": the run is one character and follows an abbreviation."""
    return text[dot + 1 : dot + 2] not in _STOPS and not _NOT_AFTER_ABBREVIATION.match(text, dot)


def _is_list_number(text: str, dot: int) -> bool:
    """True for the dot of "1." or "12." opening a line: a list number, not a sentence end."""
    newline = text.rfind("\n", max(0, dot - 8), dot)
    if newline < 0 and dot >= 8:
        return False
    return text[newline + 1 : dot].strip().isdigit()


def _hard_cut(text: str, start: int, cut: int) -> int:
    # No space in max_chars characters: cut, but not between a letter and its combining marks. A run of
    # marks with no letter in the chunk (thousands of harakat) is cut anyway: walking back to the chunk's
    # start would make every chunk one character long, each costing max_chars steps.
    pos = cut
    while pos > start + 1 and unicodedata.combining(text[pos]):
        pos -= 1
    return pos if pos > start + 1 else cut


# --- headings and section paths -------------------------------------------------------------------------


def _headings(text: str, sections: list[Section]) -> list[tuple[int, int, str]]:
    """Document sections (snapped to line starts) and legal headings: (start, level, title), sorted."""
    found: dict[int, tuple[int, str]] = {}
    for section in sections:
        # Offsets can be stale when the text was rewritten after parsing (pseudonymisation): snapping to
        # the start of a line keeps every boundary between words.
        pos = min(max(section.start, 0), len(text))
        start = text.rfind("\n", 0, pos) + 1
        level = min(max(section.level, 1), 9)
        found.setdefault(start, (level, _tidy(section.title)))
    for start, level, title in legal_headings(text):
        found.setdefault(start, (level, title))
    return [(start, level, title) for start, (level, title) in sorted(found.items())]


def legal_headings(text: str) -> list[tuple[int, int, str]]:
    """Headings of legal texts found in plain text: (line start, level, title), in order."""
    candidates = list(_HEADING_LINE.finditer(text))
    madda = any(m.group("key").endswith("مادة") and _accepted(m, ARTICLE_LEVEL) for m in candidates)
    headings = []
    for match in candidates:
        key = match.group("key")
        if key.endswith("فصل"):
            level = _FASL_CHAPTER_LEVEL if madda else ARTICLE_LEVEL
        else:
            level = _LEVELS[key.lower()]
        if _accepted(match, level):
            headings.append((match.start(), level, _heading_title(match, level)))
    return headings


def _indent(match: re.Match[str]) -> int:
    return match.start("key") - match.start()


def _accepted(match: re.Match[str], level: int) -> bool:
    """Tell a heading line from a sentence that starts with "المادة 12 من…" after a line wrap."""
    tail = match.group("tail")
    stripped = tail.strip()
    if not stripped:
        return True
    if tail[0] in _SEPARATORS or (tail[0] in " \t" and stripped[0] in _SEPARATORS):
        # A chapter's title is a phrase; a sentence running on after it ("…وختامية.وقد اهتم") is prose
        # that happens to begin with "الكتاب الثامن:". An article line may carry its first sentence.
        return level >= ARTICLE_LEVEL or not _RUN_ON.search(stripped.lstrip(_SEPARATORS))
    if tail[0] not in " \t":
        return False  # "المادة 108من" or "Article 12de": a number glued to the next word
    if stripped.startswith("(") and stripped.endswith(")"):
        return True  # "الفصل 3 (جديد)", "Article 5 (nouveau)"
    first = stripped.split(None, 1)[0].lower().rstrip(",،")
    if level >= ARTICLE_LEVEL or first in _REFERENCE_WORDS or first.startswith("و"):
        return False
    return len(match.group()) <= _MAX_TITLED_LINE


def _heading_title(match: re.Match[str], level: int) -> str:
    tail = match.group("tail").strip().lstrip(_SEPARATORS).strip()
    if level >= ARTICLE_LEVEL and (
        len(tail) > _ARTICLE_TITLE_MAX or _RUN_ON.search(tail) or tail[-1:] in _SENTENCE_STOPS
    ):
        # An article line may carry its first sentence: then the title is the article's number only.
        return _tidy(match.group()[_indent(match) : match.start("tail") - match.start()])
    return _tidy(match.group())


def _tidy(title: str) -> str:
    return " ".join(title.split())[:_TITLE_MAX].rstrip(" :.-–—")


def _paths(headings: list[tuple[int, int, str]]) -> list[tuple[str, ...]]:
    """The heading path at each heading: the titles of the open headings of lower level, then its own."""
    stack: list[tuple[int, str]] = []
    paths = []
    for _, level, title in headings:
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, title))
        paths.append(tuple(t for _, t in stack))
    return paths


def _path_at(paths: list[tuple[str, ...]], bounds: list[int], pos: int) -> tuple[str, ...]:
    i = bisect_right(bounds, pos) - 1
    return paths[i] if i >= 0 else ()


def _label(first: tuple[str, ...], last: tuple[str, ...]) -> str | None:
    """Section label of a chunk from the paths at its first and last character."""
    if first == last or not last:
        return " > ".join(first) or None
    common = 0
    while common < min(len(first), len(last)) and first[common] == last[common]:
        common += 1
    if common == len(first):  # the chunk opens with the headings of what follows (or has none before)
        return " > ".join(last)
    head = " > ".join(first[:common])
    span = " > ".join(first[common:]) + " – " + " > ".join(last[common:])
    return f"{head} > {span}" if head else span
