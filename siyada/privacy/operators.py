"""What to do with detected personal data: typed placeholders, masking, keyed hashing, redaction, and
reversible pseudonymisation (placeholders whose mapping stays in memory for one request).

Every operator rewrites the text right to left so earlier offsets stay valid, and returns the items it
replaced with their offsets in the *output* text (as Presidio's anonymizer does).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from siyada.privacy.analyzer import DEFAULT_THRESHOLD, analyze
from siyada.privacy.entities import PERSON, Entity

_AFTER_OPENER = re.compile(r"\s*(\w*)(\s*)")
OPERATORS = ("replace", "mask", "hash", "redact", "pseudonymize")


@dataclass(frozen=True, slots=True)
class Item:
    """One replaced span: where it lies in the output text and what replaced it."""

    start: int
    end: int
    type: str
    score: float
    operator: str


def detect(
    text: str, threshold: float = DEFAULT_THRESHOLD, types: Iterable[str] | None = None
) -> list[Entity]:
    wanted = frozenset(types) if types is not None else None
    return [e for e in analyze(text, threshold) if wanted is None or e.type in wanted]


def _rewrite(text: str, found: list[Entity], render: dict[Entity, str], op: str) -> tuple[str, list[Item]]:
    """Replace each entity by its rendering; offsets of the items refer to the new text."""
    parts: list[str] = []
    items: list[Item] = []
    pos = 0
    out_len = 0
    for ent in sorted(found, key=lambda e: e.start):
        parts.append(text[pos : ent.start])
        out_len += ent.start - pos
        new = render[ent]
        items.append(Item(out_len, out_len + len(new), ent.type, ent.score, op))
        parts.append(new)
        out_len += len(new)
        pos = ent.end
    parts.append(text[pos:])
    return "".join(parts), items


def _identity(etype: str, value: str) -> str:
    """Two spellings of one value share a placeholder: names by case and spacing, numbers by digits."""
    if etype == PERSON:
        return " ".join(value.casefold().replace("-", " ").split())
    return re.sub(r"[\s.\-|/()]", "", value).casefold().removeprefix("+212").removeprefix("00212")


def mask(text: str, found: list[Entity], char: str = "*", keep_last: int = 0) -> tuple[str, list[Item]]:
    """Hide every character of the value but its separators and the last `keep_last` characters."""
    render = {}
    for ent in found:
        value = ent.text(text)
        keep_from = len(value) - keep_last if keep_last else len(value)
        render[ent] = "".join(c if (i >= keep_from or not c.isalnum()) else char for i, c in enumerate(value))
    return _rewrite(text, found, render, "mask")


def redact(text: str, found: list[Entity]) -> tuple[str, list[Item]]:
    return _rewrite(text, found, {e: "" for e in found}, "redact")


def keyed_hash(text: str, found: list[Entity], key: bytes, length: int = 16) -> tuple[str, list[Item]]:
    """HMAC-SHA256 of the normalised value under a per-tenant key: stable across requests (so records can
    still be joined) but not reversible, and not guessable by hashing a list of CIN numbers without the
    key."""
    render = {}
    for ent in found:
        digest = hmac.new(key, _identity(ent.type, ent.text(text)).encode(), hashlib.sha256).hexdigest()
        render[ent] = f"<{ent.type}:{digest[:length]}>"
    return _rewrite(text, found, render, "hash")


def replace(text: str, found: list[Entity]) -> tuple[str, list[Item]]:
    """Typed placeholders, numbered and consistent within this text (`<PERSON_1>` twice for one person)."""
    pseudo = Pseudonymiser()
    return pseudo.apply(text, found, operator="replace")


@dataclass
class Pseudonymiser:
    """One request's reversible mapping between real values and placeholders such as `<PERSON_1>`.

    It lives in memory for the request only; `restore` puts the real values back into what a model wrote,
    tolerating the small changes models make to placeholders (brackets, case, spaces)."""

    threshold: float = DEFAULT_THRESHOLD
    types: frozenset[str] | None = None
    values: dict[str, str] = field(default_factory=dict)  # placeholder -> original value
    _by_identity: dict[tuple[str, str], str] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = None
    # Texts already analysed in this request: schemas and conversations repeat strings ("string",
    # "object", a system prompt), and one text always gets the same placeholders within a mapping.
    _memo: dict[str, str] = field(default_factory=dict)

    def placeholder(self, etype: str, value: str) -> str:
        key = (etype, _identity(etype, value))
        found = self._by_identity.get(key)
        if found is None:
            n = self._counts.get(etype, 0) + 1
            self._counts[etype] = n
            found = f"<{etype}_{n}>"
            self._by_identity[key] = found
            self.values[found] = value
            self._pattern = None
        return found

    def apply(self, text: str, found: list[Entity], operator: str = "pseudonymize") -> tuple[str, list[Item]]:
        render = {e: self.placeholder(e.type, e.text(text)) for e in found}
        return _rewrite(text, found, render, operator)

    def pseudonymise(self, text: str) -> str:
        if not text:
            return text
        done = self._memo.get(text)
        if done is None:
            found = detect(text, self.threshold, self.types)
            done = self._memo[text] = self.apply(text, found)[0] if found else text
        return done

    @property
    def active(self) -> bool:
        return bool(self.values)

    def _matcher(self) -> re.Pattern[str]:
        if self._pattern is None:
            names = sorted((p[1:-1] for p in self.values), key=len, reverse=True)
            alternatives = "|".join(re.escape(n) for n in names)
            # <PERSON_1>, [PERSON_1], {PERSON_1}, < person_1 >, or the bare token PERSON_1.
            self._pattern = re.compile(
                rf"[<\[{{]\s*({alternatives})\s*[>\]}}]|(?<![\w<\[{{])({alternatives})(?!\w)", re.IGNORECASE
            )
        return self._pattern

    def restore(self, text: str) -> str:
        if not self.values or not text:
            return text
        return self._matcher().sub(self._original, text)

    def _original(self, m: re.Match[str]) -> str:
        name = (m.group(1) or m.group(2)).upper()
        return self.values.get(f"<{name}>", m.group(0))

    def restorer(self) -> StreamRestorer:
        return StreamRestorer(self)


class StreamRestorer:
    """Restores placeholders in a text that arrives in pieces (a streamed answer).

    A placeholder may be split across pieces (`<PER` + `SON_1>`), so the tail that could still be the
    start of one is held back until the next piece decides it, and released by `flush` at the end."""

    _MAX_HOLD = 48  # longer than any placeholder with brackets and spaces

    def __init__(self, pseudonymiser: Pseudonymiser) -> None:
        self.p = pseudonymiser
        self.pending = ""
        self._tokens = {name[1:-1].casefold() for name in pseudonymiser.values}
        self._prefixes = {t[:i] for t in self._tokens for i in range(1, len(t) + 1)}

    def feed(self, piece: str) -> str:
        if not self.p.values:
            return piece
        text = self.pending + piece
        cut = self._hold_from(text)
        self.pending = text[cut:]
        return self.p.restore(text[:cut])

    def flush(self) -> str:
        text, self.pending = self.pending, ""
        return self.p.restore(text)

    def _hold_from(self, text: str) -> int:
        """Index from which the tail of `text` might still grow into a placeholder."""
        start = max(0, len(text) - self._MAX_HOLD)
        opener = max(text.rfind("<", start), text.rfind("[", start), text.rfind("{", start))
        if opener >= 0 and self._may_open(text[opener + 1 :]):
            return opener
        tail = len(text)
        while tail > start and (text[tail - 1].isalnum() or text[tail - 1] == "_"):
            tail -= 1
        if tail < len(text) and text[tail:].casefold() in self._prefixes:
            return tail
        return len(text)

    def _may_open(self, rest: str) -> bool:
        """Whether the text after an opening bracket can still become `NAME>` (spaces allowed around)."""
        m = _AFTER_OPENER.fullmatch(rest)
        if m is None:
            return False
        word, spaces = m.group(1).casefold(), m.group(2)
        return not word or (word in self._tokens if spaces else word in self._prefixes)


def scrub(text: str) -> str:
    """Replace every detected value by its bare type (`<MA_CIN>`): for records that must hold none."""
    found = analyze(text) if text else []
    return _rewrite(text, found, {e: f"<{e.type}>" for e in found}, "scrub")[0] if found else text
