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


# The same characters as code point ranges (Python 3.11's Unicode 14 tables; a test compares them with
# `unicodedata`), for the published JSON schema: `VISIBLE_PATTERN` matches a string holding none.
HIDDEN_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x001F),
    (0x007F, 0x009F),
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F)
,
)
VISIBLE_PATTERN = "^[^" + "".join(f"{chr(a)}-{chr(b)}" for a, b in HIDDEN_RANGES) + "]*$"


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
