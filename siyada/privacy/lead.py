"""A lookahead on the characters a pattern's match can start with (fourth speed pass).

A pattern that opens on a lookbehind (`(?<![\\w])…`) gives Python's regex engine no first character to
scan for, so it tries the whole pattern at every position of the text. Put first, `(?=[…])` holding
every character a match can start with lets the engine skip to those positions with its character-set
scan: the same matches (the class is a necessary condition), a third to a half less time per scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def lead(words: Iterable[str], *, fold_case: bool = False, more: str = "") -> str:
    """`(?=[…])` on the first characters of `words` (lower-cased when the pattern is compiled with
    IGNORECASE, which then matches the class case-insensitively too) and the characters in `more`."""
    firsts = {(w.lower() if fold_case else w)[:1] for w in words} | set(more)
    firsts.discard("")
    return "(?=[" + "".join(re.escape(c) for c in sorted(firsts)) + "])"
