"""Inline span markup for hand-labelled personal-data texts.

A labelled text marks each entity inline as ``⟦TYPE:value⟧``, for example::

    fr| Je soussigné M. ⟦PERSON:Karim Bennani⟧, titulaire de la CIN n° ⟦MA_CIN:JK45123⟧.

:func:`parse_markup` removes the marks and returns the plain text with the entity spans (Python string
offsets, end exclusive). :func:`load_markup` reads a whole file: one document per line, blank lines and
lines starting with ``#`` skipped, and an optional language tag (``fr|``, ``ar|``, ``ary|``,
``ary-latn|`` or ``ary_latn|``, ``mixed|``, ``zgh|``) at the start of a line.

Run ``python -m siyada.privacy.markup FILE.txt > out.jsonl`` to print one JSON document per line.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from siyada.privacy.entities import ALIASES

MARK = re.compile(r"⟦([A-Z_]+):(.*?)⟧", re.S)
# "ary_latn|" as some sets write it is "ary-latn": left unread, the tag stayed in the text.
LANG_TAG = re.compile(r"^([a-z]{2,8}(?:[-_][a-z]{2,8})*)\|[ \t]?")
UNKNOWN_LANG = "und"


def parse_markup(line: str) -> tuple[str, list[dict]]:
    """Remove the ``⟦TYPE:value⟧`` marks from ``line``.

    Returns the plain text and the entities ``{"start", "end", "type"}`` as offsets into it.
    Raises ``ValueError`` when a stray ``⟦`` or ``⟧`` is left after the marks are removed.
    """
    parts: list[str] = []
    entities: list[dict] = []
    length = 0
    last = 0
    for match in MARK.finditer(line):
        before = line[last : match.start()]
        parts.append(before)
        length += len(before)
        kind, value = match.group(1), match.group(2)
        entities.append({"start": length, "end": length + len(value), "type": ALIASES.get(kind, kind)})
        parts.append(value)
        length += len(value)
        last = match.end()
    parts.append(line[last:])
    text = "".join(parts)
    if "⟦" in text or "⟧" in text:
        raise ValueError(f"unbalanced or malformed mark in: {line!r}")
    return text, entities


def load_markup(path: str | Path) -> list[dict]:
    """Read a UTF-8 markup file into documents ``{"id", "lang", "text", "entities"}``."""
    path = Path(path)
    docs: list[dict] = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        lang = UNKNOWN_LANG
        tag = LANG_TAG.match(line)
        if tag:
            lang = tag.group(1).replace("_", "-")
            line = line[tag.end() :]
        try:
            text, entities = parse_markup(line)
        except ValueError as exc:
            raise ValueError(f"{path}:{lineno}: {exc}") from exc
        docs.append(
            {"id": f"{path.stem}-{len(docs) + 1:04d}", "lang": lang, "text": text, "entities": entities}
        )
    return docs


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m siyada.privacy.markup FILE.txt > out.jsonl", file=sys.stderr)
        return 2
    for doc in load_markup(args[0]):
        sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
