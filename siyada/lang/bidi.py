"""Names that show what they are: direction overrides and invisible characters in names and titles.

A right-to-left override makes `invoice\u202etxt.exe` display as `invoiceexe.txt`; a zero-width space
makes two usernames look alike. Arabic letters are right-to-left by themselves and need none of these
characters, so they are refused where a person types a name (usernames, tenants, collections, keys:
`refusal`) and removed where a name comes from a file or a document (uploaded file names, extracted
titles: `neutralise`), so that an upload never fails because of them.

Hidden here: every format character (Unicode category Cf: the bidi embeddings, overrides and isolates
U+202A-U+202E and U+2066-U+2069, the marks U+200E, U+200F and U+061C, zero-width spaces and joiners,
the byte-order mark, tag characters), control characters (Cc: newlines, tabs, NUL) and the line and
paragraph separators (Zl, Zp).
"""

from __future__ import annotations

import unicodedata

_HIDDEN_CATEGORIES = frozenset({"Cf", "Cc", "Zl", "Zp"})
# Controls that visibly separate words become a space when neutralised, not nothing.
_SPACING = frozenset({"Cc", "Zl", "Zp"})


def is_hidden(char: str) -> bool:
    return unicodedata.category(char) in _HIDDEN_CATEGORIES


def first_hidden(text: str) -> str | None:
    """The first hidden character of `text`, or None."""
    return next((c for c in text if is_hidden(c)), None)


def refusal(text: str, field: str) -> str | None:
    """Why `text` is refused as a `field`, or None when it holds no hidden character."""
    char = first_hidden(text)
    if char is None:
        return None
    name = unicodedata.name(char, "a control character")
    return (
        f"{field} must not contain invisible or text-direction characters "
        f"(found U+{ord(char):04X}, {name.lower()})"
    )


def neutralise(text: str) -> str:
    """`text` without its hidden characters (controls become spaces), trimmed."""
    if first_hidden(text) is None:
        return text
    kept = (" " if unicodedata.category(c) in _SPACING else "" if is_hidden(c) else c for c in text)
    return "".join(kept).strip()
